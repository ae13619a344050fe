// SIM sessions through the real stack: gateway → the `sims` function
// (verify_jwt) → PostgREST under the caller's JWT (RLS) and the backend RPCs;
// the buyer and the scorer are the OpenAI ones against the test instance's
// stand-in. A whole session: start, turns stored as they happen (a reload
// reads them back), the buyer's reply streamed, scoring that fails cleanly
// (nothing half-written) and then succeeds, the bookkeeping it writes, who
// may see or drive a session, and the plan limit.
import assert from "node:assert/strict";
import { instance, type InstanceName } from "../../local/config.ts";
import { accessToken, ANON_KEY, API_URL, rpcAs } from "../../local/tests/helpers.ts";
import { makeHandler, supabaseSims } from "../../functions/sims/handler.ts";
import { addMember, createAgent, createOrg, createTenant, withDb } from "./fixtures.ts";

const inst = instance((Deno.env.get("SALESPULSE_INSTANCE") ?? "test") as InstanceName);
const OPENAI = `http://127.0.0.1:${inst.ports.openai}/_sandbox`;

const tenant = await createTenant();
const AGENT = tenant.agentUser.id;
const OTHER_AGENT = (await addMember(tenant.org, "agent")).id;
const LEAVER = await addMember(tenant.org, "agent");
const OTHER_MANAGER = (await addMember(await createOrg(), "manager")).id;
await createAgent(tenant.org, { user: LEAVER });

async function sims(user: string, body: unknown): Promise<Response> {
  return await fetch(`${API_URL}/functions/v1/sims`, {
    method: "POST",
    headers: { apikey: ANON_KEY, authorization: `Bearer ${await accessToken(user)}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
async function lines(res: Response): Promise<{ type: string; [k: string]: unknown }[]> {
  const text = await res.text();
  return text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
}
async function fault(spec: unknown) {
  const r = await fetch(`${OPENAI}/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(spec) });
  if (!r.ok) throw new Error(`fault: ${r.status} ${await r.text()}`);
  await r.body?.cancel();
}
async function template(name: string): Promise<string> {
  return await withDb(async (sql) => {
    const [t] = await sql`select id from public.sim_templates where org_id = ${tenant.org.id} and name like ${name + "%"}`;
    return t.id as string;
  });
}

Deno.test("every organization has the built-in library; members read it, other tenants do not", async () => {
  const mine = await rpcAs(AGENT, "sim_leaderboard", { p_org_id: tenant.org.id });
  assert.equal(mine.status, 200);
  const token = await accessToken(AGENT);
  const res = await fetch(`${API_URL}/rest/v1/sim_templates?select=name,is_builtin,scorecard_id&org_id=eq.${tenant.org.id}`, {
    headers: { apikey: ANON_KEY, authorization: `Bearer ${token}` },
  });
  const rows = await res.json();
  assert.equal(rows.length, 3);
  assert.ok(rows.every((r: { is_builtin: boolean }) => r.is_builtin));
  const other = await fetch(`${API_URL}/rest/v1/sim_templates?select=id&org_id=eq.${tenant.org.id}`, {
    headers: { apikey: ANON_KEY, authorization: `Bearer ${await accessToken(OTHER_MANAGER)}` },
  });
  assert.deepEqual(await other.json(), []);
});

Deno.test("a whole session: streamed buyer, stored turns, a failed scoring that writes nothing, then the score", async () => {
  const tpl = await template("Discovery");
  const started = await sims(AGENT, { action: "start", template_id: tpl });
  assert.equal(started.status, 201);
  const { session } = await started.json();
  assert.equal(session.status, "active");
  assert.equal(session.attempt, 1);

  const said = await sims(AGENT, { action: "say", session_id: session.id, text: "Hi Dana, this is Alex from SalesPulse. What budget do you have for call analytics?" });
  assert.equal(said.status, 200);
  assert.match(said.headers.get("content-type") ?? "", /ndjson/);
  const events = await lines(said);
  assert.equal(events[0].type, "rep");
  assert.ok(events.some((e) => e.type === "delta"), "the reply streams");
  const buyer = events.at(-1)!;
  assert.equal(buyer.type, "buyer");
  const deltas = events.filter((e) => e.type === "delta").map((e) => e.text).join("");
  assert.equal((buyer.turn as { content: string }).content, deltas.trim());

  // Someone else cannot drive the session; managers read it, other tenants do not.
  assert.equal((await sims(OTHER_AGENT, { action: "say", session_id: session.id, text: "hello" })).status, 404);
  assert.equal((await sims(tenant.manager.id, { action: "end", session_id: session.id })).status, 404);
  const asManager = await rpcAs(tenant.manager.id, "sim_session", { p_session_id: session.id });
  assert.equal(asManager.body.turns.length, 2, "a reload reads both turns back");
  assert.equal((await rpcAs(OTHER_AGENT, "sim_session", { p_session_id: session.id })).body.code, "SP404");
  assert.equal((await rpcAs(OTHER_MANAGER, "sim_session", { p_session_id: session.id })).body.code, "SP404");

  await (await sims(AGENT, { action: "say", session_id: session.id, text: "Shall we book a demo next Tuesday?" })).text();

  // The scorer fails at the provider (500 through the SDK's retries): a clear error, nothing half-written.
  await fault({ kind: "server_error", path: "/v1/chat/completions", count: 3 });
  const failed = await sims(AGENT, { action: "end", session_id: session.id });
  assert.equal(failed.status, 502);
  assert.equal((await failed.json()).error.code, "scoring_failed");
  await withDb(async (sql) => {
    const [s] = await sql`select status, score, score_error from public.user_sims where id = ${session.id}`;
    assert.equal(s.status, "ended");
    assert.equal(s.score, null);
    assert.match(s.score_error, /AI service had an error/);
    const [a] = await sql`select count(*)::int n from public.scorecard_answers where user_sim_id = ${session.id}`;
    assert.equal(a.n, 0);
  });
  assert.equal((await sims(AGENT, { action: "say", session_id: session.id, text: "still there?" })).status, 409);

  // Invalid JSON once is retried; the score is then written whole.
  await fault({ kind: "invalid_json", path: "/v1/chat/completions", count: 1 });
  const ended = await sims(AGENT, { action: "end", session_id: session.id });
  assert.equal(ended.status, 200);
  const scored = (await ended.json()).session;
  assert.equal(scored.status, "scored");
  assert.equal(scored.scorer, "openai");
  assert.ok(scored.score >= 0 && scored.score <= 100);
  assert.equal(typeof scored.passed, "boolean");

  const report = (await rpcAs(AGENT, "sim_session", { p_session_id: session.id })).body;
  assert.equal(report.items.length, 5);
  assert.ok(report.items.every((i: { answer: string | null }) => ["yes", "no", "partial"].includes(i.answer!)));
  const turns = report.turns.map((t: { content: string }) => t.content);
  for (const i of report.items.filter((x: { answer: string }) => x.answer !== "no")) {
    assert.ok(turns.some((t: string) => t.includes(i.evidence_quote)), `evidence from the session: ${i.evidence_quote}`);
  }

  await withDb(async (sql) => {
    const [act] = await sql`select type, user_id, (metadata ->> 'score')::int score from public.activities where source_type = 'user_sim' and source_id = ${session.id}`;
    assert.equal(act.type, "sim");
    assert.equal(act.user_id, AGENT);
    assert.equal(act.score, scored.score);
    const usage = await sql`select quantity::int q from public.usage_records where kind = 'sim_session' and source_id = ${session.id}`;
    assert.deepEqual(usage.map((u) => u.q), [1]);
    const costs = await sql`select item from public.provider_costs where source_type = 'user_sim' and source_id = ${session.id} order by item`;
    assert.deepEqual(costs.map((c) => c.item), ["gpt-4o:input_tokens", "gpt-4o:output_tokens"]);
  });

  // Ending again changes nothing.
  const again = await sims(AGENT, { action: "end", session_id: session.id });
  assert.equal((await again.json()).session.score, scored.score);

  // The leaderboard: the manager sees the team, the other agent only their own (none).
  const board = await rpcAs(tenant.manager.id, "sim_leaderboard", { p_org_id: tenant.org.id });
  assert.ok(board.body.some((r: { user_id: string; best_score: number }) => r.user_id === AGENT && r.best_score === scored.score));
  assert.deepEqual((await rpcAs(OTHER_AGENT, "sim_leaderboard", { p_org_id: tenant.org.id })).body, []);
});

Deno.test("a removed member can neither start nor read their sessions", async () => {
  const tpl = await template("Cold call");
  const { session } = await (await sims(LEAVER.id, { action: "start", template_id: tpl })).json();
  await withDb((sql) => sql`delete from public.memberships where org_id = ${tenant.org.id} and user_id = ${LEAVER.id}`);
  assert.equal((await sims(LEAVER.id, { action: "start", template_id: tpl })).status, 404);
  assert.equal((await sims(LEAVER.id, { action: "say", session_id: session.id, text: "hello" })).status, 404);
  assert.equal((await rpcAs(LEAVER.id, "sim_session", { p_session_id: session.id })).body.code, "SP404");
});

Deno.test("the plan's sim_sessions_per_month is enforced in SQL (402)", async () => {
  const org = await createOrg();
  const rep = await addMember(org, "agent");
  await withDb((sql) => sql`insert into public.feature_flags (org_id, key, limit_value, note) values (${org.id}, 'sim_sessions_per_month', 1, 'tests')`);
  const [t] = await withDb((sql) => sql`select id from public.sim_templates where org_id = ${org.id} limit 1`);
  assert.equal((await sims(rep.id, { action: "start", template_id: t.id })).status, 201);
  const refused = await sims(rep.id, { action: "start", template_id: t.id });
  assert.equal(refused.status, 402);
  assert.equal((await refused.json()).error.code, "plan_limit");
});

Deno.test("without OPENAI_API_KEY the offline buyer and scorer run a whole session on the real database", async () => {
  // The function's own wiring with the provider switched off, as a deployment without the key has it.
  const offline = makeHandler({ store: supabaseSims, ai: () => null });
  const rep = await addMember(tenant.org, "agent");
  const token = await accessToken(rep.id);
  const call = (body: unknown) =>
    offline(new Request("http://local/functions/v1/sims", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }));
  const tpl = await template("Objection");
  const { session } = await (await call({ action: "start", template_id: tpl })).json();
  await (await call({ action: "say", session_id: session.id, text: "Hi Sam, this is Alex from Acme." })).text();
  const second = await lines(await call({ action: "say", session_id: session.id, text: "I understand. What budget did you have in mind?" }));
  assert.equal((second.at(-1)!.turn as { content: string }).content, "Honestly, this is too expensive for a company our size.",
    "the scripted buyer raises the template's first objection on its turn");
  await (await call({ action: "say", session_id: session.id, text: "Shall we book a demo for Tuesday?" })).text();
  const ended = await call({ action: "end", session_id: session.id });
  assert.equal(ended.status, 200);
  const scored = (await ended.json()).session;
  assert.equal(scored.scorer, "offline");
  assert.equal(scored.buyer, "offline");
  const report = (await rpcAs(rep.id, "sim_session", { p_session_id: session.id })).body;
  const by = Object.fromEntries(report.items.map((i: { key: string }) => [i.key, i]));
  assert.equal(by.budget.answer, "yes");
  assert.equal(by.budget.evidence_quote, "I understand. What budget did you have in mind?");
  assert.equal(by.next_step.answer, "yes");
  await withDb(async (sql) => {
    const costs = await sql`select count(*)::int n from public.provider_costs where source_id = ${session.id}`;
    assert.equal(costs[0].n, 0, "no LLM, no provider cost");
  });
});

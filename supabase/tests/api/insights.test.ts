// The insight engine end to end on the test stack: signed recording callback
// → worker → Twilio transcript (stand-in) → redaction → GPT-4o Structured
// Outputs (OpenAI stand-in) → insight + bookkeeping; re-analysis, re-runs,
// retries and invalid model output.
import assert from "node:assert/strict";
import { quote as said, SALE_OPENING, saleClose } from "../../functions/_shared/insights/testdata/calls.ts";
import { instance, type InstanceName } from "../../local/config.ts";
import { accessToken, ANON_KEY, API_URL, db, kickWorker as kick, poll, rpcAs as rpc } from "../../local/tests/helpers.ts";
import { addMember, createOrg, createTenant, postRecordedCall, type StandInSentence } from "./fixtures.ts";

const inst = instance((Deno.env.get("SALESPULSE_INSTANCE") ?? "test") as InstanceName);
const OPENAI = `http://127.0.0.1:${inst.ports.openai}/_sandbox`;
// A tenant of this file's own (its line rings its agent) and another tenant's manager.
const tenant = await createTenant();
const MANAGER = tenant.manager.id;
const AGENT_USER = tenant.agentUser.id;
const OTHER_MANAGER = (await addMember(await createOrg(), "manager")).id;

// A sale (the panels, a battery) with a card number and its CVV read out before the close.
const SENTENCES: StandInSentence[] = [
  ...SALE_OPENING,
  { media_channel: 2, start_time: 18.5, end_time: 22, transcript: "Great. Can I take the card number for the deposit?" },
  { media_channel: 1, start_time: 22.5, end_time: 28, transcript: "Sure, it's 4111 1111 1111 1111." },
  { media_channel: 2, start_time: 28.5, end_time: 31, transcript: "And the three digit security code on the back?" },
  { media_channel: 1, start_time: 31.5, end_time: 33, transcript: "It's 737." },
  saleClose(33.5),
];

async function control(url: string, body: unknown) {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : await r.json();
}

/**
 * A word only this test's call says: faults, scripted replies and the request
 * log of the OpenAI stand-in are matched on it, so no other call (another
 * test's, the demo's) takes them or is read instead.
 */
function newTag(): string {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  return "zq" + [...crypto.getRandomValues(new Uint8Array(12))].map((b) => letters[b % 26]).join("");
}

async function newCall(tag = newTag()) {
  const reference: StandInSentence = { media_channel: 2, start_time: 41, end_time: 44, transcript: `Your reference word is ${tag}.` };
  return await postRecordedCall(tenant.number.e164, [...SENTENCES, reference], 120);
}

async function callBySid(sid: string) {
  const sql = db();
  try {
    const [c] = await sql`select * from public.calls where twilio_call_sid = ${sid}`;
    return c;
  } finally {
    await sql.end();
  }
}

async function settled(sid: string, timeoutMs = 30_000) {
  return await poll(`call ${sid} to be analyzed or failed`, async () => {
    const c = await callBySid(sid);
    return c && ["analyzed", "failed"].includes(c.status) ? c : null;
  }, timeoutMs, 250);
}

// deno-lint-ignore no-explicit-any
type Row = Record<string, any>;
async function rows(query: (sql: ReturnType<typeof db>) => PromiseLike<readonly unknown[]>): Promise<Row[]> {
  const sql = db();
  try {
    return [...await query(sql)] as Row[];
  } finally {
    await sql.end();
  }
}

/** The chat completions this test's call sent (matched on its tag). */
async function chatRequests(tag: string) {
  const r = await fetch(`${OPENAI}/requests?path=/v1/chat/completions&contains=${tag}`);
  return (await r.json()).requests as { body: { messages: unknown[] }; fault: string | null; at: string; status: number | null }[];
}

/** Whether the stand-in holds a chat request of this call that it has not answered yet (a slow fault). */
async function chatRequestsPending(tag: string) {
  return (await chatRequests(tag)).some((r) => r.status === null);
}

Deno.test("a recorded call is transcribed, redacted, analyzed and booked", async () => {
  const tag = newTag();
  const sid = await newCall(tag);
  const call = await settled(sid);
  assert.equal(call.status, "analyzed", call.error);

  const [t] = await rows((sql) => sql`select * from public.transcripts where call_id = ${call.id}`);
  assert.equal(t.source, "twilio");
  assert.doesNotMatch(String(t.full_text), /4111/, "the card number is not stored");
  assert.match(String(t.full_text), /\[CARD\]/);
  assert.match(String(t.full_text), /\[CVV\]/);
  assert.equal((t.segments as { speaker: string }[])[0].speaker, "agent");
  assert.equal(t.original_text, null, "the original is not kept without opt-in");

  const sent = await chatRequests(tag);
  assert.equal(sent.length, 1, "one chat completion for this call");
  const prompt = JSON.stringify(sent[0].body.messages);
  assert.doesNotMatch(prompt, /4111|737/, "the LLM never sees the card number or CVV");
  assert.match(prompt, /\[CARD\]/);

  const [insight] = await rows((sql) => sql`select * from public.insights where call_id = ${call.id} and is_current`);
  assert.equal(insight.analyzer, "openai");
  assert.equal(insight.model, "gpt-4o-mini", "the plan's default: a mini-class model");
  assert.equal(insight.model_reason, null);
  assert.equal(insight.prompt_version, "call-insight-v2");
  assert.ok(Number(insight.tokens_in) > 0 && Number(insight.tokens_out) > 0);
  assert.ok(Number(insight.cost_usd) > 0, "the LLM cost is priced");

  const activities = await rows((sql) => sql`select * from public.activities where source_type = 'call' and source_id = ${call.id}`);
  assert.equal(activities.length, 1);
  assert.equal(activities[0].type, "call");
  assert.equal(Number(activities[0].value), Number(insight.upsell_amount));
  assert.equal(activities[0].agent_id, tenant.agent.id);

  const usage = await rows((sql) => sql`select * from public.usage_records where source_id = ${insight.id}`);
  assert.equal(usage.length, 1);
  assert.equal(usage[0].kind, "analyzed_minutes");
  assert.equal(Number(usage[0].quantity), 2);

  const costs = await rows((sql) => sql`
    select provider, item from public.provider_costs
     where source_id in (${call.id}, ${insight.id}) order by provider, item`);
  assert.deepEqual(costs.map((c) => `${c.provider}:${c.item}`), [
    "openai:gpt-4o-mini:input_tokens", "openai:gpt-4o-mini:output_tokens",
    "twilio:recording_minutes", "twilio:transcription_minutes", "twilio:voice_minutes",
  ]);
});

Deno.test("re-analysis keeps history, one current insight, no duplicate bookkeeping; re-running a job adds nothing", async () => {
  const sid = await newCall();
  const call = await settled(sid);
  assert.equal(call.status, "analyzed", call.error);

  // Only managers of the call's organization may re-analyze.
  assert.equal((await rpc(AGENT_USER, "reanalyze_call", { p_call_id: call.id })).body.code, "SP404");
  assert.equal((await rpc(OTHER_MANAGER, "reanalyze_call", { p_call_id: call.id })).body.code, "SP404");
  const r = await rpc(MANAGER, "reanalyze_call", { p_call_id: call.id });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  await kick();
  await poll("the re-analysis", async () => {
    const ins = await rows((sql) => sql`select id from public.insights where call_id = ${call.id}`);
    const c = await callBySid(sid);
    return ins.length === 2 && c.status === "analyzed";
  }, 30_000, 250);

  const insights = await rows((sql) => sql`select id, is_current from public.insights where call_id = ${call.id} order by created_at`);
  assert.deepEqual(insights.map((i) => i.is_current), [false, true], "history kept, the newest is current");
  const activities = await rows((sql) => sql`select id from public.activities where source_id = ${call.id}`);
  assert.equal(activities.length, 1, "the call is still one activity");
  const twilioCosts = await rows((sql) => sql`select id from public.provider_costs where source_id = ${call.id}`);
  assert.equal(twilioCosts.length, 3, "telephony is costed once per call");

  // A job that runs again (e.g. after a crash between its write and its completion).
  const [job] = await rows((sql) => sql`
    update public.jobs set status = 'queued', run_after = now(), locked_by = null, locked_until = null
     where id = (select id from public.jobs where payload->>'call_id' = ${call.id} order by id desc limit 1)
    returning id`);
  await kick();
  await poll("the re-run job to finish", async () => {
    const [j] = await rows((sql) => sql`select status from public.jobs where id = ${job.id}`);
    return j.status === "succeeded";
  }, 20_000, 200);
  assert.equal((await rows((sql) => sql`select id from public.insights where call_id = ${call.id}`)).length, 2);
  assert.equal(
    (await rows((sql) => sql`select id from public.usage_records where source_id in (select id from public.insights where call_id = ${call.id})`)).length,
    2,
    "one usage record per analysis run, none for the re-run",
  );
});

Deno.test("an OpenAI 500 is retried through the queue with backoff", async () => {
  const tag = newTag();
  await control(`${OPENAI}/faults`, { kind: "server_error", path: "/v1/chat/completions", count: 1, match: tag });
  const sid = await newCall(tag);
  const call = await settled(sid, 45_000);
  assert.equal(call.status, "analyzed", call.error);
  const [job] = await rows((sql) => sql`select attempts, last_error from public.jobs where payload->>'call_id' = ${call.id}`);
  assert.equal(job.attempts, 2);
  assert.match(String(job.last_error), /500/);
  assert.deepEqual((await chatRequests(tag)).map((r) => r.fault), ["server_error", null], "the 500 hit this call, then its retry");
});

Deno.test("an OpenAI 429 with Retry-After: the call's job waits that long, then succeeds; no request in between", async () => {
  const tag = newTag();
  await control(`${OPENAI}/faults`, { kind: "rate_limit", path: "/v1/chat/completions", count: 1, retryAfterSeconds: 3, match: tag });
  const sid = await newCall(tag);
  const call = await settled(sid, 60_000);
  assert.equal(call.status, "analyzed", call.error);
  const [job] = await rows((sql) => sql`select attempts, last_error from public.jobs where payload->>'call_id' = ${call.id}`);
  assert.equal(job.attempts, 2);
  assert.match(String(job.last_error), /^RetryLaterError: .*429.*retry after 3000 ms/, "deferred to the Retry-After, not retried on the backoff");
  const sent = await chatRequests(tag);
  assert.deepEqual(sent.map((r) => r.fault), ["rate_limit", null], "one 429, then the one request after the wait");
  const gap = Date.parse(sent[1].at) - Date.parse(sent[0].at);
  assert.ok(gap >= 3000, `the retry went out ${gap} ms after the 429, before its Retry-After of 3 s`);
});

Deno.test("calls whose model answers are slow hold no other call: three wait side by side, one sent after them is analyzed first", async () => {
  // More slow calls than the worker's runs per isolate (2): only jobs running
  // side by side, not one after another per run, get all three under way.
  const slowTags = [newTag(), newTag(), newTag()];
  for (const tag of slowTags) {
    await control(`${OPENAI}/faults`, { kind: "slow", path: "/v1/chat/completions", count: 1, delayMs: 90_000, match: tag });
  }
  const slow = [];
  for (const tag of slowTags) slow.push(await newCall(tag));
  await poll("the three slow calls' model requests to be under way at once", async () => {
    const pending = await Promise.all(slowTags.map(chatRequestsPending));
    return pending.every(Boolean) || null;
  }, 30_000, 100);
  const quick = await settled(await newCall(), 60_000);
  assert.equal(quick.status, "analyzed", quick.error);
  for (const sid of slow) {
    assert.equal((await callBySid(sid)).status, "analyzing", "the slow calls are still waiting for their model answers");
  }
});

Deno.test("the mini model's output invalid twice: the larger model analyzes once, recorded on the insight and priced as it", async () => {
  const tag = newTag();
  await control(`${OPENAI}/faults`, { kind: "invalid_json", path: "/v1/chat/completions", count: 2, match: tag });
  const sid = await newCall(tag);
  const call = await settled(sid);
  assert.equal(call.status, "analyzed", call.error);
  assert.deepEqual((await chatRequests(tag)).map((r) => [(r.body as { model?: string }).model, r.fault]), [
    ["gpt-4o-mini", "invalid_json"], ["gpt-4o-mini", "invalid_json"], ["gpt-4o", null],
  ]);
  const [insight] = await rows((sql) => sql`select * from public.insights where call_id = ${call.id} and is_current`);
  assert.equal(insight.model, "gpt-4o");
  assert.match(String(insight.model_reason), /^escalated: gpt-4o-mini output failed validation \(invalid model output twice: .+\); gpt-4o instead$/);
  const costs = await rows((sql) => sql`select item from public.provider_costs where source_id = ${insight.id} order by item`);
  assert.deepEqual(costs.map((c) => c.item), ["gpt-4o:input_tokens", "gpt-4o:output_tokens"]);
});

Deno.test("invalid model output from both models fails the call with the reason; nothing half-written", async () => {
  const tag = newTag();
  await control(`${OPENAI}/faults`, { kind: "invalid_json", path: "/v1/chat/completions", count: 3, match: tag });
  const sid = await newCall(tag);
  const call = await settled(sid);
  assert.equal(call.status, "failed");
  assert.match(call.error, /invalid model output twice from gpt-4o-mini, then from gpt-4o/);
  const [job] = await rows((sql) => sql`select status from public.jobs where payload->>'call_id' = ${call.id}`);
  assert.equal(job.status, "dead");
  assert.equal((await rows((sql) => sql`select id from public.insights where call_id = ${call.id}`)).length, 0);
  assert.equal((await rows((sql) => sql`select id from public.activities where source_id = ${call.id}`)).length, 0);
});

Deno.test("a failed re-analysis keeps the previous insight current and says why", async () => {
  const tag = newTag();
  const sid = await newCall(tag);
  const call = await settled(sid);
  assert.equal(call.status, "analyzed", call.error);
  const [fault] = (await control(`${OPENAI}/faults`, { kind: "invalid_json", path: "/v1/chat/completions", count: 3, match: tag })).faults;
  try {
    const r = await rpc(MANAGER, "reanalyze_call", { p_call_id: call.id });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await kick();
    const after = await poll("the re-analysis to give up", async () => {
      const c = await callBySid(sid);
      return c.status === "analyzed" && c.error ? c : null;
    }, 30_000, 250);
    assert.match(after.error, /^re-analysis failed: invalid model output twice/);
    const insights = await rows((sql) => sql`select is_current from public.insights where call_id = ${call.id}`);
    assert.deepEqual(insights.map((i) => i.is_current), [true], "the first insight is still the current one");
  } finally {
    await fetch(`${OPENAI}/faults/${fault.id}`, { method: "DELETE" }).then((r) => r.body?.cancel());
  }
});

Deno.test("a model answer quoting words the call never had: the quote is dropped, and what it claimed with it", async () => {
  const tag = newTag();
  const invented = said("I will sign the ten year contract today", 20, "customer");
  await control(`${OPENAI}/chat/replies`, {
    match: tag,
    content: {
      summary: "The customer ordered panels and a battery.",
      sentiment: { score: 0.6, label: "positive", evidence: [said("I'm ready to order the panels we discussed", 4.5, "customer")] },
      converted: { value: true, evidence: invented },
      upsell: {
        amount: 1200,
        currency: "USD",
        items: [
          { name: "Battery backup", amount: 300, evidence: said("let's do it, add the battery", 15.5, "customer") },
          { name: "Gold warranty", amount: 900, evidence: said("yes to the gold warranty as well", 16, "customer") },
        ],
      },
      script_adherence: { score: 0, checklist: [] },
      objections: [],
      next_steps: [],
      key_moments: [
        { label: "Battery upsell", evidence: said("add the battery", 15.5, "customer") },
        { label: "Contract", evidence: invented },
      ],
    },
  });
  const sid = await newCall(tag);
  const call = await settled(sid);
  assert.equal(call.status, "analyzed", call.error);
  assert.equal((await chatRequests(tag)).length, 1);
  const [insight] = await rows((sql) => sql`select * from public.insights where call_id = ${call.id} and is_current`);
  assert.equal(insight.analyzer, "openai");
  const data = insight.data;
  assert.deepEqual(data.key_moments.map((k: { label: string }) => k.label), ["Battery upsell"], "the invented moment is gone");
  assert.deepEqual(data.upsell.items.map((i: { name: string }) => i.name), ["Battery backup"]);
  assert.equal(data.upsell.amount, 300, "the upsell total is recomputed from what survives");
  assert.deepEqual(data.converted, { value: false, evidence: null }, "no conversion without a real quote");
  assert.equal(insight.converted, false);
  assert.equal(Number(insight.upsell_amount), 300);
  assert.equal(insight.dropped_claims, 3);
  assert.doesNotMatch(JSON.stringify(data), /ten year contract|gold warranty/);
  // What a manager of the organization reads through the API is the checked insight.
  const res = await fetch(`${API_URL}/rest/v1/insights?select=data&is_current=is.true&call_id=eq.${call.id}`, {
    headers: { apikey: ANON_KEY, authorization: `Bearer ${await accessToken(MANAGER)}` },
  });
  const [read] = await res.json();
  assert.deepEqual(read.data.key_moments, data.key_moments);
});

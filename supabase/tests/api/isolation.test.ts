// Tenant isolation through the real API (gateway → PostgREST → RLS) with
// real JWTs: for EVERY table PostgREST exposes — enumerated from the catalog,
// so tables added later are covered without touching this file — users of
// one organization try select/insert/update/delete on the other
// organization's rows and get nothing; and, as a positive control, each
// organization's owner can read their own rows (so a missing or broken
// policy shows up here too).
import assert from "node:assert/strict";
import { ANON_KEY, API_URL, db, accessToken } from "../../local/tests/helpers.ts";
import { addMember, createAgent, createStaff, createTenant } from "./fixtures.ts";

// Two tenants of this file's own, with every role, and a staff member.
const tenants = { acme: await createTenant(), globex: await createTenant() };
const ACME = tenants.acme.org.id;
const GLOBEX = tenants.globex.org.id;
const roles = (t: typeof tenants.acme) => ({ owner: t.owner.id, admin: t.admin.id, manager: t.manager.id, agent: t.agentUser.id });
const USERS = { acme: roles(tenants.acme), globex: roles(tenants.globex) };
const STAFF = (await createStaff()).id;

// Tables whose tenant column is not called org_id.
const ORG_COLUMN: Record<string, string> = { organizations: "id", profiles: "current_org_id" };
// Tables that belong to no tenant (staff-only); no tenant user may see a row.
const GLOBAL_TABLES = new Set(["platform_admins", "provider_prices", "stripe_refused_events"]);
// Tenant tables only staff read (internal margins): the positive control reads them as staff.
const STAFF_ONLY_TABLES = new Set(["provider_costs", "stripe_events", "staff_actions"]);
// Tenant tables the API does not expose to anyone: a function serves them after its own check
// (voice-recording: the session's owner and the organization's admins). The control: refused.
const FUNCTION_ONLY_TABLES = new Set(["voice_recordings"]);
// The public catalog: everyone reads it, no tenant writes it.
const PUBLIC_TABLES = new Set(["plans"]);
// Reference data every signed-in user reads and no tenant writes (the consent rules).
const REFERENCE_TABLES = new Set(["consent_regions", "consent_area_codes"]);

interface TableInfo {
  name: string;
  pk: string[];
  orgColumn: string | null;
  insertable: string[]; // columns a client could send
}

async function exposedTables(): Promise<TableInfo[]> {
  const sql = db();
  try {
    const rows = await sql<{ name: string; pk: string[]; cols: string[]; insertable: string[] }[]>`
      select c.relname as name,
             coalesce((select array_agg(a.attname order by a.attnum) from pg_index i
                        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any (i.indkey)
                       where i.indrelid = c.oid and i.indisprimary), '{}') as pk,
             (select array_agg(a.attname order by a.attnum) from pg_attribute a
               where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as cols,
             (select array_agg(a.attname order by a.attnum) from pg_attribute a
               where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                 and a.attidentity <> 'a' and a.attgenerated = '') as insertable
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p')
       order by c.relname`;
    return rows.map((r) => ({
      name: r.name,
      pk: r.pk,
      insertable: r.insertable,
      orgColumn: ORG_COLUMN[r.name] ?? (r.cols.includes("org_id") ? "org_id" : null),
    }));
  } finally {
    await sql.end();
  }
}

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${API_URL}/rest/v1/${path}`, {
    method,
    headers: {
      apikey: ANON_KEY,
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      prefer: "return=representation",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

function pkFilter(t: TableInfo, row: Record<string, unknown>) {
  return t.pk.map((c) => `${c}=eq.${encodeURIComponent(String(row[c]))}`).join("&");
}

/** "Nothing": an empty result, or a refusal. Never rows of the other tenant. */
function assertNothing(r: { status: number; body: unknown }, what: string) {
  if (r.status >= 200 && r.status < 300) {
    assert.deepEqual(r.body, [], `${what}: expected no rows, got ${JSON.stringify(r.body).slice(0, 300)}`);
  } else {
    assert.ok([401, 403, 404].includes(r.status), `${what}: unexpected status ${r.status} ${JSON.stringify(r.body)}`);
  }
}

async function snapshot(t: TableInfo, orgId: string) {
  const sql = db();
  try {
    return await sql.unsafe(
      `select to_jsonb(x) as row from public.${t.name} x where ${t.orgColumn} = $1 order by 1::text`,
      [orgId],
    ).then((rs) => rs.map((r) => r.row as Record<string, unknown>).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
  } finally {
    await sql.end();
  }
}

// Rows in every tenant table for both organizations (the fixtures give the
// tenancy rows, agents and numbers; the rest is arranged here, jobs out of
// the worker's way with run_after in the future), and a row in every global
// table. A new tenant table needs a row here: the matrix below says so.
async function arrange() {
  const sql = db();
  try {
    const insight = {
      summary: "Fixture call.",
      sentiment: { score: 0.5, label: "positive", evidence: [] },
      converted: { value: true, evidence: null },
      upsell: { amount: 10, currency: "USD", items: [] },
      script_adherence: { score: 50, checklist: [] },
      objections: [],
      next_steps: [],
      key_moments: [],
    };
    for (const t of Object.values(tenants)) {
      const org = t.org.id;
      const tag = crypto.randomUUID().replaceAll("-", "");
      const [{ id }] = await sql`insert into public.calls (org_id, agent_id, twilio_call_sid, status, started_at, duration_seconds)
                values (${org}, ${t.agent.id}, ${"CA" + tag}, 'received', now(), 60) returning id`;
      // a tracker heard in the transcript (no alert: its email job would not wait for the test)
      const [tracker] = await sql`insert into public.trackers (org_id, name, terms) values (${org}, 'Fixture tracker', array['hello']) returning id`;
      await sql`select public.save_transcript(${id}, ${sql.json({ source: "twilio", language: "en", full_text: "Agent: Hello.", segments: [{ start: 0, end: 1, speaker: "agent", text: "Hello." }] })})`;
      await sql`insert into public.tracker_alerts (org_id, tracker_id, call_id, hits) values (${org}, ${tracker.id}, ${id}, 1)`;
      await sql`select public.record_call_metrics(${id}, ${sql.json({ talk_ratio: 1, agent_questions: 0 })})`;
      await sql`select public.record_insight(${id}, 'isolation-fixture', ${sql.json({ analyzer: "openai", model: "gpt-4o", prompt_version: "fixture", insight, tokens_in: 100, tokens_out: 50 })})`;
      await sql`select public.enqueue_job('isolation_fixture', ${org}::uuid, '{}'::jsonb, ${"isolation:" + tag}, now() + interval '1 day')`;
      await sql`insert into public.subscriptions (org_id) values (${org}) on conflict (org_id) do nothing`;
      await sql`insert into public.call_comments (org_id, call_id, at_seconds, body) values (${org}, ${id}, 1, 'Fixture comment')`;
      await sql`insert into public.feature_flags (org_id, key, note) values (${org}, 'isolation_fixture', 'test fixture')`;
      await sql`insert into public.call_scripts (org_id, name, is_default, items)
                values (${org}, 'Fixture script', true, '[{"id": "greet", "label": "Greet"}]'::jsonb)`;
      await sql`insert into public.invitations (org_id, email, role, invited_by)
                values (${org}, ${`invitee.${tag.slice(0, 8)}@tests.test`}, 'agent', ${t.owner.id})`;
      await sql`insert into public.stripe_events (id, type, org_id, created, outcome)
                values (${"evt_isolation_" + tag}, 'test.fixture', ${org}, now(), 'processed')`;
      await sql`insert into public.invoices (org_id, stripe_invoice_id, status, amount_due_cents, amount_paid_cents, paid_at, last_event_at)
                values (${org}, ${"in_isolation_" + tag}, 'paid', 4900, 4900, now(), now())`;
      const [goal] = await sql`insert into public.goals (org_id, name, metric, scope, target, period, period_start, period_end)
                values (${org}, 'Fixture goal', 'calls_handled', 'team', 10, 'month', date_trunc('month', now())::date,
                        (date_trunc('month', now()) + interval '1 month' - interval '1 day')::date) returning id`;
      await sql`insert into public.goal_members (goal_id, agent_id, org_id) values (${goal.id}, ${t.agent.id}, ${org})`;
      await sql`insert into public.goal_snapshots (org_id, goal_id, name, metric, scope, target, period, period_start, period_end, actual, sample_size, status)
                values (${org}, ${goal.id}, 'Fixture goal', 'calls_handled', 'team', 10, 'month', '2026-10-01', '2026-10-31', 3, 3, 'missed')`;
      await sql`insert into public.referrals (org_id, referrer_kind, referrer_name, referred_name, referred_email)
                values (${org}, 'customer', 'Ria Referrer', 'Rex Referred', ${`referred.${tag.slice(0, 8)}@tests.test`})`;
      await sql`insert into public.what_if_scenarios (org_id, name, inputs) values (${org}, 'Fixture scenario', '{}'::jsonb)`;
      const [thread] = await sql`insert into public.threads (org_id, subject, contact_email, created_by)
                values (${org}, 'Fixture thread', 'contact@tests.test', ${t.owner.id}) returning id`;
      const [message] = await sql`insert into public.messages (org_id, thread_id, direction, status, from_address, to_address, subject,
                                                             body_text, message_id_header, sent_by)
                values (${org}, ${thread.id}, 'outbound', 'sent', 'fixture@mg.test', 'contact@tests.test', 'Fixture thread', 'Hi',
                        ${`m-${tag}@mg.test`}, ${t.owner.id}) returning id`;
      await sql`insert into public.email_events (id, org_id, message_id, event, occurred_at)
                values (${"ev-isolation-" + tag}, ${org}, ${message.id}, 'delivered', now())`;
      await sql`insert into public.thread_reads (thread_id, org_id, user_id) values (${thread.id}, ${org}, ${t.owner.id})`;
      // Scorecards (the script's mirror and the built-in library come by trigger), a call's answer, an assignment, a session and a turn.
      await sql`insert into public.scorecard_answers (org_id, item_id, call_id, answer, source)
                select ${org}, i.id, ${id}, 'yes', 'ai' from public.scorecard_items i
                  join public.scorecards s on s.id = i.scorecard_id where s.org_id = ${org} and s.source_script_id is not null limit 1`;
      const [tpl] = await sql`select id, scorecard_id from public.sim_templates where org_id = ${org} and is_builtin limit 1`;
      await sql`insert into public.sims (org_id, template_id, user_id) values (${org}, ${tpl.id}, ${t.agentUser.id})`;
      const [session] = await sql`insert into public.user_sims (org_id, user_id, template_id, scorecard_id, attempt, time_limit_minutes)
                values (${org}, ${t.agentUser.id}, ${tpl.id}, ${tpl.scorecard_id}, 1, 10) returning id`;
      await sql`insert into public.user_sim_turns (org_id, user_sim_id, user_id, seq, role, content, at_seconds)
                values (${org}, ${session.id}, ${t.agentUser.id}, 1, 'rep', 'Hello.', 0)`;
      await sql`insert into public.legal_holds (org_id, call_id, reason) values (${org}, ${id}, 'isolation fixture')`;
      await sql`insert into public.purge_runs (org_id, table_name, action, cutoff, rows) values (${org}, 'transcripts', 'delete', now(), 1)`;
      await sql`insert into public.deletion_requests (org_id, subject_kind, status, receipt) values (${org}, 'email', 'completed', '{}'::jsonb)`;
      await sql`insert into public.call_consents (call_id, org_id, region, rule, notice_played, source) values (${id}, ${org}, 'US', 'one_party', false, 'analyzer')`;
      await sql`insert into public.budget_caps (org_id, monthly_usd) values (${org}, 100)`;
      await sql`insert into public.budget_notices (org_id, month, spent_usd, cap_usd, model) values (${org}, '2026-01-01', 90, 100, 'gpt-4o-mini')`;
      await sql`insert into public.staff_actions (actor_id, action, org_id) values (${STAFF}, 'view_tenant', ${org})`;
      // Voice: a persona, a scenario, settings, an org price, a session with a turn, a usage record and a recording.
      const [persona] = await sql`insert into public.voice_personas (org_id, name, persona) values (${org}, 'Fixture buyer', 'Asks about cost.') returning id`;
      await sql`insert into public.voice_scenarios (org_id, persona_id, title) values (${org}, ${persona.id}, 'Fixture scenario')`;
      await sql`insert into public.voice_settings (org_id) values (${org}) on conflict (org_id) do nothing`;
      await sql`insert into public.voice_prices (org_id, price_per_minute) values (${org}, 0.1)`;
      const [vs] = await sql`insert into public.voice_sessions (org_id, user_id, max_seconds) values (${org}, ${t.agentUser.id}, 600) returning id`;
      await sql`insert into public.voice_turns (session_id, seq, speaker, text) values (${vs.id}, 1, 'rep', 'Hello.')`;
      await sql`insert into public.voice_usage_records (session_id, org_id, kind, provider) values (${vs.id}, ${org}, 'tts', 'elevenlabs')`;
      await sql`insert into public.voice_recordings (session_id, seq, org_id, speaker, sample_rate, seconds, audio)
                values (${vs.id}, 1, ${org}, 'rep', 16000, 1, decode('52494646' || repeat('00', 60), 'hex'))`;
    }
    await sql`insert into public.stripe_refused_events (payload, reason)
              values (${sql.json({ marker: crypto.randomUUID() })}, 'isolation fixture')`;
  } finally {
    await sql.end();
  }
}

await arrange();
const tables = await exposedTables();

Deno.test("every exposed table is tenant-scoped or declared global", () => {
  const unscoped = tables.filter((t) => !t.orgColumn && !GLOBAL_TABLES.has(t.name) && !PUBLIC_TABLES.has(t.name) && !REFERENCE_TABLES.has(t.name))
    .map((t) => t.name);
  assert.deepEqual(unscoped, [], "tables without org_id: add the column, or declare them in this test");
  assert.ok(tables.length >= 6, "the catalog lists the tenancy tables");
});

for (const [attacker, victim, victimOrg, ownOrg] of [
  ["acme", "globex", GLOBEX, ACME],
  ["globex", "acme", ACME, GLOBEX],
] as const) {
  for (const t of tables.filter((t) => t.orgColumn)) {
    Deno.test(`${t.name}: ${attacker} users get nothing of ${victim}'s rows`, async () => {
      const before = await snapshot(t, victimOrg);
      assert.ok(before.length > 0, `arrange ${victim} rows in ${t.name} so isolation can be checked`);
      for (const [role, uid] of Object.entries(USERS[attacker])) {
        const token = await accessToken(uid);
        const who = `${attacker} ${role} on ${t.name}`;
        assertNothing(await api(token, "GET", `${t.name}?select=*&${t.orgColumn}=eq.${victimOrg}`), `${who} select`);
        const row = before[0];
        assertNothing(await api(token, "GET", `${t.name}?select=*&${pkFilter(t, row)}`), `${who} select by key`);
        assertNothing(
          await api(token, "PATCH", `${t.name}?${pkFilter(t, row)}`, { [t.orgColumn!]: ownOrg }),
          `${who} update`,
        );
        assertNothing(await api(token, "DELETE", `${t.name}?${pkFilter(t, row)}`), `${who} delete`);
        const copy: Record<string, unknown> = {};
        for (const c of t.insertable) if (c in row) copy[c] = row[c];
        for (const c of t.pk) if (typeof copy[c] === "string" && /^[0-9a-f-]{36}$/.test(copy[c] as string)) copy[c] = crypto.randomUUID();
        const ins = await api(token, "POST", t.name, copy);
        assert.ok([401, 403].includes(ins.status), `${who} insert into ${victim}: expected 401/403, got ${ins.status} ${JSON.stringify(ins.body)}`);
      }
      assert.deepEqual(await snapshot(t, victimOrg), before, `${victim}'s ${t.name} rows are unchanged`);
    });
  }
}

for (const [org, orgId] of [["acme", ACME], ["globex", GLOBEX]] as const) {
  Deno.test(`positive control: the ${org} owner reads their own rows in every tenant table`, async () => {
    const owner = await accessToken(USERS[org].owner);
    const staff = await accessToken(STAFF);
    for (const t of tables.filter((t) => t.orgColumn)) {
      const token = STAFF_ONLY_TABLES.has(t.name) ? staff : owner;
      const r = await api(token, "GET", `${t.name}?select=*&${t.orgColumn}=eq.${orgId}&limit=1`);
      if (FUNCTION_ONLY_TABLES.has(t.name)) {
        assert.ok([401, 403].includes(r.status), `${t.name} is not exposed, even to its owner: ${r.status} ${JSON.stringify(r.body)}`);
        continue;
      }
      assert.equal(r.status, 200, `${t.name}: ${JSON.stringify(r.body)}`);
      assert.equal((r.body as unknown[]).length, 1, `the ${org} owner reads ${t.name}`);
    }
  });
}

// A removed member: an agent who took a call (transcript, insight, comment,
// activity) is removed by the owner through the API; with the token they still
// hold, they read nothing of the organization in any table.
Deno.test("a removed member reads nothing of their former organization, in any tenant table", async () => {
  for (const [name, t] of Object.entries(tenants)) {
    const leaver = await addMember(t.org, "agent");
    const agent = await createAgent(t.org, { user: leaver });
    const sql = db();
    let callId: string;
    try {
      const tag = crypto.randomUUID().replaceAll("-", "");
      [{ id: callId }] = await sql`insert into public.calls (org_id, agent_id, twilio_call_sid, status, started_at, duration_seconds)
                values (${t.org.id}, ${agent.id}, ${"CA" + tag}, 'received', now(), 60) returning id`;
      await sql`select public.save_transcript(${callId}, ${sql.json({ source: "twilio", language: "en", full_text: "Agent: Hi.", segments: [{ start: 0, end: 1, speaker: "agent", text: "Hi." }] })})`;
      await sql`select public.record_insight(${callId}, 'isolation-leaver', ${sql.json({ analyzer: "offline", model: "offline", prompt_version: "fixture", insight: { summary: "s", sentiment: { score: 0, label: "neutral", evidence: [] }, converted: { value: false, evidence: null }, upsell: { amount: 0, currency: "USD", items: [] }, script_adherence: { score: 0, checklist: [] }, objections: [], next_steps: [], key_moments: [] }, tokens_in: 0, tokens_out: 0 })})`;
      await sql`insert into public.call_comments (org_id, call_id, at_seconds, body) values (${t.org.id}, ${callId}, 1, 'On the leaver''s call')`;
    } finally {
      await sql.end();
    }
    const token = await accessToken(leaver.id);
    for (const table of ["calls", "transcripts", "insights", "call_comments", "activities"]) {
      const r = await api(token, "GET", `${table}?select=*&org_id=eq.${t.org.id}`);
      assert.ok((r.body as unknown[]).length > 0, `${name}: before removal the agent reads ${table} of their call`);
    }
    const removed = await api(await accessToken(t.owner.id), "POST", "rpc/remove_member", { p_org_id: t.org.id, p_user_id: leaver.id });
    assert.equal(removed.status, 204, JSON.stringify(removed.body));
    for (const tb of tables.filter((x) => x.orgColumn)) {
      assertNothing(await api(token, "GET", `${tb.name}?select=*&${tb.orgColumn}=eq.${t.org.id}`), `${name}: the removed member on ${tb.name}`);
    }
    const own = await api(token, "PATCH", `call_comments?call_id=eq.${callId}`, { body: "edited after removal" });
    assertNothing(own, `${name}: the removed member edits no comment`);
  }
});

Deno.test("public tables: every tenant reads them, none writes them", async () => {
  assert.deepEqual([...PUBLIC_TABLES], ["plans"], "arrange a row of the test's own for a new public table");
  // A catalog row of the test's own, removed afterwards.
  const key = `isolation_${crypto.randomUUID().slice(0, 8)}`;
  const sql = db();
  try {
    const t = tables.find((x) => x.name === "plans")!;
    const [{ row }] = await sql`insert into public.plans (key, name, seats_included)
                                values (${key}, 'Isolation fixture plan', 1) returning to_jsonb(plans) as row`;
    for (const uid of [USERS.acme.owner, USERS.globex.manager]) {
      const token = await accessToken(uid);
      const r = await api(token, "GET", "plans?select=*");
      assert.equal(r.status, 200);
      assert.ok((r.body as { key: string }[]).some((p) => p.key === key), "plans are readable");
      assertNothing(await api(token, "PATCH", `plans?${pkFilter(t, row)}`, { name: "Taken over" }), `${uid} update plans`);
      assertNothing(await api(token, "DELETE", `plans?${pkFilter(t, row)}`), `${uid} delete plans`);
      const ins = await api(token, "POST", "plans", { key: `${key}_x`, name: "Mine", seats_included: 1 });
      assert.ok([401, 403].includes(ins.status), `${uid} insert into plans: ${ins.status}`);
    }
    const [{ after }] = await sql`select to_jsonb(plans) as after from public.plans where key = ${key}`;
    assert.deepEqual(after, row, "the plan is unchanged");
  } finally {
    await sql`delete from public.plans where key like ${key + "%"}`;
    await sql.end();
  }
});

Deno.test("reference tables: every tenant reads them, none writes them", async () => {
  for (const name of REFERENCE_TABLES) {
    for (const uid of [USERS.acme.agent, USERS.globex.owner]) {
      const token = await accessToken(uid);
      const r = await api(token, "GET", `${name}?select=*&limit=1`);
      assert.equal(r.status, 200);
      const row = (r.body as Record<string, unknown>[])[0];
      assert.ok(row, `${name} is readable`);
      const key = Object.keys(row)[0];
      assertNothing(await api(token, "PATCH", `${name}?${key}=eq.${row[key]}`, { [key]: row[key] }), `${uid} update ${name}`);
      assertNothing(await api(token, "DELETE", `${name}?${key}=eq.${row[key]}`), `${uid} delete ${name}`);
      const ins = await api(token, "POST", name, row);
      assert.ok([401, 403].includes(ins.status), `${uid} insert into ${name}: ${ins.status}`);
    }
  }
});

Deno.test("global tables: no tenant user sees a row", async () => {
  for (const name of GLOBAL_TABLES) {
    const sql = db();
    const [{ n }] = await sql.unsafe(`select count(*)::int as n from public.${name}`);
    await sql.end();
    assert.ok(n > 0, `${name} has rows to hide`);
    for (const uid of [...Object.values(USERS.acme), ...Object.values(USERS.globex)]) {
      const token = await accessToken(uid);
      assertNothing(await api(token, "GET", `${name}?select=*`), `${uid} on ${name}`);
    }
  }
});

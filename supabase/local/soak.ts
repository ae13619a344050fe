// The fault and soak suite: calls through the signed Twilio webhook (the
// Twilio stand-in signs and delivers them) while the OpenAI stand-in injects
// ~20 % provider faults (429 with Retry-After, 500, timeouts, malformed
// bodies), the worker is killed mid-job, the functions server and PostgREST
// are restarted, and Postgres is restarted once — then checks that no call
// was lost, no insight duplicated, usage and costs counted once and every
// dead letter explained. Plus Stripe: a subscription's lifecycle delivered
// in many random orders with duplicates converges on the in-order state.
//
// `npm run soak` runs it on a fresh test instance (SOAK_CALLS, default
// 10,000; SOAK_STRIPE_ORDERS, default 100) and writes .local/soak/report.json;
// supabase/tests/api/soak.test.ts runs a short version in `npm test`.
import { join } from "node:path";
import postgres from "postgres";
import { type Instance, PG_BIN, ROOT, SERVICE_ROLE_KEY } from "./config.ts";
import { run, sleep } from "./proc.ts";
import { seededRandom } from "./random.ts";

export interface SoakOptions {
  calls: number;
  /** Webhook deliveries in flight at once. */
  concurrency?: number;
  /** Share of the calls whose model requests get an injected fault (0..1). */
  faultRate?: number;
  /** Fraction of the calls sent after which each disruption happens. */
  disruptions?: Disruption[];
  /** Stop sending new calls at this time (ms since the epoch); the report then has the calls sent. */
  sendUntil?: number;
  /** At most this many analysis jobs waiting or running before more calls are sent (default 200). */
  backlog?: number;
  log?: (line: string) => void;
}

export type DisruptionKind = "kill_worker" | "restart_functions" | "restart_postgrest" | "restart_postgres";
export interface Disruption {
  at: number;
  kind: DisruptionKind;
}

export const DEFAULT_DISRUPTIONS: Disruption[] = [
  { at: 0.2, kind: "kill_worker" },
  { at: 0.4, kind: "restart_postgrest" },
  { at: 0.5, kind: "restart_functions" },
  { at: 0.6, kind: "restart_postgres" },
  { at: 0.8, kind: "kill_worker" },
];

/** What was injected into one call's model requests, and what became of the call. */
export interface FaultOutcome {
  kind: FaultPlanKind;
  planned: number;
  injected: number;
}

export interface SoakReport {
  calls_planned: number;
  calls_sent: number;
  webhook_deliveries: number;
  webhook_retries: number;
  duplicate_deliveries: number;
  analyzed: number;
  failed: number;
  lost: number;
  duplicated: number;
  usage_miscounted: number;
  costs_miscounted: number;
  /** Every dead letter with its reason and what the soak injected into that call's model requests. */
  dead_letters: { job_id: number; call_sid: string; error: string; injected: string; explained: boolean }[];
  dead_unexplained: number;
  /** Calls with an injected fault, and model requests that got one (a "malformed ×3" call gets three). */
  faulted_calls: number;
  faults_injected: number;
  faults_by_kind: Record<string, { calls: number; injected: number; analyzed: number; dead: number }>;
  /** Faults planned that no request took (their call never asked the model again). */
  faults_unused: number;
  /** Calls with a transient fault (429, 500, timeout, one malformed reply) that ended analyzed. */
  recovered: number;
  /** Calls with a transient fault that did not end analyzed (must be 0). */
  not_recovered: number;
  /** Analysis jobs that succeeded after more than one attempt (faults and killed workers). */
  jobs_retried_ok: number;
  disruptions: { kind: DisruptionKind; at_call: number; ms: number }[];
  stopped_early: boolean;
  seconds: number;
}

export type FaultPlanKind = "rate_limit" | "server_error" | "timeout" | "malformed" | "malformed_always";

// Shares of the faulted calls. Each fault is bound to its call's requests (the
// stand-in matches a marker in the call's transcript), so the soak knows per
// call what it injected: a transient fault (429 with Retry-After, 500, a
// timeout, one malformed reply) must be recovered from; "malformed_always"
// answers every model request of the call (two to the plan's model, one to the
// escalation model) with a malformed body, and that call — only that call —
// must end as a dead letter saying so.
const FAULT_MIX: { kind: FaultPlanKind; share: number }[] = [
  { kind: "rate_limit", share: 0.3 },
  { kind: "server_error", share: 0.3 },
  { kind: "malformed", share: 0.25 },
  { kind: "timeout", share: 0.1 },
  { kind: "malformed_always", share: 0.05 },
];
/** Model requests a call makes before it fails for invalid output: two to its model, one to the escalation model. */
const MALFORMED_ALWAYS_REQUESTS = 3;

function faultSpec(kind: FaultPlanKind, match: string) {
  const base = { path: "/v1/chat/completions", match };
  if (kind === "rate_limit") return { ...base, kind, retryAfterSeconds: 1, count: 1 };
  if (kind === "malformed_always") return { ...base, kind: "malformed", count: MALFORMED_ALWAYS_REQUESTS };
  return { ...base, kind, count: 1 };
}

/** A word unique to call `i` of this run (letters only: no PII rule or filler rule touches it). */
function marker(seed: number, i: number) {
  const letters = (n: number, width: number) => {
    let out = "";
    for (let k = 0; k < width; k++, n = Math.floor(n / 26)) out = String.fromCharCode(97 + (n % 26)) + out;
    return out;
  };
  return `soakmark${letters(seed, 3)}${letters(i, 4)}`;
}

function stateOf(inst: Instance) {
  return JSON.parse(Deno.readTextFileSync(join(inst.runDir, "state.json"))).services as Record<string, { pid?: number; restarts: number }>;
}

async function waitHttp(url: string, init: RequestInit, ms: number) {
  const until = Date.now() + ms;
  for (;;) {
    const r = await fetch(url, init).catch(() => null);
    await r?.body?.cancel();
    if (r && r.status < 500) return;
    if (Date.now() > until) throw new Error(`${url} did not come back within ${ms} ms`);
    await sleep(200);
  }
}

/** Kills a supervised service (SIGKILL, or SIGTERM to let it stop) and waits for the supervisor's new process. */
async function restartService(inst: Instance, name: string, signal: Deno.Signal) {
  const before = stateOf(inst)[name];
  if (!before?.pid) throw new Error(`${name} has no pid`);
  Deno.kill(before.pid, signal);
  // A graceful stop waits for requests in flight (a worker run, a model call
  // held by a timeout fault); after 90 s it is killed.
  let until = Date.now() + (signal === "SIGKILL" ? 30_000 : 90_000);
  let escalated = signal === "SIGKILL";
  while (stateOf(inst)[name]?.pid === before.pid) {
    if (Date.now() > until) {
      if (escalated) throw new Error(`${name} was not restarted`);
      escalated = true;
      try {
        Deno.kill(before.pid, "SIGKILL");
      } catch { /* it has just exited */ }
      until = Date.now() + 30_000;
    }
    await sleep(100);
  }
}

async function disrupt(inst: Instance, kind: DisruptionKind, sql: postgres.Sql) {
  const api = inst.apiUrl;
  const kick = () => fetch(`${api}/functions/v1/process-jobs`, {
    method: "POST",
    headers: { authorization: `Bearer ${SERVICE_ROLE_KEY}`, "content-type": "application/json" },
    body: "{}",
  }).then((r) => r.body?.cancel()).catch(() => {});
  if (kind === "kill_worker") {
    // Wait until a job is running, then kill the process that runs it.
    void kick();
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      const [{ n }] = await sql`select count(*)::int as n from public.jobs where status = 'running'`;
      if (n > 0) break;
      await sleep(20);
    }
    await restartService(inst, "functions", "SIGKILL");
  } else if (kind === "restart_functions") {
    await restartService(inst, "functions", "SIGTERM");
  } else if (kind === "restart_postgrest") {
    await restartService(inst, "postgrest", "SIGTERM");
  } else {
    // -l: the new postmaster writes to its log, not to this pipe (which would never close).
    const r = await run(join(PG_BIN, "pg_ctl"), ["-D", inst.pgData, "-l", inst.pgLog, "-m", "fast", "-w", "-t", "60", "restart"], { asPostgres: true });
    if (r.code !== 0) throw new Error(`pg_ctl restart failed: ${r.stdout}${r.stderr}`);
  }
  await waitHttp(`${api}/rest/v1/`, { headers: { apikey: SERVICE_ROLE_KEY } }, 30_000);
  await waitHttp(`${api}/functions/v1/health`, { headers: { authorization: `Bearer ${SERVICE_ROLE_KEY}` } }, 30_000);
}

/** Calls through the signed webhook under faults and restarts; `to` is a provisioned number of an organization with room. */
export async function soakCalls(inst: Instance, to: string, o: SoakOptions): Promise<SoakReport> {
  const log = o.log ?? ((l: string) => console.log(l));
  const twilio = `http://127.0.0.1:${inst.ports.twilio}/_sandbox`;
  const openai = `http://127.0.0.1:${inst.ports.openai}/_sandbox`;
  const demo = join(ROOT, "supabase/local/demo/calls");
  const transcripts = [...Deno.readDirSync(demo)].filter((f) => f.name.endsWith(".json")).map((f) => f.name).sort()
    .map((f) => JSON.parse(Deno.readTextFileSync(join(demo, f))).sentences as { start_time: number; end_time: number }[]);
  const faultRate = o.faultRate ?? 0.2;
  const seed = Number(Deno.env.get("SOAK_SEED") ?? 15);
  const random = seededRandom(seed);
  const sql = postgres(inst.dbUrl, { max: 2, onnotice: () => {}, connection: { application_name: "soak" } });
  const post = async (url: string, body: unknown) => {
    const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, text, json: () => JSON.parse(text) };
  };
  const report: SoakReport = {
    calls_planned: o.calls, calls_sent: 0, webhook_deliveries: 0, webhook_retries: 0, duplicate_deliveries: 0, analyzed: 0,
    failed: 0, lost: 0, duplicated: 0, usage_miscounted: 0, costs_miscounted: 0, dead_letters: [], dead_unexplained: 0,
    faulted_calls: 0, faults_injected: 0, faults_by_kind: {}, faults_unused: 0, recovered: 0, not_recovered: 0,
    jobs_retried_ok: 0, disruptions: [], stopped_early: false, seconds: 0,
  };
  // The plan, fixed by the seed: which calls get which fault.
  const plan: (FaultPlanKind | null)[] = Array.from({ length: o.calls }, () => {
    if (random() >= faultRate) return null;
    let pick = random();
    return (FAULT_MIX.find((m) => (pick -= m.share) < 0) ?? FAULT_MIX[0]).kind;
  });
  const sids: string[] = new Array(o.calls);
  const bySid = new Map<string, number>();
  const t0 = performance.now();
  try {
    await post(`${openai}/reset`, {});
    /** Delivers the recording callback as Twilio would, retrying until it is acknowledged. */
    const deliver = async (sid: string) => {
      for (let attempt = 0;; attempt++) {
        report.webhook_deliveries++;
        const r = await post(`${twilio}/webhooks`, { event: "recording-status", call_sid: sid, url: `${inst.apiUrl}/functions/v1/twilio-recording` })
          .then((r) => r.json()).catch(() => null);
        if (r?.response?.status === 200) return;
        if (attempt > 60) throw new Error(`the callback of ${sid} was never acknowledged`);
        report.webhook_retries++;
        await sleep(250 + attempt * 100);
      }
    };
    const pendingDisruptions = [...(o.disruptions ?? DEFAULT_DISRUPTIONS)].sort((a, b) => a.at - b.at);
    const backlogLimit = o.backlog ?? 200;
    let backlog = 0;
    let backlogAt = 0;
    const waitForRoom = async () => {
      for (;;) {
        if (Date.now() - backlogAt > 1000) {
          backlogAt = Date.now();
          const [{ n }] = await sql`select count(*)::int as n from public.jobs where kind = 'analyze_call' and status in ('queued', 'running')`
            .catch(() => [{ n: backlog }]);
          backlog = n;
        }
        if (backlog < backlogLimit) return;
        await sleep(250);
      }
    };
    let next = 0;
    let stop = false;
    const progressEvery = Math.max(10, Math.round(o.calls / 20));
    const worker = async () => {
      for (;;) {
        if (o.sendUntil && Date.now() > o.sendUntil && !stop) {
          stop = true;
          report.stopped_early = true;
          log(`soak: stopping at ${report.calls_sent} calls (the send deadline)`);
        }
        if (stop) return;
        await waitForRoom();
        const i = next++;
        if (i >= o.calls) return;
        const sentences = transcripts[i % transcripts.length];
        const end = sentences.at(-1)?.end_time ?? 0;
        const mark = marker(seed, i);
        const tagged = [...sentences, { media_channel: 2, start_time: end + 0.5, end_time: end + 2, transcript: `Noted as ${mark}.` }];
        const r = await post(`${twilio}/calls`, { from: "+15550007000", to, duration: 60, transcript: { sentences: tagged } });
        if (r.status !== 201) throw new Error(`registering a call: ${r.status} ${r.text}`);
        const sid = r.json().call.sid as string;
        sids[i] = sid;
        bySid.set(sid, i);
        const kind = plan[i];
        if (kind) {
          const f = await post(`${openai}/faults`, faultSpec(kind, mark));
          if (f.status !== 201) throw new Error(`adding a fault: ${f.status} ${f.text}`);
        }
        await deliver(sid);
        report.calls_sent++;
        if (report.calls_sent % progressEvery === 0) {
          const s = (performance.now() - t0) / 1000;
          log(`soak: ${report.calls_sent} calls sent in ${Math.round(s)} s (${(report.calls_sent / s).toFixed(2)}/s), ${backlog} jobs waiting`);
        }
        if (random() < 0.05) {
          report.duplicate_deliveries++;
          await deliver(sid);
        }
      }
    };
    const senders = Array.from({ length: o.concurrency ?? 8 }, worker);
    let sendersDone = false;
    const disruptor = (async () => {
      for (const d of pendingDisruptions) {
        // A run stopped early still has every disruption (at once, before the drain).
        while (report.calls_sent < d.at * o.calls && !sendersDone) await sleep(50);
        const s = performance.now();
        await disrupt(inst, d.kind, sql);
        report.disruptions.push({ kind: d.kind, at_call: report.calls_sent, ms: Math.round(performance.now() - s) });
        log(`soak: ${d.kind} after ${report.calls_sent} calls (${Math.round(performance.now() - s)} ms)`);
      }
    })();
    await Promise.all(senders);
    sendersDone = true;
    await disruptor;
    const sent = sids.filter(Boolean);
    log(`soak: ${report.calls_sent} calls sent; waiting for the pipeline…`);

    // Drain: the cron sweep runs too; kicks make it quicker. Leases of killed
    // workers expire and their jobs run again.
    const until = Date.now() + 600_000 + sent.length * 200;
    for (;;) {
      const [{ open }] = await sql`
        select count(*)::int as open from public.calls c
         where c.twilio_call_sid = any (${sent}) and c.status not in ('analyzed', 'failed')
           and not exists (select 1 from public.jobs j where j.payload->>'call_id' = c.id::text and j.status = 'dead')`;
      if (open === 0) break;
      if (Date.now() > until) {
        log(`soak: gave up waiting with ${open} calls open`);
        break;
      }
      await fetch(`${inst.apiUrl}/functions/v1/process-jobs`, {
        method: "POST",
        headers: { authorization: `Bearer ${SERVICE_ROLE_KEY}`, "content-type": "application/json" },
        body: "{}",
      }).then((r) => r.body?.cancel()).catch(() => {});
      await sleep(1000);
    }

    const [c] = await sql`
      with mine as (select c.* from public.calls c where c.twilio_call_sid = any (${sent})),
      ins as (select i.* from public.insights i join mine on mine.id = i.call_id)
      select (select count(*) from mine)::int as ingested,
             (select count(*) from mine where status = 'analyzed')::int as analyzed,
             (select count(*) from mine where status = 'failed')::int as failed,
             (select count(*) from ins)::int - (select count(distinct call_id) from ins)::int as duplicated,
             (select count(*) from ins i where (select count(*) from public.usage_records u
                where u.source_type = 'insight' and u.source_id = i.id) <> 1)::int as usage_miscounted,
             (select count(*) from ins i where i.analyzer = 'openai' and i.cost_usd > 0 and (select count(*) from public.provider_costs p
                where p.source_id = i.id and p.provider = 'openai') = 0)::int as costs_miscounted,
             (select count(*) from mine m where m.status <> 'analyzed'
                and not exists (select 1 from public.jobs j where j.payload->>'call_id' = m.id::text and j.status = 'dead'))::int as unfinished,
             (select count(*) from public.jobs j join mine on j.payload->>'call_id' = mine.id::text
               where j.kind = 'analyze_call' and j.status = 'succeeded' and j.attempts > 1)::int as retried_ok`;
    const states = await sql`select c.twilio_call_sid as sid, c.status from public.calls c where c.twilio_call_sid = any (${sent})`;
    const statusOf = new Map(states.map((r) => [String(r.sid), String(r.status)]));
    const dead = await sql`select j.id, m.twilio_call_sid as sid, coalesce(j.last_error, '') as error from public.jobs j
      join public.calls m on j.payload->>'call_id' = m.id::text where m.twilio_call_sid = any (${sent}) and j.status = 'dead'`;
    // What each call's faults did: the stand-in drops a fault once used up, so
    // planned − remaining is what that call's requests were answered with.
    const left = await (await fetch(`${openai}/faults`)).json().catch(() => null);
    const remainingBy = new Map<string, number>();
    for (const f of (left?.faults ?? []) as { match?: string; remaining?: number | null }[]) {
      if (f.match) remainingBy.set(f.match, (remainingBy.get(f.match) ?? 0) + (f.remaining ?? 0));
    }
    const outcome = (i: number): FaultOutcome | null => {
      const kind = plan[i];
      if (!kind) return null;
      const planned = faultSpec(kind, "").count;
      return { kind, planned, injected: planned - (remainingBy.get(marker(seed, i)) ?? 0) };
    };
    const deadSids = new Set(dead.map((d) => String(d.sid)));
    for (let i = 0; i < o.calls; i++) {
      const f = sids[i] ? outcome(i) : null;
      if (!f) continue;
      const status = statusOf.get(sids[i]);
      const k = (report.faults_by_kind[f.kind] ??= { calls: 0, injected: 0, analyzed: 0, dead: 0 });
      k.calls++;
      k.injected += f.injected;
      if (status === "analyzed") k.analyzed++;
      if (deadSids.has(sids[i])) k.dead++;
      report.faulted_calls++;
      report.faults_injected += f.injected;
      report.faults_unused += f.planned - f.injected;
      if (f.kind !== "malformed_always" && f.injected > 0) {
        if (status === "analyzed") report.recovered++;
        else report.not_recovered++;
      }
    }
    report.dead_letters = dead.map((d) => {
      const i = bySid.get(String(d.sid));
      const f = i === undefined ? null : outcome(i);
      const error = String(d.error);
      // Explained only by what this call's own requests were answered with.
      const explained = !!f && f.kind === "malformed_always" && f.injected === MALFORMED_ALWAYS_REQUESTS &&
        /invalid model output/.test(error);
      return {
        job_id: Number(d.id),
        call_sid: String(d.sid),
        error: error.slice(0, 300),
        injected: f ? `${f.injected} of ${f.planned} ${f.kind}` : "nothing",
        explained,
      };
    });
    report.dead_unexplained = report.dead_letters.filter((d) => !d.explained).length;
    report.analyzed = c.analyzed;
    report.failed = c.failed;
    report.lost = sent.length - c.ingested + c.unfinished;
    report.duplicated = c.duplicated;
    report.usage_miscounted = c.usage_miscounted;
    report.costs_miscounted = c.costs_miscounted;
    report.jobs_retried_ok = c.retried_ok;
    await post(`${openai}/reset`, {});
  } finally {
    report.seconds = Math.round((performance.now() - t0) / 1000);
    await sql.end();
  }
  return report;
}

export interface StripeConvergence {
  orders: number;
  events: number;
  converged: number;
  diverged: { order: string[]; got: unknown }[];
  expected: unknown;
}

const SUB_STATE = ["status", "plan_id", "seats", "cancel_at_period_end", "current_period_end", "stripe_subscription_id"];

/**
 * The lifecycle events of `orgId`'s subscription (held at the Stripe stand-in,
 * oldest first) applied in order, then `orders` times from the same starting
 * row in a random order with duplicates: each run must end in the in-order state.
 */
export async function stripeConverges(
  inst: Instance,
  orgId: string,
  lifecycle: { eventIds: string[]; start: unknown },
  orders: number,
): Promise<StripeConvergence> {
  const { eventIds, start } = lifecycle;
  const sandbox = `http://127.0.0.1:${inst.ports.stripe}/_sandbox`;
  const sql = postgres(inst.dbUrl, { max: 1, onnotice: () => {} });
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${sandbox}/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return await r.json();
  };
  const state = async () => {
    const [s] = await sql`select to_jsonb(s) as row from public.subscriptions s where s.org_id = ${orgId}`;
    return Object.fromEntries(SUB_STATE.map((k) => [k, s?.row?.[k] ?? null]));
  };
  const random = seededRandom(Number(Deno.env.get("SOAK_SEED") ?? 15) + 1);
  try {
    const restore = async () => {
      await sql`delete from public.stripe_events where id = any (${eventIds})`;
      await sql`update public.subscriptions s set (status, plan_id, seats, cancel_at_period_end, current_period_end, stripe_subscription_id, updated_at)
        = (r.status, r.plan_id, r.seats, r.cancel_at_period_end, r.current_period_end, r.stripe_subscription_id, r.updated_at)
        from jsonb_populate_record(null::public.subscriptions, ${sql.json(start as postgres.JSONValue)}) r where s.org_id = ${orgId}`;
    };
    const deliver = async (order: string[]) => {
      await post("webhooks/deliver", { events: order });
      await post("webhooks/settle", {});
    };
    await restore();
    await deliver(eventIds);
    const expected = await state();
    const result: StripeConvergence = { orders, events: eventIds.length, converged: 0, diverged: [], expected };
    for (let k = 0; k < orders; k++) {
      await restore();
      const order = [...eventIds];
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      // Stripe delivers at least once: some events come twice, anywhere.
      for (const id of eventIds) if (random() < 0.3) order.splice(Math.floor(random() * (order.length + 1)), 0, id);
      await deliver(order);
      const got = await state();
      if (JSON.stringify(got) === JSON.stringify(expected)) result.converged++;
      else result.diverged.push({ order, got });
    }
    return result;
  } finally {
    await sql.end();
  }
}

/**
 * A subscription's lifecycle at the Stripe stand-in for `orgId` (whose owner's
 * token is `token`): Checkout for 2 starter seats (delivered), then — held —
 * a seat change, a failed payment (past_due), a paid invoice, a scheduled
 * cancellation and the cancellation. Returns the held events, oldest first,
 * and the subscription row they start from.
 */
export async function stripeLifecycle(inst: Instance, token: string, orgId: string): Promise<{ eventIds: string[]; start: unknown }> {
  const sandbox = `http://127.0.0.1:${inst.ports.stripe}/_sandbox`;
  const fn = async (name: string, body: unknown) => {
    const r = await fetch(`${inst.apiUrl}/functions/v1/${name}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const out = await r.json();
    if (!r.ok) throw new Error(`${name}: ${r.status} ${JSON.stringify(out)}`);
    return out;
  };
  const post = async (path: string, body: unknown = {}) => {
    const r = await fetch(`${sandbox}/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return r.status === 204 ? null : await r.json();
  };
  const checkout = await fn("stripe-checkout", { org_id: orgId, plan: "starter", seats: 2 });
  const html = await (await fetch(checkout.url)).text();
  const action = /action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error("the Checkout page has no pay form");
  const paid = await fetch(new URL(action.replaceAll("&amp;", "&"), checkout.url), { method: "POST", redirect: "manual" });
  await paid.body?.cancel();
  await post("webhooks/settle");
  const sql = postgres(inst.dbUrl, { max: 1, onnotice: () => {} });
  try {
    const until = Date.now() + 15_000;
    let sub: string | null = null;
    while (!sub) {
      const [s] = await sql`select stripe_subscription_id from public.subscriptions where org_id = ${orgId} and status = 'active'`;
      sub = s?.stripe_subscription_id ?? null;
      if (!sub && Date.now() > until) throw new Error("the subscription did not arrive");
      if (!sub) await sleep(200);
    }
    const [{ row: start }] = await sql`select to_jsonb(s) as row from public.subscriptions s where s.org_id = ${orgId}`;
    await post("webhooks/hold");
    try {
      const tick = () => post("clock", { advance_seconds: 5 });
      await fn("stripe-subscription", { org_id: orgId, seats: 4 });
      await tick();
      await post("events/trigger", { type: "invoice.payment_failed", subscription: sub });
      await tick();
      await post("events/trigger", { type: "invoice.paid", subscription: sub });
      await tick();
      await post("events/trigger", { type: "customer.subscription.updated", subscription: sub, patch: { cancel_at_period_end: true } });
      await tick();
      await post("events/trigger", { type: "customer.subscription.deleted", subscription: sub });
      const held = await (await fetch(`${sandbox}/webhooks/held`)).json();
      return { eventIds: [...new Set((held.data as { event_id: string }[]).map((d) => d.event_id))], start };
    } finally {
      // Sent in order now; stripeConverges() starts again from `start`.
      await post("webhooks/release", { order: "fifo" }).catch(() => null);
      await post("webhooks/settle").catch(() => null);
    }
  } finally {
    await sql.end();
  }
}

if (import.meta.main) {
  const { instance, instanceEnv, LOCAL_DIR } = await import("./config.ts");
  const { down, reset } = await import("./stack.ts");
  const inst = instance("test");
  for (const [k, v] of Object.entries(instanceEnv(inst))) Deno.env.set(k, v);
  const { createOrg, createTenant } = await import("../tests/api/fixtures.ts");
  const { accessToken } = await import("./tests/helpers.ts");
  const calls = Number(Deno.env.get("SOAK_CALLS") ?? 10_000);
  // SOAK_UNTIL (an ISO time): stop sending new calls then; the report says how many were sent.
  const until = Deno.env.get("SOAK_UNTIL") ? Date.parse(Deno.env.get("SOAK_UNTIL")!) : undefined;
  if (until !== undefined && Number.isNaN(until)) throw new Error("SOAK_UNTIL must be an ISO time");
  // A timeout fault holds a worker until the OpenAI client gives up (60 s by
  // default): the soak's client gives up after 5 s, so ~200 timeouts cost minutes, not hours.
  Deno.env.set("OPENAI_TIMEOUT_MS", Deno.env.get("OPENAI_TIMEOUT_MS") ?? "5000");
  const orders = Number(Deno.env.get("SOAK_STRIPE_ORDERS") ?? 100);
  await reset(inst);
  let code = 1;
  try {
    console.log(`soak: ${calls} calls, ~20 % provider faults, ${DEFAULT_DISRUPTIONS.map((d) => d.kind).join(", ")}…`);
    const tenant = await createTenant();
    const twilio = await soakCalls(inst, tenant.number.e164, {
      calls,
      concurrency: Number(Deno.env.get("SOAK_CONCURRENCY") ?? 8),
      sendUntil: until,
    });
    console.log(`soak: Stripe lifecycle in ${orders} random orders…`);
    const org = await createOrg({ room: false });
    const lifecycle = await stripeLifecycle(inst, await accessToken(org.owner.id), org.id);
    const stripe = await stripeConverges(inst, org.id, lifecycle, orders);
    const report = {
      at: new Date().toISOString(),
      machine: `${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} cores`,
      calls_planned: twilio.calls_planned,
      calls_sent: twilio.calls_sent,
      analyzed: twilio.analyzed,
      lost: twilio.lost,
      duplicated: twilio.duplicated,
      faults_injected: twilio.faults_injected,
      recovered: twilio.recovered,
      dead_letters: twilio.dead_letters.length,
      dead_unexplained: twilio.dead_unexplained,
      twilio,
      stripe: { orders: stripe.orders, events: stripe.events, converged: stripe.converged, diverged: stripe.diverged.slice(0, 5) },
    };
    const dir = join(LOCAL_DIR, "soak");
    Deno.mkdirSync(dir, { recursive: true });
    Deno.writeTextFileSync(join(dir, "report.json"), JSON.stringify(report, null, 2));
    console.log(JSON.stringify(report, null, 2));
    const ok = twilio.lost === 0 && twilio.duplicated === 0 && twilio.usage_miscounted === 0 && twilio.costs_miscounted === 0 &&
      twilio.dead_unexplained === 0 && twilio.not_recovered === 0 && stripe.converged === stripe.orders;
    console.log(ok ? "soak: passed" : "soak: FAILED");
    code = ok ? 0 : 1;
  } finally {
    if (!Deno.env.get("SOAK_KEEP")) await down(inst);
  }
  Deno.exit(code);
}

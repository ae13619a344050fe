// Observability through the real stack: one request id from the gateway's
// log line, through the function and the job it enqueued, to the insight
// row; JSON log lines; and the staff-only Prometheus metrics endpoint.
import assert from "node:assert/strict";
import { join } from "node:path";
import twilio from "twilio";
import Stripe from "stripe";
import {
  instance,
  type InstanceName,
  SANDBOX_STRIPE_SECRET_KEY,
  SANDBOX_STRIPE_WEBHOOK_SECRET,
  SANDBOX_TWILIO_ACCOUNT_SID,
  SANDBOX_TWILIO_AUTH_TOKEN,
} from "../../local/config.ts";
import { accessToken, ANON_KEY, API_URL, db, kickWorker, poll } from "../../local/tests/helpers.ts";
import { createStaff, createTenant } from "./fixtures.ts";

const inst = instance((Deno.env.get("SALESPULSE_INSTANCE") ?? "test") as InstanceName);
const TWILIO = `http://127.0.0.1:${inst.ports.twilio}`;
const FN = `${API_URL}/functions/v1`;

interface LogLine {
  time: string;
  level: string;
  msg: string;
  request_id: string | null;
  function: string | null;
  org_id: string | null;
  duration_ms?: number;
  [k: string]: unknown;
}

/** The JSON log lines of a stack service that carry `requestId`. */
function logLines(service: string, requestId: string): LogLine[] {
  const text = Deno.readTextFileSync(join(inst.logDir, `${service}.log`));
  return text.split("\n").filter((l) => l.startsWith("{") && l.includes(requestId)).map((l) => JSON.parse(l) as LogLine)
    .filter((l) => l.request_id === requestId);
}

function assertLogShape(l: LogLine) {
  assert.ok(!isNaN(Date.parse(l.time)), "time");
  assert.match(l.level, /^(debug|info|warn|error)$/);
  assert.equal(typeof l.msg, "string");
  assert.ok("function" in l && "org_id" in l, "function and org_id keys");
}

Deno.test("one request id leads from the gateway's log line to the job and the insight of a recording callback", async () => {
  const tenant = await createTenant();
  const reg = await fetch(`${TWILIO}/_sandbox/calls`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from: "+15550001111", to: tenant.number.e164, duration: 42 }),
  });
  assert.equal(reg.status, 201);
  const { call, recording } = await reg.json();
  const params = {
    AccountSid: SANDBOX_TWILIO_ACCOUNT_SID,
    CallSid: call.sid,
    RecordingSid: recording.sid,
    RecordingUrl: `${TWILIO}/2010-04-01/Accounts/${SANDBOX_TWILIO_ACCOUNT_SID}/Recordings/${recording.sid}`,
    RecordingStatus: "completed",
    RecordingDuration: "42",
    RecordingChannels: "2",
  };
  // Twilio's delivery id becomes the request id.
  const delivery = `idem-${crypto.randomUUID()}`;
  const url = `${FN}/twilio-recording`;
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": twilio.getExpectedTwilioSignature(SANDBOX_TWILIO_AUTH_TOKEN, url, params),
      "i-twilio-idempotency-token": delivery,
    },
    body: new URLSearchParams(params).toString(),
  });
  await res.body?.cancel();
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-request-id"), delivery);

  const sql = db();
  try {
    const [job] = await sql`select j.request_id from public.jobs j join public.calls c on j.payload->>'call_id' = c.id::text
                            where c.twilio_call_sid = ${call.sid}`;
    assert.equal(job?.request_id, delivery, "the job keeps the request id of the webhook that enqueued it");
    await kickWorker();
    const insight = await poll("the insight", async () => {
      const [i] = await sql`select i.request_id, i.org_id from public.insights i join public.calls c on c.id = i.call_id
                            where c.twilio_call_sid = ${call.sid}`;
      if (!i) await kickWorker();
      return i ?? null;
    }, 60_000, 300);
    assert.equal(insight.request_id, delivery, "the insight row carries the same id");

    const gateway = await poll("the gateway's log line", async () => {
      const l = logLines("gateway", delivery);
      return l.length ? l : null;
    }, 5_000, 100);
    assertLogShape(gateway[0]);
    assert.equal(gateway[0].function, "twilio-recording");
    assert.equal(gateway[0].status, 200);
    assert.equal(typeof gateway[0].duration_ms, "number");
    const fns = await poll("the functions' log lines", async () => {
      const l = logLines("functions", delivery);
      return l.some((x) => x.msg === "job succeeded") ? l : null;
    }, 10_000, 200);
    for (const l of fns) assertLogShape(l);
    assert.ok(fns.some((l) => l.function === "twilio-recording" && l.msg === "request" && l.status === 200));
    const done = fns.find((l) => l.msg === "job succeeded")!;
    assert.equal(done.function, "process-jobs");
    assert.equal(done.org_id, insight.org_id, "job lines name the organization");
    assert.equal(typeof done.duration_ms, "number");
  } finally {
    await sql.end();
  }
});

Deno.test("a Stripe event's id is its request id: from the gateway's log line through the function's to its ledger row", async () => {
  const id = `evt_obs_${crypto.randomUUID().replaceAll("-", "")}`;
  const payload = JSON.stringify({
    id,
    object: "event",
    type: "customer.updated",
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: "cus_nobody_observed", object: "customer" } },
  });
  const header = await new Stripe(SANDBOX_STRIPE_SECRET_KEY).webhooks.generateTestHeaderStringAsync({
    payload,
    secret: SANDBOX_STRIPE_WEBHOOK_SECRET,
  });
  // Stripe sends no delivery header; a retry of the event has the same id.
  for (const attempt of [1, 2]) {
    const res = await fetch(`${FN}/stripe-webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": header },
      body: payload,
    });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.id, id, `delivery ${attempt}`);
    assert.equal(res.headers.get("x-request-id"), id, `delivery ${attempt}`);
  }
  const gateway = await poll("the gateway's log lines", async () => {
    const l = logLines("gateway", id);
    return l.length >= 2 ? l : null;
  }, 5_000, 100);
  for (const l of gateway) {
    assertLogShape(l);
    assert.equal(l.function, "stripe-webhook");
    assert.equal(l.status, 200);
  }
  const fns = await poll("the function's log lines", async () => {
    const l = logLines("functions", id);
    return l.filter((x) => x.msg === "stripe event").length >= 2 ? l : null;
  }, 5_000, 100);
  for (const l of fns) assertLogShape(l);
  const outcomes = fns.filter((l) => l.msg === "stripe event").map((l) => l.outcome);
  const sql = db();
  try {
    const rows = await sql`select id, outcome from public.stripe_events where id = ${id}`;
    assert.equal(rows.length, 1, "one ledger row, under the same id");
    assert.equal(outcomes[0], rows[0].outcome);
    assert.equal(outcomes[1], "duplicate", "the retry is answered as a duplicate");
  } finally {
    await sql.end();
  }
});

/** Parses Prometheus text format into samples; throws on a malformed line. */
function parsePrometheus(text: string) {
  const types = new Map<string, string>();
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    const t = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (t) {
      types.set(t[1], t[2]);
      continue;
    }
    if (line.startsWith("# HELP ")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `malformed line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
    const value = m[3] === "+Inf" ? Infinity : Number(m[3]);
    assert.ok(!Number.isNaN(value), `not a number: ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  return { types, samples };
}

Deno.test("metrics: staff read Prometheus text derived from Postgres; members and anonymous callers are refused", async () => {
  const staff = await createStaff();
  const tenant = await createTenant();
  // A finished job to count: the worker runs whatever is queued.
  await kickWorker();
  const res = await fetch(`${FN}/metrics`, { headers: { authorization: `Bearer ${await accessToken(staff.id)}` } });
  const text = await res.text();
  assert.equal(res.status, 200, text.slice(0, 300));
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  const { types, samples } = parsePrometheus(text);
  for (
    const [family, type] of [
      ["salespulse_jobs", "gauge"],
      ["salespulse_job_duration_seconds", "histogram"],
      ["salespulse_webhook_events_total", "counter"],
      ["salespulse_provider_errors_total", "counter"],
      ["salespulse_analysis_latency_seconds", "histogram"],
      ["salespulse_analysis_cost_usd_total", "counter"],
      ["salespulse_provider_cost_usd_total", "counter"],
    ]
  ) assert.equal(types.get(family), type, family);
  // The queue depth equals the table's counts.
  const sql = db();
  try {
    const rows = await sql`select kind, status::text, count(*)::int as n from public.jobs group by 1, 2`;
    for (const r of rows) {
      const s = samples.find((x) => x.name === "salespulse_jobs" && x.labels.kind === r.kind && x.labels.status === r.status);
      assert.ok(s, `no sample for ${r.kind}/${r.status}`);
      assert.ok(s.value >= r.n - 5 && s.value <= r.n + 5, `${r.kind}/${r.status}: ${s.value} vs ${r.n}`);
    }
  } finally {
    await sql.end();
  }
  // Histograms are cumulative and end with +Inf equal to _count.
  for (const kind of new Set(samples.filter((s) => s.name === "salespulse_job_duration_seconds_bucket").map((s) => s.labels.kind))) {
    const buckets = samples.filter((s) => s.name === "salespulse_job_duration_seconds_bucket" && s.labels.kind === kind);
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i].value >= buckets[i - 1].value, `${kind} buckets are cumulative`);
    const count = samples.find((s) => s.name === "salespulse_job_duration_seconds_count" && s.labels.kind === kind);
    assert.equal(buckets.at(-1)!.labels.le, "+Inf");
    assert.equal(buckets.at(-1)!.value, count?.value);
  }

  const member = await fetch(`${FN}/metrics`, { headers: { authorization: `Bearer ${await accessToken(tenant.org.owner.id)}` } });
  assert.equal(member.status, 403);
  assert.equal((await member.json()).error.code, "forbidden");
  const anon = await fetch(`${FN}/metrics`);
  assert.equal(anon.status, 401);
  await anon.body?.cancel();
  // The SQL behind it checks staff status itself, not the token's claim.
  const direct = await fetch(`${API_URL}/rest/v1/rpc/staff_metrics`, {
    method: "POST",
    headers: {
      apikey: ANON_KEY,
      authorization: `Bearer ${await accessToken(tenant.org.owner.id)}`,
      "content-type": "application/json",
    },
    body: "{}",
  });
  assert.equal(direct.status, 400);
  assert.equal((await direct.json()).code, "SP403");
});

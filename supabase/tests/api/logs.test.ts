// Every line the gateway and the functions server write is one structured JSON
// log line (time, level, msg, request_id, function, org_id): every function is
// called through the stack, including the error paths that log (Twilio
// failing a number search, a recording URL that is not Twilio's, a Mailgun
// post with a bad signature), and each line written meanwhile is parsed.
import assert from "node:assert/strict";
import { join } from "node:path";
import { instance, type InstanceName, ROOT, sentryDsn } from "../../local/config.ts";
import { accessToken, ANON_KEY, API_URL, db } from "../../local/tests/helpers.ts";
import { createCall, createTenant } from "./fixtures.ts";

const inst = instance((Deno.env.get("SALESPULSE_INSTANCE") ?? "test") as InstanceName);
const FN = `${API_URL}/functions/v1`;
const TWILIO = `http://127.0.0.1:${inst.ports.twilio}/_sandbox`;
const SERVICES = ["gateway", "functions"] as const;

const sizeOf = (service: string) => Deno.statSync(join(inst.logDir, `${service}.log`)).size;

/** The lines `service` wrote after byte `from`. */
function linesSince(service: string, from: number): string[] {
  const bytes = Deno.readFileSync(join(inst.logDir, `${service}.log`)).subarray(from);
  return new TextDecoder().decode(bytes).split("\n").filter((l) => l.length > 0);
}

function parseLine(service: string, line: string): Record<string, unknown> {
  let l: unknown;
  try {
    l = JSON.parse(line);
  } catch {
    assert.fail(`${service}.log has a line that is not JSON: ${line.slice(0, 300)}`);
  }
  assert.ok(l && typeof l === "object" && !Array.isArray(l), `${service}.log: not an object: ${line.slice(0, 300)}`);
  const o = l as Record<string, unknown>;
  assert.ok(typeof o.time === "string" && !isNaN(Date.parse(o.time)), `time: ${line}`);
  assert.match(String(o.level), /^(debug|info|warn|error)$/, line);
  assert.equal(typeof o.msg, "string", line);
  for (const k of ["request_id", "function", "org_id"]) assert.ok(k in o, `${k} missing: ${line}`);
  return o;
}

Deno.test("logs: every line the gateway and the functions write while every function is called is structured JSON", async () => {
  const from = Object.fromEntries(SERVICES.map((s) => [s, sizeOf(s)]));
  const tenant = await createTenant();
  const owner = await accessToken(tenant.owner.id);
  const ids: Record<string, string> = {};
  const call = async (label: string, url: string, init: RequestInit) => {
    const res = await fetch(url, init);
    await res.body?.cancel();
    ids[label] = res.headers.get("x-request-id") ?? "";
    return res.status;
  };

  // Every function, with a body none of them takes.
  const names = [...Deno.readDirSync(join(ROOT, "supabase/functions"))]
    .filter((e) => e.isDirectory && !e.name.startsWith("_")).map((e) => e.name).sort();
  assert.ok(names.length >= 10, names.join(","));
  for (const name of names) {
    await call(name, `${FN}/${name}`, {
      method: "POST",
      headers: { apikey: ANON_KEY, authorization: `Bearer ${owner}`, "content-type": "application/json" },
      body: "{not json",
    });
  }

  // phone-numbers: Twilio answers 500 to the search.
  const fault = await (await fetch(`${TWILIO}/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind: "500", path: "*/AvailablePhoneNumbers/*", count: 1 }),
  })).json();
  try {
    const status = await call("twilio error", `${FN}/phone-numbers`, {
      method: "POST",
      headers: { apikey: ANON_KEY, authorization: `Bearer ${owner}`, "content-type": "application/json" },
      body: JSON.stringify({ action: "search", org_id: tenant.org.id, area_code: "415" }),
    });
    assert.equal(status, 502);
  } finally {
    await fetch(`${TWILIO}/faults/${fault.id}`, { method: "DELETE" }).then((r) => r.body?.cancel());
  }

  // call-recording: a recording URL that is not Twilio's is refused, and logged.
  const c = await createCall(tenant.org);
  const sql = db();
  try {
    const rec = "RE" + crypto.randomUUID().replaceAll("-", "");
    await sql`update public.calls set recording_url = 'https://recordings.example.com/r/1', twilio_recording_sid = ${rec}
               where id = ${c.id}`;
  } finally {
    await sql.end();
  }
  const played = await call("not twilio", `${FN}/call-recording?call_id=${c.id}`, {
    headers: { apikey: ANON_KEY, authorization: `Bearer ${owner}` },
  });
  assert.equal(played, 502);

  // mailgun-inbound: a post with a bad signature.
  const form = new FormData();
  for (const [k, v] of Object.entries({ timestamp: "1", token: "t".repeat(50), signature: "0".repeat(64), recipient: "x@mg.salespulse.test" })) {
    form.set(k, v);
  }
  assert.equal(await call("mailgun", `${FN}/mailgun-inbound`, { method: "POST", headers: { apikey: ANON_KEY }, body: form }), 401);
  assert.equal(ids.mailgun, "t".repeat(50), "Mailgun's token (its delivery id) is the request id");

  // The services write through pipes: wait until each request's line is there.
  const until = Date.now() + 10_000;
  let parsed: { service: string; line: Record<string, unknown> }[] = [];
  for (;;) {
    parsed = SERVICES.flatMap((s) => linesSince(s, from[s]).map((l) => ({ service: s, line: parseLine(s, l) })));
    const have = new Set(parsed.filter((p) => p.service === "functions").map((p) => p.line.request_id));
    if (Object.values(ids).every((id) => have.has(id)) || Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const fns = parsed.filter((p) => p.service === "functions").map((p) => p.line);
  const gateway = parsed.filter((p) => p.service === "gateway").map((p) => p.line);
  for (const name of names) {
    assert.ok(gateway.some((l) => l.request_id === ids[name] && l.function === name && typeof l.duration_ms === "number"), `gateway line of ${name}`);
    assert.ok(fns.some((l) => l.request_id === ids[name]), `function line of ${name}`);
  }
  const by = (label: string, fn: string, msg: RegExp) =>
    fns.find((l) => l.request_id === ids[label] && l.function === fn && msg.test(String(l.msg)));
  const twilioError = by("twilio error", "phone-numbers", /^twilio error$/);
  assert.ok(twilioError, "phone-numbers logged Twilio's error");
  assert.equal(twilioError.level, "error");
  assert.equal(twilioError.status, 500);
  const notTwilio = by("not twilio", "call-recording", /not Twilio's/);
  assert.ok(notTwilio, "call-recording logged the refused URL");
  assert.equal(notTwilio.call_id, c.id);
  assert.ok(by("mailgun", "mailgun-inbound", /^refused a post$/), "mailgun-inbound logged the refusal");
});

Deno.test("error tracking: the test instance's functions report to the supervised Sentry stand-in, tagged with the request id", async () => {
  const dsn = new URL(sentryDsn(inst));
  assert.equal(Number(dsn.port), inst.ports.sentry);
  const health = await fetch(`http://127.0.0.1:${inst.ports.sentry}/_sandbox/health`);
  assert.equal(health.status, 200, await health.text());
  const tenant = await createTenant();
  const fault = await (await fetch(`${TWILIO}/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind: "500", path: "*/AvailablePhoneNumbers/*", count: 1 }),
  })).json();
  let id: string | null;
  try {
    const res = await fetch(`${FN}/phone-numbers`, {
      method: "POST",
      headers: { apikey: ANON_KEY, authorization: `Bearer ${await accessToken(tenant.owner.id)}`, "content-type": "application/json" },
      body: JSON.stringify({ action: "search", org_id: tenant.org.id, area_code: "415" }),
    });
    await res.body?.cancel();
    assert.equal(res.status, 502);
    id = res.headers.get("x-request-id");
  } finally {
    await fetch(`${TWILIO}/faults/${fault.id}`, { method: "DELETE" }).then((r) => r.body?.cancel());
  }
  // The function waits for delivery before answering: the event is there.
  const { items } = await (await fetch(`http://127.0.0.1:${inst.ports.sentry}/_sandbox/envelopes?project=${dsn.pathname.slice(1)}`)).json();
  const events = (items as { items: { type: string; payload: Record<string, any> }[] }[])
    .flatMap((e) => e.items).filter((i) => i.type === "event").map((i) => i.payload)
    .filter((p) => p.tags?.request_id === id);
  assert.equal(events.length, 1, JSON.stringify(events).slice(0, 500));
  assert.equal(events[0].message, "twilio error");
  assert.equal(events[0].tags.function, "phone-numbers");
  assert.equal(events[0].environment, "test");
});

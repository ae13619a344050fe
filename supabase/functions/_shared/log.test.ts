// The structured logger: delivery ids taken from a webhook's body, error text
// for log fields, and no code of the functions (or of the local gateway and
// functions server) writing to the console except through log().
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { deliveryIdInBody, errorText, headerRequestId, requestIdOf } from "./log.ts";
import { observed } from "./observe.ts";

const SUPABASE = fileURLToPath(new URL("../../", import.meta.url));

Deno.test("deliveryIdInBody: a Stripe event's id, Mailgun's token (form or event); anything else is no id", async () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const body = JSON.stringify({ id: "evt_1Qabc23XYZ", object: "event", type: "invoice.paid" });
  assert.equal(await deliveryIdInBody("stripe-webhook", "application/json", enc(body)), "evt_1Qabc23XYZ");
  assert.equal(await deliveryIdInBody("twilio-recording", "application/json", enc(body)), null);
  for (const bad of ["", "{", "null", "[]", '{"id":42}', '{"id":"cus_123456789"}', `{"id":"evt_${"x".repeat(200)}"}`, '{"id":"evt_a b c d e"}']) {
    assert.equal(await deliveryIdInBody("stripe-webhook", "application/json", enc(bad)), null, bad);
  }
  const token = "a1b2c3".repeat(8);
  const form = new FormData();
  form.set("token", token);
  form.set("recipient", "x@mg.salespulse.test");
  const multipart = new Request("http://x/", { method: "POST", body: form });
  const type = multipart.headers.get("content-type")!;
  assert.equal(await deliveryIdInBody("mailgun-inbound", type, new Uint8Array(await multipart.arrayBuffer())), token);
  assert.equal(await deliveryIdInBody("mailgun-inbound", "application/x-www-form-urlencoded", enc(`token=${token}&x=1`)), token);
  assert.equal(await deliveryIdInBody("mailgun-inbound", "application/json", enc(JSON.stringify({ signature: { token } }))), token);
  assert.equal(await deliveryIdInBody("mailgun-inbound", "application/x-www-form-urlencoded", enc("token=bad token")), null);
  assert.equal(await deliveryIdInBody("mailgun-inbound", "multipart/form-data; boundary=x", enc("garbage")), null);
});

Deno.test("headerRequestId: a header id wins over none; requestIdOf mints one without", () => {
  assert.equal(headerRequestId(new Request("http://x/", { headers: { "x-request-id": "abc-12345" } })), "abc-12345");
  assert.equal(headerRequestId(new Request("http://x/")), null);
  assert.match(requestIdOf(new Request("http://x/")), /^[0-9a-f-]{36}$/);
});

Deno.test("observed: a Stripe delivery without a header id is served under its event's id; the handler still reads the body", async () => {
  let read = "";
  const h = observed("stripe-webhook", async (req) => {
    read = await req.text();
    return new Response("ok");
  });
  const body = JSON.stringify({ id: "evt_observed_0001", type: "customer.updated" });
  const sized = { "content-length": String(new TextEncoder().encode(body).length) };
  const res = await h(new Request("http://x/stripe-webhook", { method: "POST", body, headers: sized }));
  await res.body?.cancel();
  assert.equal(res.headers.get("x-request-id"), "evt_observed_0001");
  assert.equal(read, body);
  // A body of no stated size (chunked) is not buffered for its id: the platform's id, else a new one.
  const chunked = await h(new Request("http://x/stripe-webhook", { method: "POST", body, headers: { "sb-request-id": "platform-id-0001" } }));
  await chunked.body?.cancel();
  assert.equal(chunked.headers.get("x-request-id"), "platform-id-0001");
  // The delivery id ranks above the platform's per-request id (it is the same on every retry).
  const both = await h(new Request("http://x/stripe-webhook", { method: "POST", body, headers: { ...sized, "sb-request-id": "platform-id-0002" } }));
  await both.body?.cancel();
  assert.equal(both.headers.get("x-request-id"), "evt_observed_0001");
  const gw = await h(new Request("http://x/stripe-webhook", { method: "POST", body, headers: { "x-request-id": "gateway-id-0001" } }));
  await gw.body?.cancel();
  assert.equal(gw.headers.get("x-request-id"), "gateway-id-0001", "the gateway's id (which is the event's id locally) is kept");
});

Deno.test("errorText: name and message of an error, the message of an error-like object, else the value", () => {
  assert.equal(errorText(new TypeError("bad")), "TypeError: bad");
  assert.equal(errorText({ message: "db says no", code: "42501" }), "db says no");
  assert.equal(errorText("plain"), "plain");
});

/** Source files (not tests) under `dir`. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) out.push(...sources(p));
    else if (/\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) out.push(p);
  }
  return out;
}

Deno.test("no function, nor the local gateway or functions server, writes to the console except through log()", () => {
  const files = [
    ...sources(join(SUPABASE, "functions")),
    join(SUPABASE, "local/gateway.ts"),
    join(SUPABASE, "local/functions_server.ts"),
  ].filter((f) => !f.endsWith(join("_shared", "log.ts")));
  assert.ok(files.length > 50, `${files.length} files`);
  const offenders: string[] = [];
  for (const f of files) {
    Deno.readTextFileSync(f).split("\n").forEach((line, i) => {
      if (/\bconsole\s*\.\s*(log|error|warn|info|debug|trace|table|dir)\b/.test(line) && !/^\s*(\/\/|\*)/.test(line)) {
        offenders.push(`${f.slice(SUPABASE.length)}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(offenders, [], "use log() from _shared/log.ts: it writes one JSON line with the request's id");
});

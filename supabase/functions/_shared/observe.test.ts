// observed(): the request id, the one error shape for a throw, and Sentry —
// the official Deno SDK posting to the local Sentry stand-in when SENTRY_DSN is set.
import assert from "node:assert/strict";
import { startSentryStandIn } from "../../local/sandbox/sentry.ts";
import { currentRequestId, log } from "./log.ts";
import { observed } from "./observe.ts";

Deno.test("observed: answers with the request id it was given (Twilio's delivery id) and serves under it", async () => {
  let seen: string | null = null;
  const h = observed("probe", () => {
    seen = currentRequestId();
    return new Response("ok");
  });
  const res = await h(new Request("http://x/probe", { headers: { "i-twilio-idempotency-token": "delivery-1234-abcd" } }));
  await res.body?.cancel();
  assert.equal(res.headers.get("x-request-id"), "delivery-1234-abcd");
  assert.equal(seen, "delivery-1234-abcd");
  const minted = await h(new Request("http://x/probe", { headers: { "x-request-id": "bad id with spaces" } }));
  await minted.body?.cancel();
  assert.match(minted.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/, "an unusable id is replaced by a new one");
});

Deno.test("observed: a function that throws answers 500 in the one shape, and the error arrives at Sentry as an envelope", async () => {
  const sentry = startSentryStandIn({ port: 0 });
  const before = Deno.env.get("SENTRY_DSN");
  Deno.env.set("SENTRY_DSN", sentry.dsn("42"));
  try {
    const marker = `boom-${crypto.randomUUID()}`;
    const h = observed("exploding-fn", () => {
      throw new Error(marker);
    });
    const res = await h(new Request("http://x/exploding-fn", { method: "POST", headers: { "x-request-id": "req-sentry-0001" } }));
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: { code: "internal_error", message: "The function failed unexpectedly" } });
    // observed() flushes before answering: the envelope is already there.
    const events = sentry.envelopes.filter((e) => e.project === "42").flatMap((e) => e.items).filter((i) => i.type === "event");
    const event = events.map((i) => i.payload as Record<string, any>)
      .find((p) => p.exception?.values?.some((v: { value?: string }) => v.value === marker));
    assert.ok(event, `no event for ${marker}: ${JSON.stringify(sentry.envelopes).slice(0, 500)}`);
    assert.equal(event.tags?.function, "exploding-fn");
    assert.equal(event.tags?.request_id, "req-sentry-0001");
  } finally {
    if (before === undefined) Deno.env.delete("SENTRY_DSN");
    else Deno.env.set("SENTRY_DSN", before);
    await sentry.close();
  }
});

Deno.test("observed: an error a handler logs (and answers) is reported as a message with its fields and tags, once", async () => {
  const sentry = startSentryStandIn({ port: 0 });
  const before = Deno.env.get("SENTRY_DSN");
  Deno.env.set("SENTRY_DSN", sentry.dsn("43"));
  try {
    const marker = `handled-${crypto.randomUUID()}`;
    const h = observed("logging-fn", () => {
      log("error", "twilio error", { marker, status: 500 });
      return new Response("nope", { status: 502 });
    });
    const res = await h(new Request("http://x/logging-fn", { headers: { "x-request-id": "req-sentry-0002" } }));
    await res.body?.cancel();
    assert.equal(res.status, 502);
    // observed() waits for delivery before answering.
    const events = sentry.envelopes.filter((e) => e.project === "43").flatMap((e) => e.items).filter((i) => i.type === "event")
      .map((i) => i.payload as Record<string, any>);
    const mine = events.filter((p) => p.extra?.marker === marker);
    assert.equal(mine.length, 1, "the logged error only (not the request line): " + JSON.stringify(events).slice(0, 500));
    assert.equal(mine[0].message, "twilio error");
    assert.equal(mine[0].level, "error");
    assert.equal(mine[0].tags?.request_id, "req-sentry-0002");
    assert.equal(mine[0].tags?.function, "logging-fn");
  } finally {
    if (before === undefined) Deno.env.delete("SENTRY_DSN");
    else Deno.env.set("SENTRY_DSN", before);
    await sentry.close();
  }
});

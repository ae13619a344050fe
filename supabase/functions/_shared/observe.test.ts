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

/** Runs `fn` with SENTRY_DSN pointing at a fresh Sentry stand-in (project `project`); gives it the events that arrived. */
async function withSentry(project: string, fn: (events: () => Record<string, any>[]) => Promise<void>) {
  const sentry = startSentryStandIn({ port: 0 });
  const before = Deno.env.get("SENTRY_DSN");
  Deno.env.set("SENTRY_DSN", sentry.dsn(project));
  try {
    await fn(() =>
      sentry.envelopes.filter((e) => e.project === project).flatMap((e) => e.items).filter((i) => i.type === "event")
        .map((i) => i.payload as Record<string, any>)
    );
  } finally {
    if (before === undefined) Deno.env.delete("SENTRY_DSN");
    else Deno.env.set("SENTRY_DSN", before);
    await sentry.close();
  }
}

Deno.test("observed: a function that throws answers 500 in the one shape, and the error arrives at Sentry as an envelope", async () => {
  await withSentry("42", async (events) => {
    const marker = `boom-${crypto.randomUUID()}`;
    const h = observed("exploding-fn", () => {
      throw new Error(marker);
    });
    const res = await h(new Request("http://x/exploding-fn", { method: "POST", headers: { "x-request-id": "req-sentry-0001" } }));
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: { code: "internal_error", message: "The function failed unexpectedly" } });
    // observed() flushes before answering: the envelope is already there.
    const mine = events().filter((p) => p.exception?.values?.some((v: { value?: string }) => v.value === marker));
    assert.equal(mine.length, 1, `one event for ${marker} (not one more for its log line): ${JSON.stringify(events()).slice(0, 500)}`);
    assert.equal(mine[0].tags?.function, "exploding-fn");
    assert.equal(mine[0].tags?.request_id, "req-sentry-0001");
    assert.equal(events().length, 1, "nothing else: the error line names the event, the request line is not reported");
  });
});

Deno.test("observed: an error a handler logs (and answers) is reported as a message with its fields and tags, once", async () => {
  await withSentry("43", async (events) => {
    const marker = `handled-${crypto.randomUUID()}`;
    const h = observed("logging-fn", () => {
      log("error", "twilio error", { marker, status: 500 });
      return new Response("nope", { status: 502 });
    });
    const res = await h(new Request("http://x/logging-fn", { headers: { "x-request-id": "req-sentry-0002" } }));
    await res.body?.cancel();
    assert.equal(res.status, 502);
    // observed() waits for delivery before answering.
    const mine = events().filter((p) => p.extra?.marker === marker);
    assert.equal(mine.length, 1, "the logged error only (not the request line): " + JSON.stringify(events()).slice(0, 500));
    assert.equal(mine[0].message, "twilio error");
    assert.equal(mine[0].level, "error");
    assert.equal(mine[0].tags?.request_id, "req-sentry-0002");
    assert.equal(mine[0].tags?.function, "logging-fn");
  });
});

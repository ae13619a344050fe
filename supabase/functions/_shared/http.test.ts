// The one request-body reader: bounds, JSON and form bodies, and its error shape.
import assert from "node:assert/strict";
import { z } from "zod";
import { readBody } from "./http.ts";

const Body = z.object({ org_id: z.string(), n: z.coerce.number().optional() }).strict();

const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request("http://x/fn", { method: "POST", body, headers });

async function refusal(res: unknown) {
  assert.ok(res instanceof Response, "expected a refusal");
  return { status: res.status, error: (await res.json()).error };
}

Deno.test("readBody: a valid JSON body comes back parsed", async () => {
  assert.deepEqual(await readBody(post(JSON.stringify({ org_id: "o1", n: 2 })), Body), { org_id: "o1", n: 2 });
});

Deno.test("readBody: not POST is a 405, malformed JSON a 400 invalid_json, a bad shape a 400 invalid_body", async () => {
  const get = await refusal(await readBody(new Request("http://x/fn"), Body));
  assert.equal(get.status, 405);
  assert.equal(get.error.code, "method_not_allowed");
  const bad = await refusal(await readBody(post("{nope"), Body));
  assert.deepEqual([bad.status, bad.error.code], [400, "invalid_json"]);
  const extra = await refusal(await readBody(post(JSON.stringify({ org_id: "o1", x: 1 })), Body));
  assert.deepEqual([extra.status, extra.error.code], [400, "invalid_body"]);
  assert.ok(Array.isArray(extra.error.details), "zod's issues are the details");
});

Deno.test("readBody: a body over the bound is a 413, whether declared or streamed", async () => {
  const big = JSON.stringify({ org_id: "x".repeat(2000) });
  const declared = await refusal(await readBody(post(big), Body, { maxBytes: 1000 }));
  assert.deepEqual([declared.status, declared.error.code], [413, "payload_too_large"]);
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode(big));
      c.close();
    },
  });
  const streamed = await refusal(await readBody(post(stream), Body, { maxBytes: 1000 }));
  assert.equal(streamed.status, 413);
});

Deno.test("readBody: an empty body is {} only when asked, and form bodies parse as fields", async () => {
  const Empty = z.object({ source: z.string().optional() }).strict();
  assert.deepEqual(await readBody(post(""), Empty, { emptyAsObject: true }), {});
  assert.equal((await refusal(await readBody(post(""), Empty))).error.code, "invalid_json");
  const form = await readBody(post("org_id=o2&n=7", { "content-type": "application/x-www-form-urlencoded" }), Body, {
    as: "form",
  });
  assert.deepEqual(form, { org_id: "o2", n: 7 });
});

import assert from "node:assert/strict";
import { handler, makeHandler } from "./handler.ts";

Deno.test("health: GET answers ok", async () => {
  const res = await handler(new Request("http://x/health"));
  assert.equal(res.status, 200);
  assert.equal((await res.json()).status, "ok");
});

Deno.test("health: POST echoes a valid probe", async () => {
  const res = await handler(new Request("http://x/health", { method: "POST", body: JSON.stringify({ probe: "p1" }) }));
  assert.equal(res.status, 200);
  assert.equal((await res.json()).probe, "p1");
});

Deno.test("health: malformed JSON is a 400 invalid_json", async () => {
  const res = await handler(new Request("http://x/health", { method: "POST", body: "{nope" }));
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error.code, "invalid_json");
});

Deno.test("health: unexpected fields are a 400 invalid_body", async () => {
  const res = await handler(new Request("http://x/health", { method: "POST", body: JSON.stringify({ probe: 1, x: 2 }) }));
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error.code, "invalid_body");
});

Deno.test("health: other methods are a 405", async () => {
  const res = await handler(new Request("http://x/health", { method: "DELETE" }));
  assert.equal(res.status, 405);
  await res.body?.cancel();
});

Deno.test("health: CORS preflight", async () => {
  const res = await handler(new Request("http://x/health", { method: "OPTIONS" }));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  await res.body?.cancel();
});

Deno.test("health: the time is the clock's", async () => {
  const at = new Date("2026-03-01T12:00:00Z");
  const res = await makeHandler({ now: () => at })(new Request("http://x/health"));
  assert.equal((await res.json()).time, at.toISOString());
});

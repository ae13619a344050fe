// The fault registry's `match`: a fault meant for one test's request is not
// taken by another request that happens to come first.
import assert from "node:assert/strict";
import { startMailgunStandIn } from "../mailgun.ts";
import { FaultRegistry, type FaultState, matches } from "./faults.ts";

type F = FaultState & { kind: string; path?: string; match?: string };
const registry = () =>
  new FaultRegistry<F, { kind: string; path?: string; match?: string; count?: number }>(
    (s) => ({ fault: { kind: s.kind, path: s.path, match: s.match }, remaining: s.count ?? 1 }),
    (f, method, path) => matches(f, method, path),
  );

Deno.test("faults: a fault with match applies only to a body containing it, and is used up there", () => {
  const r = registry();
  r.add({ kind: "500", match: "call-b" });
  assert.equal(r.take("POST", "/x", "body of call-a"), undefined);
  assert.equal(r.take("POST", "/x"), undefined);
  assert.equal(r.take("POST", "/x", "body of call-b")?.kind, "500");
  assert.equal(r.take("POST", "/x", "body of call-b"), undefined, "count 1 is used up");
});

Deno.test("faults: without match a fault applies to the first request on its path", () => {
  const r = registry();
  r.add({ kind: "429", path: "/v1/*", count: 2 });
  assert.equal(r.take("GET", "/other", "anything"), undefined);
  assert.equal(r.take("GET", "/v1/a", "anything")?.kind, "429");
  assert.equal(r.take("GET", "/v1/b")?.kind, "429");
  assert.equal(r.list().length, 0);
});

Deno.test("mailgun stand-in: a 500 for one recipient leaves another's message alone", async () => {
  const mg = startMailgunStandIn({ port: 0, apiKey: "key-test" });
  try {
    const send = (to: string) => {
      const form = new FormData();
      form.set("from", "a@b.test");
      form.set("to", to);
      form.set("subject", "s");
      form.set("text", "t");
      return fetch(`${mg.url}/v3/mg.test/messages`, { method: "POST", headers: { authorization: `Basic ${btoa("api:key-test")}` }, body: form });
    };
    const f = await fetch(`${mg.url}/_sandbox/faults`, { method: "POST", body: JSON.stringify({ kind: "500", count: 1, match: "b@x.test" }) });
    assert.equal(f.status, 201);
    await f.body?.cancel();
    const a = await send("a@x.test");
    assert.equal(a.status, 200);
    await a.body?.cancel();
    const b = await send("b@x.test");
    assert.equal(b.status, 500);
    await b.body?.cancel();
    const again = await send("b@x.test");
    assert.equal(again.status, 200);
    await again.body?.cancel();
    assert.deepEqual(mg.messages.map((m) => m.to[0]), ["a@x.test", "b@x.test"]);
  } finally {
    await mg.close();
  }
});

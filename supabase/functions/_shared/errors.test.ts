// dbErrorResponse: our SPnnn messages reach the client; Postgres' own never do.
import assert from "node:assert/strict";
import { dbErrorResponse, httpStatusFor } from "./errors.ts";

async function answer(err: { code?: string; message?: string }) {
  const res = dbErrorResponse(err);
  return { status: res.status, body: await res.json() };
}

Deno.test("dbErrorResponse: an SP code keeps our message and maps to its status", async () => {
  assert.deepEqual(await answer({ code: "SP409", message: "That slug is taken" }), {
    status: 409,
    body: { error: { code: "conflict", message: "That slug is taken" } },
  });
  assert.equal(httpStatusFor("SP429"), 429);
});

Deno.test("dbErrorResponse: standard SQLSTATEs get a generic message, never Postgres' wording", async () => {
  const cases = [
    { code: "23505", message: 'duplicate key value violates unique constraint "organizations_slug_key"' },
    { code: "22P02", message: 'invalid input syntax for type uuid: "x"' },
    { code: "42501", message: 'permission denied for table calls' },
    { code: "PGRST202", message: "Could not find the function public.nope in the schema cache" },
  ];
  for (const c of cases) {
    const { status, body } = await answer(c);
    assert.ok(status >= 400 && status < 500, `${c.code}: ${status}`);
    assert.deepEqual(Object.keys(body.error).sort(), ["code", "message"]);
    assert.doesNotMatch(JSON.stringify(body), /violates|syntax|permission denied|schema cache|organizations_slug_key|public\./, c.code);
  }
});

Deno.test("dbErrorResponse: a 5xx says nothing of the cause", async () => {
  const { status, body } = await answer({ code: "57014", message: "canceling statement due to statement timeout" });
  assert.equal(status, 500);
  assert.deepEqual(body, { error: { code: "internal_error", message: "Something went wrong on our side" } });
});

// One error shape per surface, and no database internals in any of them.
// Every Edge Function, the functions server and the gateway answer bad input
// with `{ error: { code, message } }` (plus `details` only for invalid_body);
// PostgREST keeps its own `{ code, message, details, hint }` and carries our
// SPnnn codes. No answer names a table, column, constraint, SQLSTATE or hint.
import assert from "node:assert/strict";
import { ANON_KEY, API_URL, accessToken, signJwt } from "../../local/tests/helpers.ts";
import { createOrg } from "./fixtures.ts";

const FN = `${API_URL}/functions/v1`;

/** What a client must never see: Postgres' wording, SQLSTATEs, stack frames. */
const INTERNALS =
  /postgres|sqlstate|violates|constraint|relation "|column "|syntax error|invalid input syntax|max_stack_depth|statement timeout|\bhint\b|PGRST|\b(22P02|23505|23503|42501|42P01)\b|at [\w.]+ \(|file:\/\/|node_modules|127\.0\.0\.1:\d+/i;

interface Answer {
  status: number;
  text: string;
  type: string;
}

async function send(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, init);
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") ?? "" };
}

/** Asserts the one function/gateway error shape and returns its code. */
function errorShape(what: string, a: Answer): string {
  assert.match(a.type, /application\/json/, `${what}: JSON expected, got ${a.type}: ${a.text.slice(0, 200)}`);
  const body = JSON.parse(a.text);
  assert.deepEqual(Object.keys(body), ["error"], `${what}: only "error" at the top: ${a.text.slice(0, 200)}`);
  const keys = Object.keys(body.error).sort();
  assert.ok(
    keys.join() === "code,message" || (keys.join() === "code,details,message" && body.error.code === "invalid_body"),
    `${what}: error has code and message (details only for invalid_body): ${a.text.slice(0, 200)}`,
  );
  assert.match(body.error.code, /^[a-z][a-z0-9_]*$/, `${what}: a stable snake_case code`);
  assert.ok(typeof body.error.message === "string" && body.error.message.length > 0, `${what}: a message`);
  assert.doesNotMatch(a.text, INTERNALS, `${what}: leaks internals: ${a.text.slice(0, 300)}`);
  return body.error.code;
}

const json = (token: string | null, body: unknown, method = "POST"): RequestInit => ({
  method,
  headers: {
    apikey: ANON_KEY,
    "content-type": "application/json",
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

Deno.test("every function answers bad input with one error shape and a stable code, leaking no internals", async () => {
  const org = await createOrg();
  const token = await accessToken(org.owner.id);
  const forged = await signJwt({ sub: org.owner.id, role: "authenticated" }, { secret: "not-the-project-secret-at-least-32-chars" });
  const huge = JSON.stringify({ org_id: org.id, pad: "x".repeat(200_000) });
  const cases: [string, string, RequestInit, number][] = [
    // User functions (JWT).
    ["phone-numbers: no JWT", `${FN}/phone-numbers`, json(null, { action: "search", org_id: org.id, area_code: "415" }), 401],
    ["phone-numbers: forged JWT", `${FN}/phone-numbers`, json(forged, { action: "search", org_id: org.id, area_code: "415" }), 401],
    ["phone-numbers: not JSON", `${FN}/phone-numbers`, json(token, "{not json"), 400],
    ["phone-numbers: unknown action", `${FN}/phone-numbers`, json(token, { action: "explode", org_id: org.id }), 400],
    ["phone-numbers: org id not a uuid", `${FN}/phone-numbers`, json(token, { action: "search", org_id: "x'; select 1 --", area_code: "415" }), 400],
    ["phone-numbers: too large", `${FN}/phone-numbers`, json(token, huge), 413],
    ["phone-numbers: GET", `${FN}/phone-numbers`, { headers: { authorization: `Bearer ${token}` } }, 405],
    ["stripe-checkout: wrong fields", `${FN}/stripe-checkout`, json(token, { org_id: 7, plan: ["x"] }), 400],
    ["stripe-checkout: another org", `${FN}/stripe-checkout`, json(token, { org_id: crypto.randomUUID(), plan: "pro" }), 0],
    ["stripe-portal: org id not a uuid", `${FN}/stripe-portal`, json(token, { org_id: "nope" }), 400],
    ["stripe-portal: another org", `${FN}/stripe-portal`, json(token, { org_id: crypto.randomUUID() }), 0],
    ["stripe-subscription: seats out of range", `${FN}/stripe-subscription`, json(token, { org_id: org.id, seats: -3 }), 400],
    ["call-recording: no call id", `${FN}/call-recording`, { headers: { authorization: `Bearer ${token}` } }, 400],
    ["call-recording: call id not a uuid", `${FN}/call-recording?call_id=1%27%20or%201=1`, { headers: { authorization: `Bearer ${token}` } }, 400],
    ["call-recording: unknown call", `${FN}/call-recording?call_id=${crypto.randomUUID()}`, { headers: { authorization: `Bearer ${token}` } }, 404],
    ["call-recording: POST without a call id (minting a signed URL)", `${FN}/call-recording`, json(token, {}), 400],
    ["call-recording: PUT", `${FN}/call-recording`, { method: "PUT", headers: { authorization: `Bearer ${token}` } }, 405],
    ["health: bad probe", `${FN}/health`, json(token, { probe: 42 }), 400],
    ["email-draft: wrong fields", `${FN}/email-draft`, json(token, { call_id: 7 }), 0],
    ["email-draft: no JWT", `${FN}/email-draft`, json(null, { call_id: crypto.randomUUID() }), 401],
    ["sims: unknown action", `${FN}/sims`, json(token, { action: "explode" }), 400],
    ["sims: not JSON", `${FN}/sims`, json(token, "{not json"), 400],
    ["voice-start-session: org id not a uuid", `${FN}/voice-start-session`, json(token, { org_id: "x'; select 1 --" }), 400],
    ["voice-end-session: session id not a uuid", `${FN}/voice-end-session`, json(token, { session_id: "nope" }), 400],
    ["voice-stream-audio: no token", `${FN}/voice-stream-audio`, {}, 0],
    ["voice-recording: session id not a uuid", `${FN}/voice-recording`, json(token, { session_id: "nope" }), 400],
    ["voice-recording: unknown session", `${FN}/voice-recording`, json(token, { session_id: crypto.randomUUID() }), 404],
    ["voice-recording: a forged URL", `${FN}/voice-recording?token=forged`, {}, 403],
    ["metrics: not staff", `${FN}/metrics`, { headers: { authorization: `Bearer ${token}` } }, 403],
    // Backend-only.
    ["process-jobs: a user's JWT", `${FN}/process-jobs`, json(token, {}), 403],
    // Provider webhooks (no JWT; the provider's signature).
    ["twilio-voice: GET", `${FN}/twilio-voice`, {}, 405],
    ["twilio-voice: unsigned", `${FN}/twilio-voice`, { method: "POST", body: "CallSid=CA1", headers: { "content-type": "application/x-www-form-urlencoded" } }, 403],
    ["twilio-recording: unsigned", `${FN}/twilio-recording`, { method: "POST", body: "CallSid=CA1" }, 403],
    ["twilio-recording: too large", `${FN}/twilio-recording`, { method: "POST", body: "x=" + "y".repeat(100_000) }, 413],
    ["stripe-webhook: unsigned", `${FN}/stripe-webhook`, { method: "POST", body: '{"type":"invoice.paid"}' }, 400],
    ["mailgun-inbound: unsigned", `${FN}/mailgun-inbound`, { method: "POST", body: "recipient=a%40b.test", headers: { "content-type": "application/x-www-form-urlencoded" } }, 0],
    // The functions server and the gateway.
    ["functions server: unknown function", `${FN}/no-such-function`, json(token, {}), 404],
    ["gateway: unknown route", `${API_URL}/nowhere`, {}, 404],
    ["gateway: REST without apikey", `${API_URL}/rest/v1/calls`, {}, 401],
    ["gateway: REST with a bad apikey", `${API_URL}/rest/v1/calls`, { headers: { apikey: "sb-nope" } }, 401],
  ];
  const failures: string[] = [];
  for (const [what, url, init, status] of cases) {
    const a = await send(url, init);
    try {
      if (status) assert.equal(a.status, status, `${what}: status ${a.status}: ${a.text.slice(0, 200)}`);
      else assert.ok(a.status >= 400 && a.status < 500, `${what}: a 4xx expected, got ${a.status}: ${a.text.slice(0, 200)}`);
      errorShape(what, a);
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
  assert.deepEqual(failures, []);
});

Deno.test("PostgREST carries our SP codes with our message, no Postgres detail or hint", async () => {
  const org = await createOrg();
  const token = await accessToken(org.owner.id);
  const rpc = (fn: string, args: unknown) => send(`${API_URL}/rest/v1/rpc/${fn}`, json(token, args));
  const badSlug = await rpc("create_organization", { name: "Acme", slug: "NOT A SLUG!" });
  assert.equal(badSlug.status, 400, badSlug.text);
  const body = JSON.parse(badSlug.text);
  assert.equal(body.code, "SP400");
  assert.equal(body.hint, null, badSlug.text);
  assert.equal(body.details, null, badSlug.text);
  const long = await rpc("search_calls", { p_query: "word ".repeat(40_000) });
  assert.ok(long.status === 400 || long.status === 413, `${long.status}: ${long.text.slice(0, 200)}`);
  assert.doesNotMatch(long.text, /max_stack_depth|statement timeout/);
  if (long.status === 400) assert.equal(JSON.parse(long.text).code, "SP400");
});

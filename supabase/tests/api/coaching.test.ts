// call-recording through the real stack: gateway → functions server
// (verify_jwt) → PostgREST under the caller's JWT (RLS) → the test instance's
// Twilio stand-in. A call is made the way production makes it: registered at
// the stand-in and ingested through the signed recording-status webhook.
import assert from "node:assert/strict";
import {
  instance,
  type InstanceName,
  SANDBOX_TWILIO_ACCOUNT_SID,
  SANDBOX_TWILIO_AUTH_TOKEN,
} from "../../local/config.ts";
import { ANON_KEY, API_URL, db, poll, accessToken } from "../../local/tests/helpers.ts";
import { addMember, createAgent, createOrg, createTenant } from "./fixtures.ts";

const inst = instance((Deno.env.get("SALESPULSE_INSTANCE") ?? "test") as InstanceName);
const TWILIO = `http://127.0.0.1:${inst.ports.twilio}`;
// A tenant of this file's own: its line rings one agent, a second agent
// takes no calls; and another tenant's manager.
const tenant = await createTenant();
const MANAGER = tenant.manager.id;
const AGENT_ON_CALL = tenant.agentUser.id;
const OTHER_AGENT = await addMember(tenant.org, "agent");
await createAgent(tenant.org, { user: OTHER_AGENT });
const OTHER_MANAGER = (await addMember(await createOrg(), "manager")).id;

async function control(path: string, body: unknown) {
  const r = await fetch(`${TWILIO}/_sandbox${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return await r.json();
}

let arranged: Promise<{ callId: string; recordingSid: string }> | undefined;
/** One recorded call of the tenant (to the line that rings its agent), ingested once, on first use. */
function recordedCall() {
  arranged ??= (async () => {
    const { call, recording } = await control("/calls", {
      from: "+15557778888",
      to: tenant.number.e164,
      duration: 20,
      transcript: {
        sentences: [
          {
            media_channel: 2,
            start_time: 0,
            end_time: 4,
            transcript: "Thanks for calling Acme Solar, this is Alex.",
          },
          {
            media_channel: 1,
            start_time: 4.5,
            end_time: 9,
            transcript: "Hi, I'd like a quote for panels.",
          },
        ],
      },
    });
    const delivery = await control("/webhooks", {
      event: "recording-status",
      call_sid: call.sid,
      url: `${API_URL}/functions/v1/twilio-recording`,
    });
    assert.equal(delivery.response?.status, 200, JSON.stringify(delivery));
    const sql = db();
    try {
      const callId = await poll("the call row", async () => {
        const [row] = await sql`select id from public.calls where twilio_call_sid = ${call.sid}`;
        return row?.id as string | undefined;
      });
      return { callId, recordingSid: recording.sid as string };
    } finally {
      await sql.end();
    }
  })();
  return arranged;
}

const tokenOf = (sub: string) => accessToken(sub);

async function play(callId: string, opts: { user?: string; range?: string; format?: string } = {}) {
  const headers: Record<string, string> = { apikey: ANON_KEY };
  if (opts.user) headers.authorization = `Bearer ${await tokenOf(opts.user)}`;
  if (opts.range) headers.range = opts.range;
  const q = new URLSearchParams({
    call_id: callId,
    ...(opts.format ? { format: opts.format } : {}),
  });
  return await fetch(`${API_URL}/functions/v1/call-recording?${q}`, { headers });
}

async function twilioMedia(recordingSid: string, range?: string) {
  const res = await fetch(
    `${TWILIO}/2010-04-01/Accounts/${SANDBOX_TWILIO_ACCOUNT_SID}/Recordings/${recordingSid}.wav`,
    {
      headers: {
        authorization: `Basic ${
          btoa(`${SANDBOX_TWILIO_ACCOUNT_SID}:${SANDBOX_TWILIO_AUTH_TOKEN}`)
        }`,
        ...(range ? { range } : {}),
      },
    },
  );
  assert.ok(res.ok, `the stand-in serves the media (${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}

Deno.test("recording: a manager of the call's organization gets the bytes of a range (206)", async () => {
  const { callId, recordingSid } = await recordedCall();
  const res = await play(callId, { user: MANAGER, range: "bytes=100-199" });
  assert.equal(res.status, 206, await res.clone().text());
  const whole = await twilioMedia(recordingSid);
  assert.equal(res.headers.get("content-range"), `bytes 100-199/${whole.length}`);
  assert.equal(res.headers.get("content-length"), "100");
  assert.match(res.headers.get("content-type") ?? "", /^audio\//);
  assert.deepEqual(new Uint8Array(await res.arrayBuffer()), whole.subarray(100, 200));
});

Deno.test("recording: without Range the whole recording comes back (200)", async () => {
  const { callId, recordingSid } = await recordedCall();
  const res = await play(callId, { user: MANAGER });
  assert.equal(res.status, 200);
  const body = new Uint8Array(await res.arrayBuffer());
  assert.deepEqual(body, await twilioMedia(recordingSid));
  assert.equal(new TextDecoder().decode(body.subarray(0, 4)), "RIFF");
});

Deno.test("recording: the agent on the call may play it; another agent of the same organization may not", async () => {
  const { callId } = await recordedCall();
  const own = await play(callId, { user: AGENT_ON_CALL, range: "bytes=0-3" });
  assert.equal(own.status, 206);
  assert.equal(new TextDecoder().decode(await own.arrayBuffer()), "RIFF");
  const other = await play(callId, { user: OTHER_AGENT.id });
  assert.equal(other.status, 404);
  assert.equal((await other.json()).error.code, "not_found");
});

Deno.test("recording: another tenant's manager gets 404, the same as for a call that does not exist", async () => {
  const { callId } = await recordedCall();
  const res = await play(callId, { user: OTHER_MANAGER, range: "bytes=100-199" });
  assert.equal(res.status, 404);
  const body = await res.text();
  assert.equal(JSON.parse(body).error.code, "not_found");
  assert.doesNotMatch(body, /twilio|Recordings|RE[0-9a-f]{32}/i);

  const missing = await play(crypto.randomUUID(), { user: MANAGER });
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, "not_found");
});

Deno.test("recording: no JWT is a 401; the anon key alone is not a user either", async () => {
  const { callId } = await recordedCall();
  const none = await play(callId);
  assert.equal(none.status, 401);
  assert.ok((await none.json()).error, "an error body");

  const anon = await fetch(`${API_URL}/functions/v1/call-recording?call_id=${callId}`, {
    headers: { apikey: ANON_KEY, authorization: `Bearer ${ANON_KEY}` },
  });
  assert.equal(anon.status, 401);
  assert.equal((await anon.json()).error.code, "not_authenticated");
});

Deno.test("recording: a malformed call_id is a 400", async () => {
  const res = await play("not-a-uuid", { user: MANAGER });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error.code, "invalid_input");
});

async function mintUrl(callId: string, authorization: string | null, format = "wav") {
  const headers: Record<string, string> = { apikey: ANON_KEY, "content-type": "application/json" };
  if (authorization) headers.authorization = authorization;
  return await fetch(`${API_URL}/functions/v1/call-recording`, {
    method: "POST",
    headers,
    body: JSON.stringify({ call_id: callId, format }),
  });
}

Deno.test("signed recording URL: minted after the RLS check, it streams ranges with no token or key at all", async () => {
  const { callId, recordingSid } = await recordedCall();
  const res = await mintUrl(callId, `Bearer ${await tokenOf(MANAGER)}`);
  assert.equal(res.status, 200);
  const { url, expires_at } = await res.json();
  const ttl = Date.parse(expires_at) - Date.now();
  assert.ok(ttl > 290_000 && ttl <= 300_000, `about 5 minutes (${ttl} ms)`);
  assert.ok(url.startsWith(`${API_URL}/functions/v1/call-recording?`), url);
  const part = await fetch(url, { headers: { range: "bytes=10-19" } });
  assert.equal(part.status, 206);
  assert.deepEqual(new Uint8Array(await part.arrayBuffer()), (await twilioMedia(recordingSid)).subarray(10, 20));
  const tampered = new URL(url);
  tampered.searchParams.set("user", OTHER_MANAGER);
  const refused = await fetch(tampered);
  assert.equal(refused.status, 403);
  assert.equal((await refused.json()).error.code, "invalid_signature");
});

Deno.test("signed recording URL: outsiders, forged tokens and the anon key cannot mint one", async () => {
  const { callId } = await recordedCall();
  const outsider = await mintUrl(callId, `Bearer ${await tokenOf(OTHER_MANAGER)}`);
  assert.equal(outsider.status, 404);
  await outsider.body?.cancel();
  const real = await tokenOf(MANAGER);
  const [h, p] = real.split(".");
  const forged = await mintUrl(callId, `Bearer ${h}.${p}.${"A".repeat(43)}`);
  assert.equal(forged.status, 401, "PostgREST refuses a token whose signature is wrong");
  await forged.body?.cancel();
  const anon = await mintUrl(callId, `Bearer ${ANON_KEY}`);
  assert.equal(anon.status, 401);
  await anon.body?.cancel();
});

// Call ingestion through the real stack: Twilio's signed webhooks (built with
// the official `twilio` signature algorithm) → gateway → functions → SQL →
// job queue → process-jobs worker, with the Twilio stand-in as Twilio.
import assert from "node:assert/strict";
import { XMLParser } from "fast-xml-parser";
import twilio from "twilio";
import { instance, type InstanceName, SANDBOX_TWILIO_ACCOUNT_SID, SANDBOX_TWILIO_AUTH_TOKEN } from "../../local/config.ts";
import { ANON_KEY, API_URL, db, poll, SERVICE_ROLE_KEY } from "../../local/tests/helpers.ts";
import { createTenant } from "./fixtures.ts";

const inst = instance((Deno.env.get("SALESPULSE_INSTANCE") ?? "test") as InstanceName);
const TWILIO = `http://127.0.0.1:${inst.ports.twilio}`;
const PUBLIC = `${API_URL}/functions/v1`;
const NOTICE = "This call may be recorded for quality and training purposes.";
// A tenant of this file's own: its line rings its agent.
const tenant = await createTenant({ recordingNotice: NOTICE });
const LINE = tenant.number.e164;

const hex = () => crypto.randomUUID().replace(/-/g, "");
const callSid = () => "CA" + hex();
const recSid = () => "RE" + hex();

function recordingParams(call: string, rec: string, extra: Record<string, string> = {}) {
  return {
    AccountSid: SANDBOX_TWILIO_ACCOUNT_SID,
    CallSid: call,
    RecordingSid: rec,
    RecordingUrl: `${TWILIO}/2010-04-01/Accounts/${SANDBOX_TWILIO_ACCOUNT_SID}/Recordings/${rec}`,
    RecordingStatus: "completed",
    RecordingDuration: "42",
    RecordingChannels: "2",
    RecordingStartTime: new Date().toUTCString(),
    RecordingSource: "DialVerb",
    ...extra,
  };
}

/** POST a form the way Twilio does, signed over the public URL. */
async function postSigned(fn: string, params: Record<string, string>, opts: { tamper?: boolean; signature?: string | null } = {}) {
  const url = `${PUBLIC}/${fn}`;
  const signature = opts.signature !== undefined
    ? opts.signature
    : twilio.getExpectedTwilioSignature(SANDBOX_TWILIO_AUTH_TOKEN, url, params);
  let body = new URLSearchParams(params).toString();
  if (opts.tamper) body = body.replace("RecordingDuration=42", "RecordingDuration=43");
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (signature !== null) headers["x-twilio-signature"] = signature;
  const t0 = performance.now();
  const res = await fetch(url, { method: "POST", headers, body });
  return { status: res.status, text: await res.text(), ms: performance.now() - t0, type: res.headers.get("content-type") };
}

async function callRow(sid: string) {
  const sql = db();
  try {
    const [c] = await sql`select * from public.calls where twilio_call_sid = ${sid}`;
    const jobs = c ? await sql`select * from public.jobs where payload->>'call_id' = ${c.id}` : [];
    return { call: c, jobs };
  } finally {
    await sql.end();
  }
}

async function registerTwilioCall(from: string, to: string) {
  const res = await fetch(`${TWILIO}/_sandbox/calls`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from, to, duration: 42 }),
  });
  assert.equal(res.status, 201);
  const body = await res.json();
  return { call: body.call.sid as string, rec: body.recording.sid as string };
}

Deno.test("recording callback: signed → 200 before any analysis, one call, one job, picked up by the worker", async () => {
  const { call, rec } = await registerTwilioCall("+15557654321", LINE);
  // Hold the worker's first look-up of this call at Twilio until the test lets
  // it go: the webhook must answer while the analysis has not even started.
  const fault = await (await fetch(`${TWILIO}/_sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind: "timeout", path: `*/Calls/${call}.json`, method: "GET", count: 1 }),
  })).json();
  let row, jobs;
  try {
    const r = await postSigned("twilio-recording", recordingParams(call, rec));
    assert.equal(r.status, 200, r.text);
    assert.match(r.type ?? "", /xml/);
    assert.equal(r.text, "<Response/>");
    ({ call: row, jobs } = await callRow(call));
  } finally {
    await fetch(`${TWILIO}/_sandbox/faults/${fault.id}`, { method: "DELETE" }).then((r) => r.body?.cancel());
  }
  assert.ok(row, "a calls row exists");
  assert.equal(row.status, "received", "answered before the worker moved the call on");
  assert.equal(row.org_id, null, "the organization is resolved later, by the worker");
  assert.equal(row.twilio_recording_sid, rec);
  assert.equal(row.duration_seconds, 42);
  assert.equal(jobs.length, 1);
  assert.equal(jobs[0].kind, "analyze_call");
  // The worker resolves the organization through Twilio's Calls resource and
  // moves the call on (its held first look-up times out after 15 s; the
  // queue retries it).
  const done = await poll("the worker to take the call", async () => {
    const { call: c } = await callRow(call);
    return c.org_id && c.status !== "received" ? c : null;
  }, 90_000, 250);
  assert.equal(done.org_id, tenant.org.id);
  assert.equal(done.from_number, "+15557654321");
  assert.notEqual(done.status, "failed", done.error);
});

Deno.test("recording callback: Twilio's retries create one call and one job", async () => {
  const { call, rec } = await registerTwilioCall("+15557654322", LINE);
  const params = recordingParams(call, rec);
  const results = await Promise.all([1, 2, 3].map(() => postSigned("twilio-recording", params)));
  assert.deepEqual(results.map((r) => r.status), [200, 200, 200]);
  assert.equal((await postSigned("twilio-recording", params)).status, 200);
  const { jobs } = await callRow(call);
  assert.equal(jobs.length, 1);
  const sql = db();
  try {
    const [{ n }] = await sql`select count(*)::int as n from public.calls where twilio_call_sid = ${call}`;
    assert.equal(n, 1);
  } finally {
    await sql.end();
  }
});

Deno.test("recording callback: one altered byte → 403 and nothing written", async () => {
  const call = callSid();
  const r = await postSigned("twilio-recording", recordingParams(call, recSid()), { tamper: true });
  assert.equal(r.status, 403);
  assert.equal((await callRow(call)).call, undefined);
});

Deno.test("recording callback: no signature, or a signature over another URL → 403", async () => {
  const call = callSid();
  const params = recordingParams(call, recSid());
  assert.equal((await postSigned("twilio-recording", params, { signature: null })).status, 403);
  const internal = twilio.getExpectedTwilioSignature(SANDBOX_TWILIO_AUTH_TOKEN, `http://127.0.0.1:${inst.ports.functions}/twilio-recording`, params);
  assert.equal((await postSigned("twilio-recording", params, { signature: internal })).status, 403);
  assert.equal((await callRow(call)).call, undefined);
});

Deno.test("recording callback: a signed but malformed body → 400, nothing written", async () => {
  const call = callSid();
  const params = recordingParams(call, "not-a-recording-sid");
  const r = await postSigned("twilio-recording", params);
  assert.equal(r.status, 400);
  assert.match(r.text, /RecordingSid/);
  assert.equal((await callRow(call)).call, undefined);
});

Deno.test("recording callback: an oversized body → 413", async () => {
  const params = recordingParams(callSid(), recSid(), { Padding: "x".repeat(70 * 1024) });
  const r = await postSigned("twilio-recording", params);
  assert.equal(r.status, 413);
});

Deno.test("recording callback for a number nobody owns: acknowledged, kept as orphaned", async () => {
  const { call, rec } = await registerTwilioCall("+15557654323", "+15550009999");
  const r = await postSigned("twilio-recording", recordingParams(call, rec));
  assert.equal(r.status, 200);
  const row = await poll("the call to be marked orphaned", async () => {
    const { call: c } = await callRow(call);
    return c?.status === "orphaned" ? c : null;
  }, 20_000, 200);
  assert.equal(row.org_id, null);
  assert.match(row.error, /no organization owns \+15550009999/);
});

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false });

Deno.test("voice webhook: TwiML plays the notice and dials the agent with dual-channel recording", async () => {
  const call = callSid();
  const r = await postSigned("twilio-voice", { AccountSid: SANDBOX_TWILIO_ACCOUNT_SID, CallSid: call, From: "+15551112222", To: LINE, Direction: "inbound", CallStatus: "ringing" });
  assert.equal(r.status, 200, r.text);
  const doc = xml.parse(r.text);
  assert.equal(doc.Response.Say["#text"], NOTICE);
  const dial = doc.Response.Dial;
  assert.equal(dial["@record"], "record-from-answer-dual");
  assert.equal(dial["@recordingStatusCallback"], `${PUBLIC}/twilio-recording`);
  assert.equal(dial["@recordingStatusCallbackEvent"], "completed");
  assert.equal(dial.Number, tenant.agent.phone);
  const { call: row } = await callRow(call);
  assert.equal(row.status, "in_progress");
  assert.equal(row.org_id, tenant.org.id);
  assert.equal(row.agent_id, tenant.agent.id);
});

Deno.test("voice webhook: an unknown number gets a polite message and a hang-up", async () => {
  const r = await postSigned("twilio-voice", { AccountSid: SANDBOX_TWILIO_ACCOUNT_SID, CallSid: callSid(), From: "+15551112222", To: "+15550001111" });
  assert.equal(r.status, 200);
  const doc = xml.parse(r.text);
  assert.match(doc.Response.Say["#text"], /not in service/);
  assert.equal(doc.Response.Hangup, "");
});

Deno.test("voice webhook: bad signature → 403", async () => {
  const r = await postSigned("twilio-voice", { CallSid: callSid(), From: "+1", To: LINE }, { signature: "AAAA" });
  assert.equal(r.status, 403);
});

Deno.test("process-jobs is for the service role only", async () => {
  const none = await fetch(`${PUBLIC}/process-jobs`, { method: "POST" });
  assert.equal(none.status, 401);
  await none.body?.cancel();
  const anon = await fetch(`${PUBLIC}/process-jobs`, { method: "POST", headers: { authorization: `Bearer ${ANON_KEY}` } });
  assert.equal(anon.status, 403);
  await anon.body?.cancel();
  const ok = await fetch(`${PUBLIC}/process-jobs`, {
    method: "POST",
    headers: { authorization: `Bearer ${SERVICE_ROLE_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ max_jobs: 1 }),
  });
  assert.equal(ok.status, 200);
  assert.ok("claimed" in await ok.json());
});

Deno.test("concurrent workers never get the same job", async () => {
  const sql = db();
  const kind = `concurrency_${hex().slice(0, 8)}`;
  try {
    await sql`insert into public.jobs (kind, payload) select ${kind}, '{}'::jsonb from generate_series(1, 200)`;
    const claimed: number[] = [];
    await Promise.all(Array.from({ length: 8 }, async (_, w) => {
      const conn = db();
      try {
        for (;;) {
          const rows = await conn`select id, kind from public.claim_jobs(${"probe-" + w}, 7, 60, ${[kind]})`;
          claimed.push(...rows.map((r) => Number(r.id)));
          for (const r of rows) await conn`select public.complete_job(${r.id}, ${"probe-" + w})`;
          if (rows.length === 0) break;
        }
      } finally {
        await conn.end();
      }
    }));
    assert.equal(new Set(claimed).size, claimed.length, "no job was claimed twice");
    const [{ n, max }] = await sql`select count(*)::int as n, max(attempts) as max from public.jobs where kind = ${kind}`;
    assert.equal(n, 200);
    assert.equal(max, 1, "every job was attempted exactly once");
  } finally {
    await sql`delete from public.jobs where kind = ${kind}`;
    await sql.end();
  }
});

async function settled(sid: string) {
  return await poll("the worker to settle the call", async () => {
    const { call: c } = await callRow(sid);
    return c && !["in_progress", "received", "transcribing", "analyzing"].includes(c.status) ? c : null;
  }, 30_000, 200);
}

async function consentOf(callId: string) {
  const sql = db();
  try {
    const [row] = await sql`select * from public.call_consents where call_id = ${callId}`;
    return row;
  } finally {
    await sql.end();
  }
}

Deno.test("consent: a California caller who heard the notice is analyzed; the ledger has the notice, region and rule", async () => {
  const { call, rec } = await registerTwilioCall("+14155550142", LINE);
  const voice = await postSigned("twilio-voice", { AccountSid: SANDBOX_TWILIO_ACCOUNT_SID, CallSid: call, From: "+14155550142", To: LINE, Direction: "inbound" });
  assert.equal(voice.status, 200, voice.text);
  assert.equal((await postSigned("twilio-recording", recordingParams(call, rec))).status, 200);
  const row = await settled(call);
  assert.equal(row.status, "analyzed", row.error);
  const consent = await consentOf(row.id);
  assert.equal(consent.region, "US-CA");
  assert.equal(consent.rule, "all_party");
  assert.equal(consent.notice_played, true);
  assert.equal(consent.notice_text, NOTICE);
  assert.equal(consent.source, "voice");
});

Deno.test("consent: a California call with no notice on record is kept but not analyzed, with the reason; a one-party caller is analyzed", async () => {
  const ca = await registerTwilioCall("+14155550143", LINE);
  assert.equal((await postSigned("twilio-recording", recordingParams(ca.call, ca.rec))).status, 200);
  const row = await settled(ca.call);
  assert.equal(row.status, "not_analyzed");
  assert.match(row.error, /US-CA requires every party's consent/);
  assert.equal(row.twilio_recording_sid, ca.rec, "the call and its recording are kept");
  const sql = db();
  try {
    const [{ n }] = await sql`select count(*)::int as n from public.insights where call_id = ${row.id}`;
    assert.equal(n, 0, "no insight");
  } finally {
    await sql.end();
  }
  assert.equal((await consentOf(row.id)).source, "analyzer");

  const ny = await registerTwilioCall("+12125550143", LINE);
  assert.equal((await postSigned("twilio-recording", recordingParams(ny.call, ny.rec))).status, 200);
  const nyRow = await settled(ny.call);
  assert.equal(nyRow.status, "analyzed", nyRow.error);
  assert.equal((await consentOf(nyRow.id)).rule, "one_party");
});

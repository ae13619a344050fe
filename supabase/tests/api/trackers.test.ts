// Trackers and conversation metrics end to end on the test stack: a manager
// adds a tracker with alerts through PostgREST (real JWT) → a recorded call
// goes through the worker (Twilio transcript stand-in → redaction → analysis)
// → the call has talk metrics and tracker hits with times, the alert is an
// activity and an email to the managers (Mailgun stand-in), and only readers
// of the call see any of it.
import assert from "node:assert/strict";
import { instance, type InstanceName } from "../../local/config.ts";
import { accessToken, ANON_KEY, API_URL, db, kickWorker as kick, poll } from "../../local/tests/helpers.ts";
import { addMember, createOrg, createTenant, postRecordedCall } from "./fixtures.ts";

const inst = instance((Deno.env.get("SALESPULSE_INSTANCE") ?? "test") as InstanceName);
const MAILGUN = `http://127.0.0.1:${inst.ports.mailgun}/_sandbox`;

async function rest(user: string, path: string, init: RequestInit = {}) {
  const token = await accessToken(user);
  const res = await fetch(`${API_URL}/rest/v1/${path}`, {
    ...init,
    headers: { apikey: ANON_KEY, authorization: `Bearer ${token}`, "content-type": "application/json", prefer: "return=representation" },
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

Deno.test("a tracker fires on a new call: hits with times, talk metrics, an alert activity and an email to the managers", async () => {
  const tenant = await createTenant();
  const tag = crypto.randomUUID().slice(0, 6);
  const tracker = await rest(tenant.manager.id, "trackers", {
    method: "POST",
    body: JSON.stringify({ org_id: tenant.org.id, name: `Competitors ${tag}`, terms: ["Globex", "other company"], alert: true }),
  });
  assert.equal(tracker.status, 201, JSON.stringify(tracker.body));
  const refused = await rest(tenant.agentUser.id, "trackers", {
    method: "POST",
    body: JSON.stringify({ org_id: tenant.org.id, name: `Mine ${tag}`, terms: ["x"] }),
  });
  assert.equal(refused.status, 403, "agents do not manage trackers");

  const sid = await postRecordedCall(tenant.number.e164, [
    { media_channel: 2, start_time: 0, end_time: 5, transcript: "Thanks for calling, this is Alex. What can I do for you?" },
    { media_channel: 1, start_time: 4, end_time: 12, transcript: "Globex offered me the same panels for less." },
    { media_channel: 2, start_time: 15, end_time: 20, transcript: "I see. Did they include installation?" },
    { media_channel: 1, start_time: 20.5, end_time: 26, transcript: "No, the other company charges extra for that." },
  ]);
  await kick();
  const sql = db();
  try {
    const callId = await poll("the analyzed call", async () => {
      const [c] = await sql`select id, status from public.calls where twilio_call_sid = ${sid}`;
      if (c?.status !== "analyzed") await kick();
      return c?.status === "analyzed" ? c.id as string : null;
    }, 60_000, 500);

    const hits = await rest(tenant.manager.id, `tracker_hits?call_id=eq.${callId}&select=term,time_seconds,speaker&order=time_seconds`);
    assert.deepEqual(hits.body, [
      { term: "Globex", time_seconds: 4, speaker: "customer" },
      { term: "other company", time_seconds: 20.5, speaker: "customer" },
    ]);
    const metrics = await rest(tenant.agentUser.id, `call_metrics?call_id=eq.${callId}&select=talk_ratio,interruptions,agent_questions,silence_seconds`);
    assert.equal(metrics.body.length, 1, "the call's agent reads its metrics");
    assert.equal(metrics.body[0].interruptions, 1, "the customer started before the agent finished");
    assert.equal(metrics.body[0].agent_questions, 2);
    assert.equal(metrics.body[0].silence_seconds, 3);

    const [activity] = await sql`select agent_id, metadata from public.activities a join public.tracker_alerts t on a.source_type = 'tracker_alert' and a.source_id = t.id where t.call_id = ${callId}`;
    assert.equal(activity.agent_id, tenant.agent.id);
    assert.equal(activity.metadata.tracker, `Competitors ${tag}`);

    const [message] = await poll("the alert email", async () => {
      const items = (await (await fetch(`${MAILGUN}/messages?to=${encodeURIComponent(tenant.manager.email)}`)).json()).items as {
        subject: string;
        text: string;
      }[];
      const mine = items.filter((m) => m.subject.includes(`Competitors ${tag}`));
      if (!mine.length) await kick();
      return mine.length ? mine : null;
    }, 30_000, 500);
    assert.match(message.text, /0:04 {2}customer: "Globex"/);
    assert.ok(message.text.includes(`/app/calls/${callId}`), "the email links the call");

    const outsider = (await addMember(await createOrg(), "manager")).id;
    assert.deepEqual((await rest(outsider, `tracker_hits?call_id=eq.${callId}`)).body, [], "another organization reads no hits");
    assert.deepEqual((await rest(outsider, `call_metrics?call_id=eq.${callId}`)).body, [], "nor metrics");
  } finally {
    await sql.end();
  }
});

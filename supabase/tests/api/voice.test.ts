// Voice practice through the real stack: voice-start-session (gateway → functions server →
// PostgREST under the caller's JWT → SQL's feature and minutes checks), the stream's WebSocket
// (straight to the functions server), where the SIM engine's buyer answers in a voice, and
// voice-end-session (minutes, cost, billable usage, and the SIM scorer's scorecard).
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { instance, type InstanceName, SANDBOX_TURN_SECRET } from "../../local/config.ts";
import { accessToken, ANON_KEY, API_URL } from "../../local/tests/helpers.ts";
import { addMember, createOrg, withDb } from "./fixtures.ts";

const inst = instance((Deno.env.get("SALESPULSE_INSTANCE") ?? "test") as InstanceName);

async function call(fn: string, user: string, body: unknown) {
  const res = await fetch(`${API_URL}/functions/v1/${fn}`, {
    method: "POST",
    headers: { apikey: ANON_KEY, authorization: `Bearer ${await accessToken(user)}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function voiceOrg(minutes = 30) {
  const org = await createOrg();
  await withDb((sql) => sql`insert into public.feature_flags (org_id, key, enabled, limit_value, note) values
    (${org.id}, 'voice_ai', true, null, 'tests'), (${org.id}, 'voice_minutes_per_month', null, ${minutes}, 'tests')`);
  return org;
}

Deno.test("voice-start-session: refused without the plan's voice_ai (402) and for non-members (404)", async () => {
  const free = await createOrg({ room: false });
  const r = await call("voice-start-session", free.owner.id, { org_id: free.id });
  assert.equal(r.status, 402);
  assert.equal(r.body.error.code, "plan_limit");
  const org = await voiceOrg();
  const outsider = (await addMember(await createOrg(), "agent")).id;
  assert.equal((await call("voice-start-session", outsider, { org_id: org.id })).status, 404);
});

Deno.test("voice-start-session: a member gets a session, a stream URL, a token and TURN REST credentials", async () => {
  const org = await voiceOrg();
  const agent = await addMember(org, "agent");
  const r = await call("voice-start-session", agent.id, { org_id: org.id });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.max_seconds, 900);
  assert.match(r.body.stream_url, /^ws:\/\/.*\/functions\/v1\/voice-stream-audio$/);
  const turn = r.body.ice_servers.find((s: { username?: string }) => s.username);
  const [expiry, user] = turn.username.split(":");
  assert.equal(user, agent.id);
  assert.ok(Number(expiry) > Date.now() / 1000);
  assert.equal(turn.credential, createHmac("sha1", SANDBOX_TURN_SECRET).update(turn.username).digest("base64"));
});

Deno.test("voice-stream-audio: a WebSocket only, with a valid token; the SIM buyer answers a typed turn in a voice", async () => {
  const org = await voiceOrg();
  const start = await call("voice-start-session", org.owner.id, { org_id: org.id });
  const base = `http://127.0.0.1:${inst.ports.functions}/voice-stream-audio`;
  const plain = await fetch(`${base}?token=${start.body.token}`);
  assert.equal(plain.status, 426);
  await plain.body?.cancel();
  const ws = new WebSocket(`${base.replace("http", "ws")}?token=${start.body.token}`);
  ws.binaryType = "arraybuffer";
  const events: { type: string; speaker?: string; text?: string }[] = [];
  let audio = 0;
  const done = new Promise<void>((resolve, reject) => {
    ws.onmessage = (e) => {
      if (e.data instanceof ArrayBuffer) return void (audio += e.data.byteLength);
      const ev = JSON.parse(e.data);
      events.push(ev);
      if (ev.type === "buyer_done") resolve();
      if (ev.type === "notice" && ev.code === "voice_unavailable") reject(new Error(JSON.stringify(ev)));
    };
    ws.onclose = () => reject(new Error(`closed early: ${JSON.stringify(events)}`));
  });
  await new Promise<void>((r) => (ws.onopen = () => r()));
  ws.send(JSON.stringify({ type: "text", text: "Hi, this is Sam from Acme Solar. Is now a good time to talk about your energy bills?" }));
  await done;
  ws.onclose = null;
  ws.close();
  const buyer = events.find((e) => e.type === "transcript" && e.speaker === "buyer");
  assert.ok(buyer?.text && buyer.text.length > 0, "the buyer (the organization's built-in SIM persona) replied");
  assert.ok(audio > 1000, "and its reply arrived as audio");
  const turns = await withDb((sql) => sql`select speaker from public.voice_turns where session_id = ${start.body.session_id} order by seq`);
  assert.deepEqual(turns.map((t) => t.speaker), ["rep", "buyer"], "both turns stored as they happened");
  const bad = new WebSocket(`${base.replace("http", "ws")}?token=forged`);
  const failed = await new Promise<boolean>((resolve) => {
    bad.onerror = () => resolve(true);
    bad.onopen = () => (bad.close(), resolve(false));
  });
  assert.ok(failed, "a forged token is refused before the upgrade");
});

Deno.test("voice-end-session: the owner ends it: minutes, cost and billable usage; others cannot", async () => {
  const org = await voiceOrg();
  const agent = await addMember(org, "agent");
  const other = await addMember(org, "agent");
  const start = await call("voice-start-session", agent.id, { org_id: org.id });
  // 90 seconds of session, at the platform's default price.
  await withDb((sql) => sql`update public.voice_sessions set started_at = now() - interval '90 seconds' where id = ${start.body.session_id}`);
  await withDb((sql) => sql`insert into public.voice_turns (session_id, seq, speaker, text) values
    (${start.body.session_id}, 1, 'rep', 'Hi, I am Sam from Acme Solar. What do you spend on energy each month?'),
    (${start.body.session_id}, 2, 'buyer', 'About two hundred dollars, but I am not looking to change anything.')`);
  assert.equal((await call("voice-end-session", other.id, { session_id: start.body.session_id })).status, 404);
  const r = await call("voice-end-session", agent.id, { session_id: start.body.session_id });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, "ended");
  assert.ok(r.body.seconds >= 90 && r.body.seconds < 120);
  assert.equal(r.body.billable_minutes, 2);
  assert.ok(Math.abs(r.body.cost_usd - (r.body.seconds / 60) * 0.12) < 0.0002);
  assert.equal(r.body.scored, true, "scored by the SIM scorer on the template's scorecard");
  assert.ok(Array.isArray(r.body.score.items) && r.body.score.items.length > 0, JSON.stringify(r.body.score));
  const [usage] = await withDb((sql) => sql`select quantity::float8 as q from public.usage_records
    where source_type = 'voice_session' and source_id = ${start.body.session_id}`);
  assert.equal(usage.q, 2);
});

Deno.test("voice-stream-audio through the gateway: the stream_url a browser gets carries the session both ways", async () => {
  const org = await voiceOrg();
  const start = await call("voice-start-session", org.owner.id, { org_id: org.id });
  assert.ok(start.body.stream_url.startsWith(API_URL.replace("http", "ws")), start.body.stream_url);
  const ws = new WebSocket(`${start.body.stream_url}?token=${start.body.token}`);
  ws.binaryType = "arraybuffer";
  let audio = 0;
  const texts: string[] = [];
  const done = new Promise<void>((resolve, reject) => {
    ws.onmessage = (e) => {
      if (e.data instanceof ArrayBuffer) return void (audio += e.data.byteLength);
      const ev = JSON.parse(e.data);
      if (ev.type === "transcript") texts.push(`${ev.speaker}: ${ev.text}`);
      if (ev.type === "buyer_done") resolve();
    };
    ws.onclose = (c) => reject(new Error(`closed early (${c.code} ${c.reason}): ${texts.join(" | ")}`));
  });
  await new Promise<void>((r) => (ws.onopen = () => r()));
  ws.send(JSON.stringify({ type: "text", text: "Hi, this is Sam from Acme Solar. Do you have a minute?" }));
  await done;
  ws.onclose = null;
  ws.close();
  assert.equal(texts[0], "rep: Hi, this is Sam from Acme Solar. Do you have a minute?");
  assert.ok(texts.some((t) => t.startsWith("buyer: ")), texts.join(" | "));
  assert.ok(audio > 1000, "the buyer's audio came back through the gateway");
});

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

// Live usage, the limit, recordings ----------------------------------------------------------

interface Stream {
  ws: WebSocket;
  events: Record<string, unknown>[];
  audioBytes: () => number;
  /** Resolves with the first event matching (or rejects when the socket closes first). */
  until(match: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  closed: Promise<CloseEvent>;
}

async function openStream(start: { stream_url: string; token: string }): Promise<Stream> {
  const ws = new WebSocket(`${start.stream_url}?token=${start.token}`);
  ws.binaryType = "arraybuffer";
  const events: Record<string, unknown>[] = [];
  let audio = 0;
  const waiters: { match: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  const closed = new Promise<CloseEvent>((resolve) => {
    ws.onclose = (c) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`closed (${c.code} ${c.reason}) before: ${JSON.stringify(events)}`));
      resolve(c);
    };
  });
  ws.onmessage = (m) => {
    if (m.data instanceof ArrayBuffer) return void (audio += m.data.byteLength);
    const e = { ...JSON.parse(m.data), audio_before: audio };
    events.push(e);
    for (const w of [...waiters]) if (w.match(e)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(e));
  };
  await new Promise<void>((r) => (ws.onopen = () => r()));
  return {
    ws,
    events,
    audioBytes: () => audio,
    closed,
    until: (match) => {
      const seen = events.find(match);
      return seen ? Promise.resolve(seen) : new Promise((resolve, reject) => waiters.push({ match, resolve, reject }));
    },
  };
}

const sessionRows = (id: string) =>
  withDb((sql) => sql`select count(*)::int as n, coalesce(sum(audio_seconds), 0)::numeric::text as seconds,
    coalesce(sum(cost_usd), 0)::numeric::text as cost from public.voice_usage_records where session_id = ${id} and kind = 'session'`)
    .then(([r]) => ({ n: r.n as number, seconds: Number(r.seconds), cost: Number(r.cost) }));

Deno.test("live usage: the server bills the session while it runs, sends minutes and cost, and ending counts it once", async () => {
  const org = await voiceOrg();
  const start = await call("voice-start-session", org.owner.id, { org_id: org.id });
  const s = await openStream(start.body);
  const first = await s.until((e) => e.type === "usage");
  assert.equal(first.cost_usd, 0, "figures from the first moment");
  await new Promise((r) => setTimeout(r, 1500)); // more than the meter's 1-second minimum stretch
  s.ws.send(JSON.stringify({ type: "text", text: "Hi, this is Sam from Acme Solar. Do you have a minute?" }));
  await s.until((e) => e.type === "buyer_done");
  await s.until((e) => e.type === "usage" && (e.audio_before as number) > 0); // metered again after the buyer
  const running = await sessionRows(start.body.session_id);
  assert.ok(running.n >= 1, "usage rows are written while the session runs");
  const last = s.events.filter((e) => e.type === "usage").at(-1)!;
  assert.equal(last.seconds, running.seconds, "the client gets the seconds the rows add up to");
  assert.equal(last.cost_usd, running.cost, "and the cost");
  assert.equal(last.billable_minutes, 1);
  assert.equal(last.price_per_minute, 0.12);
  assert.ok(Math.abs(running.cost - (running.seconds / 60) * 0.12) < 0.0001, `cost at the price in force: ${JSON.stringify(running)}`);
  s.ws.close();
  await s.closed;

  const ended = await call("voice-end-session", org.owner.id, { session_id: start.body.session_id });
  assert.equal(ended.status, 200, JSON.stringify(ended.body));
  const after = await sessionRows(start.body.session_id);
  assert.ok(after.n <= running.n + 1, "ending adds at most the last stretch");
  assert.equal(ended.body.cost_usd, after.cost, "the session's cost is the sum of its usage rows");
  assert.equal(ended.body.seconds, after.seconds, "and its seconds");
  const again = await call("voice-end-session", org.owner.id, { session_id: start.body.session_id });
  assert.equal(again.body.cost_usd, ended.body.cost_usd, "ending again changes nothing");
  assert.deepEqual(await sessionRows(start.body.session_id), after, "and bills nothing more");
  const [billable] = await withDb((sql) => sql`select count(*)::int as n, sum(quantity)::float8 as q from public.usage_records
    where source_type = 'voice_session' and source_id = ${start.body.session_id}`);
  assert.deepEqual({ n: billable.n, q: billable.q }, { n: 1, q: ended.body.billable_minutes }, "one billable record");
});

Deno.test("the plan's limit from the running usage: another session used the minutes up, the next turn ends it with a spoken and written notice", async () => {
  const org = await voiceOrg(30);
  const start = await call("voice-start-session", org.owner.id, { org_id: org.id });
  const s = await openStream(start.body);
  s.ws.send(JSON.stringify({ type: "text", text: "Hi, this is Sam from Acme Solar. Do you have a minute?" }));
  await s.until((e) => e.type === "buyer_done");
  // Meanwhile a colleague's session used the period's 30 minutes.
  await withDb((sql) => sql`insert into public.voice_sessions (org_id, user_id, started_at, ended_at, seconds, max_seconds, status)
    values (${org.id}, ${org.owner.id}, now() - interval '31 minutes', now() - interval '1 minute', 1800, 1800, 'ended')`);
  s.ws.send(JSON.stringify({ type: "text", text: "So what do you pay for energy each month?" }));
  const notice = await s.until((e) => e.type === "notice");
  assert.equal(notice.code, "limit_reached", JSON.stringify(notice));
  const written = await s.until((e) => e.type === "transcript" && e.speaker === "system");
  assert.match(String(written.text), /time limit/);
  const ended = await s.until((e) => e.type === "ended");
  assert.ok((ended.audio_before as number) - (notice.audio_before as number) > 1000, "the notice is spoken");
  const close = await s.closed;
  assert.equal(close.reason, "limit reached");
  const [row] = await withDb((sql) => sql`select status, cost_usd::text as cost from public.voice_sessions where id = ${start.body.session_id}`);
  assert.equal(row.status, "limit_reached");
  assert.equal(Number(row.cost), (await sessionRows(start.body.session_id)).cost);
  const turns = await withDb((sql) => sql`select speaker from public.voice_turns where session_id = ${start.body.session_id} order by seq`);
  assert.deepEqual(turns.map((t) => t.speaker), ["rep", "buyer", "system"], "the turn past the limit was not answered");
});

Deno.test("the limit without a word: a session with seconds left on the plan ends on the server's clock", async () => {
  const org = await voiceOrg(1);
  await withDb((sql) => sql`insert into public.voice_sessions (org_id, user_id, started_at, ended_at, seconds, max_seconds, status)
    values (${org.id}, ${org.owner.id}, now() - interval '2 minutes', now() - interval '1 minute', 57, 60, 'ended')`);
  const start = await call("voice-start-session", org.owner.id, { org_id: org.id });
  assert.equal(start.status, 200, JSON.stringify(start.body));
  assert.ok(start.body.max_seconds <= 3, `3 seconds left: ${start.body.max_seconds}`);
  const s = await openStream(start.body);
  assert.equal((await s.until((e) => e.type === "notice")).code, "limit_reached");
  await s.until((e) => e.type === "ended");
  await s.closed;
  const [row] = await withDb((sql) => sql`select status, seconds::float8 as seconds from public.voice_sessions where id = ${start.body.session_id}`);
  assert.equal(row.status, "limit_reached");
  assert.ok(row.seconds <= start.body.max_seconds, String(row.seconds));
});

const OPENAI_SANDBOX = `http://127.0.0.1:${inst.ports.openai}/_sandbox`;

/** The rep's line as microphone PCM (16 kHz), taught to the STT stand-in, 1 s of silence after it. */
async function spoken(text: string): Promise<Uint8Array> {
  const res = await fetch(`${OPENAI_SANDBOX}/voice/transcripts`, { method: "POST", body: JSON.stringify({ text, speak: true }) });
  assert.equal(res.status, 201);
  const wav = new Uint8Array(await res.arrayBuffer());
  const pcm = wav.subarray(new TextDecoder().decode(wav).indexOf("data") + 8);
  const out = new Uint8Array(pcm.length + 32000);
  out.set(pcm);
  return out;
}

/** A spoken turn and a typed one, through the stream; resolves when the buyer answered both. */
async function talk(start: { stream_url: string; token: string }, line: string) {
  const s = await openStream(start);
  const pcm = await spoken(line);
  for (let i = 0; i < pcm.length; i += 640) s.ws.send(pcm.slice(i, i + 640));
  await s.until((e) => e.type === "buyer_done");
  s.ws.close();
  await s.closed;
}

/** Format, rate and length of a mono 16-bit PCM WAV, as sox reads it. */
async function soxi(wav: Uint8Array) {
  const file = await Deno.makeTempFile({ suffix: ".wav" });
  try {
    await Deno.writeFile(file, wav);
    const out = (args: string[]) => new TextDecoder().decode(new Deno.Command("soxi", { args: [...args, file] }).outputSync().stdout).trim();
    return { rate: Number(out(["-r"])), channels: Number(out(["-c"])), bits: Number(out(["-b"])), seconds: Number(out(["-D"])) };
  } finally {
    await Deno.remove(file);
  }
}

Deno.test("recordings: nothing is kept unless the organization records", async () => {
  const org = await voiceOrg();
  const start = await call("voice-start-session", org.owner.id, { org_id: org.id });
  await talk(start.body, "Hello, this is Sam from Acme Solar, calling about your energy bills");
  const [n] = await withDb((sql) => sql`select (select count(*)::int from public.voice_turns where session_id = ${start.body.session_id}) as turns,
    (select count(*)::int from public.voice_recordings where session_id = ${start.body.session_id}) as recordings`);
  assert.equal(n.turns, 2, "the spoken turn and the buyer's answer");
  assert.equal(n.recordings, 0, "and no audio");
  assert.equal((await call("voice-recording", org.owner.id, { session_id: start.body.session_id })).status, 404);
  assert.equal((await call("voice-end-session", org.owner.id, { session_id: start.body.session_id })).body.recorded, false);
});

Deno.test("recordings: with recording on, each turn's audio is kept and plays for the owner and admins only, as a WAV", async () => {
  const org = await voiceOrg();
  await withDb((sql) => sql`insert into public.voice_settings (org_id, recording_enabled) values (${org.id}, true)`);
  const agent = await addMember(org, "agent");
  const colleague = await addMember(org, "agent");
  const admin = await addMember(org, "admin");
  const outsider = (await createOrg()).owner;
  const start = await call("voice-start-session", agent.id, { org_id: org.id });
  await talk(start.body, "Hello, this is Sam from Acme Solar, calling about your energy bills");
  const rows = await withDb((sql) => sql`select seq, speaker, sample_rate, seconds::float8 as seconds, audio from public.voice_recordings
    where session_id = ${start.body.session_id} order by seq`);
  assert.deepEqual(rows.map((r) => [r.seq, r.speaker, r.sample_rate]), [[1, "rep", 16000], [2, "buyer", 24000]]);
  for (const r of rows) {
    const f = await soxi(new Uint8Array(r.audio));
    assert.deepEqual({ rate: f.rate, channels: f.channels, bits: f.bits }, { rate: r.sample_rate, channels: 1, bits: 16 });
    assert.ok(Math.abs(f.seconds - r.seconds) < 0.01 && f.seconds > 0.5, `${r.speaker}: ${f.seconds} s`);
  }

  assert.equal((await call("voice-end-session", agent.id, { session_id: start.body.session_id })).body.recorded, true,
    "the report knows there is a recording");
  for (const who of [colleague.id, outsider.id]) {
    const r = await call("voice-recording", who, { session_id: start.body.session_id });
    assert.equal(r.status, 404, "another member or tenant gets nothing, as for no recording");
  }
  const rest = await fetch(`${API_URL}/rest/v1/voice_recordings?select=seq&session_id=eq.${start.body.session_id}`, {
    headers: { apikey: ANON_KEY, authorization: `Bearer ${await accessToken(agent.id)}` },
  });
  assert.ok([401, 403].includes(rest.status), `not through the REST API, not even for the owner: ${rest.status} ${await rest.text()}`);

  for (const who of [agent.id, admin.id]) {
    const minted = await call("voice-recording", who, { session_id: start.body.session_id });
    assert.equal(minted.status, 200, JSON.stringify(minted.body));
    assert.equal(minted.body.turns, 2);
    assert.ok(Date.parse(minted.body.expires_at) - Date.now() <= 300_000, "good for 5 minutes");
    assert.ok(minted.body.url.startsWith(`${API_URL}/functions/v1/voice-recording?token=`), minted.body.url);
    const res = await fetch(minted.body.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "audio/wav");
    const wav = await soxi(new Uint8Array(await res.arrayBuffer()));
    const total = rows.reduce((s, r) => s + r.seconds, 0);
    assert.deepEqual({ rate: wav.rate, channels: wav.channels, bits: wav.bits }, { rate: 24000, channels: 1, bits: 16 });
    assert.ok(Math.abs(wav.seconds - (total + 0.25)) < 0.01, `both turns and a pause: ${wav.seconds} vs ${total}`);
  }
  const minted = await call("voice-recording", agent.id, { session_id: start.body.session_id });
  const url: string = minted.body.url;
  const at = url.length - 10; // inside the signature
  const tampered = await fetch(url.slice(0, at) + (url[at] === "A" ? "B" : "A") + url.slice(at + 1));
  assert.equal(tampered.status, 403);
  await tampered.body?.cancel();
});

// voice-stream-audio over a real WebSocket, with the test stack's database and the voice
// stand-ins (in process), and a scripted buyer bound through the deps as the SIM engine's will
// be: turns stored as they happen, provider usage written while the session runs, resume on a
// new socket from the last event, and a forged token refused.
import assert from "node:assert/strict";
import { createClient } from "@supabase/supabase-js";
import type { Database } from "../_shared/database.types.ts";
import { startElevenLabsStandIn } from "../../local/sandbox/elevenlabs.ts";
import { startOpenAIStandIn } from "../../local/sandbox/openai.ts";
import { API_URL, SERVICE_ROLE_KEY } from "../../local/tests/helpers.ts";
import { addMember, createOrg, withDb } from "../../tests/api/fixtures.ts";
import { standInVoiceDeps } from "../../local/tests/voice_deps.ts";
import { signVoiceToken } from "../_shared/voice/token.ts";
import { makeHandler } from "./handler.ts";

const SECRET = "a-test-voice-session-secret-0123456789";

Deno.test("voice-stream-audio: typed turns answered with audio, stored as they happen; resume from the last event; the settings' provider order and the persona's voice", async () => {
  const el = startElevenLabsStandIn({ port: 0, apiKey: "el" });
  const oa = await startOpenAIStandIn({ port: 0, apiKey: "oa" });
  const db = createClient<Database>(API_URL, SERVICE_ROLE_KEY, { auth: { persistSession: false } });
  const deps = standInVoiceDeps({
    db, secret: SECRET, standIns: { el, oa }, ttsProviders: "elevenlabs,openai", firstByteTimeoutMs: 10_000,
    buyer: () => ({
      async *reply(turns) {
        yield `You said: ${turns.at(-1)?.text}`;
      },
    }),
  });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, makeHandler(deps));
  try {
    const org = await createOrg();
    const agent = await addMember(org, "agent");
    // The plan's voice minutes: the stream ends a session at once without them.
    await withDb((sql) => sql`insert into public.feature_flags (org_id, key, enabled, limit_value, note) values
      (${org.id}, 'voice_ai', true, null, 'tests'), (${org.id}, 'voice_minutes_per_month', null, 30, 'tests')`);
    const [session] = await withDb((sql) => sql`insert into public.voice_sessions (org_id, user_id, max_seconds)
      values (${org.id}, ${agent.id}, 600) returning id`);
    const token = await signVoiceToken({ sid: session.id, sub: agent.id, org: org.id }, SECRET, 600, Date.now());
    const url = `ws://127.0.0.1:${server.addr.port}/?token=${token}`;

    const open = (u: string) => {
      const ws = new WebSocket(u);
      ws.binaryType = "arraybuffer";
      const events: { type: string; [k: string]: unknown }[] = [];
      let audioBytes = 0;
      const waiters: [(e: { type: string }) => boolean, () => void][] = [];
      ws.onmessage = (m) => {
        if (m.data instanceof ArrayBuffer) return void (audioBytes += m.data.byteLength);
        const e = JSON.parse(m.data);
        events.push(e);
        for (const [p, r] of waiters) if (p(e)) r();
      };
      const until = (p: (e: { type: string; [k: string]: unknown }) => boolean) =>
        new Promise<void>((r) => (events.some(p) ? r() : waiters.push([p, r])));
      const opened = new Promise<void>((r, j) => ((ws.onopen = () => r()), (ws.onerror = () => j(new Error("ws error")))));
      return { ws, events, until, opened, audio: () => audioBytes };
    };

    const a = open(url);
    await a.opened;
    a.ws.send(JSON.stringify({ type: "text", text: "Hello there." }));
    await a.until((e) => e.type === "buyer_done");
    assert.ok(a.audio() > 10_000, "the buyer's audio arrived as binary frames");
    assert.deepEqual(a.events.filter((e) => e.type === "transcript").map((e) => [e.seq, e.speaker, e.text]), [
      [1, "rep", "Hello there."],
      [2, "buyer", "You said: Hello there."],
    ]);
    const closedA = new Promise((r) => (a.ws.onclose = r));
    a.ws.close();
    await closedA;

    const stored = await withDb((sql) => sql`select seq, speaker, text from public.voice_turns where session_id = ${session.id} order by seq`);
    assert.deepEqual(stored.map((t) => [t.seq, t.speaker, t.text]), [[1, "rep", "Hello there."], [2, "buyer", "You said: Hello there."]]);
    const usage = await withDb((sql) => sql`select kind, provider, ok from public.voice_usage_records
      where session_id = ${session.id} and kind <> 'session'`);
    assert.deepEqual(usage.map((u) => [u.kind, u.provider, u.ok]), [["tts", "elevenlabs", true]]);
    const metered = a.events.filter((e) => e.type === "usage");
    assert.ok(metered.length >= 2, "the server's figures: when the socket opened, and at the turn");
    assert.deepEqual(Object.keys(metered.at(-1)!).sort(), ["billable_minutes", "cost_usd", "limit", "price_per_minute", "seconds", "seconds_left", "type"]);

    // A new socket resumes: the turns after the last event it saw, then the conversation goes on.
    const b = open(url);
    await b.opened;
    b.ws.send(JSON.stringify({ type: "resume", last_seq: 1 }));
    await b.until((e) => e.type === "resumed");
    assert.deepEqual(b.events.filter((e) => e.type !== "usage").map((e) => [e.type, e.seq ?? e.last_seq]), [["transcript", 2], ["resumed", 2]]);
    b.ws.send(JSON.stringify({ type: "text", text: "Next question." }));
    await b.until((e) => e.type === "transcript" && e.seq === 4);
    const closedB = new Promise((r) => (b.ws.onclose = r));
    b.ws.close();
    await closedB;

    // The organization's provider order and the persona's voice for that provider.
    const [persona] = await withDb((sql) => sql`insert into public.voice_personas (org_id, name, persona, voices)
      values (${org.id}, 'Cautious CFO', 'Asks about cost.', ${sql.json({ openai: "ash" })}) returning id`);
    const [scenario] = await withDb((sql) => sql`insert into public.voice_scenarios (org_id, persona_id, title)
      values (${org.id}, ${persona.id}, 'Budget call') returning id`);
    await withDb((sql) => sql`insert into public.voice_settings (org_id, tts_providers) values (${org.id}, '{openai}')`);
    const [second] = await withDb((sql) => sql`insert into public.voice_sessions (org_id, user_id, scenario_id, max_seconds)
      values (${org.id}, ${agent.id}, ${scenario.id}, 600) returning id`);
    const c = open(`ws://127.0.0.1:${server.addr.port}/?token=${
      await signVoiceToken({ sid: second.id, sub: agent.id, org: org.id }, SECRET, 600, Date.now())
    }`);
    await c.opened;
    c.ws.send(JSON.stringify({ type: "text", text: "What is the budget?" }));
    await c.until((e) => e.type === "buyer_done");
    const closedC = new Promise((r) => (c.ws.onclose = r));
    c.ws.close();
    await closedC;
    const speech = oa.requests.filter((r) => r.path === "/v1/audio/speech");
    assert.deepEqual(speech.map((r) => (r.body as { voice: string }).voice), ["ash"], "OpenAI first, in the persona's voice");
    assert.equal(el.requests.length, 2, "ElevenLabs only spoke in the first session (two replies)");

    const forged = open(`ws://127.0.0.1:${server.addr.port}/?token=${token.slice(0, -2)}xx`);
    await assert.rejects(forged.opened);
  } finally {
    await server.shutdown();
    await Promise.all([el.close(), oa.close()]);
  }
});

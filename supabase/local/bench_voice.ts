// The voice bench (`BENCH_ONLY=voice npm run bench`, and part of the full run): the time from the
// end of the rep's turn (push-to-talk released after the turn's audio) to the first byte of the
// buyer's audio through voice-stream-audio — speech-to-text, the buyer, text-to-speech, the
// server's meter and the turn writes on the bench stack's database — with the stand-ins and the
// buyer answering at once, against a bare WebSocket echo (the first byte back after a message)
// on the same machine in the same run. Then the same turn in 1, 2, 4, … concurrent sessions
// until the median time doubles: how many sessions this machine holds.
import postgres from "postgres";
import { createClient } from "@supabase/supabase-js";
import type { Database } from "../functions/_shared/database.types.ts";
import { standInVoiceDeps } from "./tests/voice_deps.ts";
import { signVoiceToken } from "../functions/_shared/voice/token.ts";
import { makeHandler } from "../functions/voice-stream-audio/handler.ts";
import { type Instance, SERVICE_ROLE_KEY } from "./config.ts";
import { startElevenLabsStandIn } from "./sandbox/elevenlabs.ts";
import { startOpenAIStandIn } from "./sandbox/openai.ts";

const SECRET = "bench-voice-session-secret-0123456789abcdef";
const TURNS = Number(Deno.env.get("BENCH_VOICE_TURNS") ?? 20);
const MAX_SESSIONS = Number(Deno.env.get("BENCH_VOICE_MAX_SESSIONS") ?? 32);
const LINE = "What does your team use today for its sales calls?";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

/** A client socket: send, then the time until the next binary frame. */
async function client(url: string) {
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  let waiting: ((t: number) => void) | null = null;
  let idle: (() => void) | null = null;
  ws.onmessage = (m) => {
    if (m.data instanceof ArrayBuffer && waiting) (waiting(performance.now()), (waiting = null));
    else if (typeof m.data === "string" && JSON.parse(m.data).type === "buyer_done") idle?.();
  };
  await new Promise<void>((r, j) => ((ws.onopen = () => r()), (ws.onerror = () => j(new Error(`socket to ${url} failed`)))));
  return {
    /** Sends `frames`, then `last`; resolves with ms from `last` to the first binary frame back. */
    async turn(frames: Uint8Array[], last: string | Uint8Array, waitIdle: boolean): Promise<number> {
      for (const f of frames) ws.send(f);
      const done = waitIdle ? new Promise<void>((r) => (idle = r)) : Promise.resolve();
      const first = new Promise<number>((r) => (waiting = r));
      const t0 = performance.now();
      ws.send(last);
      const ms = (await first) - t0;
      await done;
      return ms;
    },
    close: () => ws.close(),
  };
}

export async function benchVoice(inst: Instance) {
  const el = startElevenLabsStandIn({ port: 0, apiKey: "el" });
  const oa = await startOpenAIStandIn({ port: 0, apiKey: "oa" });
  const db = createClient<Database>(inst.apiUrl, SERVICE_ROLE_KEY, { auth: { persistSession: false } });
  const sql = postgres(inst.dbUrl, { max: 2, onnotice: () => {} });
  const deps = standInVoiceDeps({
    db, secret: SECRET, standIns: { el, oa }, ttsProviders: "elevenlabs",
    // The buyer answers at once: what is measured is the pipeline, not a model.
    buyer: () => ({ async *reply() { yield "Mostly spreadsheets."; } }),
  });
  const voice = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, makeHandler(deps));
  const echo = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onmessage = () => socket.send(new Uint8Array(4800));
    return response;
  });
  try {
    // The rep's line as 20 ms frames of 16 kHz PCM, taught to the STT stand-in.
    const taught = await fetch(`${oa.url}/_sandbox/voice/transcripts`, { method: "POST", body: JSON.stringify({ text: LINE, speak: true }) });
    const wav = new Uint8Array(await taught.arrayBuffer());
    const pcm = wav.subarray(new TextDecoder().decode(wav).indexOf("data") + 8);
    const frames: Uint8Array[] = [];
    for (let i = 0; i < pcm.length; i += 640) frames.push(pcm.slice(i, i + 640));
    const endTurn = JSON.stringify({ type: "end_turn" });

    const [user] = await sql`insert into auth.users (id, email, aud, role) values (gen_random_uuid(), ${`bench-voice-${crypto.randomUUID().slice(0, 8)}@bench.test`}, 'authenticated', 'authenticated') returning id`;
    const [org] = await sql`insert into public.organizations (name, slug) values ('Bench voice', ${`bench-voice-${crypto.randomUUID().slice(0, 8)}`}) returning id`;
    await sql`insert into public.memberships (org_id, user_id, role) values (${org.id}, ${user.id}, 'owner')`;
    await sql`insert into public.feature_flags (org_id, key, enabled, limit_value, note) values
      (${org.id}, 'voice_ai', true, null, 'bench'), (${org.id}, 'voice_minutes_per_month', null, 100000, 'bench')`;
    const open = async () => {
      const [s] = await sql`insert into public.voice_sessions (org_id, user_id, max_seconds) values (${org.id}, ${user.id}, 3600) returning id`;
      const token = await signVoiceToken({ sid: s.id, sub: user.id, org: org.id }, SECRET, 3600, Date.now());
      return await client(`ws://127.0.0.1:${voice.addr.port}/?token=${token}`);
    };

    const echoClient = await client(`ws://127.0.0.1:${echo.addr.port}/`);
    const echoMs: number[] = [];
    for (let i = 0; i < TURNS; i++) echoMs.push(await echoClient.turn([], endTurn, false));
    echoClient.close();

    /** The median over every session's turns, `n` sessions talking at once. */
    const concurrent = async (n: number) => {
      const sessions = await Promise.all(Array.from({ length: n }, open));
      const turns = Math.max(3, Math.ceil(TURNS / n));
      const ms: number[] = [];
      await Promise.all(sessions.map(async (s) => {
        for (let i = 0; i < turns; i++) ms.push(await s.turn(frames, endTurn, true));
      }));
      sessions.forEach((s) => s.close());
      return { sessions: n, turns: ms.length, p50_ms: round(median(ms)) };
    };
    await concurrent(1); // warm up (module loading, first connections)
    const one = await concurrent(1);
    const levels = [one];
    for (let n = 2; n <= MAX_SESSIONS; n *= 2) {
      const r = await concurrent(n);
      levels.push(r);
      if (r.p50_ms >= 2 * one.p50_ms) break;
    }
    const doubled = levels.find((l) => l.p50_ms >= 2 * one.p50_ms);
    return {
      turn_end_to_first_audio: { p50_ms: one.p50_ms, turns: one.turns },
      bare_websocket_echo: { p50_ms: round(median(echoMs), 3), turns: echoMs.length },
      ratio_p50: round(one.p50_ms / median(echoMs), 1),
      concurrent: levels,
      sessions_before_doubling: doubled ? levels[levels.indexOf(doubled) - 1].sessions : `more than ${levels.at(-1)!.sessions}`,
    };
  } finally {
    await Promise.all([voice.shutdown(), echo.shutdown()]);
    await Promise.all([el.close(), oa.close()]);
    await sql.end();
  }
}

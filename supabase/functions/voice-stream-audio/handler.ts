// voice-stream-audio: the WebSocket of a live voice session (verify_jwt = false: a browser
// WebSocket cannot send an Authorization header; the session token from voice-start-session
// comes as ?token=). Client → server: binary frames of microphone PCM (16 kHz s16le mono), or
// JSON {type: "text", text} (typed input), {type: "end_turn"} (push-to-talk released),
// {type: "interrupt"}, {type: "resume", last_seq}. Server → client: binary frames of the
// buyer's audio (24 kHz s16le mono PCM) and JSON events (transcript, speech_started,
// buyer_done, provider_fallback, notice, usage, ended).
//
// Usage is billed by the server while the session runs (public.voice_meter: a voice_usage_records
// row per stretch, at the price in force) at every turn and every TICK_MS, and each result goes
// to the client as a `usage` event (seconds, billable minutes, cost, seconds left): the screen
// shows these figures. At the session's maximum or the plan's voice minutes the session ends
// with a spoken and a written notice. When the organization records, each turn's audio is kept
// (voice_recordings, a WAV per turn).
//
// An Edge Function holds a socket only within its wall-clock limit: the session lives in the
// database (turns as they happen, usage per provider call), `EdgeRuntime.waitUntil` keeps the
// worker while the socket is open, and a client that lost its socket opens a new one with the
// same token and resumes from the last event it saw (`resume`: the turns after last_seq).
import { type VoiceDeps, voiceDeps } from "../_shared/voice/deps.ts";
import type { TtsName } from "../_shared/voice/providers.ts";
import { type Recorder, type SessionEvent, type Turn, type Usage, VoiceSession } from "../_shared/voice/session.ts";
import { pcm16MonoWav } from "../_shared/wav.ts";
import { verifyVoiceToken } from "../_shared/voice/token.ts";
import { jsonError } from "../_shared/http.ts";
import { errorText, log } from "../_shared/log.ts";

declare const EdgeRuntime: { waitUntil(p: Promise<unknown>): void } | undefined;

const MAX_MESSAGE_BYTES = 256 * 1024;
/** How often a running session is metered between turns. */
const TICK_MS = 15_000;

/** bytea as PostgREST takes it in JSON: hex. */
const hexOf = (bytes: Uint8Array) => "\\x" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

export function makeHandler(deps: VoiceDeps): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return jsonError(426, "websocket_required", "Connect with a WebSocket");
    }
    if (!deps.enabled()) return jsonError(403, "voice_disabled", "Voice practice is not enabled on this deployment");
    const token = new URL(req.url).searchParams.get("token") ?? "";
    const claims = await verifyVoiceToken(token, deps.sessionSecret(), deps.now());
    if (!claims) return jsonError(401, "invalid_token", "The voice session token is invalid or expired");
    const db = deps.db();
    const { data: row } = await db.from("voice_sessions").select("*").eq("id", claims.sid).maybeSingle();
    if (!row || row.user_id !== claims.sub) return jsonError(404, "not_found", "Voice session not found");
    if (row.ended_at) return jsonError(410, "session_ended", "The voice session has ended");
    const { data: stored } = await db.from("voice_turns").select("seq, speaker, text, provider")
      .eq("session_id", row.id).order("seq");
    const turns: Turn[] = (stored ?? []).map((t) => ({ seq: t.seq, speaker: t.speaker as Turn["speaker"], text: t.text, provider: t.provider ?? undefined }));

    const { data: settings } = await db.from("voice_settings").select("tts_providers, stt_providers, recording_enabled")
      .eq("org_id", row.org_id).maybeSingle();
    const { data: scenario } = row.scenario_id
      ? await db.from("voice_scenarios").select("voice_personas (voices)").eq("id", row.scenario_id).maybeSingle()
      : { data: null };
    const voices = ((scenario?.voice_personas as { voices?: unknown } | null)?.voices ?? {}) as Partial<Record<TtsName, string>>;

    const { socket, response } = Deno.upgradeWebSocket(req);
    const closed = Promise.withResolvers<void>();
    if (typeof EdgeRuntime !== "undefined") EdgeRuntime.waitUntil(closed.promise);
    const sendJson = (e: unknown) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(e));
    const buyer = deps.buyer(row);
    let writes = Promise.resolve();
    const write = (f: () => PromiseLike<unknown>) => (writes = writes.then(f).then(() => {}, (e) => log("error", "voice write failed", { error: errorText(e) })));

    socket.onopen = () => {
      if (buyer) void session.tick(); // the figures so far (a resumed session), and the timer
      else {
        sendJson({ type: "notice", code: "voice_unavailable", message: "The AI buyer is not available yet." });
        socket.close(1011, "buyer unavailable");
      }
    };
    if (!buyer) {
      socket.onclose = () => closed.resolve();
      return response;
    }
    const manager = deps.manager((c) =>
      write(() => db.from("voice_usage_records").insert({
        session_id: row.id, org_id: row.org_id, kind: c.kind, provider: c.provider, model: c.model, ok: c.ok,
        audio_seconds: Math.round(c.audioSeconds * 1000) / 1000, latency_ms: Math.round(c.latencyMs),
        provider_cost_usd: Math.round(c.costUsd * 1e6) / 1e6, error: c.error?.slice(0, 500) ?? null,
        occurred_at: new Date(c.at).toISOString(),
      })), { tts: settings?.tts_providers, stt: settings?.stt_providers });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const meter = async (): Promise<Usage | null> => {
      const { data, error } = await db.rpc("voice_meter", { p_session_id: row.id, p_at: new Date(deps.now()).toISOString() });
      if (error || !data) {
        log("error", "voice meter failed", { error: error ? errorText(error) : "no usage returned", session_id: row.id });
        return null;
      }
      const u = data as unknown as Usage & { ended: boolean };
      const usage: Usage = {
        seconds: Number(u.seconds), billable_minutes: Number(u.billable_minutes), cost_usd: Number(u.cost_usd),
        price_per_minute: Number(u.price_per_minute), seconds_left: u.ended ? 0 : Number(u.seconds_left), limit: u.limit,
      };
      // The next meter: at the limit, or after TICK_MS, whichever comes first.
      clearTimeout(timer);
      if (socket.readyState <= WebSocket.OPEN && usage.seconds_left > 0) {
        timer = setTimeout(() => void session.tick(), Math.min(TICK_MS, Math.max(250, usage.seconds_left * 1000 + 100)));
      }
      return usage;
    };
    const recorder: Recorder | undefined = settings?.recording_enabled
      ? {
        save: (t, pcm, rate) =>
          void write(() => db.from("voice_recordings").insert({
            session_id: row.id, seq: t.seq, org_id: row.org_id, speaker: t.speaker, sample_rate: rate,
            seconds: Math.max(0.001, Math.round((pcm.length / rate) * 1000) / 1000), audio: hexOf(pcm16MonoWav(pcm, rate)),
          }).then(({ error }) => error && log("error", "voice recording not saved", { error: errorText(error), session_id: row.id }))),
      }
      : undefined;
    const session = new VoiceSession({
      meter,
      recorder,
      sessionId: row.id,
      manager,
      buyer,
      voices,
      turns,
      startedAt: Date.parse(row.started_at),
      maxSeconds: row.max_seconds,
      now: deps.now,
      store: {
        appendTurn: (t) =>
          write(() => db.from("voice_turns").insert({ session_id: row.id, org_id: row.org_id, seq: t.seq, speaker: t.speaker, text: t.text, provider: t.provider ?? null }))
            .then(() => write(() => db.from("voice_sessions").update({ last_event_seq: t.seq }).eq("id", row.id))),
      },
      send: (e: SessionEvent) => {
        if (socket.readyState !== WebSocket.OPEN) return;
        if (e.type === "audio") socket.send(e.chunk);
        else sendJson(e);
        if (e.type === "ended") {
          write(() => db.rpc("voice_end_session", { p_session_id: row.id, p_ended_at: new Date(deps.now()).toISOString(), p_status: "limit_reached", p_reason: "time limit" }))
            .then(() => socket.close(1000, "limit reached"));
        }
      },
    });

    socket.onmessage = (ev) => {
      if (ev.data instanceof ArrayBuffer) {
        if (ev.data.byteLength <= MAX_MESSAGE_BYTES) session.audio(new Uint8Array(ev.data));
        return;
      }
      if (typeof ev.data !== "string" || ev.data.length > 8192) return;
      let msg: { type?: string; text?: unknown; last_seq?: unknown };
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return sendJson({ type: "notice", code: "bad_message", message: "Messages are JSON or binary audio" });
      }
      if (msg.type === "text" && typeof msg.text === "string" && msg.text.trim()) session.text(msg.text);
      else if (msg.type === "end_turn") session.endTurn();
      else if (msg.type === "interrupt") session.interrupt();
      else if (msg.type === "resume") {
        const after = Number(msg.last_seq ?? 0);
        for (const t of session.turns.filter((x) => x.seq > after)) {
          sendJson({ type: "transcript", seq: t.seq, speaker: t.speaker, text: t.text });
        }
        sendJson({ type: "resumed", last_seq: session.lastSeq, seconds_left: Math.max(0, Math.floor(session.secondsLeft())) });
      }
    };
    socket.binaryType = "arraybuffer";
    socket.onclose = () => {
      clearTimeout(timer);
      session.interrupt();
      session.idle().then(() => writes).finally(() => closed.resolve());
    };
    return response;
  };
}

export const realDeps = voiceDeps;

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());

// One live voice practice session in the browser: voice-start-session, the stream's WebSocket
// (microphone frames or typed lines out; the buyer's audio, the transcript and events in),
// resuming on a new socket from the last turn seen when one drops, and voice-end-session. The
// minutes and cost shown live are the server's (`usage` events: what it has billed so far).
import { useCallback, useEffect, useRef, useState } from "react";
import type { Usage } from "../../../../supabase/functions/_shared/voice/usage";
import { useOrg } from "../../lib/session";
import { BuyerPlayer, level, type Microphone, pcmBytes, startMicrophone } from "./audio";
import { type EndedVoice, endVoiceSession, startVoiceSession, type StartedVoice } from "./api";

export interface VoiceTurn {
  seq: number;
  speaker: "rep" | "buyer" | "system";
  text: string;
}

export type Phase = "idle" | "starting" | "live" | "ending" | "ended";

/** The server's running figures of the session (it bills as the session runs). */
export interface VoiceUsage extends Usage {
  /** When it arrived (Date.now()), to count the seconds left down between events. */
  at: number;
}
export type MicState = "off" | "on" | "unavailable";

type ServerEvent =
  | { type: "transcript"; seq: number; speaker: VoiceTurn["speaker"]; text: string }
  | { type: "speech_started" }
  | { type: "buyer_done"; interrupted: boolean }
  | { type: "provider_fallback"; kind: string; from: string; partial: boolean }
  | { type: "notice"; code: string; message: string }
  | { type: "resumed"; last_seq: number; seconds_left: number }
  | ({ type: "usage" } & Usage)
  | { type: "ended"; reason: string };

export const MAX_TEXT = 2000;
const SPEAKING_LEVEL = 0.02;
const MAX_RECONNECTS = 3;

export function useVoiceSession() {
  const { orgId } = useOrg();
  const [phase, setPhase] = useState<Phase>("idle");
  const [error, setError] = useState<unknown>(null);
  const [turns, setTurns] = useState<VoiceTurn[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [mic, setMic] = useState<MicState>("off");
  const [micProblem, setMicProblem] = useState<string | null>(null);
  const [repSpeaking, setRepSpeaking] = useState(false);
  const [buyerSpeaking, setBuyerSpeaking] = useState(false);
  const [buyerThinking, setBuyerThinking] = useState(false);
  const [audioChunks, setAudioChunks] = useState(0);
  const [started, setStarted] = useState<StartedVoice | null>(null);
  const [result, setResult] = useState<EndedVoice | null>(null);
  const [usage, setUsage] = useState<VoiceUsage | null>(null);

  const ws = useRef<WebSocket | null>(null);
  const micRef = useRef<Microphone | null>(null);
  const player = useRef<BuyerPlayer | null>(null);
  const lastSeq = useRef(0);
  const closing = useRef(false);
  const reconnects = useRef(0);
  const lastLoud = useRef(-Infinity);

  const teardown = useCallback(() => {
    closing.current = true;
    micRef.current?.stop();
    micRef.current = null;
    player.current?.close();
    ws.current?.close();
    ws.current = null;
  }, []);
  useEffect(() => teardown, [teardown]);

  const onEvent = useCallback((e: ServerEvent) => {
    if (e.type === "transcript") {
      lastSeq.current = Math.max(lastSeq.current, e.seq);
      setTurns((ts) => (ts.some((t) => t.seq === e.seq) ? ts : [...ts, { seq: e.seq, speaker: e.speaker, text: e.text }].sort((a, b) => a.seq - b.seq)));
      if (e.speaker === "rep") {
        setRepSpeaking(false);
        setBuyerThinking(true);
      }
    } else if (e.type === "speech_started") {
      player.current?.stop(); // barge-in: the rep speaks over the buyer
      setRepSpeaking(true);
    } else if (e.type === "buyer_done") setBuyerThinking(false);
    else if (e.type === "usage") {
      const { type: _, ...figures } = e;
      setUsage({ ...figures, at: Date.now() });
    } else if (e.type === "notice") setNotice(e.message);
    else if (e.type === "provider_fallback") setNotice(null);
    else if (e.type === "ended") setNotice((n) => n ?? "The session reached its time limit.");
  }, []);

  /** Opens the stream; resolves once it is open (the microphone starts then, so no speech is lost). */
  const connect = useCallback((s: StartedVoice, resume: boolean) => new Promise<void>((opened) => {
    const socket = new WebSocket(`${s.stream_url}?token=${encodeURIComponent(s.token)}`);
    socket.binaryType = "arraybuffer";
    ws.current = socket;
    let wasOpen = false;
    socket.onopen = () => {
      wasOpen = true;
      opened();
      reconnects.current = 0;
      if (resume) socket.send(JSON.stringify({ type: "resume", last_seq: lastSeq.current }));
      setPhase((p) => (p === "starting" ? "live" : p));
    };
    socket.onmessage = (m) => {
      if (m.data instanceof ArrayBuffer) {
        setAudioChunks((n) => n + 1);
        (player.current ??= Object.assign(new BuyerPlayer(), { onPlaying: setBuyerSpeaking })).play(m.data);
        return;
      }
      try {
        onEvent(JSON.parse(String(m.data)) as ServerEvent);
      } catch {
        // not an event
      }
    };
    socket.onclose = (c) => {
      if (ws.current !== socket || closing.current) return;
      ws.current = null;
      if (!wasOpen && !resume) {
        closing.current = true;
        setError(new Error("Could not connect to the voice stream. Try again in a moment."));
        setPhase("idle");
        micRef.current?.stop();
        opened();
        return;
      }
      if (c.reason === "limit reached" || reconnects.current >= MAX_RECONNECTS) {
        if (c.reason !== "limit reached") setNotice("The connection to the buyer was lost. End the session to see your score.");
        return;
      }
      reconnects.current++;
      setTimeout(() => !closing.current && void connect(s, true), 500 * reconnects.current);
    };
  }), [onEvent]);

  const startMic = useCallback(async () => {
    try {
      micRef.current = await startMicrophone((frame) => {
        const now = performance.now();
        if (level(frame) > SPEAKING_LEVEL) lastLoud.current = now;
        setRepSpeaking(now - lastLoud.current < 600);
        if (ws.current?.readyState === WebSocket.OPEN) ws.current.send(pcmBytes(frame));
      });
      setMic("on");
    } catch (e) {
      setMic("unavailable");
      setMicProblem((e as Error)?.name === "NotAllowedError"
        ? "Microphone access was refused: type your lines instead."
        : "No microphone available: type your lines instead.");
    }
  }, []);

  const start = useCallback(async (scenarioId: string | null) => {
    setError(null);
    setTurns([]);
    setNotice(null);
    setResult(null);
    setAudioChunks(0);
    setUsage(null);
    lastSeq.current = 0;
    closing.current = false;
    setPhase("starting");
    try {
      const s = await startVoiceSession(orgId, scenarioId);
      setStarted(s);
      await connect(s, false);
      if (!closing.current) await startMic();
    } catch (e) {
      teardown();
      setError(e);
      setPhase("idle");
    }
  }, [orgId, connect, startMic, teardown]);

  const sendText = useCallback((text: string) => {
    const t = text.trim().slice(0, MAX_TEXT);
    if (!t || ws.current?.readyState !== WebSocket.OPEN) return false;
    player.current?.stop();
    ws.current.send(JSON.stringify({ type: "text", text: t }));
    setBuyerThinking(true);
    return true;
  }, []);

  const endTurn = useCallback(() => {
    if (ws.current?.readyState === WebSocket.OPEN) ws.current.send(JSON.stringify({ type: "end_turn" }));
  }, []);

  const stopBuyer = useCallback(() => {
    player.current?.stop();
    if (ws.current?.readyState === WebSocket.OPEN) ws.current.send(JSON.stringify({ type: "interrupt" }));
  }, []);

  const end = useCallback(async () => {
    if (!started) return;
    setPhase("ending");
    teardown();
    setRepSpeaking(false);
    setBuyerSpeaking(false);
    try {
      setResult(await endVoiceSession(started.session_id));
      setPhase("ended");
    } catch (e) {
      setError(e);
      setPhase("ended");
    }
  }, [started, teardown]);

  const reset = useCallback(() => {
    setPhase("idle");
    setError(null);
  }, []);

  return {
    reset, phase, error, turns, notice, mic, micProblem, repSpeaking, buyerSpeaking, buyerThinking, audioChunks, started, result, usage,
    start, sendText, endTurn, stopBuyer, end,
  };
}

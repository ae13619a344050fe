// One live voice session, whatever carries it (voice-stream-audio's WebSocket): microphone audio
// in → end of turn (VAD or push-to-talk) → speech-to-text → the buyer's reply → text-to-speech,
// sentence by sentence, so the first audio leaves before the whole reply is written or spoken →
// audio chunks out. The rep speaking while the buyer is heard stops the buyer (barge-in).
// Transcript turns are stored as they happen (numbered: `seq` is what a client resumes from);
// every provider call is recorded while the session runs; at the session's limit it ends with a
// spoken and a written notice.
//
// The buyer and the scorer are injected: they are the SIM engine's, bound where the session is
// built (see README, "Voice practice").
import { type TtsName, TTS_SAMPLE_RATE } from "./providers.ts";
import { errorText, log } from "../log.ts";
import type { VoiceManager } from "./manager.ts";
import type { Usage } from "./usage.ts";
import { EnergyVad, MIC_SAMPLE_RATE, type VadOptions, wavOf } from "./vad.ts";

export interface Turn {
  seq: number;
  speaker: "rep" | "buyer" | "system";
  text: string;
  provider?: string;
}

/** The AI buyer: its reply to the conversation so far, as text deltas. */
export interface Buyer {
  reply(turns: Turn[], signal: AbortSignal): AsyncIterable<string>;
}

/** The SIM scorer: the scorecard of a finished session. */
export interface Scorer {
  score(session: { sessionId: string; turns: Turn[] }): Promise<unknown>;
}

/** Where a session's turns go as they happen (voice_turns). */
export interface TurnStore {
  appendTurn(turn: Turn): Promise<void>;
}

export type { Usage };

/** Bills the session up to now and answers its usage (null when the meter failed). */
export type Meter = () => Promise<Usage | null>;

/** Where a turn's audio goes when the organization records (voice_recordings). */
export interface Recorder {
  save(turn: Turn, pcm: Int16Array, sampleRate: number): void;
}

/** The longest audio a turn's recording keeps, seconds. */
export const MAX_RECORDED_SECONDS = 60;

export type SessionEvent =
  | { type: "transcript"; seq: number; speaker: Turn["speaker"]; text: string }
  | { type: "speech_started" }
  | { type: "audio"; provider: TtsName; chunk: Uint8Array }
  | { type: "buyer_done"; interrupted: boolean }
  | { type: "provider_fallback"; kind: "tts"; from: TtsName; partial: boolean }
  | { type: "notice"; code: "limit_reached" | "voice_unavailable" | "not_understood"; message: string }
  | ({ type: "usage" } & Usage)
  | { type: "ended"; reason: "limit_reached" | "ended" };

export interface SessionOptions {
  sessionId: string;
  manager: VoiceManager;
  buyer: Buyer;
  store: TurnStore;
  send: (e: SessionEvent) => void;
  voices?: Partial<Record<TtsName, string>>;
  now?: () => number;
  startedAt: number;
  maxSeconds: number;
  /** Turns already stored (a resumed session). */
  turns?: Turn[];
  vad?: VadOptions;
  /** The server's meter: asked at every turn and by tick(); its figures are sent as `usage`. */
  meter?: Meter;
  /** Only when the organization records. */
  recorder?: Recorder;
}

const SENTENCE_END = /([.!?…]+["')\]]?)(\s+|$)/;
export const LIMIT_NOTICE = "We have reached the time limit for this session. Thank you, let's stop here.";

export class VoiceSession {
  readonly turns: Turn[];
  #vad: EnergyVad;
  #speaking: AbortController | null = null;
  #busy: Promise<void> = Promise.resolve();
  #ended = false;
  #now: () => number;

  constructor(private readonly o: SessionOptions) {
    this.turns = [...(o.turns ?? [])];
    this.#vad = new EnergyVad(o.vad);
    this.#now = o.now ?? Date.now;
  }

  get ended() {
    return this.#ended;
  }

  get lastSeq() {
    return this.turns.at(-1)?.seq ?? 0;
  }

  /** Seconds left before the limit. */
  secondsLeft() {
    return this.o.maxSeconds - (this.#now() - this.o.startedAt) / 1000;
  }

  /** Microphone PCM (16 kHz s16le). */
  audio(bytes: Uint8Array): void {
    if (this.#ended) return;
    for (const e of this.#vad.push(bytes)) {
      if (e.type === "speech_started") {
        this.o.send({ type: "speech_started" });
        this.#speaking?.abort(); // barge-in
      } else this.#queue(() => this.#repAudio(e.pcm));
    }
  }

  /** Push-to-talk released. */
  endTurn(): void {
    const e = this.#vad.endTurn();
    if (e?.type === "turn_ended") this.#queue(() => this.#repAudio(e.pcm));
  }

  /** Typed input instead of speech. */
  text(text: string): Promise<void> {
    this.#speaking?.abort();
    return this.#queue(() => this.#repSaid(text.slice(0, 2000)));
  }

  /** Stops what is playing (the client's own barge-in, e.g. a stop button). */
  interrupt(): void {
    this.#speaking?.abort();
  }

  /** Meters the session (the stream's timer): at the limit it ends, as at a turn. */
  tick(): Promise<boolean> {
    return this.#limit();
  }

  /** Resolves when every queued turn is answered. */
  idle(): Promise<void> {
    return this.#busy;
  }

  #queue(step: () => Promise<void>): Promise<void> {
    this.#busy = this.#busy.then(step).catch((e) => log("error", "voice session step failed", { error: errorText(e) }));
    return this.#busy;
  }

  async #append(speaker: Turn["speaker"], text: string, provider?: string, audio?: { pcm: Int16Array; rate: number }) {
    const turn: Turn = { seq: this.lastSeq + 1, speaker, text, provider };
    this.turns.push(turn);
    const stored = this.o.store.appendTurn(turn);
    if (audio && audio.pcm.length > 0) this.o.recorder?.save(turn, audio.pcm.subarray(0, MAX_RECORDED_SECONDS * audio.rate), audio.rate);
    await stored;
    this.o.send({ type: "transcript", seq: turn.seq, speaker, text });
  }

  async #repAudio(pcm: Int16Array) {
    if (this.#ended) return;
    // The meter runs while the audio is transcribed: no round trip added before the buyer.
    const limited = this.#limit().catch(() => false);
    const seconds = pcm.length / MIC_SAMPLE_RATE;
    try {
      const t = await this.o.manager.transcribe(wavOf(pcm), seconds, new AbortController().signal);
      if (await limited) return;
      if (!t.text.trim()) {
        this.o.send({ type: "notice", code: "not_understood", message: "Sorry, I did not catch that." });
        return;
      }
      await this.#repSaid(t.text.trim(), t.provider, pcm);
    } catch (e) {
      this.o.send({ type: "notice", code: "voice_unavailable", message: `Speech recognition failed: ${(e as Error).message}` });
    }
  }

  async #repSaid(text: string, provider?: string, pcm?: Int16Array) {
    if (this.#ended || (!pcm && await this.#limit())) return;
    await this.#append("rep", text, provider, pcm && { pcm, rate: MIC_SAMPLE_RATE });
    await this.#buyerReplies();
  }

  /** The buyer's reply, spoken sentence by sentence as its text arrives. */
  async #buyerReplies() {
    const ctrl = new AbortController();
    this.#speaking = ctrl;
    let pending = "";
    let said = "";
    let provider: string | undefined;
    const heard: Uint8Array[] = [];
    const speak = async (sentence: string) => {
      for await (const e of this.o.manager.speak(sentence, this.o.voices ?? {}, ctrl.signal)) {
        if (e.type === "audio") {
          provider = e.provider;
          if (this.o.recorder) heard.push(e.chunk);
          this.o.send(e);
        } else this.o.send({ type: "provider_fallback", kind: "tts", from: e.provider, partial: e.partial });
      }
      if (!ctrl.signal.aborted) said += (said ? " " : "") + sentence;
    };
    try {
      for await (const delta of this.o.buyer.reply([...this.turns], ctrl.signal)) {
        if (ctrl.signal.aborted) break;
        pending += delta;
        for (let m = SENTENCE_END.exec(pending); m; m = SENTENCE_END.exec(pending)) {
          const sentence = pending.slice(0, m.index + m[1].length).trim();
          pending = pending.slice(m.index + m[0].length);
          if (sentence) await speak(sentence);
          if (ctrl.signal.aborted) break;
        }
        if (ctrl.signal.aborted || this.secondsLeft() <= 0) break;
      }
      if (!ctrl.signal.aborted && pending.trim()) await speak(pending.trim());
    } catch (e) {
      this.o.send({ type: "notice", code: "voice_unavailable", message: `The buyer could not answer: ${(e as Error).message}` });
    } finally {
      if (this.#speaking === ctrl) this.#speaking = null;
    }
    if (said) await this.#append("buyer", said, provider, this.o.recorder && { pcm: pcm16Of(heard), rate: TTS_SAMPLE_RATE });
    this.o.send({ type: "buyer_done", interrupted: ctrl.signal.aborted });
    await this.#limit();
  }

  /** At the limit (the server's meter, else the clock): the notice, spoken and written, and the end. True when ended. */
  async #limit(): Promise<boolean> {
    if (this.#ended) return true;
    let left = this.secondsLeft();
    if (this.o.meter) {
      const usage = await this.o.meter();
      if (this.#ended) return true;
      if (usage) {
        this.o.send({ type: "usage", ...usage });
        left = Math.min(left, usage.seconds_left);
      }
    }
    if (left > 0) return false;
    this.#ended = true;
    this.#speaking?.abort();
    this.o.send({ type: "notice", code: "limit_reached", message: LIMIT_NOTICE });
    await this.#append("system", LIMIT_NOTICE);
    try {
      for await (const e of this.o.manager.speak(LIMIT_NOTICE, this.o.voices ?? {}, new AbortController().signal)) {
        if (e.type === "audio") this.o.send(e);
      }
    } catch {
      // the written notice stands
    }
    this.o.send({ type: "ended", reason: "limit_reached" });
    return true;
  }
}

/** Little-endian PCM16 chunks (the TTS stream) as samples; an odd trailing byte is dropped. */
function pcm16Of(chunks: Uint8Array[]): Int16Array {
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) (bytes.set(c, at), (at += c.length));
  const out = new Int16Array(bytes.length >> 1);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

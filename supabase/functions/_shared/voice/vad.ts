// End of the rep's turn from the microphone stream (16 kHz 16-bit mono PCM): energy and silence.
// A frame (20 ms) is speech when its RMS is above `threshold`; a turn starts after `minSpeechMs`
// of speech and ends after `silenceMs` of silence; a turn also ends at `maxTurnMs`. Push-to-talk
// bypasses the detector: the client says when the turn ends. `speechStarted` is what barge-in
// listens to (the rep speaking while the buyer's audio plays).

import { pcm16MonoWav } from "../wav.ts";

export const MIC_SAMPLE_RATE = 16_000;
const FRAME_SAMPLES = 320; // 20 ms

export interface VadOptions {
  threshold?: number;
  minSpeechMs?: number;
  silenceMs?: number;
  maxTurnMs?: number;
}

export type VadEvent =
  | { type: "speech_started" }
  | { type: "turn_ended"; pcm: Int16Array; reason: "silence" | "max_length" | "push_to_talk" };

export class EnergyVad {
  readonly threshold: number;
  readonly minSpeechFrames: number;
  readonly silenceFrames: number;
  readonly maxTurnFrames: number;
  #pending: number[] = []; // samples not yet a whole frame
  #turn: Int16Array[] = [];
  #speechRun = 0;
  #silenceRun = 0;
  #inTurn = false;

  constructor(opts: VadOptions = {}) {
    this.threshold = opts.threshold ?? 500;
    this.minSpeechFrames = Math.ceil((opts.minSpeechMs ?? 100) / 20);
    this.silenceFrames = Math.ceil((opts.silenceMs ?? 700) / 20);
    this.maxTurnFrames = Math.ceil((opts.maxTurnMs ?? 30_000) / 20);
  }

  get inTurn(): boolean {
    return this.#inTurn;
  }

  /** Feeds little-endian 16-bit PCM bytes; returns what happened. */
  push(bytes: Uint8Array): VadEvent[] {
    const events: VadEvent[] = [];
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i + 1 < bytes.length; i += 2) this.#pending.push(dv.getInt16(i, true));
    while (this.#pending.length >= FRAME_SAMPLES) {
      const frame = Int16Array.from(this.#pending.splice(0, FRAME_SAMPLES));
      let sum = 0;
      for (const s of frame) sum += s * s;
      const loud = Math.sqrt(sum / FRAME_SAMPLES) > this.threshold;
      if (!this.#inTurn) {
        this.#speechRun = loud ? this.#speechRun + 1 : 0;
        this.#turn.push(frame);
        if (this.#turn.length > this.minSpeechFrames + 5) this.#turn.shift(); // a little lead-in
        if (this.#speechRun >= this.minSpeechFrames) {
          this.#inTurn = true;
          this.#silenceRun = 0;
          events.push({ type: "speech_started" });
        }
        continue;
      }
      this.#turn.push(frame);
      this.#silenceRun = loud ? 0 : this.#silenceRun + 1;
      if (this.#silenceRun >= this.silenceFrames) events.push(this.#end("silence"));
      else if (this.#turn.length >= this.maxTurnFrames) events.push(this.#end("max_length"));
    }
    return events;
  }

  /** Push-to-talk released: the turn so far, or null when nothing was said. */
  endTurn(): VadEvent | null {
    const any = this.#inTurn || this.#turn.length > 0;
    return any ? this.#end("push_to_talk") : null;
  }

  #end(reason: "silence" | "max_length" | "push_to_talk"): VadEvent {
    const total = this.#turn.reduce((n, f) => n + f.length, 0);
    const pcm = new Int16Array(total);
    let o = 0;
    for (const f of this.#turn) (pcm.set(f, o), o += f.length);
    this.#turn = [];
    this.#inTurn = false;
    this.#speechRun = 0;
    this.#silenceRun = 0;
    return { type: "turn_ended", pcm, reason };
  }
}

/** A mono 16-bit PCM WAV of `pcm` at `rate` (what the STT providers are sent). */
export const wavOf = (pcm: Int16Array, rate = MIC_SAMPLE_RATE) => pcm16MonoWav(pcm, rate);

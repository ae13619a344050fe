// A voice session's recording: the WAV of each recorded turn (voice_recordings: the rep's 16 kHz
// microphone, the buyer's 24 kHz voice) joined into one 24 kHz mono WAV in turn order, with a
// short pause between turns — what the session report's player plays.
import { pcm16MonoWav } from "../wav.ts";

export const RECORDING_RATE = 24_000;
const GAP_SECONDS = 0.25;

export interface RecordedTurn {
  sample_rate: number;
  /** A mono 16-bit PCM WAV. */
  audio: Uint8Array;
}

/** bytea as PostgREST answers it in JSON ("\x" and hex). */
export function byteaOf(hex: string): Uint8Array {
  const s = hex.startsWith("\\x") ? hex.slice(2) : hex;
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** The samples of a mono 16-bit PCM WAV (its `data` chunk). */
export function wavSamples(wav: Uint8Array): Int16Array {
  const v = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const tag = (at: number) => String.fromCharCode(...wav.subarray(at, at + 4));
  if (wav.length < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") throw new Error("not a WAV");
  for (let at = 12; at + 8 <= wav.length;) {
    const size = v.getUint32(at + 4, true);
    if (tag(at) === "data") {
      const n = Math.min(size, wav.length - at - 8) >> 1;
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = v.getInt16(at + 8 + i * 2, true);
      return out;
    }
    at += 8 + size + (size & 1);
  }
  throw new Error("WAV without data");
}

/** Linear resampling (16 kHz → 24 kHz for the rep's turns). */
export function resample(pcm: Int16Array, from: number, to: number): Int16Array {
  if (from === to || pcm.length === 0) return pcm;
  const out = new Int16Array(Math.round((pcm.length * to) / from));
  for (let i = 0; i < out.length; i++) {
    const x = (i * from) / to;
    const j = Math.floor(x);
    const a = pcm[Math.min(j, pcm.length - 1)];
    const b = pcm[Math.min(j + 1, pcm.length - 1)];
    out[i] = Math.round(a + (b - a) * (x - j));
  }
  return out;
}

/** The turns as one 24 kHz WAV, a pause between them. */
export function sessionWav(turns: RecordedTurn[]): Uint8Array {
  const gap = new Int16Array(Math.round(GAP_SECONDS * RECORDING_RATE));
  const parts = turns.flatMap((t, i) => {
    const pcm = resample(wavSamples(t.audio), t.sample_rate, RECORDING_RATE);
    return i === 0 ? [pcm] : [gap, pcm];
  });
  const all = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (all.set(p, at), (at += p.length));
  return pcm16MonoWav(all, RECORDING_RATE);
}

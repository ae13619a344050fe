// Speech-to-text in the voice stand-ins: a test teaches the transcript of a piece of audio
// (POST /_sandbox/transcripts), and a transcription request whose audio is that audio — the same
// bytes, or the same speech re-encoded, resampled or with its leading and trailing silence
// trimmed, as a voice-activity detector leaves it — is answered with that transcript.
//
// Matching: the exact bytes (sha256) first; otherwise both are decoded by sox to 8 kHz mono,
// cut into 20 ms frames, silent frames at either end trimmed, and the loudness envelopes
// compared (lengths within 25%, correlation ≥ 0.8). Audio nobody taught transcribes to null;
// each stand-in then answers as it does without a script.
import { z } from "zod";
import { type ControlRoute, parse, readJson, SandboxError } from "../kernel/control.ts";
import { json, noContent } from "../kernel/http.ts";
import { synthesize, wavFormat } from "./synth.ts";

export interface Taught {
  id: string;
  text: string;
  sha256: string;
  envelope: number[];
  hits: number;
}

const FRAME = 160; // 20 ms at 8 kHz

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** 16-bit PCM at 8 kHz mono from audio of any type sox reads (`type`: wav, mp3, flac, raw16k…). */
async function decode(bytes: Uint8Array, type: string): Promise<Int16Array> {
  const input = type === "pcm" || type === "raw16k"
    ? ["-t", "raw", "-r", "16000", "-e", "signed", "-b", "16", "-c", "1", "-L"]
    : ["-t", type];
  const child = new Deno.Command("sox", {
    args: ["-q", ...input, "-", "-t", "raw", "-r", "8000", "-e", "signed", "-b", "16", "-c", "1", "-L", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const output = child.output(); // read while writing (see synth.ts)
  const w = child.stdin.getWriter();
  await w.write(bytes).catch(() => {});
  await w.close().catch(() => {});
  const out = await output;
  if (!out.success) return new Int16Array(0);
  const b = out.stdout;
  return new Int16Array(b.buffer, b.byteOffset, Math.floor(b.byteLength / 2));
}

/** RMS per 20 ms frame, silent frames at both ends removed. */
export function envelope(pcm: Int16Array): number[] {
  const frames: number[] = [];
  for (let i = 0; i + FRAME <= pcm.length; i += FRAME) {
    let s = 0;
    for (let j = i; j < i + FRAME; j++) s += pcm[j] * pcm[j];
    frames.push(Math.sqrt(s / FRAME));
  }
  const peak = Math.max(0, ...frames);
  const loud = (v: number) => v > Math.max(200, peak * 0.05);
  let a = 0, b = frames.length;
  while (a < b && !loud(frames[a])) a++;
  while (b > a && !loud(frames[b - 1])) b--;
  return frames.slice(a, b);
}

/** Pearson correlation of two envelopes after stretching `b` to `a`'s length; 0 when too unalike. */
export function similarity(a: number[], b: number[]): number {
  if (!a.length || !b.length) return 0;
  if (Math.abs(a.length - b.length) > 0.25 * Math.max(a.length, b.length)) return 0;
  const bs = a.map((_, i) => b[Math.min(b.length - 1, Math.floor((i * b.length) / a.length))]);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a), mb = mean(bs);
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - ma) * (bs[i] - mb);
    da += (a[i] - ma) ** 2;
    db += (bs[i] - mb) ** 2;
  }
  return da && db ? num / Math.sqrt(da * db) : 0;
}

const TeachSpec = z.object({
  text: z.string().min(1).max(4000),
  /** The audio, base64; or omit it and give `speak` to have the stand-in synthesize it. */
  audio_base64: z.string().min(1).optional(),
  /** The audio's type as sox names it: wav (default), mp3, flac, ogg, pcm (16 kHz s16le). */
  format: z.string().default("wav"),
  /** Synthesize `text` (espeak-ng), remember it, and answer with the WAV (16 kHz mono). */
  speak: z.boolean().optional(),
  voice: z.string().optional(),
}).strict();

export class TaughtTranscripts {
  #items: Taught[] = [];
  #next = 1;

  async teach(text: string, audio: Uint8Array, format = "wav"): Promise<Taught> {
    const item: Taught = {
      id: `taught_${this.#next++}`,
      text,
      sha256: await sha256(audio),
      envelope: envelope(await decode(audio, format)),
      hits: 0,
    };
    if (!item.envelope.length) {
      throw new SandboxError(400, "invalid_request", "the audio is silent or unreadable");
    }
    this.#items.push(item);
    return item;
  }

  /** The transcript taught for this audio, or null. */
  async transcribe(audio: Uint8Array, format = "wav"): Promise<string | null> {
    if (!this.#items.length) return null;
    const digest = await sha256(audio);
    let best = this.#items.find((t) => t.sha256 === digest);
    if (!best) {
      const env = envelope(await decode(audio, format));
      let score = 0.8;
      for (const t of this.#items) {
        const s = similarity(t.envelope, env);
        if (s >= score) [best, score] = [t, s];
      }
    }
    if (!best) return null;
    best.hits++;
    return best.text;
  }

  list() {
    return this.#items.map(({ id, text, sha256, hits, envelope }) => ({
      id,
      text,
      sha256,
      hits,
      frames: envelope.length,
    }));
  }

  clear() {
    this.#items = [];
  }

  /** `POST /transcripts`, `GET /transcripts`, `DELETE /transcripts` for a stand-in's control API. */
  routes(): ControlRoute[] {
    return [
      ["POST /transcripts", async (_m, req) => {
        const spec = parse(TeachSpec, await readJson(req, false));
        if (spec.speak) {
          const wav = await synthesize(spec.text, spec.voice ?? "rep", wavFormat(16000));
          const t = await this.teach(spec.text, wav, "wav");
          return new Response(wav as Uint8Array<ArrayBuffer>, {
            status: 201,
            headers: { "content-type": "audio/wav", "x-taught-id": t.id },
          });
        }
        if (!spec.audio_base64) {
          throw new SandboxError(400, "invalid_request", "give audio_base64, or speak: true");
        }
        const bytes = Uint8Array.from(atob(spec.audio_base64), (c) => c.charCodeAt(0));
        const t = await this.teach(spec.text, bytes, spec.format);
        return json({ id: t.id, sha256: t.sha256, frames: t.envelope.length }, 201);
      }],
      ["GET /transcripts", () => json({ items: this.list() })],
      ["DELETE /transcripts", () => {
        this.clear();
        return noContent();
      }],
    ];
  }
}

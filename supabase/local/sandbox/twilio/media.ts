// Recording media, generated rather than stored: a tone per channel while it speaks (WAV), or
// silent MP3 frames; both as long as the recording, served with Range support.
import type { Json } from "./specs.ts";
import type { TwilioState } from "./state.ts";
import { sourceSidOf } from "./transcripts.ts";

interface Segment {
  channel: number;
  start: number;
  end: number;
}

/** 8 kHz 16-bit PCM WAV: a quiet tone on a channel during each of its segments. */
export function generateWav(
  seconds: number,
  channels: number,
  segments: Segment[],
): Uint8Array<ArrayBuffer> {
  const rate = 8000;
  const frames = Math.max(1, Math.round(seconds * rate));
  const bytes = new Uint8Array(44 + frames * channels * 2);
  const v = new DataView(bytes.buffer);
  const ascii = (at: number, s: string) =>
    [...s].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, "RIFF");
  v.setUint32(4, bytes.length - 8, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, channels, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * channels * 2, true);
  v.setUint16(32, channels * 2, true);
  v.setUint16(34, 16, true);
  ascii(36, "data");
  v.setUint32(40, frames * channels * 2, true);
  for (const s of segments) {
    const ch = Math.min(Math.max(s.channel, 1), channels) - 1;
    const hz = ch === 0 ? 440 : 330;
    const last = Math.min(frames, Math.round(s.end * rate));
    for (let f = Math.round(s.start * rate); f < last; f++) {
      v.setInt16(
        44 + (f * channels + ch) * 2,
        Math.round(6000 * Math.sin((2 * Math.PI * hz * f) / rate)),
        true,
      );
    }
  }
  return bytes;
}

/** Silent MP3: MPEG-1 Layer III frames at 32 kbit/s, 32 kHz (144 bytes, 36 ms each)
 * whose all-zero side info and main data decode as silence. */
export function generateMp3(seconds: number, channels: number): Uint8Array<ArrayBuffer> {
  const frames = Math.max(1, Math.ceil((seconds * 32000) / 1152));
  const frame = new Uint8Array(144);
  frame.set([0xff, 0xfb, 0x18, channels === 1 ? 0xc0 : 0x00]);
  const out = new Uint8Array(frames * frame.length);
  for (let i = 0; i < frames; i++) out.set(frame, i * frame.length);
  return out;
}

/** A single `bytes=` range of a body of `size` bytes; null to serve it whole. */
export function parseRange(
  header: string | null,
  size: number,
): { start: number; end: number } | "unsatisfiable" | null {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === "" && m[2] === "")) return null; // absent, malformed or multi-range
  if (m[1] === "") {
    const suffix = Number(m[2]);
    return suffix === 0 ? "unsatisfiable" : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== "" && Number(m[2]) < start) return null; // invalid range-spec: ignored (RFC 9110)
  return start >= size ? "unsatisfiable" : { start, end };
}

export function mediaResponse(
  req: Request,
  body: Uint8Array<ArrayBuffer>,
  contentType: string,
): Response {
  const headers = new Headers({ "content-type": contentType, "accept-ranges": "bytes" });
  const range = parseRange(req.headers.get("range"), body.length);
  if (range === "unsatisfiable") {
    headers.set("content-range", `bytes */${body.length}`);
    return new Response(null, { status: 416, headers });
  }
  if (!range) return new Response(req.method === "HEAD" ? null : body, { headers });
  headers.set("content-range", `bytes ${range.start}-${range.end}/${body.length}`);
  const part = body.subarray(range.start, range.end + 1);
  headers.set("content-length", String(part.length));
  return new Response(req.method === "HEAD" ? null : part, { status: 206, headers });
}

/** The recording's media, generated once: tones where its transcript has speech. */
export function recordingMedia(
  state: TwilioState,
  recording: Json,
  format: "wav" | "mp3",
): Uint8Array<ArrayBuffer> {
  const key = `${recording.sid}.${format}`;
  let bytes = state.mediaCache.get(key);
  if (!bytes) {
    const seconds = Number(recording.duration);
    const channels = recording.channels as number;
    if (format === "mp3") bytes = generateMp3(seconds, channels);
    else {
      const transcript = [...state.transcripts.values()].find((t) =>
        sourceSidOf(t) === recording.sid
      );
      const segments = transcript
        ? (state.sentences.get(transcript.sid as string) ?? []).map((s) => ({
          channel: s.media_channel as number,
          start: Number(s.start_time),
          end: Number(s.end_time),
        }))
        // No transcript: the two sides take 3-second turns.
        : Array.from(
          { length: Math.ceil(seconds / 3) },
          (_, i) => ({ channel: (i % 2) + 1, start: i * 3, end: i * 3 + 3 }),
        );
      bytes = generateWav(seconds, channels, segments);
    }
    state.mediaCache.set(key, bytes);
  }
  return bytes;
}

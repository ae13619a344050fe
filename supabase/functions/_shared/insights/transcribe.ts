// The transcript step: Twilio's transcript of the recording (Voice
// Intelligence sentences, one media channel per speaker), or — per
// organization setting, or when Twilio has none — OpenAI speech-to-text of
// each channel of the dual-channel recording. Channel 1 is the caller (the
// customer), channel 2 the dialed agent.
import type OpenAI from "openai";
import { toFile } from "openai";
import type { TwilioClient } from "../providers/twilio.ts";
import { rewriteTwilioUrl } from "../providers/twilio.ts";
import type { Segment, Speaker } from "./schema.ts";
import { pcm16MonoWav } from "../wav.ts";

export interface RawTranscript {
  source: "twilio" | "openai";
  language: string | null;
  segments: Segment[];
}

export function speakerOfChannel(channel: number): Speaker {
  return channel === 2 ? "agent" : "customer";
}

export async function twilioTranscript(client: TwilioClient, recordingSid: string): Promise<RawTranscript | null> {
  const list = await client.intelligence.v2.transcripts.list({ sourceSid: recordingSid, limit: 20 });
  const done = list.find((t) => t.status === "completed");
  if (!done) return null;
  const sentences = await client.intelligence.v2.transcripts(done.sid).sentences.list({ limit: 5000 });
  const segments = sentences
    .map((s) => ({
      start: Number(s.startTime),
      end: Number(s.endTime),
      speaker: speakerOfChannel(Number(s.mediaChannel)),
      text: s.transcript.trim(),
    }))
    .filter((s) => s.text && Number.isFinite(s.start))
    .sort((a, b) => a.start - b.start);
  if (!segments.length) return null;
  return { source: "twilio", language: done.languageCode ?? null, segments };
}

/** Splits interleaved 16-bit PCM WAV into one mono WAV per channel. */
export function splitWavChannels(wav: Uint8Array): Uint8Array[] {
  const v = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const tag = (o: number) => String.fromCharCode(wav[o], wav[o + 1], wav[o + 2], wav[o + 3]);
  if (tag(0) !== "RIFF" || tag(8) !== "WAVE") throw new Error("not a WAV file");
  let o = 12;
  let channels = 0, rate = 0, bits = 0, dataStart = -1, dataLen = 0;
  while (o + 8 <= wav.byteLength) {
    const id = tag(o);
    const len = v.getUint32(o + 4, true);
    if (id === "fmt ") {
      channels = v.getUint16(o + 10, true);
      rate = v.getUint32(o + 12, true);
      bits = v.getUint16(o + 22, true);
    } else if (id === "data") {
      dataStart = o + 8;
      dataLen = Math.min(len, wav.byteLength - dataStart);
      break;
    }
    o += 8 + len + (len % 2);
  }
  if (dataStart < 0 || bits !== 16 || channels < 1) throw new Error("unsupported WAV (need 16-bit PCM)");
  if (channels === 1) return [wav];
  const frames = Math.floor(dataLen / (2 * channels));
  return Array.from({ length: channels }, (_, ch) => {
    const pcm = new Int16Array(frames);
    for (let f = 0; f < frames; f++) pcm[f] = v.getInt16(dataStart + (f * channels + ch) * 2, true);
    return pcm16MonoWav(pcm, rate);
  });
}

export async function downloadRecordingWav(
  recordingUrl: string,
  auth: { accountSid: string; authToken: string; baseUrl?: string },
): Promise<Uint8Array> {
  const url = rewriteTwilioUrl(recordingUrl.replace(/\.(mp3|wav|json)$/, "") + ".wav", auth.baseUrl);
  const res = await fetch(url, {
    headers: { authorization: `Basic ${btoa(`${auth.accountSid}:${auth.authToken}`)}` },
    signal: AbortSignal.timeout(60_000),
  });
  if (!res.ok) throw new Error(`downloading the recording failed: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

export async function openaiTranscript(
  openai: OpenAI,
  wav: Uint8Array,
  model = "whisper-1",
): Promise<RawTranscript> {
  const channels = splitWavChannels(wav);
  let language: string | null = null;
  const segments: Segment[] = [];
  for (const [i, bytes] of channels.entries()) {
    const res = await openai.audio.transcriptions.create({
      file: await toFile(bytes, `channel-${i + 1}.wav`, { type: "audio/wav" }),
      model,
      response_format: "verbose_json",
      timestamp_granularities: ["segment"],
    });
    language ??= res.language ?? null;
    for (const s of res.segments ?? []) {
      const text = s.text.trim();
      if (text) {
        segments.push({ start: s.start, end: s.end, speaker: channels.length === 1 ? "customer" : speakerOfChannel(i + 1), text });
      }
    }
  }
  segments.sort((a, b) => a.start - b.start);
  return { source: "openai", language, segments };
}

// `POST …/audio/speech` as OpenAI defines it (OpenRouter serves the same shape): JSON
// { model, input, voice, response_format?, speed?, instructions? } → the audio bytes, streamed
// in chunks (`pcm` is 24 kHz 16-bit LE mono, as OpenAI's). Used by the OpenAI and OpenRouter
// stand-ins, each rendering errors in its own body.
import { z } from "zod";
import { audioStream, type VoiceFault } from "./faults.ts";
import { type AudioFormat, flacFormat, mp3Format, pcmFormat, synthesize, wavFormat } from "./synth.ts";

export const OPENAI_VOICES = [
  "alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer", "verse",
];

const FORMATS: Record<string, AudioFormat> = {
  mp3: mp3Format(24000, 64),
  wav: wavFormat(24000),
  pcm: pcmFormat(24000),
  flac: flacFormat(24000),
};

export const SpeechBody = z.object({
  model: z.string().min(1),
  input: z.string().min(1).max(4096),
  voice: z.union([z.string().min(1), z.object({ id: z.string() })]),
  response_format: z.string().default("mp3"),
  speed: z.number().min(0.25).max(4).default(1),
  instructions: z.string().max(4096).optional(),
  stream_format: z.enum(["audio", "sse"]).optional(),
}).passthrough();

export type SpeechError = (status: number, message: string, param: string | null) => Response;

/**
 * The audio for a speech request, or the error `fail` renders. `models` lists the accepted
 * models (any when omitted), `voices` the accepted voice names (any when omitted).
 */
export async function speech(
  raw: unknown,
  fail: SpeechError,
  opts: {
    fault?: VoiceFault;
    signals: AbortSignal[];
    models?: string[];
    voices?: string[];
    headers?: Record<string, string>;
  },
): Promise<Response> {
  const r = SpeechBody.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    return fail(400, `${issue.path.join(".") || "body"}: ${issue.message}`, String(issue.path[0] ?? ""));
  }
  const body = r.data;
  if (opts.models && !opts.models.includes(body.model)) {
    return fail(400, `Invalid model '${body.model}'.`, "model");
  }
  const voice = typeof body.voice === "string" ? body.voice : body.voice.id;
  if (opts.voices && !opts.voices.includes(voice)) {
    return fail(400, `Invalid voice '${voice}'. Supported voices: ${opts.voices.join(", ")}.`, "voice");
  }
  const format = FORMATS[body.response_format];
  if (!format) {
    return fail(400, `Invalid response_format '${body.response_format}'. Supported: ${Object.keys(FORMATS).join(", ")}.`, "response_format");
  }
  const audio = await synthesize(body.input, voice, format, body.speed);
  return new Response(audioStream(audio, opts.fault, opts.signals), {
    headers: { ...opts.headers, "content-type": format.contentType },
  });
}

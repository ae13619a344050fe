// OpenRouter stand-in: the audio endpoints of openrouter.ai/api/v1 in OpenRouter's wire format,
// answering with real speech (espeak-ng + sox, voice/synth.ts) and taught transcripts:
//   POST /api/v1/audio/speech          OpenAI-compatible JSON { model, input, voice,
//                                      response_format?, speed? } → the audio bytes, streamed;
//                                      header X-Generation-Id (gen-tts-<ts>-<suffix>)
//   POST /api/v1/audio/transcriptions  JSON { model, input_audio: { data (base64), format },
//                                      language? } → { text, usage: { seconds, cost } }
//                                      (not OpenAI's multipart)
//   GET  /api/v1/models                models with their input/output modalities
// Bearer auth; errors as OpenRouter sends them: `{ error: { code: <status>, message,
// metadata? } }`.
//
// Control API under /_sandbox: GET /health, POST /reset, GET /requests, POST/GET/DELETE
// /transcripts (voice/taught.ts), POST/GET/DELETE /faults (voice/faults.ts).
//
//   deno run -A supabase/local/sandbox/openrouter.ts --port 54336 [--api-key K]
//   → OPENROUTER_BASE_URL=http://127.0.0.1:54336/api/v1
import type { ControlRoute } from "./kernel/control.ts";
import { bearer, json, noContent } from "./kernel/http.ts";
import { exitOnSignal, type RequestEntry, requestEntry, scriptOptions } from "./kernel/server.ts";
import { z } from "zod";
import { VoiceFaults } from "./voice/faults.ts";
import { serveVoiceStandIn, voiceLifecycle } from "./voice/server.ts";
import { speech } from "./voice/speech.ts";
import { TaughtTranscripts } from "./voice/taught.ts";

export const DEFAULT_OPENROUTER_KEY = "sk-or-v1-local-sandbox";
/** Dollars per second of audio the stand-in reports in `usage.cost` (whisper-1's $0.006/min). */
export const STT_COST_PER_SECOND = 0.0001;

export const MODELS = [
  { id: "openai/whisper-1", input_modalities: ["audio"], output_modalities: ["text"] },
  { id: "openai/gpt-4o-mini-transcribe", input_modalities: ["audio"], output_modalities: ["text"] },
  { id: "openai/gpt-4o-mini-tts", input_modalities: ["text"], output_modalities: ["speech"] },
  { id: "openai/tts-1", input_modalities: ["text"], output_modalities: ["speech"] },
];

const Transcription = z.object({
  model: z.string().min(1),
  input_audio: z.object({ data: z.string().min(1), format: z.string().min(1) }),
  language: z.string().optional(),
}).passthrough();

export interface OpenRouterRequest extends RequestEntry {
  model: string | null;
  fault: string | null;
  generation_id: string;
}

const orError = (status: number, message: string, headers?: HeadersInit, metadata?: unknown) =>
  json({ error: { code: status, message, ...(metadata ? { metadata } : {}) } }, status, headers);

/** Seconds of audio in a WAV or 16 kHz PCM payload (0 when unknown). */
function seconds(bytes: Uint8Array, format: string): number {
  if (format === "pcm") return bytes.length / 32000;
  if (format !== "wav" || bytes.length < 44) return 0;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const byteRate = dv.getUint32(28, true);
  return byteRate ? (bytes.length - 44) / byteRate : 0;
}

export function startOpenRouterStandIn(opts: { port: number; apiKey?: string; hostname?: string }) {
  const apiKey = opts.apiKey ?? DEFAULT_OPENROUTER_KEY;
  const requests: OpenRouterRequest[] = [];
  const faults = new VoiceFaults();
  const taught = new TaughtTranscripts();
  const life = voiceLifecycle();
  const { hangs, closing } = life;

  const controlRoutes: ControlRoute[] = [
    ["GET /health", () => json({ ok: true })],
    ["POST /reset", () => {
      requests.length = 0;
      faults.clear();
      taught.clear();
      return noContent();
    }],
    ["GET /requests", () => json({ items: requests })],
    ...faults.routes(),
    ...taught.routes(),
  ];

  async function api(req: Request, url: URL, entry: OpenRouterRequest): Promise<Response> {
    const key = bearer(req);
    if (!key) return orError(401, "No auth credentials found");
    if (key !== apiKey) return orError(401, "User not found.");
    if (url.pathname === "/api/v1/models" && req.method === "GET") {
      const out = url.searchParams.get("output_modalities");
      return json({ data: MODELS.filter((m) => !out || m.output_modalities.includes(out)) });
    }
    const isSpeech = url.pathname === "/api/v1/audio/speech";
    const isStt = url.pathname === "/api/v1/audio/transcriptions";
    if (!isSpeech && !isStt) return orError(404, "Not Found");
    if (req.method !== "POST") return orError(405, "Method Not Allowed");

    const fault = faults.take(req.method, url.pathname);
    entry.fault = fault?.kind ?? null;
    if (fault?.kind === "timeout") return await hangs.hang(req);
    if (fault?.kind === "429") {
      return orError(429, "Rate limit exceeded", { "retry-after": String(fault.retry_after) });
    }
    if (fault?.kind === "500" || fault?.kind === "503") {
      return orError(Number(fault.kind), "Provider returned error", undefined, { provider_name: "OpenAI" });
    }
    let body: unknown;
    try {
      body = JSON.parse(await req.text());
    } catch {
      return orError(400, "Invalid JSON body");
    }
    entry.model = typeof (body as { model?: unknown })?.model === "string"
      ? (body as { model: string }).model
      : null;

    if (isSpeech) {
      return await speech(body, (status, message) => orError(status, message), {
        fault,
        signals: [req.signal, closing.signal],
        headers: { "x-generation-id": entry.generation_id },
      });
    }
    const r = Transcription.safeParse(body);
    if (!r.success) return orError(400, z.prettifyError(r.error));
    let bytes: Uint8Array;
    try {
      bytes = Uint8Array.from(atob(r.data.input_audio.data), (c) => c.charCodeAt(0));
    } catch {
      return orError(400, "input_audio.data must be base64");
    }
    const text = await taught.transcribe(bytes, r.data.input_audio.format);
    const secs = Math.round(seconds(bytes, r.data.input_audio.format) * 100) / 100;
    return json({
      text: text ?? "",
      usage: { seconds: secs, cost: Math.round(secs * STT_COST_PER_SECOND * 1e6) / 1e6 },
    }, 200, { "x-generation-id": entry.generation_id });
  }

  const { url, server } = serveVoiceStandIn({
    name: "openrouter",
    port: opts.port,
    hostname: opts.hostname,
    controlRoutes,
    log: requests,
    entry: (req, url): OpenRouterRequest => ({
      ...requestEntry(req, url, 0),
      model: null,
      fault: null,
      generation_id: `gen-tts-${Date.now()}-${crypto.randomUUID().slice(0, 8)}`,
    }),
    api,
    fail: (status, message) => orError(status, message),
  });
  return {
    url,
    baseURL: `${url}/api/v1`,
    requests,
    faults,
    taught,
    close: () => life.close(server),
  };
}

export type OpenRouterStandIn = ReturnType<typeof startOpenRouterStandIn>;

if (import.meta.main) {
  const standIn = startOpenRouterStandIn(scriptOptions({ port: "OPENROUTER_STAND_IN_PORT", apiKey: "OPENROUTER_API_KEY" }, 54336));
  console.log(`OpenRouter stand-in: OPENROUTER_BASE_URL=${standIn.baseURL}`);
  exitOnSignal(standIn);
}

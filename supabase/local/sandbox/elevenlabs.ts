// ElevenLabs stand-in: the text-to-speech part of api.elevenlabs.io the voice practice uses, in
// ElevenLabs' wire format, answering with real speech (espeak-ng + sox, see voice/synth.ts):
//   POST /v1/text-to-speech/{voice_id}/stream   chunked audio as it is "synthesized"
//   POST /v1/text-to-speech/{voice_id}          the whole audio at once
//        body { text, model_id?, voice_settings?, … }, query output_format (mp3_44100_128 by
//        default; mp3_*, pcm_8000…48000, ulaw_8000), optimize_streaming_latency
//   GET  /v1/voices, GET /v1/voices/{voice_id}
// Auth by the `xi-api-key` header; errors as ElevenLabs sends them, `{ detail: { status,
// message } }` (422: FastAPI's `{ detail: [{ loc, msg, type }] }`). Response headers
// `request-id`, `character-cost`, `history-item-id`.
//
// Control API under /_sandbox: GET /health, POST /reset, GET /requests, POST/GET/DELETE /faults
// (voice/faults.ts: 429, 500, 503, slow_first_byte, cut, timeout), POST /voices {voice_id, name}.
//
//   deno run -A supabase/local/sandbox/elevenlabs.ts --port 54335 [--api-key K]
//   → ELEVENLABS_API_BASE_URL=http://127.0.0.1:54335
import { type ControlRoute, parse, readJson } from "./kernel/control.ts";
import { sleep } from "./kernel/faults.ts";
import { json, noContent } from "./kernel/http.ts";
import { exitOnSignal, type RequestEntry, requestEntry, scriptOptions } from "./kernel/server.ts";
import { z } from "zod";
import { audioStream, type VoiceFault, VoiceFaults } from "./voice/faults.ts";
import { serveVoiceStandIn, voiceLifecycle } from "./voice/server.ts";
import { type AudioFormat, mp3Format, pcmFormat, synthesize, ulawFormat } from "./voice/synth.ts";

export const DEFAULT_ELEVENLABS_KEY = "sk_local_sandbox_elevenlabs";

/** Some of ElevenLabs' premade voices (ids as ElevenLabs publishes them). */
export const PREMADE_VOICES: Record<string, string> = {
  "21m00Tcm4TlvDq8ikWAM": "Rachel",
  "EXAVITQu4vr4xnSDxMaL": "Sarah",
  "JBFqnCBsd6RMkjVDRZzb": "George",
  "TX3LPaxmHKxFdv7VOQHJ": "Liam",
  "pNInz6obpgDQGcFmaJgB": "Adam",
};

/** ElevenLabs' `output_format` names → how sox writes them. */
export function outputFormat(name: string): AudioFormat | null {
  const mp3 = /^mp3_(22050|44100)_(32|64|96|128|192)$/.exec(name);
  if (mp3) return mp3Format(Number(mp3[1]), Number(mp3[2]));
  const pcm = /^pcm_(8000|16000|22050|24000|44100|48000)$/.exec(name);
  if (pcm) return pcmFormat(Number(pcm[1]));
  if (name === "ulaw_8000") return ulawFormat(8000);
  return null;
}

const Body = z.object({
  text: z.string(),
  model_id: z.string().default("eleven_multilingual_v2"),
  language_code: z.string().nullable().optional(),
  voice_settings: z.object({
    stability: z.number().min(0).max(1).optional(),
    similarity_boost: z.number().min(0).max(1).optional(),
    style: z.number().min(0).max(1).optional(),
    use_speaker_boost: z.boolean().optional(),
    speed: z.number().min(0.7).max(1.2).optional(),
  }).passthrough().nullable().optional(),
  seed: z.number().int().nullable().optional(),
  previous_text: z.string().nullable().optional(),
  next_text: z.string().nullable().optional(),
}).passthrough();

export interface ElevenLabsRequest extends RequestEntry {
  request_id: string;
  voice_id: string | null;
  text: string | null;
  model_id: string | null;
  output_format: string | null;
  fault: string | null;
}

const detail = (status: number, code: string, message: string, headers?: HeadersInit) =>
  json({ detail: { status: code, message } }, status, headers);

export function startElevenLabsStandIn(opts: { port: number; apiKey?: string; hostname?: string }) {
  const apiKey = opts.apiKey ?? DEFAULT_ELEVENLABS_KEY;
  const requests: ElevenLabsRequest[] = [];
  const faults = new VoiceFaults();
  const life = voiceLifecycle();
  const { hangs, closing } = life;
  const voices = new Map(Object.entries(PREMADE_VOICES));
  let historyN = 0;

  const controlRoutes: ControlRoute[] = [
    ["GET /health", () => json({ ok: true })],
    ["POST /reset", () => {
      requests.length = 0;
      faults.clear();
      voices.clear();
      for (const [id, name] of Object.entries(PREMADE_VOICES)) voices.set(id, name);
      return noContent();
    }],
    ["GET /requests", () => json({ items: requests })],
    ["POST /voices", async (_m, req) => {
      const v = parse(
        z.object({ voice_id: z.string().regex(/^\w{1,64}$/), name: z.string().max(100) }),
        await readJson(req, false),
      );
      voices.set(v.voice_id, v.name);
      return json(v, 201);
    }],
    ...faults.routes(),
  ];

  const voiceJson = (id: string, name: string) => ({
    voice_id: id,
    name,
    category: id in PREMADE_VOICES ? "premade" : "cloned",
    labels: {},
    preview_url: null,
    settings: null,
  });

  async function tts(req: Request, url: URL, voiceId: string, stream: boolean, entry: ElevenLabsRequest, fault: VoiceFault | undefined) {
    if (!voices.has(voiceId)) {
      return detail(404, "voice_not_found", `A voice with the voice_id ${voiceId} was not found.`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(await req.text());
    } catch {
      return json({ detail: [{ loc: ["body"], msg: "Invalid JSON", type: "value_error.jsondecode" }] }, 422);
    }
    const r = Body.safeParse(raw);
    if (!r.success) {
      return json({
        detail: r.error.issues.map((i) => ({ loc: ["body", ...i.path.map(String)], msg: i.message, type: `value_error.${i.code}` })),
      }, 422);
    }
    const body = r.data;
    entry.text = body.text;
    entry.model_id = body.model_id;
    const formatName = url.searchParams.get("output_format") ?? "mp3_44100_128";
    entry.output_format = formatName;
    const format = outputFormat(formatName);
    if (!format) {
      return json({ detail: [{ loc: ["query", "output_format"], msg: `Invalid output format ${formatName}`, type: "value_error" }] }, 422);
    }
    if (!body.text.trim()) {
      return detail(400, "invalid_text", "Text must not be empty.");
    }
    if (body.text.length > 10_000) {
      return detail(400, "text_too_long", "Text is longer than 10000 characters.");
    }
    const audio = await synthesize(body.text, voiceId, format, body.voice_settings?.speed ?? 1);
    const headers = {
      "content-type": format.contentType,
      "request-id": entry.request_id,
      "character-cost": String(body.text.length),
      "history-item-id": `hist_${++historyN}`,
    };
    if (!stream) {
      if (fault?.kind === "slow_first_byte") await sleep(fault.delay_ms, [req.signal, closing.signal]);
      if (fault?.kind === "cut") {
        return new Response(audioStream(audio, fault, [req.signal, closing.signal], audio.length), { headers });
      }
      return new Response(audio as Uint8Array<ArrayBuffer>, { headers });
    }
    return new Response(audioStream(audio, fault, [req.signal, closing.signal]), { headers });
  }

  async function api(req: Request, url: URL, entry: ElevenLabsRequest): Promise<Response> {
    const key = req.headers.get("xi-api-key");
    if (!key || key !== apiKey) {
      return detail(401, "invalid_api_key", "Invalid API key");
    }
    const fault = faults.take(req.method, url.pathname);
    entry.fault = fault?.kind ?? null;
    if (fault?.kind === "timeout") return await hangs.hang(req);
    if (fault?.kind === "429") {
      return detail(429, "too_many_concurrent_requests", "Too many concurrent requests.", { "retry-after": String(fault.retry_after) });
    }
    if (fault?.kind === "500") return detail(500, "internal_server_error", "An internal server error occurred.");
    if (fault?.kind === "503") return detail(503, "service_unavailable", "The service is temporarily unavailable.");

    const m = /^\/v1\/text-to-speech\/([^/]+)(\/stream)?$/.exec(url.pathname);
    if (m && req.method === "POST") {
      entry.voice_id = decodeURIComponent(m[1]);
      return await tts(req, url, entry.voice_id, !!m[2], entry, fault);
    }
    if (url.pathname === "/v1/voices" && req.method === "GET") {
      return json({ voices: [...voices].map(([id, name]) => voiceJson(id, name)) });
    }
    const v = /^\/v1\/voices\/([^/]+)$/.exec(url.pathname);
    if (v && req.method === "GET") {
      const name = voices.get(decodeURIComponent(v[1]));
      return name
        ? json(voiceJson(decodeURIComponent(v[1]), name))
        : detail(404, "voice_not_found", `A voice with the voice_id ${v[1]} was not found.`);
    }
    return json({ detail: "Not Found" }, 404);
  }

  const { url, server } = serveVoiceStandIn({
    name: "elevenlabs",
    port: opts.port,
    hostname: opts.hostname,
    controlRoutes,
    log: requests,
    entry: (req, url): ElevenLabsRequest => ({
      ...requestEntry(req, url, 0),
      request_id: crypto.randomUUID().replaceAll("-", ""),
      voice_id: null,
      text: null,
      model_id: null,
      output_format: null,
      fault: null,
    }),
    api,
    fail: (status, message) => detail(status, "internal_server_error", message),
  });
  return { url, requests, faults, close: () => life.close(server) };
}

export type ElevenLabsStandIn = ReturnType<typeof startElevenLabsStandIn>;

if (import.meta.main) {
  const standIn = startElevenLabsStandIn(scriptOptions({ port: "ELEVENLABS_STAND_IN_PORT", apiKey: "ELEVENLABS_API_KEY" }, 54335));
  console.log(`ElevenLabs stand-in: ELEVENLABS_API_BASE_URL=${standIn.url}`);
  exitOnSignal(standIn);
}

// The voice providers behind one shape each, through their official SDKs where one exists:
//   TTS  ElevenLabs (@elevenlabs/elevenlabs-js, streaming endpoint) → OpenAI (openai SDK,
//        /v1/audio/speech) → OpenRouter (its /api/v1/audio/speech is OpenAI-compatible, so the
//        openai SDK pointed at OpenRouter)
//   STT  OpenAI (openai SDK, gpt-4o-mini-transcribe or whisper-1) → OpenRouter (fetch: its
//        /api/v1/audio/transcriptions takes JSON with base64 audio, which the SDK cannot send)
// Every TTS provider is asked for the same audio — 24 kHz 16-bit little-endian mono PCM — so a
// session can switch provider between two sentences and the browser plays on.
import { ElevenLabsClient } from "@elevenlabs/elevenlabs-js";
import OpenAI from "openai";

/** Audio every TTS provider returns: PCM s16le mono at this rate. */
export const TTS_SAMPLE_RATE = 24_000;
export const pcmSeconds = (bytes: number) => bytes / (TTS_SAMPLE_RATE * 2);

export type TtsName = "elevenlabs" | "openai" | "openrouter";
export type SttName = "openai" | "openrouter";

export interface TTSProvider {
  name: TtsName;
  model: string;
  /** The voice used when the persona names none for this provider. */
  defaultVoice: string;
  /** Resolves when the provider answered (headers); the body is the audio as it arrives. */
  stream(text: string, voice: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array>>;
  /** What the provider charges for `chars` characters giving `seconds` of audio, USD. */
  cost(chars: number, seconds: number): number;
}

export interface STTProvider {
  name: SttName;
  model: string;
  /** The transcript of a WAV (16-bit PCM), and the provider's own cost figure when it gives one. */
  transcribe(wav: Uint8Array, signal: AbortSignal): Promise<{ text: string; costUsd?: number }>;
  cost(seconds: number): number;
}

/**
 * Provider list prices used for our cost records (USD), per the providers' pricing pages at the
 * time of writing; what a customer pays is `voice_settings.price_per_minute`, not these.
 */
export const PROVIDER_PRICES = {
  elevenlabsPer1kChars: 0.05,
  openaiTtsPerMinute: 0.015, // gpt-4o-mini-tts
  openaiTtsPer1MChars: 15, // tts-1
  sttPerMinute: { "gpt-4o-mini-transcribe": 0.003, "gpt-4o-transcribe": 0.006, "whisper-1": 0.006 } as Record<string, number>,
};

export function elevenlabsTTS(opts: { apiKey: string; baseUrl?: string; model: string; timeoutMs?: number }): TTSProvider {
  const client = new ElevenLabsClient({
    apiKey: opts.apiKey,
    ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
    maxRetries: 0, // the manager falls back instead of waiting on retries
    timeoutInSeconds: Math.ceil((opts.timeoutMs ?? 15_000) / 1000),
  });
  return {
    name: "elevenlabs",
    model: opts.model,
    defaultVoice: "21m00Tcm4TlvDq8ikWAM",
    stream: (text, voice, signal) =>
      client.textToSpeech.stream(
        voice,
        { text, modelId: opts.model, outputFormat: "pcm_24000", optimizeStreamingLatency: 3 },
        { abortSignal: signal, maxRetries: 0 },
      ),
    cost: (chars) => (chars / 1000) * PROVIDER_PRICES.elevenlabsPer1kChars,
  };
}

/** OpenAI's speech endpoint through the SDK; OpenRouter's is the same shape at its base URL. */
export function openaiCompatibleTTS(opts: {
  name: "openai" | "openrouter";
  apiKey: string;
  baseUrl?: string;
  model: string;
  voice?: string;
  timeoutMs?: number;
}): TTSProvider {
  const client = new OpenAI({
    apiKey: opts.apiKey,
    baseURL: opts.baseUrl ?? (opts.name === "openai" ? "https://api.openai.com/v1" : "https://openrouter.ai/api/v1"),
    maxRetries: 0,
    timeout: opts.timeoutMs ?? 15_000,
  });
  return {
    name: opts.name,
    model: opts.model,
    defaultVoice: opts.voice ?? "alloy",
    async stream(text, voice, signal) {
      const res = await client.audio.speech.create(
        { model: opts.model, voice, input: text, response_format: "pcm" },
        { signal },
      );
      if (!res.body) throw new Error(`${opts.name}: speech without a body`);
      return res.body;
    },
    cost: (chars, seconds) =>
      /^tts-1/.test(opts.model.replace(/^openai\//, ""))
        ? (chars / 1e6) * PROVIDER_PRICES.openaiTtsPer1MChars
        : (seconds / 60) * PROVIDER_PRICES.openaiTtsPerMinute,
  };
}

const sttCost = (model: string) => (seconds: number) =>
  (seconds / 60) * (PROVIDER_PRICES.sttPerMinute[model.replace(/^openai\//, "")] ?? 0.006);

export function openaiSTT(opts: { apiKey: string; baseUrl?: string; model: string; timeoutMs?: number }): STTProvider {
  const client = new OpenAI({
    apiKey: opts.apiKey,
    baseURL: opts.baseUrl ?? "https://api.openai.com/v1",
    maxRetries: 0,
    timeout: opts.timeoutMs ?? 15_000,
  });
  return {
    name: "openai",
    model: opts.model,
    async transcribe(wav, signal) {
      const t = await client.audio.transcriptions.create({
        model: opts.model,
        file: new File([wav as Uint8Array<ArrayBuffer>], "turn.wav", { type: "audio/wav" }),
      }, { signal });
      return { text: t.text };
    },
    cost: sttCost(opts.model),
  };
}

/** An HTTP failure of a provider called without an SDK, with its status. */
export class ProviderHttpError extends Error {
  constructor(readonly provider: string, readonly status: number, message: string) {
    super(`${provider} ${status}: ${message}`);
  }
}

export function openrouterSTT(opts: { apiKey: string; baseUrl?: string; model: string; fetch?: typeof fetch }): STTProvider {
  const base = (opts.baseUrl ?? "https://openrouter.ai/api/v1").replace(/\/+$/, "");
  const doFetch = opts.fetch ?? fetch;
  return {
    name: "openrouter",
    model: opts.model,
    async transcribe(wav, signal) {
      let bin = "";
      for (let i = 0; i < wav.length; i += 0x8000) bin += String.fromCharCode(...wav.subarray(i, i + 0x8000));
      const res = await doFetch(`${base}/audio/transcriptions`, {
        method: "POST",
        signal,
        headers: { authorization: `Bearer ${opts.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ model: opts.model, input_audio: { data: btoa(bin), format: "wav" } }),
      });
      const body = await res.json().catch(() => null) as
        | { text?: string; usage?: { cost?: number }; error?: { message?: string } }
        | null;
      if (!res.ok || typeof body?.text !== "string") {
        throw new ProviderHttpError("openrouter", res.status, body?.error?.message ?? "unreadable answer");
      }
      return { text: body.text, costUsd: body.usage?.cost };
    },
    cost: sttCost(opts.model),
  };
}

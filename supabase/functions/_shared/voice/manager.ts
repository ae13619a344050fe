// The voice provider manager: providers in order of preference, a circuit breaker each, and the
// fallback a live session needs.
//   getTTSProvider() / getSTTProvider()  the provider the next request would go to
//   speak(text, voices, signal)          audio chunks of `text`; when a provider fails — an error
//                                        answer, no first byte within `firstByteTimeoutMs`, or
//                                        the stream breaking off — the next provider speaks the
//                                        text again and the session carries on (the client may
//                                        hear the start of that sentence twice; the session
//                                        speaks a reply sentence by sentence to keep that short)
//   transcribe(wav, seconds, signal)     the transcript, falling back the same way
// Barge-in (the caller's `signal` aborting) stops a stream and is not a provider failure.
// Every call is recorded in `stats` (latency, outcome, audio seconds, provider cost).
import { type BreakerOptions, CircuitBreaker } from "./breaker.ts";
import {
  elevenlabsTTS,
  openaiCompatibleTTS,
  openaiSTT,
  openrouterSTT,
  pcmSeconds,
  type STTProvider,
  type SttName,
  type TTSProvider,
  type TtsName,
} from "./providers.ts";
import { ProviderStats } from "./stats.ts";

export type SpeechEvent =
  | { type: "audio"; provider: TtsName; chunk: Uint8Array }
  | { type: "provider_failed"; provider: TtsName; error: string; partial: boolean };

export class VoiceUnavailableError extends Error {
  constructor(readonly kind: "tts" | "stt", readonly errors: string[]) {
    super(`no ${kind} provider answered: ${errors.join("; ") || "all circuits open"}`);
  }
}

export interface VoiceManagerOptions {
  tts: TTSProvider[];
  stt: STTProvider[];
  stats?: ProviderStats;
  breaker?: BreakerOptions;
  now?: () => number;
  /** How long a TTS provider may take to its first audio byte before the next one is tried. */
  firstByteTimeoutMs?: number;
  /** How long a transcription may take. */
  sttTimeoutMs?: number;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Resolves with `p`, or rejects after `ms` (aborting `ctrl`). */
function within<T>(p: Promise<T>, ms: number, ctrl: AbortController, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} after ${ms} ms`)); // first, so the race settles with this reason
      ctrl.abort();
    }, ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export function createVoiceManager(opts: VoiceManagerOptions) {
  const now = opts.now ?? Date.now;
  const stats = opts.stats ?? new ProviderStats();
  const breakers = new Map<string, CircuitBreaker>();
  const breaker = (kind: string, name: string) => {
    const k = `${kind}:${name}`;
    if (!breakers.has(k)) breakers.set(k, new CircuitBreaker({ now, ...opts.breaker }));
    return breakers.get(k)!;
  };
  const firstByteMs = opts.firstByteTimeoutMs ?? 2500;
  const sttMs = opts.sttTimeoutMs ?? 10_000;

  async function* speak(
    text: string,
    voices: Partial<Record<TtsName, string>>,
    signal: AbortSignal,
  ): AsyncGenerator<SpeechEvent> {
    const errors: string[] = [];
    for (const p of opts.tts) {
      if (signal.aborted) return;
      const b = breaker("tts", p.name);
      if (!b.allow()) continue;
      const ctrl = new AbortController();
      const stop = () => ctrl.abort();
      signal.addEventListener("abort", stop, { once: true });
      const started = now();
      let bytes = 0;
      let latency = 0;
      try {
        const stream = await within(p.stream(text, voices[p.name] ?? p.defaultVoice, ctrl.signal), firstByteMs, ctrl, "no answer");
        const reader = stream.getReader();
        try {
          const first = await within(reader.read(), Math.max(1, firstByteMs - (now() - started)), ctrl, "no first byte");
          latency = now() - started;
          let r = first;
          while (!r.done && !signal.aborted) {
            bytes += r.value.length;
            yield { type: "audio", provider: p.name, chunk: r.value };
            if (signal.aborted) break; // barge-in while the chunk was being played
            r = await reader.read();
          }
        } finally {
          reader.cancel().catch(() => {});
        }
        if (signal.aborted && bytes === 0) return;
        b.success();
        const secs = pcmSeconds(bytes);
        stats.record({ kind: "tts", provider: p.name, model: p.model, ok: true, latencyMs: latency, audioSeconds: secs, costUsd: p.cost(text.length, secs), at: started });
        return;
      } catch (e) {
        if (signal.aborted) return; // barge-in, not the provider's fault
        b.failure();
        const secs = pcmSeconds(bytes);
        stats.record({ kind: "tts", provider: p.name, model: p.model, ok: false, latencyMs: now() - started, audioSeconds: secs, costUsd: p.cost(text.length, secs), error: message(e), at: started });
        errors.push(`${p.name}: ${message(e)}`);
        yield { type: "provider_failed", provider: p.name, error: message(e), partial: bytes > 0 };
      } finally {
        signal.removeEventListener("abort", stop);
      }
    }
    throw new VoiceUnavailableError("tts", errors);
  }

  async function transcribe(
    wav: Uint8Array,
    seconds: number,
    signal: AbortSignal,
  ): Promise<{ text: string; provider: SttName; model: string; costUsd: number }> {
    const errors: string[] = [];
    for (const p of opts.stt) {
      const b = breaker("stt", p.name);
      if (!b.allow()) continue;
      const ctrl = new AbortController();
      const stop = () => ctrl.abort();
      signal.addEventListener("abort", stop, { once: true });
      const started = now();
      try {
        const r = await within(p.transcribe(wav, ctrl.signal), sttMs, ctrl, "no transcript");
        b.success();
        const costUsd = r.costUsd ?? p.cost(seconds);
        stats.record({ kind: "stt", provider: p.name, model: p.model, ok: true, latencyMs: now() - started, audioSeconds: seconds, costUsd, at: started });
        return { text: r.text, provider: p.name, model: p.model, costUsd };
      } catch (e) {
        if (signal.aborted) throw e;
        b.failure();
        stats.record({ kind: "stt", provider: p.name, model: p.model, ok: false, latencyMs: now() - started, audioSeconds: seconds, costUsd: 0, error: message(e), at: started });
        errors.push(`${p.name}: ${message(e)}`);
      } finally {
        signal.removeEventListener("abort", stop);
      }
    }
    throw new VoiceUnavailableError("stt", errors);
  }

  const firstOpen = <P extends { name: string }>(kind: string, list: P[]) =>
    list.find((p) => breaker(kind, p.name).state !== "open") ?? null;

  return {
    stats,
    speak,
    transcribe,
    getTTSProvider: () => firstOpen("tts", opts.tts),
    getSTTProvider: () => firstOpen("stt", opts.stt),
    breakerState: (kind: "tts" | "stt", name: string) => breaker(kind, name).state,
  };
}

export type VoiceManager = ReturnType<typeof createVoiceManager>;

export interface VoiceProviderEnv {
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  ELEVENLABS_API_KEY?: string;
  ELEVENLABS_API_BASE_URL?: string;
  ELEVENLABS_MODEL: string;
  OPENROUTER_API_KEY?: string;
  OPENROUTER_BASE_URL?: string;
  VOICE_TTS_PROVIDERS: string;
  VOICE_STT_PROVIDERS: string;
}

/**
 * `providers` in the organization's order (voice_settings); ones it leaves out are not used,
 * unless it names none that is configured (then the deployment's order stands).
 */
export function inOrder<P extends { name: string }>(providers: P[], names: readonly string[] | null | undefined): P[] {
  const picked = (names ?? []).map((n) => providers.find((p) => p.name === n)).filter((p): p is P => !!p);
  return picked.length ? picked : providers;
}

/** The configured providers (those with a key), in the order the env names them. */
export function voiceProviders(env: VoiceProviderEnv, sttModel = "gpt-4o-mini-transcribe") {
  const order = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);
  const tts: TTSProvider[] = [];
  for (const name of order(env.VOICE_TTS_PROVIDERS)) {
    if (name === "elevenlabs" && env.ELEVENLABS_API_KEY) {
      tts.push(elevenlabsTTS({ apiKey: env.ELEVENLABS_API_KEY, baseUrl: env.ELEVENLABS_API_BASE_URL, model: env.ELEVENLABS_MODEL }));
    } else if (name === "openai" && env.OPENAI_API_KEY) {
      tts.push(openaiCompatibleTTS({ name: "openai", apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL, model: "gpt-4o-mini-tts", voice: "coral" }));
    } else if (name === "openrouter" && env.OPENROUTER_API_KEY) {
      tts.push(openaiCompatibleTTS({ name: "openrouter", apiKey: env.OPENROUTER_API_KEY, baseUrl: env.OPENROUTER_BASE_URL, model: "openai/gpt-4o-mini-tts", voice: "alloy" }));
    }
  }
  const stt: STTProvider[] = [];
  for (const name of order(env.VOICE_STT_PROVIDERS)) {
    if (name === "openai" && env.OPENAI_API_KEY) {
      stt.push(openaiSTT({ apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL, model: sttModel }));
    } else if (name === "openrouter" && env.OPENROUTER_API_KEY) {
      stt.push(openrouterSTT({ apiKey: env.OPENROUTER_API_KEY, baseUrl: env.OPENROUTER_BASE_URL, model: "openai/whisper-1" }));
    }
  }
  return { tts, stt };
}

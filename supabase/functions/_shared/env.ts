// Environment of the Edge Functions, parsed with zod once per concern and
// failing fast with the names of what is missing. Empty values count as unset
// (the local functions server and `supabase secrets` both allow KEY=).
import { z } from "zod";

function raw(keys: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const k of keys) {
    const v = Deno.env.get(k);
    out[k] = v === undefined || v === "" ? undefined : v;
  }
  return out;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

function parser<S extends z.ZodObject>(schema: S) {
  let cached: z.infer<S> | undefined;
  return (): z.infer<S> => {
    if (cached) return cached;
    const r = schema.safeParse(raw(Object.keys(schema.shape)));
    if (!r.success) {
      const names = [...new Set(r.error.issues.map((i) => String(i.path[0])))];
      throw new ConfigError(`missing or invalid environment: ${names.join(", ")}`);
    }
    cached = r.data;
    return cached;
  };
}

const url = z.url();

/** Injected by Supabase (and by the local functions server). */
export const supabaseEnv = parser(z.object({
  SUPABASE_URL: url,
  SUPABASE_ANON_KEY: z.string().min(20),
  SUPABASE_SERVICE_ROLE_KEY: z.string().min(20),
}));

/** The public base URL providers call; Twilio signs requests over it. */
export const publicEnv = parser(z.object({
  PUBLIC_FUNCTIONS_URL: url,
}));

export const twilioEnv = parser(z.object({
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "an Account SID (AC…)"),
  TWILIO_AUTH_TOKEN: z.string().min(16),
  TWILIO_API_BASE_URL: url.optional(),
}));

/** The key signed recording URLs are signed with (call-recording). */
export const recordingUrlEnv = parser(z.object({
  RECORDING_URL_SECRET: z.string().min(32, "at least 32 characters"),
}));

export const openaiEnv = parser(z.object({
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: url.optional(),
  OPENAI_MODEL: z.string().min(1).default("gpt-4o"),
  /** How long a model request may take before the client gives up (default 60 s). */
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).optional(),
}));

export const stripeEnv = parser(z.object({
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_/, "a Stripe secret key (sk_…)"),
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_/, "a webhook signing secret (whsec_…)"),
  STRIPE_API_BASE_URL: url.optional(),
}));

/** Where the SPA lives (Checkout and Portal return there). */
export const siteEnv = parser(z.object({
  PUBLIC_SITE_URL: url,
}));

export const mailgunEnv = parser(z.object({
  MAILGUN_API_KEY: z.string().min(8),
  MAILGUN_DOMAIN: z.string().min(3),
  MAILGUN_API_BASE_URL: url.optional(),
}));

/** mailgun-inbound: the key Mailgun signs its posts with, and the domain mail arrives at. */
export const mailgunInboundEnv = parser(z.object({
  MAILGUN_WEBHOOK_SIGNING_KEY: z.string().min(8),
  MAILGUN_DOMAIN: z.string().min(3),
}));

/** Voice practice: providers (stand-ins locally), order, the deployment switch and TURN. */
export const voiceEnv = parser(z.object({
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: url.optional(),
  ELEVENLABS_API_KEY: z.string().min(1).optional(),
  ELEVENLABS_API_BASE_URL: url.optional(),
  ELEVENLABS_MODEL: z.string().min(1).default("eleven_flash_v2_5"),
  OPENROUTER_API_KEY: z.string().min(1).optional(),
  OPENROUTER_BASE_URL: url.optional(),
  VOICE_TTS_PROVIDERS: z.string().default("elevenlabs,openai,openrouter"),
  VOICE_STT_PROVIDERS: z.string().default("openai,openrouter"),
  FEATURE_VOICE_AI_ENABLED: z.enum(["true", "false", "1", "0"]).default("false"),
  /** Signs the voice session tokens (voice-start-session → voice-stream-audio). */
  VOICE_SESSION_SECRET: z.string().min(32).optional(),
  TURN_URLS: z.string().optional(),
  TURN_SECRET: z.string().min(16).optional(),
  TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  STUN_URLS: z.string().optional(),
}));

// --- the settings as the code that uses them takes them ----------------------

const noTrailingSlash = (u: string) => u.replace(/\/+$/, "");

/** Twilio credentials, and (locally) the stand-in's base URL. */
export function twilioConfig(): { accountSid: string; authToken: string; baseUrl?: string } {
  const env = twilioEnv();
  return { accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, baseUrl: env.TWILIO_API_BASE_URL };
}

/** The Stripe secret key, and (locally) the stand-in's base URL. */
export function stripeConfig(): { secretKey: string; baseUrl?: string } {
  const env = stripeEnv();
  return { secretKey: env.STRIPE_SECRET_KEY, baseUrl: env.STRIPE_API_BASE_URL };
}

export function mailgunConfig(): { apiKey: string; domain: string; baseUrl?: string } {
  const env = mailgunEnv();
  return { apiKey: env.MAILGUN_API_KEY, domain: env.MAILGUN_DOMAIN, baseUrl: env.MAILGUN_API_BASE_URL };
}

/** The URL providers call for a function (PUBLIC_FUNCTIONS_URL/<name>). */
export function publicFunctionUrl(name: string): string {
  return `${noTrailingSlash(publicEnv().PUBLIC_FUNCTIONS_URL)}/${name}`;
}

/** The SPA's base URL, without a trailing slash. */
export function siteUrl(): string {
  return noTrailingSlash(siteEnv().PUBLIC_SITE_URL);
}

/**
 * process-jobs: jobs one isolate runs at once by default. An analysis mostly
 * waits for the model (seconds): 128 slots keep ≈ 64 calls/s going at a 2 s
 * model latency, each waiting slot costing a little memory, no CPU.
 */
export const PROCESS_JOBS_DEFAULT_CONCURRENCY = 128;

/** process-jobs: jobs one isolate runs at once (PROCESS_JOBS_CONCURRENCY, 1–256; default above). */
export const workerEnv = parser(z.object({
  PROCESS_JOBS_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(PROCESS_JOBS_DEFAULT_CONCURRENCY),
}));

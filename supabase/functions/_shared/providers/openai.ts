// OpenAI provider (product code): the one place that builds the official `openai` SDK client.
//
// Edge Functions read OPENAI_API_KEY / OPENAI_BASE_URL / OPENAI_MODEL once (in _shared/env.ts)
// and call `openaiClient({ apiKey, baseUrl, timeoutMs? })`. In production OPENAI_BASE_URL is unset and the
// SDK talks to https://api.openai.com/v1; locally and in tests it points at the OpenAI stand-in
// (supabase/local/sandbox/openai.ts), e.g. http://127.0.0.1:54399/v1. Without OPENAI_API_KEY
// callers use the offline analyzer instead and never build a client.
//
// Retries: the SDK retries 408/409/429/5xx and connection errors itself (default 2 retries with
// back-off, sleeping inside the request). Our job queue (process-jobs) already retries failed
// steps with exponential back-off, jitter, a lease and a dead-letter limit, so SDK retries
// would multiply attempts (3 SDK tries × N job attempts), hold the worker's lease while
// sleeping and hide attempts from the job log. Hence maxRetries defaults to 0 here: a failure
// surfaces at once and the queue decides, using `classifyOpenAIError` (retryable or not, and
// the provider's retry-after). Callers outside the queue (e.g. an interactive SIM turn) may pass
// maxRetries: 1–2.
//
// Structured Outputs: `import { zodResponseFormat } from "openai/helpers/zod"` works with our
// zod 4 (npm:zod@4.6.7) in this SDK version, and `client.chat.completions.parse(...)` returns
// `choices[0].message.parsed` validated by the zod schema (ZodError / SyntaxError when not).
import OpenAI, { APIConnectionError, APIError } from "openai";

export { OpenAI };

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";
/** Per-request timeout; an analysis of a long call takes well under a minute. */
export const OPENAI_DEFAULT_TIMEOUT_MS = 60_000;
/** 0: the job queue owns retries (see the header). */
export const OPENAI_DEFAULT_MAX_RETRIES = 0;

export interface OpenAIEnv {
  apiKey: string;
  /** OPENAI_BASE_URL; absent → api.openai.com. Must include the /v1 path. */
  baseUrl?: string;
  timeoutMs?: number;
  maxRetries?: number;
}

/** The real SDK client pointed at `baseUrl` (or api.openai.com). */
export function openaiClient(env: OpenAIEnv): OpenAI {
  if (!env.apiKey) {
    throw new Error(
      "openaiClient: apiKey is required (without OPENAI_API_KEY use the offline analyzer)",
    );
  }
  return new OpenAI({
    apiKey: env.apiKey,
    // Explicit, so the SDK never falls back to reading OPENAI_BASE_URL behind env.ts's back.
    baseURL: env.baseUrl || OPENAI_DEFAULT_BASE_URL,
    timeout: env.timeoutMs ?? OPENAI_DEFAULT_TIMEOUT_MS,
    maxRetries: env.maxRetries ?? OPENAI_DEFAULT_MAX_RETRIES,
  });
}

export interface OpenAIFailure {
  /** Worth trying again later (rate limit, 5xx, timeout, connection, malformed reply). */
  retryable: boolean;
  /** HTTP status, or null when no response arrived (timeout, connection) or it was unreadable. */
  status: number | null;
  /** OpenAI's error.code, e.g. "rate_limit_exceeded", "insufficient_quota", "invalid_api_key". */
  code: string | null;
  /** Delay the provider asked for (retry-after-ms / retry-after), in ms. */
  retryAfterMs: number | null;
  message: string;
}

function retryAfterMs(headers: Headers | undefined): number | null {
  const ms = headers?.get("retry-after-ms");
  if (ms && !Number.isNaN(Number(ms))) return Math.max(0, Number(ms));
  const s = headers?.get("retry-after");
  if (!s) return null;
  if (!Number.isNaN(Number(s))) return Math.max(0, Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** How the job queue should treat an error thrown by an OpenAI call. */
export function classifyOpenAIError(err: unknown): OpenAIFailure {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof APIConnectionError) {
    // Includes APIConnectionTimeoutError: no answer in time, try again later.
    return { retryable: true, status: null, code: null, retryAfterMs: null, message };
  }
  if (err instanceof APIError) {
    const status = typeof err.status === "number" ? err.status : null;
    const code = typeof err.code === "string" ? err.code : null;
    // status null: APIUserAbortError (a worker aborts only when shutting down: retry later).
    const retryable = status === null ||
      status === 408 || status === 409 || status >= 500 ||
      (status === 429 && code !== "insufficient_quota");
    return { retryable, status, code, retryAfterMs: retryAfterMs(err.headers), message };
  }
  // Anything else (an unreadable body → SyntaxError, a network TypeError) is transient as far as
  // the queue can tell; dead-lettering after N attempts bounds it.
  return { retryable: true, status: null, code: null, retryAfterMs: null, message };
}

/**
 * When the provider takes requests again, for this isolate: a 429's Retry-After
 * closes it for every job, so the others wait too instead of each earning a
 * 429 of its own (hammering). Callers check `remainingMs()` before a request.
 */
export class RateGate {
  #until = 0;
  constructor(private readonly now: () => number = Date.now) {}
  /** The provider asked for `ms` of quiet. */
  block(ms: number): void {
    this.#until = Math.max(this.#until, this.now() + Math.max(0, ms));
  }
  /** How long until requests may go out again (0: now). */
  remainingMs(): number {
    return Math.max(0, this.#until - this.now());
  }
}

/** The OpenAI gate of this isolate (one provider account per deployment). */
export const openaiRateGate = new RateGate();

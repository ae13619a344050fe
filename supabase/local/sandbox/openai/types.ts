// The OpenAI stand-in's public types (faults, scripted replies and transcriptions, the request
// log) and small utilities its modules share.

// ---------------------------------------------------------------------------------------------
// Public types

/** Transport faults apply to any /v1 path unless `path` is given; content faults
 * (refusal, invalid_json, schema_violation, length) to /v1/chat/completions only. */
export type FaultKind =
  | "rate_limit" // 429 + retry-after + x-ratelimit-* + OpenAI's rate-limit error body
  | "server_error" // 500
  | "unavailable" // 503
  | "error" // any `status` with OpenAI's error body (message/type/code/param overridable)
  | "slow" // wait `delayMs`, then answer normally
  | "timeout" // never answer; the request is released when the client aborts (or on close)
  | "malformed" // 200, content-type application/json, body that is not JSON
  | "refusal" // chat: message.content null, message.refusal set
  | "invalid_json" // chat: content is truncated, unparseable JSON
  | "schema_violation" // chat: content is JSON that does not match the requested schema
  | "length"; // chat: finish_reason "length" with truncated content

export const FAULT_KINDS: readonly FaultKind[] = [
  "rate_limit",
  "server_error",
  "unavailable",
  "error",
  "slow",
  "timeout",
  "malformed",
  "refusal",
  "invalid_json",
  "schema_violation",
  "length",
];
export const CONTENT_FAULTS = new Set<FaultKind>([
  "refusal",
  "invalid_json",
  "schema_violation",
  "length",
]);

export interface FaultSpec {
  kind: FaultKind;
  /** Exact request path it applies to, e.g. "/v1/audio/transcriptions". */
  path?: string;
  /** How many matching requests it hits (default 1); null (JSON) or Infinity = until cleared. */
  count?: number | null;
  /** slow: delay in ms before answering (default 1000). */
  delayMs?: number;
  /** rate_limit: value of retry-after in seconds (default 1; retry-after-ms is sent too). */
  retryAfterSeconds?: number;
  /** rate_limit: "rate_limit_exceeded" (default) or "insufficient_quota"; error: the code. */
  code?: string | null;
  /** error: HTTP status (default 400). */
  status?: number;
  /** error/rate_limit/server_error/unavailable: override the error message; refusal: the text. */
  message?: string;
  /** error: error.type (default invalid_request_error / server_error by status). */
  type?: string;
  /** error: error.param. */
  param?: string | null;
  /** malformed: the body to send (default: a truncated JSON document). */
  body?: string;
  /** Only requests whose body contains this text (e.g. a word of one test's transcript). */
  match?: string;
}

export interface Fault extends FaultSpec {
  id: string;
  /** Requests it will still hit (Infinity = until cleared; serialised as null). */
  remaining: number;
  hits: number;
}

export interface FaultRegistry {
  add(spec: FaultSpec): Fault;
  list(): Fault[];
  remove(id: string): boolean;
  clear(): void;
}

/** A scripted chat reply, consumed by the next chat completion (FIFO). */
export interface ScriptedReply {
  /** Only for a request whose user messages contain this text; others skip it. */
  match?: string;
  /** Returned verbatim as choices[0].message.content; a non-string is JSON.stringify'd. */
  content?: unknown;
  /** Set to answer with a refusal (content null). */
  refusal?: string;
  finish_reason?: "stop" | "length" | "content_filter" | "tool_calls";
  /** Override the computed usage figures. */
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/** A scripted transcription, consumed by the next upload to /v1/audio/transcriptions (FIFO). */
export interface ScriptedTranscription {
  /** Full text; when segments are absent it is split into sentences spread over the duration. */
  text?: string;
  segments?: { start: number; end: number; text: string }[];
  /** ISO-639-1 code or English name (default "en" / "english"). */
  language?: string;
  /** Seconds; default: from the WAV header of the upload, else estimated from its size. */
  duration?: number;
}

export interface RecordedRequest {
  /** The x-request-id sent back. */
  id: string;
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Request headers; authorization is masked like OpenAI masks keys (sk-ab***wxyz). */
  headers: Record<string, string>;
  authorized: boolean;
  /** Parsed JSON body; for multipart `{ fields, file: { field, name, type, size } }`. */
  body: unknown;
  model: string | null;
  /** Status sent; null while pending or when the client gave up (timeout fault). */
  status: number | null;
  fault: FaultKind | null;
  scripted: boolean;
  /** The JSON body sent back (chat completions, transcriptions), when one was. */
  response?: unknown;
  durationMs?: number;
}

export interface StartOptions {
  port: number;
  /** Accepted key. Absent: any non-empty Bearer key is accepted (a missing one still gets 401). */
  apiKey?: string;
  hostname?: string;
}

export interface OpenAIStandIn {
  /** Origin, e.g. http://127.0.0.1:54399 (the control API is at `${url}/_sandbox`). */
  url: string;
  /** What OPENAI_BASE_URL / the SDK's baseURL must be: `${url}/v1`. */
  baseURL: string;
  port: number;
  /** Live request log (capped at the newest 1000). */
  requests: RecordedRequest[];
  faults: FaultRegistry;
  scriptReply(...replies: ScriptedReply[]): void;
  scriptTranscription(...items: ScriptedTranscription[]): void;
  /** Clears faults, scripted replies/transcriptions and the request log. */
  reset(): void;
  close(): Promise<void>;
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export function randomId(len: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(len));
  return [...bytes].map((b) => ALNUM[b % ALNUM.length]).join("");
}
export const hex = (n: number, len: number) => n.toString(16).padStart(len, "0").slice(-len);
export const round2 = (n: number) => Math.round(n * 100) / 100;
export const tokensOf = (chars: number) => Math.max(1, Math.ceil(chars / 4));

export function maskKey(key: string): string {
  if (key.length <= 8) return "*".repeat(key.length);
  return `${key.slice(0, 5)}${"*".repeat(Math.min(20, key.length - 9))}${key.slice(-4)}`;
}

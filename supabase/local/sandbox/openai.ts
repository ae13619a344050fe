// OpenAI stand-in: a local replacement for api.openai.com used by tests and the offline demo.
// It is a third-party stand-in (ARCHITECTURE.md §6), never a replacement for our own code.
//
// It speaks OpenAI's real wire format (shapes from the `openai` SDK's generated types) for
//   POST /v1/chat/completions      incl. Structured Outputs (response_format json_schema, strict),
//                                  json_object, plain text, n, max_completion_tokens, stream (SSE)
//   POST /v1/audio/transcriptions  multipart; json | text | srt | vtt | verbose_json (segments, words)
//   GET  /v1/models[/{id}]
// with Bearer-key auth and OpenAI's error body `{ error: { message, type, param, code } }`.
//
// Structured Outputs: the reply content is a JSON string built by walking the request's JSON
// schema and filling values deterministically. Where a property name suggests it, values are
// taken from the transcript in the user message: string fields named like `quote`/`evidence`
// get an exact sentence (substring) of the user message, `start`/`time` numbers the time of
// that sentence (clamped to minimum/maximum), sentiment scores/labels come from a small lexicon,
// money fields from "$1,200"-style amounts, conversion booleans from phrases like "let's do it".
// Strict schemas are checked the way OpenAI checks them (every object `additionalProperties:
// false` and every property required) and rejected with OpenAI's 400 when they are not.
//
// Control API (no auth; JSON in and out) under /_sandbox, see CONTROL_HELP below: script the
// next chat replies or transcriptions, inject faults (429 with retry-after and x-ratelimit-*,
// 500, 503, any status, slow, timeout = never answer until the client aborts, malformed 200
// body, and for chat: refusal, invalid_json, schema_violation, length), read the request log.
//
// Use in-process:  const oa = await startOpenAIStandIn({ port: 0, apiKey: "sk-test" });
//                  openaiClient({ apiKey: "sk-test", baseUrl: oa.baseURL }) ... await oa.close();
// Or as a script:  deno run -A supabase/local/sandbox/openai.ts --port 54399 [--api-key K]
//                  [--hostname 127.0.0.1]   → then OPENAI_BASE_URL=http://127.0.0.1:54399/v1
import { z } from "zod";

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
const CONTENT_FAULTS = new Set<FaultKind>([
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

// ---------------------------------------------------------------------------------------------
// Small utilities

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
function randomId(len: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(len));
  return [...bytes].map((b) => ALNUM[b % ALNUM.length]).join("");
}
const hex = (n: number, len: number) => n.toString(16).padStart(len, "0").slice(-len);
const round2 = (n: number) => Math.round(n * 100) / 100;
const tokensOf = (chars: number) => Math.max(1, Math.ceil(chars / 4));

function maskKey(key: string): string {
  if (key.length <= 8) return "*".repeat(key.length);
  return `${key.slice(0, 5)}${"*".repeat(Math.min(20, key.length - 9))}${key.slice(-4)}`;
}

function sleep(ms: number, signals: AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    if (signals.some((s) => s.aborted)) return resolve();
    const done = () => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const s of signals) s.addEventListener("abort", done, { once: true });
  });
}

// ---------------------------------------------------------------------------------------------
// OpenAI error bodies and headers

const OPENAI_HEADERS = (requestId: string, startedAt: number): Record<string, string> => ({
  "x-request-id": requestId,
  "openai-version": "2020-10-01",
  "openai-organization": "org-sandbox",
  "openai-project": "proj_sandbox",
  "openai-processing-ms": String(Math.max(1, Date.now() - startedAt)),
});

function errorResponse(
  status: number,
  error: { message: string; type: string; param?: string | null; code?: string | null },
  headers: Record<string, string> = {},
): Response {
  return new Response(
    JSON.stringify({
      error: {
        message: error.message,
        type: error.type,
        param: error.param ?? null,
        code: error.code ?? null,
      },
    }),
    { status, headers: { "content-type": "application/json", ...headers } },
  );
}

const invalidRequest = (message: string, param: string | null = null, code: string | null = null) =>
  errorResponse(400, { message, type: "invalid_request_error", param, code });

function jsonResponse(body: unknown, headers: Record<string, string> = {}, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function rateLimitHeaders(remainingTokens: number): Record<string, string> {
  return {
    "x-ratelimit-limit-requests": "5000",
    "x-ratelimit-limit-tokens": "800000",
    "x-ratelimit-remaining-requests": "4999",
    "x-ratelimit-remaining-tokens": String(Math.max(0, remainingTokens)),
    "x-ratelimit-reset-requests": "12ms",
    "x-ratelimit-reset-tokens": "0s",
  };
}

function faultResponse(f: Fault, model: string | null, promptTokens: number): Response {
  switch (f.kind) {
    case "rate_limit": {
      const secs = f.retryAfterSeconds ?? 1;
      const quota = f.code === "insufficient_quota";
      const headers = {
        "retry-after": String(Math.ceil(secs)),
        "retry-after-ms": String(Math.round(secs * 1000)),
        "x-ratelimit-limit-requests": "5000",
        "x-ratelimit-limit-tokens": "30000",
        "x-ratelimit-remaining-requests": "4999",
        "x-ratelimit-remaining-tokens": "0",
        "x-ratelimit-reset-requests": "12ms",
        "x-ratelimit-reset-tokens": `${secs}s`,
      };
      return errorResponse(
        429,
        quota
          ? {
            message: f.message ??
              "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
            type: "insufficient_quota",
            code: "insufficient_quota",
          }
          : {
            message: f.message ??
              `Rate limit reached for ${
                model ?? "gpt-4o"
              } in organization org-sandbox on tokens per min (TPM): Limit 30000, Used 30000, Requested ${promptTokens}. Please try again in ${secs}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
            type: "tokens",
            code: f.code ?? "rate_limit_exceeded",
          },
        headers,
      );
    }
    case "server_error":
      return errorResponse(500, {
        message: f.message ??
          "The server had an error while processing your request. Sorry about that!",
        type: "server_error",
      });
    case "unavailable":
      return errorResponse(503, {
        message: f.message ?? "The server is overloaded or not ready yet.",
        type: "server_error",
      });
    case "error": {
      const status = f.status ?? 400;
      return errorResponse(status, {
        message: f.message ?? `Sandbox error ${status}.`,
        type: f.type ?? (status >= 500 ? "server_error" : "invalid_request_error"),
        param: f.param ?? null,
        code: f.code ?? null,
      });
    }
    case "malformed":
      return new Response(f.body ?? '{"id": "chatcmpl-sandbox", "object": "chat.comple', {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    default:
      throw new Error(`not a transport fault: ${f.kind}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Transcript analysis (what the user message says), used to fill schema values plausibly

interface Sentence {
  text: string; // an exact substring of the user message
  index: number;
  speaker: string | null;
  time: number | null; // seconds, when the line carried a timestamp
}

interface Transcript {
  sentences: Sentence[];
  text: string;
  sentiment: number; // -1..1
  amounts: number[];
  converted: boolean;
}

const POSITIVE = [
  "great",
  "good",
  "thanks",
  "thank you",
  "love",
  "perfect",
  "happy",
  "excellent",
  "awesome",
  "wonderful",
  "sounds good",
  "appreciate",
  "helpful",
  "glad",
  "excited",
  "interested",
];
const NEGATIVE = [
  "bad",
  "terrible",
  "angry",
  "upset",
  "cancel",
  "problem",
  "too expensive",
  "frustrat",
  "disappoint",
  "not happy",
  "refund",
  "complain",
  "hate",
  "worst",
  "annoy",
  "not interested",
  "waste",
];
const CONVERSION = [
  /\bsign (?:me|us) up\b/i,
  /\blet'?s do (?:it|that)\b/i,
  /\blet'?s go ahead\b/i,
  /\bgo ahead\b/i,
  /\b(?:i|we)'?ll take (?:it|that|the)\b/i,
  /\b(?:i|we)'?d like to (?:buy|order|purchase|upgrade|sign)\b/i,
  /\bplace the order\b/i,
  /\bdeal\b/i,
  /\bpurchase\b/i,
];
const TOPICS: { match: RegExp; words: string[] }[] = [
  {
    match: /convert|conversion|close|closed|sale|sold|purchase|buy|deal|won|signed|booked|outcome/,
    words: [
      "sign me up",
      "sign up",
      "let's do it",
      "lets do it",
      "go ahead",
      "i'll take",
      "we'll take",
      "buy",
      "purchase",
      "order",
      "deal",
      "sounds good",
      "yes",
    ],
  },
  {
    match: /upsell|upgrade|revenue|amount|price|pricing|plan|product|value|cost|mrr|arr/,
    words: [
      "$",
      "upgrade",
      "premium",
      "add-on",
      "add on",
      "plan",
      "per month",
      "annual",
      "dollars",
      "seat",
    ],
  },
  { match: /sentiment|tone|mood|emotion|satisfaction/, words: [...POSITIVE, ...NEGATIVE] },
  {
    match: /objection|concern|complaint|risk|issue|pain|hesitat|blocker/,
    words: [
      "but",
      "expensive",
      "too much",
      "concern",
      "not sure",
      "worried",
      "problem",
      "cancel",
      "competitor",
      "cheaper",
    ],
  },
  {
    match: /script|adherence|checklist|greet|intro|compliance|disclos|step|opening|recording/,
    words: [
      "thank",
      "calling",
      "my name",
      "this is",
      "help",
      "recorded",
      "recording",
      "today",
      "how can i",
    ],
  },
  {
    match: /next|follow|action|commit/,
    words: ["follow up", "call you", "send", "email", "tomorrow", "next week", "i'll"],
  },
  { match: /question|discovery|need|ask/, words: ["?", "what", "how", "need", "looking for"] },
];
const GENERIC_PATH_WORDS = new Set([
  "quote",
  "quotes",
  "evidence",
  "evidence_quote",
  "text",
  "value",
  "items",
  "item",
  "excerpt",
  "snippet",
  "label",
  "score",
  "start",
  "end",
  "time",
]);

function parseClock(s: string): number | null {
  const t = s.trim().replace(/\s+/g, "");
  let m = /^(\d+(?:\.\d+)?)s$/.exec(t);
  if (m) return Number(m[1]);
  m = /^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$/.exec(t);
  if (m) return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  return null;
}

const CLOCK = String.raw`\d+:\d{2}(?::\d{2})?(?:\.\d+)?|\d+(?:\.\d+)?\s?s\b`;
const TIME_PREFIX = new RegExp(
  String.raw`^[\[(]?\s*(?:t=)?(${CLOCK})(?:\s*[-–]\s*(?:${CLOCK}))?\s*[\])]?\s*[-–:|]?\s*`,
);
const SPEAKER_PREFIX = /^([A-Za-z][\w .'-]{0,30}?)\s*(?:[\[(]([^\])]*)[\])])?\s*:\s+/;
const SENTENCE = /\S.*?(?:[.!?]+["')\]]*(?=\s|$)|$)/g;

function splitSentences(
  text: string,
  speaker: string | null,
  time: number | null,
  out: Omit<Sentence, "index">[],
) {
  for (const m of text.matchAll(SENTENCE)) {
    const s = m[0].trim();
    if (s.length < 8 || s.split(/\s+/).length < 2) continue;
    if (/[{}\\"]/.test(s)) continue; // JSON / escaped text: not a clean quote
    out.push({ text: s, speaker, time });
  }
}

/** Sentences of the user message; speaker-labelled lines ("Agent: …", "[00:12] Customer: …")
 * or JSON segments ({"speaker": …, "start": …, "text": "…"}) are preferred when present. */
export function extractSentences(text: string): Sentence[] {
  const labelled: Omit<Sentence, "index">[] = [];
  const plain: Omit<Sentence, "index">[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let rest = raw.trim().replace(/^[-*•]\s+/, "");
    if (!rest) continue;
    let time: number | null = null;
    let speaker: string | null = null;
    const t = TIME_PREFIX.exec(rest);
    if (t) {
      time = parseClock(t[1]);
      rest = rest.slice(t[0].length);
    }
    const s = SPEAKER_PREFIX.exec(rest);
    if (s) {
      speaker = s[1].trim();
      if (s[2] && time === null) time = parseClock(s[2].replace(/^t=/, "").split(/[-–]/)[0]);
      rest = rest.slice(s[0].length);
      if (time === null) {
        const t2 = TIME_PREFIX.exec(rest);
        if (t2) {
          time = parseClock(t2[1]);
          rest = rest.slice(t2[0].length);
        }
      }
    }
    splitSentences(rest, speaker, time, speaker ? labelled : plain);
  }
  // JSON segments: "text": "…" (without escapes the raw text is a substring of the message).
  const json: Omit<Sentence, "index">[] = [];
  for (const m of text.matchAll(/\{[^{}]*"text"\s*:\s*"((?:[^"\\]|\\.)*)"[^{}]*\}/g)) {
    const obj = m[0];
    const raw = m[1];
    if (raw.includes("\\")) continue;
    const start = /"(?:start|start_time|time|ts)"\s*:\s*(\d+(?:\.\d+)?)/.exec(obj);
    const speaker = /"(?:speaker|role|channel)"\s*:\s*"([^"]*)"/.exec(obj);
    splitSentences(raw, speaker?.[1] ?? null, start ? Number(start[1]) : null, json);
  }
  const labelledLines = labelled.length >= 2 ? labelled : [];
  const chosen = labelledLines.length
    ? labelledLines
    : json.length >= 2
    ? json
    : [...labelled, ...plain];
  return chosen.map((s, index) => ({ ...s, index }));
}

function countHits(text: string, words: string[]): number {
  const low = text.toLowerCase();
  return words.reduce((n, w) => n + (low.includes(w) ? 1 : 0), 0);
}

export function analyzeTranscript(text: string): Transcript {
  const sentences = extractSentences(text);
  const body = sentences.length ? sentences.map((s) => s.text).join("\n") : text;
  const p = countHits(body, POSITIVE);
  const n = countHits(body, NEGATIVE);
  const sentiment = round2((p - n) / (p + n + 1));
  const amounts: number[] = [];
  const re =
    /\$\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(\s?(?:k|thousand)\b)?|\b(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s?(?:dollars|usd|bucks)\b/gi;
  for (const m of body.matchAll(re)) {
    const whole = (m[1] ?? m[4]).replace(/,/g, "");
    const cents = m[2] ?? m[5];
    let v = Number(whole) + (cents ? Number(cents.padEnd(2, "0")) / 100 : 0);
    if (m[3]) v *= 1000;
    amounts.push(v);
  }
  const converted = CONVERSION.some((r) => r.test(body)) && !/\bnot interested\b/i.test(body);
  return { sentences, text, sentiment, amounts, converted };
}

// ---------------------------------------------------------------------------------------------
// JSON Schema: strict-mode checks (as OpenAI does them) and deterministic value generation

function pyTuple(ctx: string[]): string {
  if (!ctx.length) return "()";
  const items = ctx.map((c) => `'${c}'`);
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
}

/** OpenAI's strict-mode checks; returns the problem in OpenAI's wording or null. */
export function strictSchemaProblem(schema: unknown): string | null {
  if (!isObj(schema)) return "schema must be a JSON Schema object.";
  const rootType = schema.type;
  if (rootType !== "object") {
    return `schema must be a JSON Schema of 'type: "object"', got 'type: "${
      rootType === undefined ? "None" : String(rootType)
    }"'.`;
  }
  const walk = (node: unknown, ctx: string[]): string | null => {
    if (!isObj(node)) return null;
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (types.includes("object") || isObj(node.properties)) {
      if (node.additionalProperties !== false) {
        return `In context=${
          pyTuple(ctx)
        }, 'additionalProperties' is required to be supplied and to be false.`;
      }
      const props = Object.keys(isObj(node.properties) ? node.properties : {});
      const required = Array.isArray(node.required) ? node.required : [];
      const missing = props.filter((p) => !required.includes(p));
      if (missing.length) {
        return `In context=${
          pyTuple(ctx)
        }, 'required' is required to be supplied and to be an array including every key in properties. Missing '${
          missing[0]
        }'.`;
      }
      for (const p of props) {
        const r = walk((node.properties as Obj)[p], [...ctx, "properties", p]);
        if (r) return r;
      }
    }
    if (node.items !== undefined) {
      const r = walk(node.items, [...ctx, "items"]);
      if (r) return r;
    }
    for (const key of ["anyOf", "allOf"] as const) {
      const list = node[key];
      if (Array.isArray(list)) {
        for (let i = 0; i < list.length; i++) {
          const r = walk(list[i], [...ctx, key, String(i)]);
          if (r) return r;
        }
      }
    }
    for (const key of ["$defs", "definitions"] as const) {
      const defs = node[key];
      if (isObj(defs)) {
        for (const [k, v] of Object.entries(defs)) {
          const r = walk(v, [...ctx, key, k]);
          if (r) return r;
        }
      }
    }
    return null;
  };
  return walk(schema, []);
}

const QUOTE_NAME =
  /(^|_)(quote|quotes|evidence|excerpt|snippet|citation|verbatim|utterance|transcript_span)(_|$)/;
const TIME_NAME =
  /^(time|start|start_time|start_s|start_sec|start_seconds|timestamp|ts|at|at_s|offset|offset_s|seconds|second|position|time_s|t)$/;
const END_NAME = /^(end|end_time|end_s|end_sec|end_seconds|until)$/;
const MONEY_NAME =
  /amount|revenue|price|total|usd|dollar|mrr|arr|deal_size|upsell|cents|cost|value_usd/;
const CONF_NAME = /confidence|probability|likelihood|certainty/;
const SENTIMENT_NAME = /sentiment|polarity|tone/;
const CONVERT_NAME = /convert|conversion|closed|won|sold|purchased|agreed|booked|signed|success/;
const CHECK_NAME =
  /followed|covered|mentioned|met|done|completed|present|adhered|asked|greeted|compliant|passed|included|disclosed/;
const NEGATIVE_FLAG_NAME = /objection|complaint|escalat|churn|cancel|risk|angry/;
const REASON_NAME =
  /reason|rationale|explanation|feedback|note|comment|justification|coaching|recommend|suggest|tip|description|detail|next_step|improve/;
const MAX_DEPTH = 12;

interface Scope {
  sentence?: Sentence;
  score: number;
  start?: number;
}

class SchemaFiller {
  #used = new Set<number>();
  constructor(private root: unknown, private t: Transcript) {}

  resolve(node: unknown): unknown {
    let cur = node;
    for (let hops = 0; isObj(cur) && typeof cur.$ref === "string" && hops < 32; hops++) {
      const ref = cur.$ref as string;
      if (!ref.startsWith("#")) return {};
      let target: unknown = this.root;
      for (const raw of ref.slice(1).split("/").filter(Boolean)) {
        const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
        target = isObj(target)
          ? target[key]
          : Array.isArray(target)
          ? target[Number(key)]
          : undefined;
      }
      cur = target ?? {};
    }
    return cur;
  }

  /** Name of the field a value belongs to (array items take the array's name). */
  static nameOf(path: string[]): string {
    for (let i = path.length - 1; i >= 0; i--) {
      if (!/^\d+$/.test(path[i])) return path[i].toLowerCase();
    }
    return "";
  }
  static indexOf(path: string[]): number {
    for (let i = path.length - 1; i >= 0; i--) if (/^\d+$/.test(path[i])) return Number(path[i]);
    return 0;
  }

  pick(path: string[], markUsed: boolean): { sentence?: Sentence; score: number } {
    const ss = this.t.sentences;
    if (!ss.length) return { score: 0 };
    const pathText = path.join(" ").toLowerCase();
    const words = new Set<string>();
    for (const topic of TOPICS) {
      if (topic.match.test(pathText)) topic.words.forEach((w) => words.add(w));
    }
    for (const seg of path) {
      for (const w of seg.toLowerCase().split(/[^a-z]+/)) {
        if (w.length >= 4 && !GENERIC_PATH_WORDS.has(w)) words.add(w);
      }
    }
    const scored = ss.map((s) => ({ s, score: countHits(s.text, [...words]) }));
    const best = (list: typeof scored) =>
      list.reduce<(typeof scored)[number] | undefined>(
        (b, c) => (b === undefined || c.score > b.score ? c : b),
        undefined,
      );
    const fresh = scored.filter((x) => !this.#used.has(x.s.index));
    const chosen = best(fresh.length ? fresh : scored)!;
    if (markUsed) this.#used.add(chosen.s.index);
    return { sentence: chosen.s, score: chosen.score };
  }

  fill(node: unknown, path: string[], depth: number, scope: Scope): Json {
    const schema = this.resolve(node);
    if (schema === true || !isObj(schema)) return "sandbox";
    if ("const" in schema) return schema.const as Json;
    if (Array.isArray(schema.enum) && schema.enum.length) {
      return this.pickEnum(schema.enum as Json[], path, scope);
    }
    for (const key of ["anyOf", "oneOf"] as const) {
      const list = schema[key];
      if (Array.isArray(list) && list.length) {
        const branches = list.map((b) => this.resolve(b));
        const isNull = (b: unknown) =>
          isObj(b) &&
          (b.type === "null" ||
            (Array.isArray(b.enum) && b.enum.length === 1 && b.enum[0] === null));
        const nonNull = branches.findIndex((b) => !isNull(b));
        const nullIdx = branches.findIndex(isNull);
        const i = depth >= MAX_DEPTH && nullIdx >= 0 ? nullIdx : nonNull >= 0 ? nonNull : 0;
        return this.fill(list[i], path, depth + 1, scope);
      }
    }
    if (Array.isArray(schema.allOf) && schema.allOf.length) {
      const merged: Obj = {};
      for (const part of schema.allOf) Object.assign(merged, this.resolve(part));
      const rest = { ...schema };
      delete rest.allOf;
      return this.fill({ ...merged, ...rest }, path, depth + 1, scope);
    }
    let type = schema.type;
    if (Array.isArray(type)) {
      const nonNull = type.filter((x) => x !== "null");
      type = depth >= MAX_DEPTH && type.includes("null") ? "null" : nonNull[0] ?? "null";
    }
    if (type === undefined) {
      type = isObj(schema.properties) ? "object" : schema.items !== undefined ? "array" : "string";
    }
    switch (type) {
      case "object":
        return this.fillObject(schema, path, depth);
      case "array":
        return this.fillArray(schema, path, depth);
      case "integer":
      case "number":
        return this.fillNumber(schema, path, scope, type === "integer");
      case "boolean":
        return this.fillBoolean(path, scope);
      case "null":
        return null;
      default:
        return this.fillString(schema, path, scope);
    }
  }

  fillObject(schema: Obj, path: string[], depth: number): Json {
    const props = isObj(schema.properties) ? schema.properties : {};
    const scope: Scope = { score: 0 };
    const values: Record<string, Json> = {};
    const keys = Object.keys(props);
    const isQuoteField = (k: string) => {
      const s = this.resolve(props[k]);
      const types = isObj(s) ? (Array.isArray(s.type) ? s.type : [s.type]) : [];
      return QUOTE_NAME.test(k.toLowerCase()) &&
        (types.includes("string") || (isObj(s) && Array.isArray(s.anyOf)));
    };
    // Quote-like fields first: their sentence drives times and check booleans of the same object.
    for (const k of keys.filter(isQuoteField)) {
      values[k] = this.fill(props[k], [...path, k], depth + 1, scope);
    }
    if (
      !scope.sentence &&
      keys.some((k) => TIME_NAME.test(k.toLowerCase()) || CHECK_NAME.test(k.toLowerCase()))
    ) {
      const p = this.pick(path, false);
      scope.sentence = p.sentence;
      scope.score = p.score;
    }
    for (const k of keys) {
      if (!(k in values)) values[k] = this.fill(props[k], [...path, k], depth + 1, scope);
    }
    const out: Record<string, Json> = {};
    for (const k of keys) out[k] = values[k];
    return out;
  }

  fillArray(schema: Obj, path: string[], depth: number): Json {
    const name = SchemaFiller.nameOf(path);
    const min = typeof schema.minItems === "number" ? schema.minItems : 0;
    const max = typeof schema.maxItems === "number" ? schema.maxItems : Infinity;
    let n = 2;
    if (MONEY_NAME.test(name) || /product|line_item/.test(name)) n = this.t.amounts.length;
    else if (NEGATIVE_FLAG_NAME.test(name)) {
      n = this.t.sentences.filter((s) => countHits(s.text, TOPICS[3].words) > 0).length;
    }
    if (depth >= MAX_DEPTH / 2) n = 0;
    n = Math.max(min, Math.min(max, n, 2));
    if (Array.isArray(schema.prefixItems)) {
      return (schema.prefixItems as unknown[]).map((s, i) =>
        this.fill(s, [...path, String(i)], depth + 1, { score: 0 })
      );
    }
    const out: Json[] = [];
    for (let i = 0; i < n; i++) {
      out.push(this.fill(schema.items ?? {}, [...path, String(i)], depth + 1, { score: 0 }));
    }
    return out;
  }

  pickEnum(values: Json[], path: string[], scope: Scope): Json {
    const name = SchemaFiller.nameOf(path);
    const strs = values.map((v) => (typeof v === "string" ? v.toLowerCase() : ""));
    const find = (re: RegExp) => strs.findIndex((s) => re.test(s));
    const pathText = path.join(" ").toLowerCase();
    if (SENTIMENT_NAME.test(pathText) || /label|mood/.test(name)) {
      const s = this.t.sentiment;
      const i = s > 0.2
        ? find(/pos|good|happy/)
        : s < -0.2
        ? find(/neg|bad|angry|unhappy/)
        : find(/neu|mixed|ok/);
      if (i >= 0) return values[i];
    }
    if (/speaker|role|channel|party/.test(name) && scope.sentence?.speaker) {
      const sp = scope.sentence.speaker.toLowerCase();
      const i = strs.findIndex((s) => s && (sp.startsWith(s) || s.startsWith(sp)));
      if (i >= 0) return values[i];
    }
    if (CONVERT_NAME.test(pathText) || /outcome|result|status/.test(name)) {
      const i = this.t.converted
        ? find(/convert|won|closed|yes|sale|success/)
        : find(/not|lost|no|none|fail/);
      if (i >= 0) return values[i];
    }
    const nonNull = values.findIndex((v) => v !== null);
    return values[nonNull >= 0 ? nonNull : 0];
  }

  fillString(schema: Obj, path: string[], scope: Scope): Json {
    const name = SchemaFiller.nameOf(path);
    const maxLength = typeof schema.maxLength === "number" ? schema.maxLength : Infinity;
    const minLength = typeof schema.minLength === "number" ? schema.minLength : 0;
    const fit = (s: string) => {
      let v = s.length > maxLength ? s.slice(0, maxLength) : s;
      while (v.length < minLength) v += ".";
      return v;
    };
    switch (schema.format) {
      case "date-time":
        return "2026-01-05T09:30:00Z";
      case "date":
        return "2026-01-05";
      case "time":
        return "09:30:00";
      case "email":
        return "agent@example.com";
      case "uri":
      case "url":
        return "https://example.com/sandbox";
      case "uuid": {
        const h = [0, 1, 2, 3].map((i) => hex(fnv1a(`${path.join("/")}#${i}`), 8)).join("");
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${
          h.slice(20, 32)
        }`;
      }
      case "duration":
        return "PT1M";
      case "ipv4":
        return "127.0.0.1";
    }
    if (QUOTE_NAME.test(name)) {
      const p = this.pick(path, true);
      if (!scope.sentence) {
        scope.sentence = p.sentence;
        scope.score = p.score;
      }
      return p.sentence ? fit(p.sentence.text) : fit("");
    }
    if (/speaker|role|channel|party/.test(name)) {
      return fit(scope.sentence?.speaker?.toLowerCase() ?? "agent");
    }
    if (/currency/.test(name)) return fit("USD");
    if (/^(language|lang|locale)$/.test(name)) return fit("en");
    const first = this.t.sentences[0]?.text;
    if (/summary|overview|synopsis|headline|title|gist/.test(name)) {
      return fit(
        first
          ? `Stand-in summary of the call. It opens with: ${first}`
          : "Stand-in summary of the call.",
      );
    }
    const human = name.replace(/_/g, " ") || "value";
    const basis = scope.sentence?.text ?? first;
    let value = REASON_NAME.test(name) && basis
      ? `Stand-in ${human}, based on: "${basis}"`
      : /^\d+$/.test(path.at(-1) ?? "")
      ? `stand-in ${human} ${SchemaFiller.indexOf(path) + 1}`
      : `stand-in ${human}`;
    if (typeof schema.pattern === "string") {
      try {
        const re = new RegExp(schema.pattern);
        if (!re.test(value)) {
          value = ["sandbox", "A", "a", "0", "A1", "a-1"].find((c) => re.test(c)) ?? value;
        }
      } catch { /* pattern we cannot compile: keep the value */ }
    }
    return fit(value);
  }

  fillNumber(schema: Obj, path: string[], scope: Scope, integer: boolean): Json {
    const name = SchemaFiller.nameOf(path);
    const pathText = path.join(" ").toLowerCase();
    const eps = integer ? 1 : 0.01;
    let lo = typeof schema.minimum === "number" ? schema.minimum : -Infinity;
    let hi = typeof schema.maximum === "number" ? schema.maximum : Infinity;
    if (typeof schema.exclusiveMinimum === "number") {
      lo = Math.max(lo, schema.exclusiveMinimum + eps);
    }
    if (typeof schema.exclusiveMaximum === "number") {
      hi = Math.min(hi, schema.exclusiveMaximum - eps);
    }
    const bounded = Number.isFinite(lo) && Number.isFinite(hi);
    const within = (frac: number) => (bounded ? lo + (hi - lo) * frac : frac);
    let v = 0;
    if (END_NAME.test(name)) {
      v = (scope.start ?? scope.sentence?.time ?? 0) + 4;
    } else if (TIME_NAME.test(name)) {
      const s = scope.sentence;
      const n = Math.max(1, this.t.sentences.length);
      v = s?.time ??
        (bounded ? lo + ((hi - lo) * ((s?.index ?? 0) + 0.5)) / n : (s?.index ?? 0) * 5);
      scope.start = v;
    } else if (SENTIMENT_NAME.test(pathText) && /score|value|sentiment|polarity/.test(name)) {
      const s = this.t.sentiment; // -1..1
      v = bounded
        ? (lo < 0
          ? Math.max(lo, Math.min(hi, s * Math.min(-lo, hi)))
          : lo + ((s + 1) / 2) * (hi - lo))
        : s;
    } else if (CONF_NAME.test(name)) {
      v = within(0.8);
      if (!bounded) v = 0.8;
    } else if (MONEY_NAME.test(name) || (name === "value" && MONEY_NAME.test(pathText))) {
      v = this.t.amounts[SchemaFiller.indexOf(path)] ?? this.t.amounts[0] ?? 0;
      if (/cents/.test(name)) v = Math.round(v * 100);
    } else if (/score|rating|percent|pct|rate|adherence|coverage/.test(name)) {
      v = bounded ? within(0.75) : 0.75;
    } else if (/count|number|num_|qty|quantity/.test(name)) {
      v = 1;
    } else if (/duration|seconds|length/.test(name)) {
      v = Math.max(0, ...this.t.sentences.map((s) => s.time ?? 0)) + 5;
    }
    v = Math.min(hi, Math.max(lo, v));
    if (integer) {
      v = Math.round(v);
      if (v < lo) v = Math.ceil(lo);
      if (v > hi) v = Math.floor(hi);
    } else {
      const r = round2(v);
      v = r < lo || r > hi ? v : r;
    }
    if (typeof schema.multipleOf === "number" && schema.multipleOf > 0) {
      const m = schema.multipleOf;
      let k = Math.round(v / m) * m;
      if (k < lo) k += m;
      if (k > hi) k -= m;
      v = Number(k.toFixed(10));
    }
    return v;
  }

  fillBoolean(path: string[], scope: Scope): Json {
    const name = SchemaFiller.nameOf(path);
    const pathText = path.join(" ").toLowerCase();
    if (CONVERT_NAME.test(name) || (name === "value" && CONVERT_NAME.test(pathText))) {
      return this.t.converted;
    }
    if (/upsell|upgrade/.test(pathText)) return this.t.amounts.length > 0;
    if (NEGATIVE_FLAG_NAME.test(name)) return this.t.sentiment < 0;
    if (CHECK_NAME.test(name)) return scope.score > 0;
    return false;
  }
}

export function fillSchema(schema: unknown, transcriptText: string): Json {
  const filler = new SchemaFiller(schema, analyzeTranscript(transcriptText));
  return filler.fill(schema, [], 0, { score: 0 });
}

/** A value that does NOT satisfy the schema (for the schema_violation fault). */
function violate(schema: unknown, valid: Json): Json {
  if (isObj(valid)) {
    const req = isObj(schema) && Array.isArray(schema.required)
      ? (schema.required as string[])
      : Object.keys(valid);
    const out: Record<string, Json> = { ...valid };
    if (req.length) delete out[req[0]];
    out.unexpected_field = "not in the schema";
    return out;
  }
  return { unexpected_field: "not in the schema" };
}

// ---------------------------------------------------------------------------------------------
// Request body parsing and the chat-completions endpoint

type ChatMessage = { role?: unknown; content?: unknown; name?: unknown };

function messageText(m: ChatMessage): string {
  if (typeof m.content === "string") return m.content;
  if (Array.isArray(m.content)) {
    return m.content
      .map((
        p,
      ) => (isObj(p) && typeof p.text === "string"
        ? p.text
        : isObj(p) && typeof p.refusal === "string"
        ? p.refusal
        : "")
      )
      .filter(Boolean)
      .join("\n");
  }
  return "";
}

function promptChars(messages: ChatMessage[]): number {
  return messages.reduce(
    (n, m) => n + messageText(m).length + (typeof m.name === "string" ? m.name.length : 0),
    0,
  );
}

interface ChatResult {
  content: string | null;
  refusal: string | null;
  finish_reason: "stop" | "length" | "content_filter" | "tool_calls";
  scripted: boolean;
  usageOverride?: ScriptedReply["usage"];
}

function defaultRefusal(): string {
  return "I'm sorry, but I can't assist with that request.";
}

interface State {
  replies: ScriptedReply[];
  transcriptions: ScriptedTranscription[];
}

function chatCompletion(body: Obj, fault: Fault | null, state: State): Response | {
  body: unknown;
  stream: boolean;
  scripted: boolean;
} {
  if (typeof body.model !== "string" || !body.model) {
    return invalidRequest("you must provide a model parameter");
  }
  if (body.messages === undefined) {
    return invalidRequest(
      "Missing required parameter: 'messages'.",
      "messages",
      "missing_required_parameter",
    );
  }
  if (!Array.isArray(body.messages)) {
    return invalidRequest(
      `Invalid type for 'messages': expected an array, but got ${typeof body.messages} instead.`,
      "messages",
      "invalid_type",
    );
  }
  if (!body.messages.length) {
    return invalidRequest(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      "messages",
      "empty_array",
    );
  }
  const messages = body.messages as ChatMessage[];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (!isObj(m) || typeof m.role !== "string") {
      return invalidRequest(
        `Missing required parameter: 'messages[${i}].role'.`,
        `messages.[${i}].role`,
        "missing_required_parameter",
      );
    }
  }
  const model = body.model;
  const rf = isObj(body.response_format) ? body.response_format : null;
  let schema: unknown = undefined;
  if (rf?.type === "json_schema") {
    const js = isObj(rf.json_schema) ? rf.json_schema : null;
    if (!js) {
      return invalidRequest(
        "Missing required parameter: 'response_format.json_schema'.",
        "response_format.json_schema",
        "missing_required_parameter",
      );
    }
    if (typeof js.name !== "string" || !js.name) {
      return invalidRequest(
        "Missing required parameter: 'response_format.json_schema.name'.",
        "response_format.json_schema.name",
        "missing_required_parameter",
      );
    }
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(js.name)) {
      return invalidRequest(
        `Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
        "response_format.json_schema.name",
        "invalid_value",
      );
    }
    schema = js.schema ??
      { type: "object", properties: {}, required: [], additionalProperties: false };
    if (js.strict === true) {
      const problem = strictSchemaProblem(schema);
      if (problem) {
        return invalidRequest(
          `Invalid schema for response_format '${js.name}': ${problem}`,
          "response_format",
        );
      }
    }
  } else if (rf?.type === "json_object") {
    if (!messages.some((m) => /json/i.test(messageText(m)))) {
      return invalidRequest(
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
        "messages",
      );
    }
  } else if (rf && rf.type !== "text") {
    return invalidRequest(
      `Invalid value: '${
        String(rf.type)
      }'. Supported values are: 'json_object', 'json_schema', and 'text'.`,
      "response_format.type",
      "invalid_value",
    );
  }

  const userText = messages.filter((m) => m.role === "user").map(messageText).join("\n") ||
    messages.map(messageText).join("\n");
  const produce = (): ChatResult => {
    const scripted = state.replies.shift();
    if (scripted) {
      const content = scripted.refusal !== undefined
        ? null
        : scripted.content === undefined
        ? ""
        : typeof scripted.content === "string"
        ? scripted.content
        : JSON.stringify(scripted.content);
      return {
        content,
        refusal: scripted.refusal ?? null,
        finish_reason: scripted.finish_reason ?? "stop",
        scripted: true,
        usageOverride: scripted.usage,
      };
    }
    if (schema !== undefined) {
      return {
        content: JSON.stringify(fillSchema(schema, userText)),
        refusal: null,
        finish_reason: "stop",
        scripted: false,
      };
    }
    const first = analyzeTranscript(userText).sentences[0]?.text ?? userText.slice(0, 120);
    const text = `This is the OpenAI stand-in replying to: "${first}"`;
    if (rf?.type === "json_object") {
      return {
        content: JSON.stringify({ reply: text }),
        refusal: null,
        finish_reason: "stop",
        scripted: false,
      };
    }
    return { content: text, refusal: null, finish_reason: "stop", scripted: false };
  };

  let result: ChatResult;
  if (fault && CONTENT_FAULTS.has(fault.kind)) {
    const valid = schema !== undefined ? fillSchema(schema, userText) : { reply: "stand-in" };
    const validText = JSON.stringify(valid);
    switch (fault.kind) {
      case "refusal":
        result = {
          content: null,
          refusal: fault.message ?? defaultRefusal(),
          finish_reason: "stop",
          scripted: false,
        };
        break;
      case "invalid_json":
        result = {
          content: validText.slice(0, Math.max(1, Math.floor(validText.length / 2))),
          refusal: null,
          finish_reason: "stop",
          scripted: false,
        };
        break;
      case "schema_violation":
        result = {
          content: JSON.stringify(violate(schema, valid)),
          refusal: null,
          finish_reason: "stop",
          scripted: false,
        };
        break;
      default: // length
        result = {
          content: validText.slice(0, Math.max(1, Math.floor(validText.length / 3))),
          refusal: null,
          finish_reason: "length",
          scripted: false,
        };
    }
  } else {
    result = produce();
  }

  const limit = typeof body.max_completion_tokens === "number"
    ? body.max_completion_tokens
    : typeof body.max_tokens === "number"
    ? body.max_tokens
    : null;
  if (
    limit !== null && result.content !== null && tokensOf(result.content.length) > limit &&
    !result.scripted
  ) {
    result = {
      ...result,
      content: result.content.slice(0, Math.max(0, limit * 4)),
      finish_reason: "length",
    };
  }

  const n = typeof body.n === "number" && body.n >= 1 ? Math.min(8, Math.floor(body.n)) : 1;
  const prompt_tokens = result.usageOverride?.prompt_tokens ?? tokensOf(promptChars(messages));
  const outText = result.content ?? result.refusal ?? "";
  const completion_tokens = result.usageOverride?.completion_tokens ?? tokensOf(outText.length) * n;
  const usage = {
    prompt_tokens,
    completion_tokens,
    total_tokens: prompt_tokens + completion_tokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
  const id = `chatcmpl-${randomId(29)}`;
  const created = Math.floor(Date.now() / 1000);
  const tail = {
    service_tier: "default",
    system_fingerprint: `fp_${hex(fnv1a(model), 8)}${hex(fnv1a(`${model}#`), 2)}`,
  };

  if (body.stream === true) {
    const includeUsage = isObj(body.stream_options) && body.stream_options.include_usage === true;
    const chunks: unknown[] = [];
    const chunk = (choices: unknown[], extra: Obj = {}) =>
      chunks.push({
        id,
        object: "chat.completion.chunk",
        created,
        model,
        ...tail,
        choices,
        ...(includeUsage ? { usage: null } : {}),
        ...extra,
      });
    for (let i = 0; i < n; i++) {
      chunk([{
        index: i,
        delta: { role: "assistant", content: result.content === null ? null : "", refusal: null },
        logprobs: null,
        finish_reason: null,
      }]);
      const text = result.content ?? result.refusal ?? "";
      const key = result.content === null ? "refusal" : "content";
      for (let p = 0; p < text.length; p += 24) {
        chunk([{
          index: i,
          delta: { [key]: text.slice(p, p + 24) },
          logprobs: null,
          finish_reason: null,
        }]);
      }
      chunk([{ index: i, delta: {}, logprobs: null, finish_reason: result.finish_reason }]);
    }
    if (includeUsage) chunk([], { usage });
    return { body: chunks, stream: true, scripted: result.scripted };
  }

  const choices = Array.from({ length: n }, (_, index) => ({
    index,
    message: {
      role: "assistant",
      content: result.content,
      refusal: result.refusal,
      annotations: [],
    },
    logprobs: null,
    finish_reason: result.finish_reason,
  }));
  return {
    body: { id, object: "chat.completion", created, model, choices, usage, ...tail },
    stream: false,
    scripted: result.scripted,
  };
}

// ---------------------------------------------------------------------------------------------
// Audio transcriptions

const PLACEHOLDER_LINES = [
  "Thanks for calling, this is Alex from the sales team, how can I help you today?",
  "Hi Alex, I'm calling about upgrading our team plan.",
  "Sure, the premium plan is $49 per seat per month and includes onboarding.",
  "That sounds good, but is there a discount for an annual contract?",
  "Yes, annual billing saves you two months.",
  "Great, let's do it for ten seats.",
  "Perfect, I'll send the agreement to your email today.",
  "Thank you for your help.",
];
const AUDIO_EXTENSIONS = ["flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm"];
const LANGUAGES: Record<string, string> = {
  en: "english",
  es: "spanish",
  fr: "french",
  de: "german",
  it: "italian",
  pt: "portuguese",
  nl: "dutch",
  ja: "japanese",
  zh: "chinese",
};
const MAX_AUDIO_BYTES = 25 * 1024 * 1024;

/** Duration of a PCM WAV file from its RIFF header, or null. */
export function wavDuration(bytes: Uint8Array): number | null {
  if (bytes.length < 44) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number) => String.fromCharCode(...bytes.subarray(o, o + 4));
  if (tag(0) !== "RIFF" || tag(8) !== "WAVE") return null;
  let byteRate = 0;
  for (let o = 12; o + 8 <= bytes.length;) {
    const id = tag(o);
    const size = dv.getUint32(o + 4, true);
    if (id === "fmt " && o + 16 <= bytes.length) byteRate = dv.getUint32(o + 16, true);
    if (id === "data") {
      const dataSize = Math.min(size, bytes.length - o - 8);
      return byteRate > 0 ? dataSize / byteRate : null;
    }
    o += 8 + size + (size % 2);
  }
  return null;
}

function splitForSegments(text: string): string[] {
  const parts = [...text.matchAll(SENTENCE)].map((m) => m[0].trim()).filter(Boolean);
  return parts.length ? parts : [text.trim()].filter(Boolean);
}

function wordTokens(text: string): number[] {
  return text.split(/\s+/).filter(Boolean).map((w) => 220 + (fnv1a(w) % 50000));
}

function buildTranscription(
  size: number,
  bytes: Uint8Array,
  scripted: ScriptedTranscription | undefined,
) {
  const langIn = scripted?.language ?? "en";
  const language = LANGUAGES[langIn] ?? langIn;
  let duration = scripted?.duration ?? wavDuration(bytes) ?? Math.max(1, size / 16000);
  let segs: { start: number; end: number; text: string }[];
  if (scripted?.segments?.length) {
    segs = scripted.segments.map((s) => ({ start: s.start, end: s.end, text: s.text }));
    if (scripted.duration === undefined) duration = Math.max(...segs.map((s) => s.end));
  } else {
    const lines = scripted?.text !== undefined
      ? splitForSegments(scripted.text)
      : PLACEHOLDER_LINES.slice(0, 3 + (size % (PLACEHOLDER_LINES.length - 2)));
    const step = duration / Math.max(1, lines.length);
    segs = lines.map((text, i) => ({ start: round2(i * step), end: round2((i + 1) * step), text }));
  }
  duration = round2(duration);
  const text = scripted?.text ?? segs.map((s) => s.text).join(" ");
  const segments = segs.map((s, id) => ({
    id,
    seek: Math.floor(s.start / 30) * 3000,
    start: s.start,
    end: s.end,
    text: ` ${s.text.trim()}`,
    tokens: [50364, ...wordTokens(s.text), 50364 + Math.round(s.end / 0.02)],
    temperature: 0.0,
    avg_logprob: -round2(0.15 + (fnv1a(s.text) % 20) / 100),
    compression_ratio: round2(1.2 + (fnv1a(`${s.text}#c`) % 40) / 100),
    no_speech_prob: round2((fnv1a(`${s.text}#n`) % 5) / 1000),
  }));
  const words = segs.flatMap((s) => {
    const ws = s.text.split(/\s+/).filter(Boolean);
    const step = (s.end - s.start) / Math.max(1, ws.length);
    return ws.map((w, i) => ({
      word: w.replace(/^[^\w$']+|[^\w']+$/g, "") || w,
      start: round2(s.start + i * step),
      end: round2(s.start + (i + 1) * step),
    }));
  });
  return { language, duration, text, segments, words };
}

function srtTime(sec: number, sep: string): string {
  const ms = Math.round(sec * 1000);
  const h = Math.floor(ms / 3600000),
    m = Math.floor((ms % 3600000) / 60000),
    s = Math.floor((ms % 60000) / 1000);
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${
    String(s).padStart(2, "0")
  }${sep}${String(ms % 1000).padStart(3, "0")}`;
}

async function transcription(
  form: FormData,
  state: State,
  headers: Record<string, string>,
): Promise<{ response: Response; scripted: boolean; json?: unknown }> {
  const file = form.get("file");
  if (!(file instanceof File)) {
    return {
      response: invalidRequest(
        "Missing required parameter: 'file'.",
        "file",
        "missing_required_parameter",
      ),
      scripted: false,
    };
  }
  const model = form.get("model");
  if (typeof model !== "string" || !model) {
    return { response: invalidRequest("you must provide a model parameter"), scripted: false };
  }
  const format = String(form.get("response_format") ?? "json");
  const granularities = [
    ...form.getAll("timestamp_granularities[]"),
    ...form.getAll("timestamp_granularities"),
  ].map(String);
  if (!["json", "text", "srt", "verbose_json", "vtt", "diarized_json"].includes(format)) {
    return {
      response: invalidRequest(
        `Invalid value: '${format}'. Supported values are: 'json', 'text', 'srt', 'verbose_json', and 'vtt'.`,
        "response_format",
        "invalid_value",
      ),
      scripted: false,
    };
  }
  if (model.startsWith("gpt-4o") && !["json", "text"].includes(format)) {
    return {
      response: invalidRequest(
        `response_format '${format}' is not compatible with model '${model}'. Use 'json' or 'text' instead.`,
        "response_format",
        "unsupported_value",
      ),
      scripted: false,
    };
  }
  if (granularities.length && format !== "verbose_json") {
    return {
      response: invalidRequest(
        "timestamp_granularities is only supported when response_format is set to verbose_json.",
        "timestamp_granularities",
        "invalid_value",
      ),
      scripted: false,
    };
  }
  const ext = file.name.includes(".") ? file.name.split(".").pop()!.toLowerCase() : "";
  if (!AUDIO_EXTENSIONS.includes(ext)) {
    return {
      response: invalidRequest(
        `Invalid file format. Supported formats: ${
          JSON.stringify(AUDIO_EXTENSIONS).replace(/"/g, "'").replace(/,/g, ", ")
        }`,
      ),
      scripted: false,
    };
  }
  if (file.size > MAX_AUDIO_BYTES) {
    return {
      response: errorResponse(413, {
        message:
          `Maximum content size limit (${MAX_AUDIO_BYTES}) exceeded (${file.size} bytes read)`,
        type: "server_error",
      }),
      scripted: false,
    };
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const scripted = state.transcriptions.shift();
  const t = buildTranscription(file.size, bytes, scripted);
  const usage = { type: "duration", seconds: Math.ceil(t.duration) };
  const isScripted = scripted !== undefined;
  switch (format) {
    case "text":
      return {
        response: new Response(`${t.text}\n`, {
          headers: { ...headers, "content-type": "text/plain; charset=utf-8" },
        }),
        scripted: isScripted,
      };
    case "srt":
    case "vtt": {
      const sep = format === "srt" ? "," : ".";
      const cues = t.segments.map((s, i) =>
        `${format === "srt" ? `${i + 1}\n` : ""}${srtTime(s.start, sep)} --> ${
          srtTime(s.end, sep)
        }\n${s.text.trim()}\n`
      );
      const out = (format === "vtt" ? "WEBVTT\n\n" : "") + cues.join("\n");
      return {
        response: new Response(out, {
          headers: { ...headers, "content-type": "text/plain; charset=utf-8" },
        }),
        scripted: isScripted,
      };
    }
    case "verbose_json": {
      const json: Obj = {
        task: "transcribe",
        language: t.language,
        duration: t.duration,
        text: t.text,
      };
      if (granularities.includes("word")) json.words = t.words;
      if (!granularities.length || granularities.includes("segment")) json.segments = t.segments;
      json.usage = usage;
      return { response: jsonResponse(json, headers), scripted: isScripted, json };
    }
    default: {
      const json = { text: t.text, usage };
      return { response: jsonResponse(json, headers), scripted: isScripted, json };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Control API

const FaultSpecSchema = z.object({
  kind: z.enum(FAULT_KINDS as [FaultKind, ...FaultKind[]]),
  path: z.string().startsWith("/").optional(),
  count: z.number().int().positive().nullable().optional(),
  delayMs: z.number().nonnegative().optional(),
  retryAfterSeconds: z.number().nonnegative().optional(),
  code: z.string().nullable().optional(),
  status: z.number().int().min(400).max(599).optional(),
  message: z.string().optional(),
  type: z.string().optional(),
  param: z.string().nullable().optional(),
  body: z.string().optional(),
}).strict();
const ScriptedReplySchema = z.object({
  content: z.unknown().optional(),
  refusal: z.string().optional(),
  finish_reason: z.enum(["stop", "length", "content_filter", "tool_calls"]).optional(),
  usage: z.object({
    prompt_tokens: z.number().int().optional(),
    completion_tokens: z.number().int().optional(),
  }).optional(),
}).strict();
const ScriptedTranscriptionSchema = z.object({
  text: z.string().optional(),
  segments: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })).optional(),
  language: z.string().optional(),
  duration: z.number().positive().optional(),
}).strict();

export const CONTROL_HELP = {
  "GET /_sandbox/health": "→ { ok: true }",
  "POST /_sandbox/reset":
    "clear faults, scripted replies/transcriptions and the request log → { ok: true }",
  "GET /_sandbox/requests?path=/v1/chat/completions&limit=N":
    "→ { requests: RecordedRequest[] } (oldest first)",
  "DELETE /_sandbox/requests": "clear the request log",
  "POST /_sandbox/faults": "body FaultSpec or { faults: FaultSpec[] } → 201 { faults: Fault[] }",
  "GET /_sandbox/faults": "→ { faults: Fault[] } (remaining: null = until cleared)",
  "DELETE /_sandbox/faults[/{id}]": "remove all faults, or one",
  "POST /_sandbox/chat/replies":
    "body ScriptedReply or { replies: ScriptedReply[] } → 201 { pending: n }",
  "GET /_sandbox/chat/replies": "→ { replies: ScriptedReply[] }",
  "DELETE /_sandbox/chat/replies": "drop scripted replies",
  "POST /_sandbox/audio/transcriptions":
    "body ScriptedTranscription or { transcriptions: [...] } → 201 { pending: n }",
  "GET /_sandbox/audio/transcriptions": "→ { transcriptions: ScriptedTranscription[] }",
  "DELETE /_sandbox/audio/transcriptions": "drop scripted transcriptions",
};

const serialiseFault = (f: Fault) => ({
  ...f,
  remaining: Number.isFinite(f.remaining) ? f.remaining : null,
});

// ---------------------------------------------------------------------------------------------
// The server

const MAX_LOG = 1000;

export async function startOpenAIStandIn(opts: StartOptions): Promise<OpenAIStandIn> {
  const hostname = opts.hostname ?? "127.0.0.1";
  const requests: RecordedRequest[] = [];
  const state: State = { replies: [], transcriptions: [] };
  let faultList: Fault[] = [];
  let faultSeq = 0;
  const closing = new AbortController();

  const faults: FaultRegistry = {
    add(spec) {
      const parsed = FaultSpecSchema.parse({
        ...spec,
        count: spec.count === Infinity ? null : spec.count,
      });
      const count = parsed.count === undefined
        ? 1
        : parsed.count === null
        ? Infinity
        : parsed.count;
      const f: Fault = { ...parsed, id: `fault_${++faultSeq}`, remaining: count, hits: 0 };
      faultList.push(f);
      return f;
    },
    list: () => faultList.map((f) => ({ ...f })),
    remove(id) {
      const before = faultList.length;
      faultList = faultList.filter((f) => f.id !== id);
      return faultList.length !== before;
    },
    clear() {
      faultList = [];
    },
  };

  const takeFault = (path: string): Fault | null => {
    for (const f of faultList) {
      if (f.remaining <= 0) continue;
      const applies = f.path !== undefined
        ? f.path === path
        : CONTENT_FAULTS.has(f.kind)
        ? path === "/v1/chat/completions"
        : true;
      if (!applies) continue;
      f.remaining--;
      f.hits++;
      if (f.remaining <= 0) faultList = faultList.filter((x) => x !== f);
      return f;
    }
    return null;
  };

  const reset = () => {
    faultList = [];
    state.replies.length = 0;
    state.transcriptions.length = 0;
    requests.length = 0;
  };

  async function control(req: Request, url: URL): Promise<Response> {
    const path = url.pathname.replace(/\/+$/, "");
    const bad = (message: string) =>
      jsonResponse(
        { error: { message, type: "invalid_request_error", param: null, code: null } },
        {},
        400,
      );
    const readJson = async () => {
      const text = await req.text();
      return text ? JSON.parse(text) : {};
    };
    try {
      if (path === "/_sandbox" && req.method === "GET") {
        return jsonResponse({ endpoints: CONTROL_HELP });
      }
      if (path === "/_sandbox/health") return jsonResponse({ ok: true });
      if (path === "/_sandbox/reset" && req.method === "POST") {
        reset();
        return jsonResponse({ ok: true });
      }
      if (path === "/_sandbox/requests") {
        if (req.method === "DELETE") {
          requests.length = 0;
          return jsonResponse({ ok: true });
        }
        const only = url.searchParams.get("path");
        const limit = Number(url.searchParams.get("limit") ?? 0);
        let list = only ? requests.filter((r) => r.path === only) : requests;
        if (limit > 0) list = list.slice(-limit);
        return jsonResponse({ requests: list });
      }
      if (path === "/_sandbox/faults" || path.startsWith("/_sandbox/faults/")) {
        if (req.method === "GET") return jsonResponse({ faults: faultList.map(serialiseFault) });
        if (req.method === "DELETE") {
          if (path === "/_sandbox/faults") {
            faults.clear();
            return jsonResponse({ ok: true });
          }
          const removed = faults.remove(decodeURIComponent(path.slice("/_sandbox/faults/".length)));
          return jsonResponse({ ok: removed }, {}, removed ? 200 : 404);
        }
        if (req.method === "POST") {
          const body = await readJson();
          const specs = isObj(body) && Array.isArray(body.faults) ? body.faults : [body];
          const parsed = specs.map((s: unknown) => FaultSpecSchema.parse(s));
          const added = parsed.map((s: FaultSpec) => faults.add(s));
          return jsonResponse({ faults: added.map(serialiseFault) }, {}, 201);
        }
      }
      if (path === "/_sandbox/chat/replies") {
        if (req.method === "GET") return jsonResponse({ replies: state.replies });
        if (req.method === "DELETE") {
          state.replies.length = 0;
          return jsonResponse({ ok: true });
        }
        if (req.method === "POST") {
          const body = await readJson();
          const list = isObj(body) && Array.isArray(body.replies) ? body.replies : [body];
          state.replies.push(
            ...list.map((r: unknown) => ScriptedReplySchema.parse(r) as ScriptedReply),
          );
          return jsonResponse({ pending: state.replies.length }, {}, 201);
        }
      }
      if (path === "/_sandbox/audio/transcriptions") {
        if (req.method === "GET") return jsonResponse({ transcriptions: state.transcriptions });
        if (req.method === "DELETE") {
          state.transcriptions.length = 0;
          return jsonResponse({ ok: true });
        }
        if (req.method === "POST") {
          const body = await readJson();
          const list = isObj(body) && Array.isArray(body.transcriptions)
            ? body.transcriptions
            : [body];
          state.transcriptions.push(
            ...list.map((r: unknown) => ScriptedTranscriptionSchema.parse(r)),
          );
          return jsonResponse({ pending: state.transcriptions.length }, {}, 201);
        }
      }
      return jsonResponse(
        {
          error: {
            message: `Unknown control endpoint ${req.method} ${path}`,
            type: "invalid_request_error",
            param: null,
            code: null,
          },
          endpoints: CONTROL_HELP,
        },
        {},
        404,
      );
    } catch (e) {
      if (e instanceof z.ZodError) return bad(`Invalid control body: ${z.prettifyError(e)}`);
      if (e instanceof SyntaxError) return bad(`Control body is not JSON: ${e.message}`);
      throw e;
    }
  }

  async function api(req: Request, url: URL): Promise<Response> {
    const startedAt = Date.now();
    const requestId = `req_${randomId(24).toLowerCase()}`;
    const baseHeaders = OPENAI_HEADERS(requestId, startedAt);
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => (headers[k] = v));
    const auth = req.headers.get("authorization") ?? "";
    const key = /^Bearer\s+(\S.*)$/i.exec(auth)?.[1]?.trim() ?? "";
    if (auth) headers.authorization = key ? `Bearer ${maskKey(key)}` : auth;
    const entry: RecordedRequest = {
      id: requestId,
      at: new Date(startedAt).toISOString(),
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      authorized: false,
      body: null,
      model: null,
      status: null,
      fault: null,
      scripted: false,
    };
    requests.push(entry);
    if (requests.length > MAX_LOG) requests.splice(0, requests.length - MAX_LOG);

    const finish = (res: Response, json?: unknown): Response => {
      entry.status = res.status;
      entry.durationMs = Date.now() - startedAt;
      if (json !== undefined) entry.response = json;
      const h = new Headers(res.headers);
      for (const [k, v] of Object.entries(baseHeaders)) if (!h.has(k)) h.set(k, v);
      h.set("openai-processing-ms", String(Math.max(1, Date.now() - startedAt)));
      return new Response(res.body, { status: res.status, headers: h });
    };

    // Body: JSON or multipart, recorded before anything can fail.
    let jsonBody: unknown = undefined;
    let form: FormData | null = null;
    let bodyError: Response | null = null;
    const ctype = (req.headers.get("content-type") ?? "").toLowerCase();
    if (req.method === "POST") {
      if (ctype.startsWith("multipart/form-data")) {
        try {
          form = await req.formData();
          const fields: Record<string, string | string[]> = {};
          let file: Obj | null = null;
          for (const [k, v] of form.entries()) {
            if (v instanceof File) file = { field: k, name: v.name, type: v.type, size: v.size };
            else if (k in fields) fields[k] = [...[fields[k]].flat(), v];
            else fields[k] = v;
          }
          entry.body = { fields, file };
          entry.model = typeof fields.model === "string" ? fields.model : null;
        } catch {
          bodyError = invalidRequest("Could not parse multipart form");
        }
      } else {
        const text = await req.text();
        try {
          jsonBody = text ? JSON.parse(text) : undefined;
          entry.body = jsonBody ?? null;
          if (isObj(jsonBody) && typeof jsonBody.model === "string") entry.model = jsonBody.model;
        } catch {
          entry.body = text;
          bodyError = invalidRequest(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
          );
        }
      }
    }

    // Auth (before faults, as OpenAI authenticates before rate limiting).
    if (!key) {
      return finish(errorResponse(401, {
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        type: "invalid_request_error",
      }));
    }
    if (opts.apiKey !== undefined && key !== opts.apiKey) {
      return finish(errorResponse(401, {
        message: `Incorrect API key provided: ${
          maskKey(key)
        }. You can find your API key at https://platform.openai.com/account/api-keys.`,
        type: "invalid_request_error",
        code: "invalid_api_key",
      }));
    }
    entry.authorized = true;

    const route = req.method === "POST" && url.pathname === "/v1/chat/completions"
      ? "chat"
      : req.method === "POST" && url.pathname === "/v1/audio/transcriptions"
      ? "audio"
      : req.method === "GET" && /^\/v1\/models(\/[^/]+)?$/.test(url.pathname)
      ? "models"
      : null;
    if (!route) {
      return finish(errorResponse(404, {
        message: `Invalid URL (${req.method} ${url.pathname})`,
        type: "invalid_request_error",
      }));
    }
    if (bodyError) return finish(bodyError);

    const promptTokens = isObj(jsonBody) && Array.isArray(jsonBody.messages)
      ? tokensOf(promptChars(jsonBody.messages as ChatMessage[]))
      : 0;
    const fault = takeFault(url.pathname);
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === "timeout") {
      await sleep(2 ** 31 - 1, [req.signal, closing.signal]);
      entry.durationMs = Date.now() - startedAt;
      return new Response(null, { status: 504 }); // the client is gone; nobody reads this
    }
    if (fault?.kind === "slow") await sleep(fault.delayMs ?? 1000, [req.signal, closing.signal]);
    if (fault && fault.kind !== "slow" && !CONTENT_FAULTS.has(fault.kind)) {
      return finish(faultResponse(fault, entry.model, promptTokens));
    }
    const contentFault = fault && CONTENT_FAULTS.has(fault.kind) ? fault : null;
    const okHeaders = { ...rateLimitHeaders(800000 - promptTokens) };

    if (route === "models") {
      const ids = [
        "gpt-4o",
        "gpt-4o-2024-08-06",
        "gpt-4o-mini",
        "gpt-4.1",
        "gpt-4.1-mini",
        "whisper-1",
        "gpt-4o-transcribe",
        "gpt-4o-mini-transcribe",
      ];
      const model = (id: string) => ({
        id,
        object: "model",
        created: 1715367049,
        owned_by: "system",
      });
      const id = url.pathname.split("/")[3];
      if (id) {
        const decoded = decodeURIComponent(id);
        return finish(
          ids.includes(decoded) ? jsonResponse(model(decoded), okHeaders) : errorResponse(404, {
            message: `The model '${decoded}' does not exist or you do not have access to it.`,
            type: "invalid_request_error",
            param: null,
            code: "model_not_found",
          }),
        );
      }
      return finish(jsonResponse({ object: "list", data: ids.map(model) }, okHeaders));
    }

    if (route === "audio") {
      if (!form) {
        return finish(
          invalidRequest("Invalid Content-Type header (expected multipart/form-data)."),
        );
      }
      const r = await transcription(form, state, okHeaders);
      entry.scripted = r.scripted;
      return finish(r.response, r.json);
    }

    // chat
    if (!isObj(jsonBody)) return finish(invalidRequest("you must provide a model parameter"));
    const r = chatCompletion(jsonBody, contentFault, state);
    if (r instanceof Response) return finish(r);
    entry.scripted = r.scripted;
    if (r.stream) {
      const sse = (r.body as unknown[]).map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") +
        "data: [DONE]\n\n";
      return finish(
        new Response(sse, {
          headers: {
            ...okHeaders,
            "content-type": "text/event-stream; charset=utf-8",
            "cache-control": "no-cache",
          },
        }),
        r.body,
      );
    }
    return finish(jsonResponse(r.body, okHeaders), r.body);
  }

  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: opts.port,
    hostname,
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
  }, async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/_sandbox" || url.pathname.startsWith("/_sandbox/")) {
      return await control(req, url);
    }
    if (url.pathname.startsWith("/v1/") || url.pathname === "/v1") return await api(req, url);
    return errorResponse(404, {
      message: `Invalid URL (${req.method} ${url.pathname})`,
      type: "invalid_request_error",
    });
  });
  const { port } = await listening.promise;
  const host = hostname.includes(":")
    ? `[${hostname}]`
    : hostname === "0.0.0.0"
    ? "127.0.0.1"
    : hostname;
  const url = `http://${host}:${port}`;
  let closed: Promise<void> | null = null;

  return {
    url,
    baseURL: `${url}/v1`,
    port,
    requests,
    faults,
    scriptReply: (...replies) =>
      void state.replies.push(...replies.map((r) => ScriptedReplySchema.parse(r) as ScriptedReply)),
    scriptTranscription: (...items) =>
      void state.transcriptions.push(...items.map((t) => ScriptedTranscriptionSchema.parse(t))),
    reset,
    close() {
      closed ??= (async () => {
        closing.abort();
        await server.shutdown();
      })();
      return closed;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Script mode

if (import.meta.main) {
  const args = Deno.args;
  const arg = (name: string) => {
    const i = args.indexOf(`--${name}`);
    if (i >= 0) return args[i + 1];
    return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  };
  const port = Number(arg("port") ?? Deno.env.get("OPENAI_STANDIN_PORT") ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(
      "usage: deno run -A supabase/local/sandbox/openai.ts --port N [--api-key KEY] [--hostname H]",
    );
    Deno.exit(2);
  }
  const standIn = await startOpenAIStandIn({
    port,
    apiKey: arg("api-key") ?? Deno.env.get("OPENAI_STANDIN_API_KEY") ?? undefined,
    hostname: arg("hostname"),
  });
  console.log(
    `OpenAI stand-in listening: OPENAI_BASE_URL=${standIn.baseURL} (control API ${standIn.url}/_sandbox)`,
  );
  const stop = () => {
    standIn.close().then(() => Deno.exit(0));
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}

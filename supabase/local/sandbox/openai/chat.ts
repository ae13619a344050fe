// POST /v1/chat/completions: Structured Outputs (json_schema, strict), json_object, text, n,
// max_completion_tokens, stream; scripted replies and content faults.
import { invalidRequest } from "./errors.ts";
import { fillSchema, strictSchemaProblem, violate } from "./schema.ts";
import { analyzeTranscript } from "./transcript.ts";
import {
  CONTENT_FAULTS,
  type Fault,
  fnv1a,
  hex,
  isObj,
  type Obj,
  randomId,
  type ScriptedReply,
  type ScriptedTranscription,
  tokensOf,
} from "./types.ts";

export type ChatMessage = { role?: unknown; content?: unknown; name?: unknown };

export function messageText(m: ChatMessage): string {
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

export function promptChars(messages: ChatMessage[]): number {
  return messages.reduce(
    (n, m) => n + messageText(m).length + (typeof m.name === "string" ? m.name.length : 0),
    0,
  );
}

export interface ChatResult {
  content: string | null;
  refusal: string | null;
  finish_reason: "stop" | "length" | "content_filter" | "tool_calls";
  scripted: boolean;
  usageOverride?: ScriptedReply["usage"];
}

export function defaultRefusal(): string {
  return "I'm sorry, but I can't assist with that request.";
}

export interface State {
  replies: ScriptedReply[];
  transcriptions: ScriptedTranscription[];
  /** Recent prompts per model, for prompt caching (cached_tokens). */
  prompts?: Map<string, string[]>;
}

// Prompt caching as OpenAI does it: prompts of 1,024 tokens or more whose
// beginning matches a recent prompt to the same model get that prefix from
// the cache, in 128-token steps from 1,024 on (usage.prompt_tokens_details.cached_tokens).
const CACHE_MIN_TOKENS = 1024;
const CACHE_STEP_TOKENS = 128;
const CACHE_PROMPTS_PER_MODEL = 32;

export function cachedTokens(state: State, model: string, messages: ChatMessage[], promptTokens: number): number {
  const text = messages.map((m) => `${String(m.role)}\n${messageText(m)}\n`).join("");
  state.prompts ??= new Map();
  const seen = state.prompts.get(model) ?? [];
  let common = 0;
  for (const p of seen) {
    let i = 0;
    const n = Math.min(p.length, text.length);
    while (i < n && p.charCodeAt(i) === text.charCodeAt(i)) i++;
    common = Math.max(common, i);
  }
  state.prompts.set(model, [text, ...seen.filter((p) => p !== text)].slice(0, CACHE_PROMPTS_PER_MODEL));
  if (promptTokens < CACHE_MIN_TOKENS) return 0;
  const tokens = Math.min(promptTokens, Math.floor(common / 4));
  return tokens < CACHE_MIN_TOKENS ? 0 : Math.floor(tokens / CACHE_STEP_TOKENS) * CACHE_STEP_TOKENS;
}

export function chatCompletion(body: Obj, fault: Fault | null, state: State): Response | {
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
    // The first scripted reply meant for this request (no `match`, or its text is in it).
    const i = state.replies.findIndex((r) => !r.match || userText.includes(r.match));
    const scripted = i >= 0 ? state.replies.splice(i, 1)[0] : undefined;
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
    prompt_tokens_details: {
      cached_tokens: result.usageOverride ? 0 : cachedTokens(state, model, messages, prompt_tokens),
      audio_tokens: 0,
    },
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

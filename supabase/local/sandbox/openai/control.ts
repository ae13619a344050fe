// The OpenAI stand-in's control API (see CONTROL_HELP).
import { z } from "zod";
import { type State } from "./chat.ts";
import { jsonResponse } from "./errors.ts";
import {
  type Fault,
  FAULT_KINDS,
  type FaultKind,
  type FaultRegistry,
  type FaultSpec,
  isObj,
  type RecordedRequest,
  type ScriptedReply,
} from "./types.ts";

export interface ControlCtx {
  state: State;
  requests: RecordedRequest[];
  faults: FaultRegistry;
  reset(): void;
}

export const FaultSpecSchema = z.object({
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
  match: z.string().min(1).optional(),
}).strict();
export const ScriptedReplySchema = z.object({
  match: z.string().min(1).optional(),
  content: z.unknown().optional(),
  refusal: z.string().optional(),
  finish_reason: z.enum(["stop", "length", "content_filter", "tool_calls"]).optional(),
  usage: z.object({
    prompt_tokens: z.number().int().optional(),
    completion_tokens: z.number().int().optional(),
  }).optional(),
}).strict();
export const ScriptedTranscriptionSchema = z.object({
  text: z.string().optional(),
  segments: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })).optional(),
  language: z.string().optional(),
  duration: z.number().positive().optional(),
}).strict();

export const CONTROL_HELP = {
  "GET /_sandbox/health": "→ { ok: true }",
  "POST /_sandbox/reset":
    "clear faults, scripted replies/transcriptions and the request log → { ok: true }",
  "GET /_sandbox/requests?path=/v1/chat/completions&contains=TEXT&limit=N":
    "→ { requests: RecordedRequest[] } (oldest first; contains: only bodies with TEXT)",
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

export const serialiseFault = (f: Fault) => ({
  ...f,
  remaining: Number.isFinite(f.remaining) ? f.remaining : null,
});

export async function openaiControl(ctx: ControlCtx, req: Request, url: URL): Promise<Response> {
  const { state, requests, faults, reset } = ctx;
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
      const contains = url.searchParams.get("contains");
      let list = only ? requests.filter((r) => r.path === only) : requests;
      if (contains) list = list.filter((r) => JSON.stringify(r.body ?? "").includes(contains));
      if (limit > 0) list = list.slice(-limit);
      return jsonResponse({ requests: list });
    }
    if (path === "/_sandbox/faults" || path.startsWith("/_sandbox/faults/")) {
      if (req.method === "GET") return jsonResponse({ faults: faults.list().map(serialiseFault) });
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
    // Scripted answers, used up in order: GET lists them, DELETE clears them,
    // POST appends one (or `{ <key>: [...] }`), each validated first.
    const queue = async <T>(key: string, list: T[], parse: (v: unknown) => T) => {
      if (req.method === "GET") return jsonResponse({ [key]: list });
      if (req.method === "DELETE") {
        list.length = 0;
        return jsonResponse({ ok: true });
      }
      if (req.method !== "POST") return null;
      const body = await readJson();
      const items = isObj(body) && Array.isArray(body[key]) ? body[key] : [body];
      list.push(...items.map(parse));
      return jsonResponse({ pending: list.length }, {}, 201);
    };
    const queued = path === "/_sandbox/chat/replies"
      ? await queue("replies", state.replies, (r) => ScriptedReplySchema.parse(r) as ScriptedReply)
      : path === "/_sandbox/audio/transcriptions"
      ? await queue("transcriptions", state.transcriptions, (r) => ScriptedTranscriptionSchema.parse(r))
      : null;
    if (queued) return queued;
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

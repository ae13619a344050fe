// HTTP helpers shared by every Edge Function: one error shape
// `{ error: { code, message } }`, JSON responses, CORS for the SPA, and the
// one way a request body is read (bounded, then parsed and validated by zod).
import type { z } from "zod";

export const corsHeaders: Record<string, string> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type, range",
  "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
  "Access-Control-Expose-Headers": "content-range, accept-ranges, content-length",
};

export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  for (const [k, v] of Object.entries(corsHeaders)) headers.set(k, v);
  return new Response(JSON.stringify(body), { ...init, headers });
}

export function jsonError(
  status: number,
  code: string,
  message: string,
  details?: unknown,
): Response {
  return json({ error: details === undefined ? { code, message } : { code, message, details } }, {
    status,
  });
}

/** Answers CORS preflight requests; null for every other request. */
export function handleCors(req: Request): Response | null {
  return req.method === "OPTIONS" ? new Response("ok", { headers: corsHeaders }) : null;
}

/** Reads at most `limit` bytes of the body; null when it is larger. */
export async function readBounded(req: Request, limit: number): Promise<string | null> {
  const bytes = await readBoundedBytes(req, limit);
  return bytes === null ? null : new TextDecoder().decode(bytes);
}

/** The body's bytes when it has at most `limit` of them; null when it is larger. */
export async function readBoundedBytes(req: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) return null;
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.byteLength;
  }
  return all;
}

/** The fields of an application/x-www-form-urlencoded body (the last of a repeated name wins). */
export function formFields(text: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(text));
}

/** The largest body a user-facing function reads unless it says otherwise. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface ReadBodyOptions {
  /** `json` (default) or `form` (application/x-www-form-urlencoded, as providers post). */
  as?: "json" | "form";
  /** Upper bound in bytes; larger bodies are refused with 413. */
  maxBytes?: number;
  /** An empty body counts as `{}` (e.g. a wake-up without options). */
  emptyAsObject?: boolean;
}

/**
 * The request body validated by `schema`, or the response refusing it:
 * 405 method_not_allowed (not POST), 413 payload_too_large, 400 invalid_json,
 * 400 invalid_body (with zod's issues as details).
 */
export async function readBody<S extends z.ZodType>(
  req: Request,
  schema: S,
  opts: ReadBodyOptions = {},
): Promise<z.infer<S> | Response> {
  if (req.method !== "POST") return jsonError(405, "method_not_allowed", "Use POST");
  const text = await readBounded(req, opts.maxBytes ?? MAX_BODY_BYTES);
  if (text === null) return jsonError(413, "payload_too_large", "The request body is too large");
  let raw: unknown;
  if (opts.as === "form") {
    raw = formFields(text);
  } else if (opts.emptyAsObject && !text.trim()) {
    raw = {};
  } else {
    try {
      raw = JSON.parse(text);
    } catch {
      return jsonError(400, "invalid_json", "The request body is not valid JSON");
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return jsonError(400, "invalid_body", "Invalid request", parsed.error.issues);
  }
  return parsed.data;
}

// Structured logs: one JSON line per event — time, level, msg, request_id,
// function, org_id, duration_ms (when timed) and the event's own fields.
// The request context (its id, the function, the organization once known)
// travels with the async call chain, so every log line and every database
// call made while serving a request or running a job carries the same id.
import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestContext {
  request_id: string;
  function: string;
  org_id?: string | null;
  /** Error lines sent to error tracking while serving it (observe.ts waits for their delivery). */
  tracked?: number;
}

const store = new AsyncLocalStorage<RequestContext>();

/** Request ids we accept from upstream (the gateway, a provider): bounded and log-safe. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

const headerId = (req: Request, names: string[]) => {
  for (const h of names) {
    const v = req.headers.get(h);
    if (v && REQUEST_ID.test(v)) return v;
  }
  return null;
};

/**
 * The id a request carries in its headers: the gateway's (or the caller's) `x-request-id`, else
 * the provider's delivery id (Twilio's `I-Twilio-Idempotency-Token`); null without one.
 */
export const headerRequestId = (req: Request): string | null =>
  headerId(req, ["x-request-id", "i-twilio-idempotency-token"]);

/**
 * Supabase's own per-request `sb-request-id`, where the platform sets one: it ranks below the
 * delivery ids (header or body), which stay the same on every retry of a delivery.
 */
export const platformRequestId = (req: Request): string | null => headerId(req, ["sb-request-id"]);

/** The request's id from its headers (headerRequestId, then platformRequestId), else a new one. */
export function requestIdOf(req: Request): string {
  return headerRequestId(req) ?? platformRequestId(req) ?? crypto.randomUUID();
}

/**
 * Webhooks whose delivery id is in the body, not a header: a Stripe event's
 * `id` (evt_…, the same on every retry of that event), Mailgun's `token` (a
 * forwarded message's form field, an event's `signature.token`). The body is
 * not verified yet: the id only names log lines, and is bounded like any other.
 */
export const DELIVERY_ID_IN_BODY = new Set(["stripe-webhook", "mailgun-inbound"]);

/** Whether `fn`'s delivery id is read from this request's body: a POST of a stated size ≤ 1 MiB. */
export const deliveryIdReadable = (fn: string | null, req: Request): boolean =>
  fn !== null && DELIVERY_ID_IN_BODY.has(fn) && req.method === "POST" &&
  Number(req.headers.get("content-length") ?? NaN) <= 1_048_576;

export async function deliveryIdInBody(fn: string, contentType: string, body: Uint8Array<ArrayBuffer>): Promise<string | null> {
  if (!DELIVERY_ID_IN_BODY.has(fn)) return null;
  let id: unknown = null;
  try {
    if (/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(contentType)) {
      id = (await new Response(body, { headers: { "content-type": contentType } }).formData()).get("token");
    } else {
      const o = JSON.parse(new TextDecoder().decode(body)) as Record<string, any> | null;
      id = fn === "stripe-webhook" ? o?.id : o?.signature?.token;
    }
  } catch {
    return null;
  }
  if (typeof id !== "string" || !REQUEST_ID.test(id)) return null;
  return fn === "stripe-webhook" && !id.startsWith("evt_") ? null : id;
}

export function isRequestId(v: unknown): v is string {
  return typeof v === "string" && REQUEST_ID.test(v);
}

/** Runs `fn` with `ctx` as the current request context. */
export function withContext<T>(ctx: RequestContext, fn: () => T): T {
  return store.run({ ...ctx }, fn);
}

export function currentContext(): RequestContext | undefined {
  return store.getStore();
}

export function currentRequestId(): string | null {
  return store.getStore()?.request_id ?? null;
}

/** Names the organization the current request turned out to concern. */
export function setOrgId(orgId: string | null | undefined): void {
  const ctx = store.getStore();
  if (ctx && orgId) ctx.org_id = orgId;
}

export type Level = "debug" | "info" | "warn" | "error";

/** An error as one line for a log field: its name and message, never its stack. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (typeof err === "object" && err !== null && "message" in err) return String((err as { message: unknown }).message);
  return String(err);
}

type ErrorSink = (msg: string, fields: Record<string, unknown>, ctx: RequestContext | undefined) => void;
let errorSink: ErrorSink | null = null;

/**
 * Where error lines go besides the log (error tracking: observe.ts sends them
 * to Sentry when SENTRY_DSN is set). A line with a `sentry_event` field was
 * reported already.
 */
export function onErrorLine(sink: ErrorSink | null): void {
  errorSink = sink;
}

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}, opts: { track?: boolean } = {}): void {
  const ctx = store.getStore();
  if (level === "error" && errorSink && opts.track !== false && !("sentry_event" in fields)) {
    try {
      errorSink(msg, fields, ctx);
    } catch { /* error tracking never breaks the caller */ }
  }
  const line = JSON.stringify({
    time: new Date().toISOString(),
    level,
    msg,
    request_id: ctx?.request_id ?? null,
    function: ctx?.function ?? null,
    org_id: ctx?.org_id ?? null,
    ...fields,
  });
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

/** `fetch` that sends the current request id along (PostgREST exposes it to SQL as request.headers). */
export const fetchWithRequestId: typeof fetch = (input, init) => {
  const id = currentRequestId();
  if (!id) return fetch(input, init);
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  headers.set("x-request-id", id);
  return fetch(input, { ...init, headers });
};

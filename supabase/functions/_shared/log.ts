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
}

const store = new AsyncLocalStorage<RequestContext>();

/** Request ids we accept from upstream (the gateway, a provider): bounded and log-safe. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The id of a request: the gateway's `x-request-id` (Supabase's own
 * `sb-request-id` where it sets one), else the provider's delivery id
 * (Twilio's `I-Twilio-Idempotency-Token`), else a new one.
 */
export function requestIdOf(req: Request): string {
  for (const h of ["x-request-id", "sb-request-id", "i-twilio-idempotency-token"]) {
    const v = req.headers.get(h);
    if (v && REQUEST_ID.test(v)) return v;
  }
  return crypto.randomUUID();
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

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  const ctx = store.getStore();
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

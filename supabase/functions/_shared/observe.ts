// What every function is served through (index.ts, and the local functions
// server): a request id for the request (answered as `x-request-id`), one
// JSON log line per request with its status and duration, and — when
// SENTRY_DSN is set — errors reported to Sentry with the official Deno SDK.
// A handler that throws is answered with the one error shape, never a stack.
import * as Sentry from "@sentry/deno";
import { z } from "zod";
import { jsonError } from "./http.ts";
import {
  currentContext,
  deliveryIdInBody,
  deliveryIdReadable,
  errorText,
  headerRequestId,
  log,
  onErrorLine,
  platformRequestId,
  type RequestContext,
  withContext,
} from "./log.ts";

type Handler = (req: Request) => Response | Promise<Response>;

let sentryReady: boolean | undefined;
let sentryDsn: string | undefined;

/** Sentry, set up once per isolate (and DSN) when SENTRY_DSN is set; false without it. */
export function sentryEnabled(): boolean {
  const raw = Deno.env.get("SENTRY_DSN") || undefined;
  if (sentryReady !== undefined && raw === sentryDsn) return sentryReady;
  sentryDsn = raw;
  const dsn = z.url().optional().safeParse(raw);
  if (!dsn.success) {
    log("error", "SENTRY_DSN is not a URL: error tracking is off");
    return (sentryReady = false);
  }
  if (!dsn.data) {
    onErrorLine(null);
    return (sentryReady = false);
  }
  Sentry.init({
    dsn: dsn.data,
    environment: Deno.env.get("SENTRY_ENVIRONMENT") || "development",
    release: Deno.env.get("SENTRY_RELEASE") || undefined,
    tracesSampleRate: 0,
    // Requests are wrapped here; the SDK's own Deno.serve and global handlers are not needed.
    defaultIntegrations: false,
    integrations: [Sentry.dedupeIntegration(), Sentry.linkedErrorsIntegration()],
  });
  // A handled failure logged as an error (Twilio refusing, a dead job) is
  // reported too, as a message with the log line's fields.
  onErrorLine((msg, fields, ctx) => {
    Sentry.withScope((scope) => {
      tagScope(scope, ctx);
      scope.setExtras(fields);
      Sentry.captureMessage(msg, "error");
    });
    if (ctx) ctx.tracked = (ctx.tracked ?? 0) + 1;
  });
  return (sentryReady = true);
}

function tagScope(scope: Sentry.Scope, ctx: RequestContext | undefined) {
  if (!ctx) return;
  scope.setTag("function", ctx.function);
  scope.setTag("request_id", ctx.request_id);
  if (ctx.org_id) scope.setTag("org_id", ctx.org_id);
}

/** Reports `err` (with the request's id, function and organization), waits briefly for delivery; the event's id, or null. */
export async function reportError(err: unknown, extra: Record<string, unknown> = {}): Promise<string | null> {
  if (!sentryEnabled()) return null;
  const ctx = currentContext();
  let id: string | null = null;
  Sentry.withScope((scope) => {
    tagScope(scope, ctx);
    scope.setExtras(extra);
    id = Sentry.captureException(err);
  });
  await Sentry.flush(2000);
  return id;
}

/** `handler` served with a request id, a log line per request and error reporting. */
export function observed(name: string, handler: Handler): Handler {
  return async (req) => {
    // Without a header id, a webhook's delivery id in its (small) body (a Stripe event's id,
    // Mailgun's token); then the platform's per-request id.
    const requestId = headerRequestId(req) ??
      (deliveryIdReadable(name, req)
        ? await deliveryIdInBody(name, req.headers.get("content-type") ?? "", new Uint8Array(await req.clone().arrayBuffer()))
        : null) ??
      platformRequestId(req) ??
      crypto.randomUUID();
    const tracking = sentryEnabled();
    return await withContext({ request_id: requestId, function: name }, async () => {
      const t0 = performance.now();
      let res: Response;
      try {
        res = await handler(req);
      } catch (err) {
        const event = await reportError(err);
        log("error", "function threw", { error: errorText(err), ...(event ? { sentry_event: event } : {}) });
        res = jsonError(500, "internal_error", "The function failed unexpectedly");
      }
      const headers = new Headers(res.headers);
      headers.set("x-request-id", requestId);
      const out = new Response(res.body, { status: res.status, statusText: res.statusText, headers });
      // The request line itself is not reported: what went wrong was, when it was logged.
      log(res.status >= 500 ? "error" : "info", "request", {
        method: req.method,
        path: new URL(req.url).pathname,
        status: res.status,
        duration_ms: Math.round(performance.now() - t0),
      }, { track: false });
      if (tracking && currentContext()?.tracked) await Sentry.flush(2000);
      return out;
    });
  };
}

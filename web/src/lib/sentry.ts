// Error tracking for the SPA: Sentry's React SDK, on only when VITE_SENTRY_DSN
// is set. Unhandled errors and rejections are reported by the SDK's global
// handlers; error boundaries report what they catch through reportError().
import * as Sentry from "@sentry/react";

let enabled = false;

/** Starts Sentry when `dsn` is set; returns whether it is on. */
export function initSentry(dsn: string | undefined, opts: { environment?: string; release?: string } = {}): boolean {
  if (!dsn) return false;
  Sentry.init({
    dsn,
    environment: opts.environment ?? "development",
    release: opts.release,
    tracesSampleRate: 0,
    // No session replay or user feedback: error events only.
    integrations: (defaults) => defaults.filter((i) => !/Replay|Feedback|BrowserTracing/.test(i.name)),
  });
  enabled = true;
  return true;
}

/** Reports an error caught by an error boundary (no-op without a DSN). */
export function reportError(error: unknown, context: Record<string, string> = {}): void {
  if (enabled) Sentry.captureException(error, { tags: context });
}

/** Waits for queued events to be sent (tests, page unload). */
export function flushSentry(timeoutMs = 2000): Promise<boolean> {
  return enabled ? Sentry.flush(timeoutMs) : Promise.resolve(true);
}

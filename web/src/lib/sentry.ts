// Error tracking for the SPA: Sentry's React SDK, on only when VITE_SENTRY_DSN
// is set. The SDK is loaded on demand (its own chunk), so without a DSN the
// first screen carries none of it. Unhandled errors and rejections are
// reported by the SDK's global handlers; error boundaries report what they
// catch through reportError().
type SentryModule = typeof import("@sentry/react");

let sentry: SentryModule | null = null;

/** Starts Sentry when `dsn` is set; resolves to whether it is on. */
export async function initSentry(dsn: string | undefined, opts: { environment?: string; release?: string } = {}): Promise<boolean> {
  if (!dsn) return false;
  const Sentry = await import("@sentry/react");
  Sentry.init({
    dsn,
    environment: opts.environment ?? "development",
    release: opts.release,
    tracesSampleRate: 0,
    // No session replay or user feedback: error events only.
    integrations: (defaults) => defaults.filter((i) => !/Replay|Feedback|BrowserTracing/.test(i.name)),
  });
  sentry = Sentry;
  return true;
}

/** Reports an error caught by an error boundary (no-op without a DSN). */
export function reportError(error: unknown, context: Record<string, string> = {}): void {
  sentry?.captureException(error, { tags: context });
}

/** Waits for queued events to be sent (tests, page unload). */
export function flushSentry(timeoutMs = 2000): Promise<boolean> {
  return sentry ? sentry.flush(timeoutMs) : Promise.resolve(true);
}

// Twilio provider: the official `twilio` SDK, configured once for every
// function that talks to Twilio (numbers, calls, recordings, Voice
// Intelligence transcripts).
//
// In production the SDK calls https://api.twilio.com and
// https://intelligence.twilio.com as usual. With a base URL
// (TWILIO_API_BASE_URL: the local stand-in, supabase/local/sandbox/twilio.ts)
// every request the SDK would send to a *.twilio.com host goes to that base URL
// instead, path and query unchanged. The SDK has no base-URL option; its
// supported extension point is a custom `httpClient`, so we hand it a
// RequestClient subclass that rewrites the URI and otherwise behaves exactly
// like the SDK's own client (auth, timeouts, 429 auto-retry, errors).
import twilio from "twilio";

export type TwilioClient = twilio.Twilio;

export interface TwilioEnv {
  accountSid: string;
  authToken: string;
  /** Send every *.twilio.com request here instead (the local stand-in). */
  baseUrl?: string;
  /** Per-request timeout in milliseconds (the SDK's default is 30 000). */
  timeoutMs?: number;
  /** Retry 429 responses with exponential backoff and jitter (SDK option, off by default). */
  autoRetry?: boolean;
  /** Retries for `autoRetry` (SDK default 3). */
  maxRetries?: number;
}

type RequestClientOptions = NonNullable<ConstructorParameters<typeof twilio.RequestClient>[0]>;
type RequestOptions<T> = Omit<Parameters<twilio.RequestClient["request"]>[0], "data"> & {
  data?: T;
};

// https://<product>[.<edge>][.<region>].twilio.com, with an optional :443.
const TWILIO_ORIGIN = /^https:\/\/(?:[a-z0-9-]+\.)+twilio\.com(?::443)?(?=[/?#]|$)/i;

/**
 * The URL to use for a Twilio URL: itself without a base URL, otherwise the
 * same path and query under the base URL. Functions that download recording
 * media with `fetch` use this too, so they follow the same setting as the SDK.
 */
export function rewriteTwilioUrl(url: string, baseUrl?: string): string {
  if (!baseUrl) return url;
  return url.replace(TWILIO_ORIGIN, baseUrl.replace(/\/+$/, ""));
}

/** The SDK's RequestClient, sending *.twilio.com requests to a base URL. */
export class BaseUrlRequestClient extends twilio.RequestClient {
  readonly baseUrl: string;

  constructor(baseUrl: string, opts: RequestClientOptions = {}) {
    const u = new URL(baseUrl);
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      throw new Error(`Twilio base URL must be http(s): ${baseUrl}`);
    }
    super(opts);
    this.baseUrl = baseUrl;
  }

  override request<TData>(opts: RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: rewriteTwilioUrl(opts.uri, this.baseUrl) });
  }
}

/** A Twilio REST client for these credentials, pointed at `baseUrl` when given. */
export function twilioClient(env: TwilioEnv): TwilioClient {
  const opts = { timeout: env.timeoutMs, autoRetry: env.autoRetry, maxRetries: env.maxRetries };
  if (!env.baseUrl) return twilio(env.accountSid, env.authToken, opts);
  return twilio(env.accountSid, env.authToken, {
    httpClient: new BaseUrlRequestClient(env.baseUrl, opts),
  });
}

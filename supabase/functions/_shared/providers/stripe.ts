// Stripe provider (product code): the one place that builds the official `stripe` SDK client
// and verifies Stripe webhooks.
//
// Edge Functions read STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET / STRIPE_API_BASE_URL once (in
// _shared/env.ts) and call `stripeClient({ secretKey, baseUrl })` and `verifyStripeWebhook(...)`.
// In production STRIPE_API_BASE_URL is unset and the SDK talks to https://api.stripe.com; locally
// and in tests it is the Stripe stand-in's origin (supabase/local/sandbox/stripe.ts), e.g.
// http://127.0.0.1:54360.
//
// Deno: `npm:stripe` resolves to the SDK's worker build (its package exports a "deno"
// condition), whose default HTTP client is fetch and whose only crypto provider is SubtleCrypto.
// We still pass `Stripe.createFetchHttpClient()` and `Stripe.createSubtleCryptoProvider()`
// explicitly so the configuration does not depend on which build a resolver picks. SubtleCrypto
// is async-only: use `constructEventAsync` (the sync `constructEvent` throws with it).
//
// Base URL: the SDK has no base-URL option; it builds `${protocol}://${host}:${port}/v1/...`
// from its documented `host`, `port` and `protocol` settings (which also cover the files,
// connect and meter-events hosts), so a base URL maps onto those three. The SDK always
// requests paths from `/v1` (or `/v2`), so the base URL must be an origin; a trailing `/v1` is
// tolerated and dropped.
//
// Retries: the SDK retries connection errors, 409s and 5xx (and whatever a response marks
// `Stripe-Should-Retry: true`) with backoff, reusing the request's Idempotency-Key (it sends
// one with every POST), so a retry never performs an action twice. It does not retry 429s.
import Stripe from "stripe";

export { Stripe };
export type StripeEvent = Stripe.Event;

export const STRIPE_DEFAULT_TIMEOUT_MS = 20_000;
/** The SDK's own default: retries are safe thanks to its idempotency keys. */
export const STRIPE_DEFAULT_MAX_NETWORK_RETRIES = 2;
/** Seconds a webhook's signed timestamp may be old (the SDK's default, Stripe's advice). */
export const STRIPE_WEBHOOK_TOLERANCE_S = 300;

export interface StripeEnv {
  /** STRIPE_SECRET_KEY (sk_test_… locally). */
  secretKey: string;
  /** STRIPE_API_BASE_URL: an origin such as http://127.0.0.1:54360; absent → api.stripe.com. */
  baseUrl?: string;
  /** Per-request timeout in ms (the SDK's default is 80 s, too long for an Edge Function). */
  timeoutMs?: number;
  /** Retries of connection errors, 409 and 5xx (SDK default 2); 0 when a job queue retries. */
  maxNetworkRetries?: number;
}

/** The SDK's host/port/protocol settings for a base URL. */
export function stripeHostConfig(
  baseUrl: string,
): { host: string; port: number; protocol: "http" | "https" } {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    throw new Error(`STRIPE_API_BASE_URL is not a URL: ${baseUrl}`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new Error(`STRIPE_API_BASE_URL must be http(s): ${baseUrl}`);
  }
  const path = u.pathname.replace(/\/+$/, "");
  if ((path !== "" && path !== "/v1") || u.search || u.hash || u.username || u.password) {
    throw new Error(
      `STRIPE_API_BASE_URL must be an origin like http://127.0.0.1:54360 (the SDK always requests /v1/...): ${baseUrl}`,
    );
  }
  const protocol = u.protocol === "https:" ? "https" : "http";
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : protocol === "https" ? 443 : 80,
    protocol,
  };
}

/** The real SDK client for this key, pointed at `baseUrl` (or api.stripe.com). */
export function stripeClient(env: StripeEnv): Stripe {
  if (!env.secretKey) throw new Error("stripeClient: secretKey (STRIPE_SECRET_KEY) is required");
  return new Stripe(env.secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    timeout: env.timeoutMs ?? STRIPE_DEFAULT_TIMEOUT_MS,
    maxNetworkRetries: env.maxNetworkRetries ?? STRIPE_DEFAULT_MAX_NETWORK_RETRIES,
    ...(env.baseUrl ? stripeHostConfig(env.baseUrl) : {}),
  });
}

const cryptoProvider = Stripe.createSubtleCryptoProvider();

/**
 * The event in a Stripe webhook, after checking its `Stripe-Signature` header (HMAC-SHA256 of
 * `${t}.${rawBody}` with the endpoint's `whsec_…` secret, timestamp within tolerance) on the
 * raw body exactly as received. Throws `Stripe.errors.StripeSignatureVerificationError` when the
 * header is missing or does not match; answer that with 400 and write nothing.
 */
export async function verifyStripeWebhook(
  rawBody: string,
  signature: string | null,
  secret: string,
  toleranceSeconds = STRIPE_WEBHOOK_TOLERANCE_S,
  now = () => Date.now(),
): Promise<Stripe.Event> {
  const event = await Stripe.webhooks.constructEventAsync(
    rawBody,
    signature ?? "",
    secret,
    toleranceSeconds,
    cryptoProvider,
  );
  // The SDK bounds only how old the signed timestamp may be; one from the
  // future (beyond clock skew) is refused too, so a captured signature can't be
  // pre-dated to outlive the tolerance.
  const t = Number(/(?:^|,)t=(\d+)/.exec(signature ?? "")?.[1]);
  if (!Number.isFinite(t) || t > now() / 1000 + STRIPE_WEBHOOK_FUTURE_SKEW_S) {
    throw new Stripe.errors.StripeSignatureVerificationError(signature ?? "", rawBody, { message: "Timestamp is in the future" });
  }
  return event;
}

/** Seconds a webhook's signed timestamp may lie in the future (clock skew). */
export const STRIPE_WEBHOOK_FUTURE_SKEW_S = 300;

// stripe-webhook: verifies Stripe-Signature on the raw body with the SDK
// (async SubtleCrypto provider) before anything else, then applies the event
// once, in one service-only RPC (ledger, duplicates, stale events).
import { stripeEnv } from "../_shared/env.ts";
import { json, jsonError, readBounded } from "../_shared/http.ts";
import { stripeClient, verifyStripeWebhook } from "../_shared/providers/stripe.ts";
import { backendSql } from "../_shared/sql.ts";

const MAX_BYTES = 512 * 1024;

export async function handler(req: Request): Promise<Response> {
  if (req.method !== "POST") return jsonError(405, "method_not_allowed", "Use POST");
  const raw = await readBounded(req, MAX_BYTES);
  if (raw === null) return jsonError(413, "payload_too_large", "Payload too large");
  let event;
  try {
    event = await verifyStripeWebhook(raw, req.headers.get("stripe-signature"), stripeEnv().STRIPE_WEBHOOK_SECRET);
  } catch {
    console.warn("stripe-webhook: refused a request with a missing or invalid Stripe-Signature");
    return jsonError(400, "invalid_signature", "Invalid Stripe-Signature");
  }
  try {
    const payload = JSON.parse(raw);
    if (event.type.startsWith("customer.subscription.") && event.type !== "customer.subscription.deleted") {
      // Events can arrive late and out of order (and share a `created`
      // second): apply the subscription as Stripe has it now, as Stripe
      // recommends, so every delivery converges on the latest state.
      const env = stripeEnv();
      const latest = await stripeClient({ secretKey: env.STRIPE_SECRET_KEY, baseUrl: env.STRIPE_API_BASE_URL })
        .subscriptions.retrieve((event.data.object as { id: string }).id);
      payload.data.object = latest;
    }
    const sql = backendSql();
    const [{ outcome }] = await sql<{ outcome: string }[]>`
      select public.apply_stripe_event(${sql.json(payload)}) as outcome`;
    return json({ received: true, id: event.id, outcome });
  } catch (err) {
    // 500: Stripe retries the delivery; the ledger row was rolled back with it.
    console.error("stripe-webhook: applying", event.id, "failed", err);
    return jsonError(500, "internal_error", "Could not apply the event");
  }
}

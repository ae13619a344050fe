// stripe-webhook: verifies Stripe-Signature on the raw body with the SDK
// (async SubtleCrypto provider) before anything else, then applies the event
// once, in one service-only RPC (ledger, duplicates, stale events).
import type postgres from "postgres";
import type Stripe from "stripe";
import { z } from "zod";
import { stripeConfig, stripeEnv } from "../_shared/env.ts";
import { json, jsonError, readBounded } from "../_shared/http.ts";
import { stripeClient, verifyStripeWebhook } from "../_shared/providers/stripe.ts";
import { backendSql } from "../_shared/sql.ts";
import { log } from "../_shared/log.ts";

const MAX_BYTES = 512 * 1024;

/**
 * What apply_stripe_event needs of an event. A validly signed event without it
 * can never be applied: it is acknowledged (so Stripe stops retrying), recorded
 * as refused, and changes nothing else.
 */
const Applicable = z.object({
  id: z.string().regex(/^evt_[A-Za-z0-9_]{1,250}$/),
  type: z.string().min(1).max(200),
  created: z.number().int().positive(),
  data: z.object({ object: z.object({ id: z.string().min(1).max(255) }).passthrough() }),
}).passthrough();

export interface Deps {
  /** The endpoint's signing secret (whsec_…). */
  webhookSecret(): string;
  /** Created on use: reads the subscription as Stripe has it now. */
  stripe(): Stripe;
  /** The backend's direct connection (apply_stripe_event is service-only). */
  sql(): postgres.Sql;
}

export function makeHandler(deps: Deps): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method !== "POST") return jsonError(405, "method_not_allowed", "Use POST");
    const raw = await readBounded(req, MAX_BYTES);
    if (raw === null) return jsonError(413, "payload_too_large", "Payload too large");
    let event;
    try {
      event = await verifyStripeWebhook(raw, req.headers.get("stripe-signature"), deps.webhookSecret());
    } catch {
      log("warn", "refused a request with a missing or invalid Stripe-Signature");
      return jsonError(400, "invalid_signature", "Invalid Stripe-Signature");
    }
    const payload = JSON.parse(raw);
    const shape = Applicable.safeParse(payload);
    if (!shape.success) {
      const reason = shape.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ").slice(0, 500);
      try {
        const sql = deps.sql();
        await sql`select public.record_refused_stripe_event(${sql.json(payload)}, ${reason})`;
      } catch (err) {
        log("error", "recording a refused event failed", { event_id: event.id, error: (err as Error)?.message });
        return jsonError(500, "internal_error", "Could not record the event");
      }
      log("warn", "refused a signed but malformed event", { event_id: event.id, reason });
      return json({ received: true, outcome: "refused", reason });
    }
    try {
      if (event.type.startsWith("customer.subscription.") && event.type !== "customer.subscription.deleted") {
        // Events can arrive late and out of order (and share a `created`
        // second): apply the subscription as Stripe has it now, as Stripe
        // recommends, so every delivery converges on the latest state.
        payload.data.object = await deps.stripe().subscriptions.retrieve((event.data.object as { id: string }).id);
      }
      const sql = deps.sql();
      const [{ outcome }] = await sql<{ outcome: string }[]>`
        select public.apply_stripe_event(${sql.json(payload)}) as outcome`;
      log("info", "stripe event", { event_id: event.id, type: event.type, outcome });
      return json({ received: true, id: event.id, outcome });
    } catch (err) {
      // 500: Stripe retries the delivery; the ledger row was rolled back with it.
      log("error", "applying the event failed", { event_id: event.id, type: event.type, error: (err as Error)?.message });
      return jsonError(500, "internal_error", "Could not apply the event");
    }
  };
}

export function realDeps(): Deps {
  return {
    webhookSecret: () => stripeEnv().STRIPE_WEBHOOK_SECRET,
    stripe: () => stripeClient(stripeConfig()),
    sql: backendSql,
  };
}

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());

// stripe-checkout: an owner/admin picks a plan and seat count; we create or
// reuse the organization's Stripe customer and answer the Checkout Session URL.
import { z } from "zod";
import {
  type BillingDeps,
  billingDeps,
  customerFor,
  readBillingRequest,
  stripeErrorResponse,
} from "../_shared/billing.ts";
import { json, jsonError } from "../_shared/http.ts";

const Body = z.object({
  org_id: z.uuid(),
  plan: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/),
  interval: z.enum(["month", "year"]).default("month"),
  seats: z.number().int().min(1).max(1000).optional(),
}).strict();

export function makeHandler(deps: BillingDeps): (req: Request) => Promise<Response> {
  return async (req) => {
    const body = await readBillingRequest(deps, req, Body);
    if (body instanceof Response) return body;

    const db = deps.db();
    const { data: plan } = await db.from("plans").select("*").eq("key", body.plan).eq("active", true)
      .maybeSingle();
    const price = body.interval === "year" ? plan?.stripe_price_yearly : plan?.stripe_price_monthly;
    if (!plan || !price) {
      return jsonError(404, "plan_not_found", `No ${body.interval}ly price for plan "${body.plan}"`);
    }
    // The overage price recurs at the same interval as the seats (Stripe refuses a mix).
    const metered = body.interval === "year" ? plan.stripe_price_metered_yearly : plan.stripe_price_metered;
    if (plan.stripe_price_metered && !metered) {
      return jsonError(404, "plan_not_found", `Plan "${body.plan}" bills its overage monthly only: choose the monthly interval`);
    }
    const { data: sub } = await db.from("subscriptions").select("status, stripe_subscription_id")
      .eq("org_id", body.org_id).maybeSingle();
    if (sub?.stripe_subscription_id && ["active", "trialing", "past_due"].includes(sub.status)) {
      return jsonError(
        409,
        "already_subscribed",
        "The organization has a subscription: change it in the billing portal",
      );
    }
    const { data: inUse } = await db.rpc("org_seats_in_use", { p_org_id: body.org_id });
    const seats = Math.max(body.seats ?? plan.seats_included, Number(inUse ?? 1));

    try {
      const customer = await customerFor(deps, body.org_id);
      const site = deps.siteUrl();
      const session = await deps.stripe().checkout.sessions.create({
        mode: "subscription",
        customer,
        client_reference_id: body.org_id,
        metadata: { org_id: body.org_id, plan: plan.key },
        line_items: [
          { price, quantity: seats },
          ...(metered ? [{ price: metered }] : []),
        ],
        subscription_data: { metadata: { org_id: body.org_id, plan: plan.key } },
        success_url: `${site}/app/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${site}/app/billing?checkout=canceled`,
      });
      return json({ url: session.url, id: session.id, seats });
    } catch (err) {
      return stripeErrorResponse(err);
    }
  };
}

export const realDeps = billingDeps;

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());

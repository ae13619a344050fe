// stripe-subscription: an owner/admin changes the number of paid seats; the
// change goes to Stripe (prorated) and comes back through the webhook.
import { z } from "zod";
import { type BillingDeps, billingDeps, readBillingRequest, stripeErrorResponse } from "../_shared/billing.ts";
import { json, jsonError } from "../_shared/http.ts";

const Body = z.object({ org_id: z.uuid(), seats: z.number().int().min(1).max(1000) }).strict();

export function makeHandler(deps: BillingDeps): (req: Request) => Promise<Response> {
  return async (req) => {
    const body = await readBillingRequest(deps, req, Body);
    if (body instanceof Response) return body;
    const db = deps.db();
    const { data: sub } = await db.from("subscriptions").select("stripe_subscription_id, status")
      .eq("org_id", body.org_id).maybeSingle();
    if (!sub?.stripe_subscription_id || !["active", "trialing", "past_due"].includes(sub.status)) {
      return jsonError(409, "no_subscription", "The organization has no active subscription");
    }
    const { data: inUse } = await db.rpc("org_seats_in_use", { p_org_id: body.org_id });
    if (body.seats < Number(inUse ?? 0)) {
      return jsonError(409, "seats_in_use", `${inUse} seats are in use (members and pending invitations)`);
    }
    try {
      const client = deps.stripe();
      const subscription = await client.subscriptions.retrieve(sub.stripe_subscription_id);
      const item = subscription.items.data.find((i) =>
        (i.price.recurring?.usage_type ?? "licensed") === "licensed"
      );
      if (!item) return jsonError(409, "no_seat_item", "The subscription has no per-seat item");
      await client.subscriptions.update(sub.stripe_subscription_id, {
        items: [{ id: item.id, quantity: body.seats }],
        proration_behavior: "create_prorations",
      });
      return json({ seats: body.seats, pending: "the change applies when Stripe confirms it" }, { status: 202 });
    } catch (err) {
      return stripeErrorResponse(err);
    }
  };
}

export const realDeps = billingDeps;

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());

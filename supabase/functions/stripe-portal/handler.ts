// stripe-portal: an owner/admin opens Stripe's Billing Portal for the organization.
import { z } from "zod";
import { type BillingDeps, billingDeps, readBillingRequest, stripeErrorResponse } from "../_shared/billing.ts";
import { json, jsonError } from "../_shared/http.ts";

const Body = z.object({ org_id: z.uuid() }).strict();

export function makeHandler(deps: BillingDeps): (req: Request) => Promise<Response> {
  return async (req) => {
    const body = await readBillingRequest(deps, req, Body);
    if (body instanceof Response) return body;
    const { data: sub } = await deps.db().from("subscriptions").select("stripe_customer_id")
      .eq("org_id", body.org_id).maybeSingle();
    if (!sub?.stripe_customer_id) {
      return jsonError(409, "no_customer", "Pick a plan first: there is nothing to manage yet");
    }
    try {
      const session = await deps.stripe().billingPortal.sessions.create({
        customer: sub.stripe_customer_id,
        return_url: `${deps.siteUrl()}/app/billing`,
      });
      return json({ url: session.url });
    } catch (err) {
      return stripeErrorResponse(err);
    }
  };
}

export const realDeps = billingDeps;

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());

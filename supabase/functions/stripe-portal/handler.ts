// stripe-portal: an owner/admin opens Stripe's Billing Portal for the organization.
import { z } from "zod";
import { readJson, requireBillingManager, stripe, stripeErrorResponse } from "../_shared/billing.ts";
import { serviceClient } from "../_shared/clients.ts";
import { siteEnv } from "../_shared/env.ts";
import { handleCors, json, jsonError } from "../_shared/http.ts";

const Body = z.object({ org_id: z.uuid() }).strict();

export async function handler(req: Request): Promise<Response> {
  const cors = handleCors(req);
  if (cors) return cors;
  const body = await readJson(req, Body);
  if (body instanceof Response) return body;
  const refused = await requireBillingManager(req, body.org_id);
  if (refused) return refused;
  const { data: sub } = await serviceClient().from("subscriptions").select("stripe_customer_id").eq("org_id", body.org_id).maybeSingle();
  if (!sub?.stripe_customer_id) return jsonError(409, "no_customer", "Pick a plan first: there is nothing to manage yet");
  try {
    const session = await stripe().billingPortal.sessions.create({
      customer: sub.stripe_customer_id,
      return_url: `${siteEnv().PUBLIC_SITE_URL.replace(/\/+$/, "")}/app/billing`,
    });
    return json({ url: session.url });
  } catch (err) {
    return stripeErrorResponse(err);
  }
}

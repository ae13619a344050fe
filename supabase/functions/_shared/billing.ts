// Shared by the Stripe functions: request parsing, the owner/admin check and
// the organization's Stripe customer.
import type Stripe from "stripe";
import { z } from "zod";
import { callerInOrg } from "./auth.ts";
import { serviceClient } from "./clients.ts";
import { stripeEnv } from "./env.ts";
import { jsonError } from "./http.ts";
import { stripeClient } from "./providers/stripe.ts";

export function stripe(): Stripe {
  const env = stripeEnv();
  return stripeClient({ secretKey: env.STRIPE_SECRET_KEY, baseUrl: env.STRIPE_API_BASE_URL });
}

export async function readJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S> | Response> {
  if (req.method !== "POST") return jsonError(405, "method_not_allowed", "Use POST");
  let raw: unknown;
  try {
    raw = await req.json();
  } catch {
    return jsonError(400, "invalid_json", "The request body is not valid JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return jsonError(400, "invalid_body", "Invalid request", parsed.error.issues);
  return parsed.data;
}

/** null when the caller is an owner/admin of the organization, else the refusal. */
export async function requireBillingManager(req: Request, orgId: string): Promise<Response | null> {
  const caller = await callerInOrg(req, orgId);
  if (!caller) return jsonError(401, "not_authenticated", "Sign in first");
  if (!caller.role) return jsonError(404, "not_found", "Organization not found");
  if (caller.role !== "owner" && caller.role !== "admin") {
    return jsonError(403, "forbidden", "Only owners and admins manage billing");
  }
  return null;
}

/** The organization's Stripe customer, created once (idempotently) when missing. */
export async function customerFor(orgId: string): Promise<string> {
  const db = serviceClient();
  const { data: sub } = await db.from("subscriptions").select("stripe_customer_id").eq("org_id", orgId).maybeSingle();
  if (sub?.stripe_customer_id) return sub.stripe_customer_id;
  const { data: org, error } = await db.from("organizations").select("name, slug").eq("id", orgId).single();
  if (error || !org) throw new Error(`organization ${orgId} not found`);
  const customer = await stripe().customers.create(
    { name: org.name, metadata: { org_id: orgId, slug: org.slug } },
    { idempotencyKey: `customer:${orgId}` },
  );
  const { data: stored, error: e } = await db.rpc("ensure_billing_customer", { p_org_id: orgId, p_customer_id: customer.id });
  if (e) throw new Error(`ensure_billing_customer failed: ${e.message}`);
  return stored as string;
}

export function stripeErrorResponse(err: unknown): Response {
  const e = err as { type?: string; statusCode?: number; message?: string };
  console.error("stripe error", e?.type, e?.statusCode, e?.message);
  if (e?.type === "StripeRateLimitError") return jsonError(503, "billing_busy", "Billing is busy, please retry in a moment");
  if (e?.type?.startsWith("Stripe")) return jsonError(502, "billing_unavailable", "The billing provider could not complete the request");
  return jsonError(500, "internal_error", "Something went wrong on our side");
}

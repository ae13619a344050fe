// Shared by the Stripe functions: their deps, request parsing with the
// owner/admin check, and the organization's Stripe customer.
import type Stripe from "stripe";
import type { z } from "zod";
import { callerInOrg } from "./auth.ts";
import { type Db, serviceClient, userClient } from "./clients.ts";
import { siteUrl, stripeConfig } from "./env.ts";
import { handleCors, jsonError, readBody } from "./http.ts";
import { stripeClient } from "./providers/stripe.ts";
import { log } from "./log.ts";

/** What stripe-checkout, stripe-portal and stripe-subscription run on. */
export interface BillingDeps {
  /** Created on use: a missing Stripe configuration fails this request only. */
  stripe(): Stripe;
  /** Service role: plans, subscriptions, customers. */
  db(): Db;
  /** The caller's own client (RLS): the membership check. */
  userDb(req: Request): Db;
  /** The SPA's base URL (Checkout and the Portal return there). */
  siteUrl(): string;
}

function stripe(): Stripe {
  return stripeClient(stripeConfig());
}

export function billingDeps(): BillingDeps {
  return { stripe, db: serviceClient, userDb: userClient, siteUrl };
}

/** null when the caller is an owner/admin of the organization, else the refusal. */
export async function requireBillingManager(deps: BillingDeps, req: Request, orgId: string): Promise<Response | null> {
  const caller = await callerInOrg(deps.userDb(req), req, orgId);
  if (!caller) return jsonError(401, "not_authenticated", "Sign in first");
  if (!caller.role) return jsonError(404, "not_found", "Organization not found");
  if (caller.role !== "owner" && caller.role !== "admin") {
    return jsonError(403, "forbidden", "Only owners and admins manage billing");
  }
  return null;
}

/**
 * The body of a billing request from an owner/admin of its organization, or
 * the response refusing it (CORS preflight, 405, 413, 400, 401, 403, 404).
 */
export async function readBillingRequest<S extends z.ZodType<{ org_id: string }>>(
  deps: BillingDeps,
  req: Request,
  schema: S,
): Promise<z.infer<S> | Response> {
  const cors = handleCors(req);
  if (cors) return cors;
  const body = await readBody(req, schema);
  if (body instanceof Response) return body;
  return await requireBillingManager(deps, req, body.org_id) ?? body;
}

/** The organization's Stripe customer, created once (idempotently) when missing. */
export async function customerFor(deps: BillingDeps, orgId: string): Promise<string> {
  const db = deps.db();
  const { data: sub } = await db.from("subscriptions").select("stripe_customer_id").eq("org_id", orgId).maybeSingle();
  if (sub?.stripe_customer_id) return sub.stripe_customer_id;
  const { data: org, error } = await db.from("organizations").select("name, slug").eq("id", orgId).single();
  if (error || !org) throw new Error(`organization ${orgId} not found`);
  const customer = await deps.stripe().customers.create(
    { name: org.name, metadata: { org_id: orgId, slug: org.slug } },
    { idempotencyKey: `customer:${orgId}` },
  );
  const { data: stored, error: e } = await db.rpc("ensure_billing_customer", { p_org_id: orgId, p_customer_id: customer.id });
  if (e) throw new Error(`ensure_billing_customer failed: ${e.message}`);
  return stored as string;
}

export function stripeErrorResponse(err: unknown): Response {
  const e = err as { type?: string; statusCode?: number; message?: string };
  log("error", "stripe error", { type: e?.type, status: e?.statusCode, error: e?.message });
  if (e?.type === "StripeRateLimitError") return jsonError(503, "billing_busy", "Billing is busy, please retry in a moment");
  if (e?.type?.startsWith("Stripe")) return jsonError(502, "billing_unavailable", "The billing provider could not complete the request");
  return jsonError(500, "internal_error", "Something went wrong on our side");
}

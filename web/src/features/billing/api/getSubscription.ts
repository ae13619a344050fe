// The organization's Stripe subscription as the webhook last saw it (or null).
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Tables } from "../../../../../supabase/functions/_shared/database.types";
import { supabase } from "../../../lib/supabase";

export type Subscription = Pick<
  Tables<"subscriptions">,
  | "status"
  | "seats"
  | "billing_interval"
  | "stripe_customer_id"
  | "stripe_subscription_id"
  | "current_period_end"
  | "cancel_at_period_end"
  | "trial_end"
  | "latest_invoice_status"
  | "latest_invoice_url"
  | "latest_invoice_amount_cents"
>;

export async function fetchSubscription(orgId: string): Promise<Subscription | null> {
  const { data, error } = await supabase.from("subscriptions")
    .select(
      "status, seats, billing_interval, stripe_customer_id, stripe_subscription_id, current_period_end, cancel_at_period_end, trial_end, latest_invoice_status, latest_invoice_url, latest_invoice_amount_cents",
    )
    .eq("org_id", orgId)
    .maybeSingle();
  if (error) throw error;
  return (data ?? null) as Subscription | null;
}

export const subscriptionQueryOptions = (orgId: string) =>
  queryOptions({
    queryKey: ["subscription", orgId],
    queryFn: () => fetchSubscription(orgId),
  });

export const useSubscription = (orgId: string) => useQuery(subscriptionQueryOptions(orgId));

/** A subscription Stripe is running (seat changes and the portal apply; Checkout does not). */
export const isRunning = (s: Subscription | null | undefined) =>
  Boolean(s?.stripe_subscription_id) && ["active", "trialing", "past_due"].includes(s?.status ?? "");

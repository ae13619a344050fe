// The organization's Stripe invoices as the webhook last saw them (owners and
// admins read them under RLS), newest first.
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Tables } from "../../../../../supabase/functions/_shared/database.types";
import { supabase } from "../../../lib/supabase";

export type Invoice = Pick<
  Tables<"invoices">,
  "stripe_invoice_id" | "number" | "status" | "amount_due_cents" | "amount_paid_cents" | "currency" | "period_start" | "period_end" | "paid_at" | "hosted_invoice_url" | "last_event_at"
>;
export const INVOICES_SHOWN = 12;

export async function fetchInvoices(orgId: string): Promise<Invoice[]> {
  const { data, error } = await supabase.from("invoices")
    .select("stripe_invoice_id, number, status, amount_due_cents, amount_paid_cents, currency, period_start, period_end, paid_at, hosted_invoice_url, last_event_at")
    .eq("org_id", orgId)
    .order("last_event_at", { ascending: false })
    .limit(INVOICES_SHOWN);
  if (error) throw error;
  return (data ?? []) as Invoice[];
}

export const invoicesQueryOptions = (orgId: string) =>
  queryOptions({ queryKey: ["invoices", orgId], queryFn: () => fetchInvoices(orgId) });

export const useInvoices = (orgId: string) => useQuery(invoicesQueryOptions(orgId));

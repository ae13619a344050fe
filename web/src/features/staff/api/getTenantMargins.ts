// Per-tenant gross margin for staff: one staff_tenant_margins round trip
// (SP403 for anyone who isn't SalesPulse staff — the SQL decides).
import { queryOptions, useQuery } from "@tanstack/react-query";
import { num, numOrNull } from "../../../lib/coerce";
import { supabase } from "../../../lib/supabase";

export interface TenantMargin {
  org_id: string;
  org_name: string;
  plan_name: string | null;
  subscription_status: string;
  calls: number;
  analyzed_minutes: number;
  revenue_usd: number;
  provider_cost_usd: number;
  /** 0..1 (may be negative); null without revenue. */
  gross_margin: number | null;
  /** null: neither revenue nor costs in the period. */
  meets_goal: boolean | null;
}

export interface MarginReport {
  goal: number;
  tenants: TenantMargin[];
  totals: { revenue: number; cost: number; margin: number | null; belowGoal: number };
}

/** Totals across tenants: the margin of the whole business, not an average of margins. */
export function totalsOf(tenants: TenantMargin[]): MarginReport["totals"] {
  const revenue = tenants.reduce((a, t) => a + t.revenue_usd, 0);
  const cost = tenants.reduce((a, t) => a + t.provider_cost_usd, 0);
  return {
    revenue,
    cost,
    margin: revenue > 0 ? (revenue - cost) / revenue : null,
    belowGoal: tenants.filter((t) => t.meets_goal === false).length,
  };
}

export async function fetchMarginReport(from: string, to: string): Promise<MarginReport> {
  const [rows, goal] = await Promise.all([
    supabase.rpc("staff_tenant_margins", { p_from: from, p_to: to }),
    supabase.rpc("gross_margin_goal"),
  ]);
  if (rows.error) throw rows.error;
  if (goal.error) throw goal.error;
  const tenants = ((rows.data ?? []) as Record<string, unknown>[]).map((r) => ({
    org_id: String(r.org_id),
    org_name: String(r.org_name),
    plan_name: (r.plan_name as string | null) ?? null,
    subscription_status: String(r.subscription_status ?? "none"),
    calls: num(r.calls),
    analyzed_minutes: num(r.analyzed_minutes),
    revenue_usd: num(r.revenue_usd),
    provider_cost_usd: num(r.provider_cost_usd),
    gross_margin: numOrNull(r.gross_margin),
    meets_goal: (r.meets_goal as boolean | null) ?? null,
  }));
  return { goal: Number(goal.data ?? 0.8), tenants, totals: totalsOf(tenants) };
}

export const marginReportQueryOptions = (from: string, to: string) =>
  queryOptions({ queryKey: ["staff", "margins", from, to], queryFn: () => fetchMarginReport(from, to) });

export const useMarginReport = (from: string, to: string, enabled = true) =>
  useQuery({ ...marginReportQueryOptions(from, to), enabled });

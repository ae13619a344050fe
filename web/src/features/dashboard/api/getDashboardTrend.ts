// The trend chart: one dashboard_trend round trip, a row per day of the period.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";
import { addDays, type DashboardFilters, todayIso } from "../filters";
import { num, numOrNull } from "../../../lib/coerce";

/**
 * dashboard_trend returns one row per day and PostgREST caps responses at
 * max_rows (1000): a long period would come back silently cut. The chart
 * therefore covers at most the last MAX_TREND_DAYS days of the period, and
 * never days after today (no call can start in the future).
 */
export const MAX_TREND_DAYS = 366;

export function trendRange(f: DashboardFilters, today = todayIso()): DashboardFilters & { clamped: boolean } {
  const to = f.to > today && f.from <= today ? today : f.to;
  const earliest = addDays(to, -(MAX_TREND_DAYS - 1));
  return { from: f.from < earliest ? earliest : f.from, to, agentId: f.agentId, clamped: f.from < earliest };
}

export interface TrendPoint {
  day: string;
  calls: number;
  analyzed: number;
  converted: number;
  upsell_revenue: number;
  avg_sentiment: number | null;
  avg_adherence: number | null;
}

export async function fetchDashboardTrend(f: DashboardFilters): Promise<TrendPoint[]> {
  const { data, error } = await supabase.rpc("dashboard_trend", {
    p_from: f.from,
    p_to: f.to,
    ...(f.agentId ? { p_agent_id: f.agentId } : {}),
  });
  if (error) throw error;
  return ((data ?? []) as Record<string, unknown>[]).map((r) => ({
    day: String(r.day).slice(0, 10),
    calls: num(r.calls),
    analyzed: num(r.analyzed),
    converted: num(r.converted),
    upsell_revenue: num(r.upsell_revenue),
    avg_sentiment: numOrNull(r.avg_sentiment),
    avg_adherence: numOrNull(r.avg_adherence),
  }));
}

/** Every trend of an organization (for invalidation). */
export const dashboardTrendQueryKey = (orgId: string) => ["dashboard", orgId, "trend"] as const;

/** `range` is what is fetched: pass it through trendRange() first. */
export const dashboardTrendQueryOptions = (orgId: string, range: DashboardFilters) => queryOptions({
  queryKey: [...dashboardTrendQueryKey(orgId), { from: range.from, to: range.to, agentId: range.agentId }] as const,
  queryFn: () => fetchDashboardTrend(range),
});

/** `refetchInterval` comes from the KPIs (calls in the pipeline), which this widget does not fetch. */
export function useDashboardTrend(range: DashboardFilters, opts: { refetchInterval?: number | false } = {}) {
  const { orgId } = useOrg();
  return useQuery({ ...dashboardTrendQueryOptions(orgId, range), refetchInterval: opts.refetchInterval ?? false });
}

// The KPI cards: one dashboard_kpis round trip for the period and agent.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";
import type { DashboardFilters } from "../filters";
import { num, numOrNull } from "../../../lib/coerce";

export interface DashboardKpis {
  calls: number;
  analyzed_calls: number;
  in_pipeline: number;
  failed: number;
  converted_calls: number;
  /** 0..1; null when no call in the period was analyzed. */
  conversion_rate: number | null;
  upsell_revenue: number;
  /** −1..1; null when nothing was analyzed. */
  avg_sentiment: number | null;
  /** 0..100; null when nothing was analyzed against a script. */
  avg_adherence: number | null;
}

/** While calls are still being processed the figures move: refetch this often. */
export const PIPELINE_REFETCH_MS = 15_000;
export const pipelineRefetchInterval = (inPipeline: number | null | undefined) =>
  (inPipeline ?? 0) > 0 ? PIPELINE_REFETCH_MS : false;

export async function fetchDashboardKpis(f: DashboardFilters): Promise<DashboardKpis> {
  const { data, error } = await supabase.rpc("dashboard_kpis", {
    p_from: f.from,
    p_to: f.to,
    ...(f.agentId ? { p_agent_id: f.agentId } : {}),
  });
  if (error) throw error;
  const j = (data ?? {}) as Record<string, unknown>;
  return {
    calls: num(j.calls),
    analyzed_calls: num(j.analyzed_calls),
    in_pipeline: num(j.in_pipeline),
    failed: num(j.failed),
    converted_calls: num(j.converted_calls),
    conversion_rate: numOrNull(j.conversion_rate),
    upsell_revenue: num(j.upsell_revenue),
    avg_sentiment: numOrNull(j.avg_sentiment),
    avg_adherence: numOrNull(j.avg_adherence),
  };
}

export const dashboardKpisQueryOptions = (orgId: string, f: DashboardFilters) => queryOptions({
  queryKey: ["dashboard", orgId, "kpis", { from: f.from, to: f.to, agentId: f.agentId }] as const,
  queryFn: () => fetchDashboardKpis(f),
  refetchInterval: (query) => pipelineRefetchInterval(query.state.data?.in_pipeline),
});

export function useDashboardKpis(f: DashboardFilters) {
  const { orgId } = useOrg();
  return useQuery(dashboardKpisQueryOptions(orgId, f));
}

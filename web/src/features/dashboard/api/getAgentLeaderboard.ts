// The leaderboard: one agent_leaderboard round trip for the period (all agents, best first).
import { queryOptions, useQuery } from "@tanstack/react-query";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";
import type { DashboardFilters } from "../filters";
import { num, numOrNull } from "../../../lib/coerce";

export interface LeaderboardRow {
  agent_id: string;
  agent_name: string;
  calls: number;
  analyzed: number;
  converted: number;
  conversion_rate: number | null;
  upsell_revenue: number;
  avg_sentiment: number | null;
  avg_adherence: number | null;
}

export async function fetchAgentLeaderboard(range: Pick<DashboardFilters, "from" | "to">): Promise<LeaderboardRow[]> {
  const { data, error } = await supabase.rpc("agent_leaderboard", { p_from: range.from, p_to: range.to });
  if (error) throw error;
  return ((data ?? []) as Record<string, unknown>[]).map((r) => ({
    agent_id: String(r.agent_id),
    agent_name: String(r.agent_name ?? ""),
    calls: num(r.calls),
    analyzed: num(r.analyzed),
    converted: num(r.converted),
    conversion_rate: numOrNull(r.conversion_rate),
    upsell_revenue: num(r.upsell_revenue),
    avg_sentiment: numOrNull(r.avg_sentiment),
    avg_adherence: numOrNull(r.avg_adherence),
  }));
}

/** Every leaderboard of an organization (for invalidation). */
export const agentLeaderboardQueryKey = (orgId: string) => ["dashboard", orgId, "leaderboard"] as const;

export const agentLeaderboardQueryOptions = (orgId: string, range: Pick<DashboardFilters, "from" | "to">) => queryOptions({
  queryKey: [...agentLeaderboardQueryKey(orgId), { from: range.from, to: range.to }] as const,
  queryFn: () => fetchAgentLeaderboard(range),
});

export function useAgentLeaderboard(range: Pick<DashboardFilters, "from" | "to">, opts: { refetchInterval?: number | false } = {}) {
  const { orgId } = useOrg();
  return useQuery({ ...agentLeaderboardQueryOptions(orgId, range), refetchInterval: opts.refetchInterval ?? false });
}

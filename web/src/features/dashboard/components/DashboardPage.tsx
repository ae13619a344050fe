// The manager dashboard (/app): KPIs, a daily trend, the agent leaderboard and
// talk metrics per agent for a period and (optionally) one agent, all kept in the URL. Each widget is
// one RPC round trip; while calls are in the pipeline everything refetches.
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect, useRef } from "react";
import { useOrg } from "../../../lib/session";
import { agentLeaderboardQueryKey } from "../api/getAgentLeaderboard";
import { conversationMetricsQueryKey } from "../api/getConversationMetrics";
import { pipelineRefetchInterval, useDashboardKpis } from "../api/getDashboardKpis";
import { dashboardTrendQueryKey } from "../api/getDashboardTrend";
import { type DashboardFilters, useDashboardFilters } from "../filters";
import { DashboardFiltersBar } from "./DashboardFilters";
import { ConversationCard } from "./ConversationCard";
import { KpiCards } from "./KpiCards";
import { LeaderboardCard } from "./Leaderboard";
import { TrendCard } from "./TrendChart";

/**
 * The trend and leaderboard poll while the KPIs report calls in the pipeline.
 * When that count drops, calls have just finished: refresh them at once —
 * otherwise the KPI refetch that sees 0 would stop their polling before they
 * pick up the last results.
 */
function useRefreshWhenPipelineDrains(orgId: string, filters: DashboardFilters, inPipeline: number | undefined) {
  const qc = useQueryClient();
  const last = useRef<{ key: string; n: number } | null>(null);
  useEffect(() => {
    if (inPipeline == null) return;
    const key = JSON.stringify([orgId, filters.from, filters.to, filters.agentId]);
    if (last.current?.key === key && inPipeline < last.current.n) {
      void qc.invalidateQueries({ queryKey: dashboardTrendQueryKey(orgId) });
      void qc.invalidateQueries({ queryKey: agentLeaderboardQueryKey(orgId) });
      void qc.invalidateQueries({ queryKey: conversationMetricsQueryKey(orgId) });
    }
    last.current = { key, n: inPipeline };
  }, [qc, orgId, filters, inPipeline]);
}

/** `goals`: the goal-progress widget, composed in by app/ (features don't import each other). */
export function DashboardPage({ goals }: { goals?: ReactNode } = {}) {
  // RLS shows an agent only their own calls; the page says so instead of
  // showing a team leaderboard of zeros.
  const { org, orgId, isManager } = useOrg();
  const { filters, setFilters, preset, today } = useDashboardFilters();
  const kpis = useDashboardKpis(filters);
  const refetchInterval = pipelineRefetchInterval(kpis.data?.in_pipeline);
  useRefreshWhenPipelineDrains(orgId, filters, kpis.data?.in_pipeline);
  return (
    <div className="dash">
      <h1>Dashboard</h1>
      {!isManager && <p className="muted" data-testid="own-calls-note">Your own calls. Managers see the whole team.</p>}
      <DashboardFiltersBar filters={filters} preset={preset} today={today} onChange={setFilters} agentFilter={isManager} />
      <KpiCards query={kpis} currency={org.currency} filters={filters} />
      {goals}
      <TrendCard filters={filters} currency={org.currency} refetchInterval={refetchInterval} />
      {isManager && (
        <LeaderboardCard
          filters={filters}
          currency={org.currency}
          refetchInterval={refetchInterval}
          onSelectAgent={(agentId) => setFilters({ agentId })}
        />
      )}
      {isManager && <ConversationCard filters={filters} refetchInterval={refetchInterval} />}
    </div>
  );
}

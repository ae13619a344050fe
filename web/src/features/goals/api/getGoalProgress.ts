// The goals screen: goal_progress — every open goal the caller may read with
// live progress and pace. The screen polls it so goals move as calls land.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { num, numOrNull } from "../../../lib/coerce";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";
import type { GoalMetric, GoalPeriod, GoalScope, GoalStatus } from "../metrics";

export interface GoalProgress {
  goal_id: string;
  name: string;
  metric: GoalMetric;
  activity_type: string | null;
  scope: GoalScope;
  user_id: string | null;
  agent_id: string | null;
  subject_name: string | null;
  member_agent_ids: string[];
  period: GoalPeriod;
  period_start: string;
  period_end: string;
  recurring: boolean;
  target: number;
  actual: number | null;
  sample_size: number;
  expected: number | null;
  percent: number | null;
  projected: number | null;
  days_elapsed: number;
  days_total: number;
  status: GoalStatus;
}

/** How often the goals screen re-reads progress (analyzed calls move goals). */
export const GOALS_REFETCH_MS = 10_000;

export async function fetchGoalProgress(): Promise<GoalProgress[]> {
  const { data, error } = await supabase.rpc("goal_progress", {});
  if (error) throw error;
  return ((data ?? []) as Record<string, unknown>[]).map((g) => ({
    ...(g as unknown as GoalProgress),
    member_agent_ids: (g.member_agent_ids as string[] | null) ?? [],
    target: num(g.target),
    actual: numOrNull(g.actual),
    sample_size: num(g.sample_size),
    expected: numOrNull(g.expected),
    percent: numOrNull(g.percent),
    projected: numOrNull(g.projected),
    days_elapsed: num(g.days_elapsed),
    days_total: num(g.days_total),
  }));
}

/** The single source of the key: goal mutations invalidate it. */
export const goalProgressQueryOptions = (orgId: string) =>
  queryOptions({
    queryKey: ["goals", orgId, "progress"] as const,
    queryFn: fetchGoalProgress,
  });

export function useGoalProgress(opts: { refetchInterval?: number | false } = {}) {
  const { orgId } = useOrg();
  return useQuery({ ...goalProgressQueryOptions(orgId), refetchInterval: opts.refetchInterval ?? false });
}

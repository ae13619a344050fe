// The dashboard's goal widget: goal_summary — counts by status and the most
// urgent open goals (behind first).
import { queryOptions, useQuery } from "@tanstack/react-query";
import { num, numOrNull } from "../../../lib/coerce";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";
import type { GoalMetric, GoalStatus } from "../metrics";

export interface GoalSummary {
  total: number;
  reached: number;
  on_track: number;
  behind: number;
  goals: {
    goal_id: string;
    name: string;
    metric: GoalMetric;
    subject_name: string | null;
    target: number;
    actual: number | null;
    expected: number | null;
    percent: number | null;
    status: GoalStatus;
    period_end: string;
  }[];
}

export const SUMMARY_LIMIT = 5;

export async function fetchGoalSummary(): Promise<GoalSummary> {
  const { data, error } = await supabase.rpc("goal_summary", { p_limit: SUMMARY_LIMIT });
  if (error) throw error;
  const j = (data ?? {}) as Record<string, unknown>;
  return {
    total: num(j.total),
    reached: num(j.reached),
    on_track: num(j.on_track),
    behind: num(j.behind),
    goals: ((j.goals as Record<string, unknown>[] | undefined) ?? []).map((g) => ({
      ...(g as unknown as GoalSummary["goals"][number]),
      target: num(g.target),
      actual: numOrNull(g.actual),
      expected: numOrNull(g.expected),
      percent: numOrNull(g.percent),
    })),
  };
}

/** The single source of the key: goal mutations invalidate it. */
export const goalSummaryQueryOptions = (orgId: string) =>
  queryOptions({
    queryKey: ["goals", orgId, "summary"] as const,
    queryFn: fetchGoalSummary,
    refetchInterval: 30_000,
  });

export function useGoalSummary() {
  const { orgId } = useOrg();
  return useQuery(goalSummaryQueryOptions(orgId));
}

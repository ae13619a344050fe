// Closed periods: goal_snapshots, written once per finished period by the
// close-goal-periods job (so history survives later edits), newest first.
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Tables } from "../../../../../supabase/functions/_shared/database.types";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";

export type GoalSnapshot = Pick<Tables<"goal_snapshots">,
  "id" | "goal_id" | "name" | "metric" | "activity_type" | "period_start" | "period_end" | "target" | "actual" | "sample_size" | "status">;

export const HISTORY_LIMIT = 50;

export async function fetchGoalHistory(orgId: string): Promise<GoalSnapshot[]> {
  const { data, error } = await supabase.from("goal_snapshots")
    .select("id, goal_id, name, metric, activity_type, period_start, period_end, target, actual, sample_size, status")
    .eq("org_id", orgId)
    .order("period_end", { ascending: false })
    .limit(HISTORY_LIMIT);
  if (error) throw error;
  return (data ?? []) as GoalSnapshot[];
}

/** The single source of the key. */
export const goalHistoryQueryOptions = (orgId: string) =>
  queryOptions({
    queryKey: ["goals", orgId, "history"] as const,
    queryFn: () => fetchGoalHistory(orgId),
    staleTime: 60_000,
  });

export function useGoalHistory() {
  const { orgId } = useOrg();
  return useQuery(goalHistoryQueryOptions(orgId));
}

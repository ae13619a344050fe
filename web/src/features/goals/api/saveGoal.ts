// Creates or edits a goal through PostgREST (RLS: owners, admins and
// managers), then sets a team goal's agents (goal_members: goal and agent only,
// the row's organization follows the goal's). The trigger snaps
// week/month/quarter periods to the one containing period_start.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { TablesInsert } from "../../../../../supabase/functions/_shared/database.types";
import { supabase } from "../../../lib/supabase";
import { goalHistoryQueryOptions } from "./getGoalHistory";
import { goalProgressQueryOptions } from "./getGoalProgress";
import { goalSummaryQueryOptions } from "./getGoalSummary";

export type GoalInput = Pick<TablesInsert<"goals">,
  "name" | "metric" | "activity_type" | "scope" | "user_id" | "agent_id" | "target" | "period" | "period_start" | "period_end" | "recurring"> & {
  /** Team goals: the agents whose work counts. */
  member_agent_ids: string[];
};

export async function saveGoal(orgId: string, input: GoalInput & { id?: string }): Promise<string> {
  const { id, member_agent_ids, ...fields } = input;
  const query = id
    ? supabase.from("goals").update(fields).eq("id", id).eq("org_id", orgId)
    : supabase.from("goals").insert({ org_id: orgId, ...fields });
  const { data, error } = await query.select("id").single();
  if (error) throw error;
  const goalId = (data as { id: string }).id;
  if (id) {
    const { error: e } = await supabase.from("goal_members").delete().eq("goal_id", goalId);
    if (e) throw e;
  }
  if (fields.scope === "team" && member_agent_ids.length) {
    // org_id is the goal's (set by a trigger; the column grant is goal_id and agent_id only).
    const rows = member_agent_ids.map((agent_id) => ({ goal_id: goalId, agent_id })) as TablesInsert<"goal_members">[];
    const { error: e } = await supabase.from("goal_members").insert(rows);
    if (e) throw e;
  }
  return goalId;
}

export function invalidateGoals(qc: ReturnType<typeof useQueryClient>, orgId: string) {
  return Promise.all([
    qc.invalidateQueries({ queryKey: goalProgressQueryOptions(orgId).queryKey }),
    qc.invalidateQueries({ queryKey: goalSummaryQueryOptions(orgId).queryKey }),
    qc.invalidateQueries({ queryKey: goalHistoryQueryOptions(orgId).queryKey }),
  ]);
}

export function useSaveGoal(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: GoalInput & { id?: string }) => saveGoal(orgId, input),
    onSettled: () => invalidateGoals(qc, orgId),
  });
}

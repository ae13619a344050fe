// Deletes a goal (RLS: owners, admins and managers). Its closed periods stay
// in goal_snapshots.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { invalidateGoals } from "./saveGoal";

export async function deleteGoal(orgId: string, id: string): Promise<void> {
  const { data, error } = await supabase.from("goals").delete().eq("id", id).eq("org_id", orgId).select("id");
  if (error) throw error;
  if (!data?.length) throw new Error("The goal was not deleted — only owners, admins and managers can delete goals.");
}

export function useDeleteGoal(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteGoal(orgId, id),
    onSettled: () => invalidateGoals(qc, orgId),
  });
}

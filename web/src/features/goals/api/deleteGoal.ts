// Deletes a goal (RLS: owners, admins and managers). Its closed periods stay
// in goal_snapshots.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { deleteOrgRow } from "../../../lib/deleteOrgRow";
import { invalidateGoals } from "./saveGoal";

export const deleteGoal = (orgId: string, id: string): Promise<void> =>
  deleteOrgRow("goals", orgId, id, "The goal was not deleted — only owners, admins and managers can delete goals.");

export function useDeleteGoal(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteGoal(orgId, id),
    onSettled: () => invalidateGoals(qc, orgId),
  });
}

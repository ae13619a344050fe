// Deletes one of the caller's own manual activities (RLS refuses the rest).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { activitiesKey } from "./listActivities";

export async function deleteActivity(orgId: string, id: string): Promise<void> {
  const { data, error } = await supabase.from("activities").delete().eq("id", id).eq("org_id", orgId).select("id");
  if (error) throw error;
  if (!data?.length) throw new Error("The activity was not deleted — you can delete only your own manual entries.");
}

export function useDeleteActivity(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteActivity(orgId, id),
    onSettled: () => qc.invalidateQueries({ queryKey: activitiesKey(orgId) }),
  });
}

// Deletes a saved scenario (owners, admins, managers).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { scenariosQueryOptions } from "./getScenarios";

export async function deleteScenario(orgId: string, id: string): Promise<void> {
  const { data, error } = await supabase.from("what_if_scenarios").delete().eq("id", id).eq("org_id", orgId).select("id");
  if (error) throw error;
  if (!data?.length) throw new Error("The scenario was not deleted.");
}

export function useDeleteScenario(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteScenario(orgId, id),
    onSettled: () => qc.invalidateQueries({ queryKey: scenariosQueryOptions(orgId).queryKey }),
  });
}

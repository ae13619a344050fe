// Deletes an agent (RLS: owners and admins). Their calls keep their history;
// numbers that rang them ring no one until reassigned.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { agentsQueryOptions } from "../../../lib/queries/agents";

export async function deleteAgent(orgId: string, id: string): Promise<void> {
  const { data, error } = await supabase.from("agents").delete().eq("id", id).eq("org_id", orgId).select("id");
  if (error) throw error;
  if (!data?.length) throw new Error("The agent was not deleted — only owners and admins can delete agents.");
}

export function useDeleteAgent(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteAgent(orgId, id),
    onSettled: () => qc.invalidateQueries({ queryKey: agentsQueryOptions(orgId).queryKey }),
  });
}

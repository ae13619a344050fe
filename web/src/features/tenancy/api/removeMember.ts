// Removes a member (owners, admins; never the last owner: SP422).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { membersQueryOptions } from "../../../lib/queries/members";

export async function removeMember(orgId: string, userId: string): Promise<void> {
  const { error } = await supabase.rpc("remove_member", { p_org_id: orgId, p_user_id: userId });
  if (error) throw error;
}

export function useRemoveMember(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => removeMember(orgId, userId),
    onSettled: () => qc.invalidateQueries({ queryKey: membersQueryOptions(orgId).queryKey }),
  });
}

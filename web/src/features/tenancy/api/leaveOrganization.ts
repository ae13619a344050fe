// The signed-in user leaves the organization (the last owner cannot: SP422).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { membersQueryOptions } from "../../../lib/queries/members";

export async function leaveOrganization(orgId: string): Promise<void> {
  const { error } = await supabase.rpc("leave_organization", { p_org_id: orgId });
  if (error) throw error;
}

export function useLeaveOrganization(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => leaveOrganization(orgId),
    onSuccess: () => qc.invalidateQueries({ queryKey: membersQueryOptions(orgId).queryKey }),
  });
}

// Changes a member's role (owners, admins; the last owner stays: SP422).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { OrgRole } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";
import { membersQueryOptions } from "../../../lib/queries/members";

export async function changeMemberRole(orgId: string, userId: string, role: OrgRole): Promise<void> {
  const { error } = await supabase.rpc("change_member_role", { p_org_id: orgId, p_user_id: userId, p_role: role });
  if (error) throw error;
}

export function useChangeMemberRole(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: OrgRole }) => changeMemberRole(orgId, userId, role),
    onSettled: () => qc.invalidateQueries({ queryKey: membersQueryOptions(orgId).queryKey }),
  });
}

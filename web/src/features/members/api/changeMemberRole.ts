// Changes a member's role (owners, admins; the last owner stays: SP422).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { OrgRole } from "../../../app/session";
import { supabase } from "../../../lib/supabase";
import { membersBaseKey } from "./getMembers";

export async function changeMemberRole(orgId: string, userId: string, role: OrgRole): Promise<void> {
  const { error } = await supabase.rpc("change_member_role", { p_org_id: orgId, p_user_id: userId, p_role: role });
  if (error) throw error;
}

export function useChangeMemberRole(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: OrgRole }) => changeMemberRole(orgId, userId, role),
    onSettled: () => qc.invalidateQueries({ queryKey: membersBaseKey(orgId) }),
  });
}

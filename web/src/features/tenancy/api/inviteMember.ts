// Invites an email address with a role no higher than the caller's; the SQL
// queues the invitation email.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { OrgRole } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";
import { invitationsQueryOptions } from "./getInvitations";

export async function inviteMember(orgId: string, email: string, role: OrgRole): Promise<string> {
  const { data, error } = await supabase.rpc("invite_member", { p_org_id: orgId, p_email: email.trim(), p_role: role });
  if (error) throw error;
  return data as string;
}

export function useInviteMember(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ email, role }: { email: string; role: OrgRole }) => inviteMember(orgId, email, role),
    onSettled: () => qc.invalidateQueries({ queryKey: invitationsQueryOptions(orgId).queryKey }),
  });
}

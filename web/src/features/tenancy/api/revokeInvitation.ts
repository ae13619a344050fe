// Revokes a pending invitation (owners, admins, managers).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { invitationsQueryOptions } from "./getInvitations";

export async function revokeInvitation(invitationId: string): Promise<void> {
  const { error } = await supabase.rpc("revoke_invitation", { p_invitation_id: invitationId });
  if (error) throw error;
}

export function useRevokeInvitation(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: revokeInvitation,
    onSettled: () => qc.invalidateQueries({ queryKey: invitationsQueryOptions(orgId).queryKey }),
  });
}

// Revokes a pending invitation (owners, admins, managers).
import { useInvalidatingMutation } from "../../../lib/mutations";
import { supabase } from "../../../lib/supabase";
import { invitationsQueryOptions } from "./getInvitations";

export async function revokeInvitation(invitationId: string): Promise<void> {
  const { error } = await supabase.rpc("revoke_invitation", { p_invitation_id: invitationId });
  if (error) throw error;
}

export const useRevokeInvitation = (orgId: string) =>
  useInvalidatingMutation(revokeInvitation, [invitationsQueryOptions(orgId).queryKey]);

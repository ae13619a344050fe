// The signed-in user leaves the organization (the last owner cannot: SP422).
import { useInvalidatingMutation } from "../../../lib/mutations";
import { supabase } from "../../../lib/supabase";
import { membersQueryOptions } from "../../../lib/queries/members";

export async function leaveOrganization(orgId: string): Promise<void> {
  const { error } = await supabase.rpc("leave_organization", { p_org_id: orgId });
  if (error) throw error;
}

export const useLeaveOrganization = (orgId: string) =>
  useInvalidatingMutation(() => leaveOrganization(orgId), [membersQueryOptions(orgId).queryKey], "success");

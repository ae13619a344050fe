// Staff suspend a tenant with a reason (members read, not create; calls wait). Logged.
import { useInvalidatingMutation } from "../../../lib/mutations";
import { supabase } from "../../../lib/supabase";
import { tenantMutationKeys } from "./getTenant";

export const REASON_MAX = 500;

export function useSuspendTenant(orgId: string) {
  return useInvalidatingMutation(async (reason: string) => {
    const { error } = await supabase.rpc("staff_suspend_tenant", { p_org_id: orgId, p_reason: reason });
    if (error) throw error;
  }, tenantMutationKeys(orgId));
}

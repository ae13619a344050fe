// Staff lift a suspension; the waiting calls are queued for analysis. Logged.
import { useInvalidatingMutation } from "../../../lib/mutations";
import { supabase } from "../../../lib/supabase";
import { tenantMutationKeys } from "./getTenant";

export function useReactivateTenant(orgId: string) {
  return useInvalidatingMutation(async () => {
    const { data, error } = await supabase.rpc("staff_reactivate_tenant", { p_org_id: orgId });
    if (error) throw error;
    return data as number;
  }, tenantMutationKeys(orgId));
}

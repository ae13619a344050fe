// Staff give a dead-lettered job of the tenant a fresh set of attempts. Logged.
import { useInvalidatingMutation } from "../../../lib/mutations";
import { supabase } from "../../../lib/supabase";
import { tenantMutationKeys } from "./getTenant";

export function useRetryJob(orgId: string) {
  return useInvalidatingMutation(async (jobId: number) => {
    const { error } = await supabase.rpc("staff_retry_job", { p_job_id: jobId });
    if (error) throw error;
  }, tenantMutationKeys(orgId));
}

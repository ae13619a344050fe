// Owners set how many months data is kept (1–120; SP400 otherwise).
import { supabase } from "../../../lib/supabase";
import { useInvalidatingMutation } from "../../../lib/mutations";
import { retentionPolicyQueryOptions } from "./getRetentionPolicy";

export async function setRetentionMonths(orgId: string, months: number): Promise<void> {
  const { error } = await supabase.rpc("set_retention_months", { p_org_id: orgId, p_months: months });
  if (error) throw error;
}

export const useSetRetentionMonths = (orgId: string) =>
  useInvalidatingMutation((months: number) => setRetentionMonths(orgId, months), [retentionPolicyQueryOptions(orgId).queryKey]);

// Owners and admins put the organization on legal hold (a reason is required; audited).
import { supabase } from "../../../lib/supabase";
import { useInvalidatingMutation } from "../../../lib/mutations";
import { retentionPolicyQueryOptions } from "./getRetentionPolicy";

export const REASON_MAX = 500;

export async function placeLegalHold(orgId: string, reason: string): Promise<string> {
  const { data, error } = await supabase.rpc("place_legal_hold", { p_org_id: orgId, p_reason: reason });
  if (error) throw error;
  return data as string;
}

export const usePlaceLegalHold = (orgId: string) =>
  useInvalidatingMutation((reason: string) => placeLegalHold(orgId, reason), [retentionPolicyQueryOptions(orgId).queryKey]);

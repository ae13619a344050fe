// Owners and admins release a legal hold (who and when are kept; audited).
import { supabase } from "../../../lib/supabase";
import { useInvalidatingMutation } from "../../../lib/mutations";
import { retentionPolicyQueryOptions } from "./getRetentionPolicy";

export async function releaseLegalHold(holdId: string): Promise<void> {
  const { error } = await supabase.rpc("release_legal_hold", { p_hold_id: holdId });
  if (error) throw error;
}

export const useReleaseLegalHold = (orgId: string) =>
  useInvalidatingMutation((holdId: string) => releaseLegalHold(holdId), [retentionPolicyQueryOptions(orgId).queryKey]);

// Moves a referral one step (its owner or a manager), optionally with the
// deal value (on won). Each step is an activity and counts toward goals.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { type ReferralStatus, referralsQueryOptions } from "./listReferrals";

export async function setReferralStatus(id: string, status: ReferralStatus, dealValue: number | null): Promise<void> {
  const { error } = await supabase.rpc("set_referral_status", {
    p_referral_id: id,
    p_status: status,
    ...(dealValue != null ? { p_deal_value: dealValue } : {}),
  });
  if (error) throw error;
}

export function useSetReferralStatus(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; status: ReferralStatus; dealValue: number | null }) => setReferralStatus(v.id, v.status, v.dealValue),
    onSettled: () => qc.invalidateQueries({ queryKey: referralsQueryOptions(orgId).queryKey }),
  });
}

// Adds a referral (submit_referral; any member, who then owns it). The same
// phone number or email address already referred in the organization is
// refused with SP409.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { type ReferrerKind, referralsQueryOptions } from "./listReferrals";

export interface ReferralInput {
  referrer_kind: ReferrerKind;
  referrer_name: string;
  referred_name: string;
  referred_phone: string | null;
  referred_email: string | null;
  deal_value: number | null;
  notes: string | null;
}

/** What SP409 means on this form. */
export const DUPLICATE_MESSAGE = "Already referred: someone with this phone number or email address is already in your referrals.";

export async function submitReferral(orgId: string, r: ReferralInput): Promise<string> {
  const { data, error } = await supabase.rpc("submit_referral", {
    p_org_id: orgId,
    p_referrer_kind: r.referrer_kind,
    p_referrer_name: r.referrer_name,
    p_referred_name: r.referred_name,
    ...(r.referred_phone ? { p_referred_phone: r.referred_phone } : {}),
    ...(r.referred_email ? { p_referred_email: r.referred_email } : {}),
    ...(r.deal_value != null ? { p_deal_value: r.deal_value } : {}),
    ...(r.notes ? { p_notes: r.notes } : {}),
  });
  if (error) throw error;
  return data as string;
}

export function useSubmitReferral(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (r: ReferralInput) => submitReferral(orgId, r),
    onSettled: () => qc.invalidateQueries({ queryKey: referralsQueryOptions(orgId).queryKey }),
  });
}

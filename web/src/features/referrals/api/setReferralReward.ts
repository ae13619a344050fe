// Sets a referrer's reward status (owners, admins and managers; SP403 otherwise).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { referralsQueryOptions, type RewardStatus } from "./listReferrals";

export async function setReferralReward(orgId: string, id: string, reward: RewardStatus): Promise<void> {
  const { data, error } = await supabase.from("referrals").update({ reward_status: reward }).eq("id", id).eq("org_id", orgId).select("id");
  if (error) throw error;
  if (!data?.length) throw new Error("The reward was not changed — only owners, admins and managers set rewards.");
}

export function useSetReferralReward(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; reward: RewardStatus }) => setReferralReward(orgId, v.id, v.reward),
    onSettled: () => qc.invalidateQueries({ queryKey: referralsQueryOptions(orgId).queryKey }),
  });
}

// A member's weakest call-script items on their last real calls (weak_scorecard_items), with n.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { num } from "../../../lib/coerce";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";

export interface WeakItem {
  item_key: string;
  question: string;
  calls: number;
  hit_rate: number;
}
export const LAST_CALLS = 20;

export async function fetchWeakItems(orgId: string, userId: string): Promise<WeakItem[]> {
  const { data, error } = await supabase.rpc("weak_scorecard_items", { p_org_id: orgId, p_user_id: userId, p_last_n: LAST_CALLS });
  if (error) throw error;
  return (data ?? []).map((r) => ({ ...r, calls: num(r.calls), hit_rate: num(r.hit_rate) }));
}

export const weakItemsQueryOptions = (orgId: string, userId: string) =>
  queryOptions({ queryKey: ["sims", orgId, "weak", userId] as const, queryFn: () => fetchWeakItems(orgId, userId) });

export function useWeakItems(userId: string) {
  const { orgId } = useOrg();
  return useQuery(weakItemsQueryOptions(orgId, userId));
}

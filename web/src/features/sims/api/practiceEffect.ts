// Each targeted item's hit rate on real calls before and after the practice, with n (practice_effect).
import { queryOptions, useQuery } from "@tanstack/react-query";
import { num, numOrNull } from "../../../lib/coerce";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";

export interface EffectRow {
  sim_id: string;
  template_name: string;
  assigned_at: string;
  practiced_at: string | null;
  practice_sessions: number;
  item_key: string;
  question: string;
  before_calls: number;
  before_rate: number | null;
  after_calls: number;
  after_rate: number | null;
}

export async function fetchEffect(orgId: string, userId: string): Promise<EffectRow[]> {
  const { data, error } = await supabase.rpc("practice_effect", { p_org_id: orgId, p_user_id: userId });
  if (error) throw error;
  return (data ?? []).map((r) => ({
    ...r,
    practice_sessions: num(r.practice_sessions),
    before_calls: num(r.before_calls),
    after_calls: num(r.after_calls),
    before_rate: numOrNull(r.before_rate),
    after_rate: numOrNull(r.after_rate),
  }));
}

export const effectQueryOptions = (orgId: string, userId: string) =>
  queryOptions({ queryKey: ["sims", orgId, "effect", userId] as const, queryFn: () => fetchEffect(orgId, userId) });

export function usePracticeEffect(userId: string) {
  const { orgId } = useOrg();
  return useQuery(effectQueryOptions(orgId, userId));
}

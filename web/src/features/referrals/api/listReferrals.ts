// The referrals screen: list_referrals — by status and a name/email search,
// 25 a page, with the allowed next steps and the pipeline's counts.
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import type { Database } from "../../../../../supabase/functions/_shared/database.types";
import { num, numOrNull } from "../../../lib/coerce";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";

export type ReferralStatus = Database["public"]["Enums"]["referral_status"];
export type ReferrerKind = Database["public"]["Enums"]["referrer_kind"];
export type RewardStatus = Database["public"]["Enums"]["reward_status"];
type Row = Database["public"]["Functions"]["list_referrals"]["Returns"][number];
export type Referral = Omit<Row, "deal_value" | "total_count" | "status_counts"> & { deal_value: number | null };

export interface ReferralFilters {
  status: ReferralStatus | null;
  q: string;
  page: number;
}
export interface ReferralPage {
  rows: Referral[];
  total: number;
  counts: Partial<Record<ReferralStatus, number>>;
}

export const REFERRAL_PAGE = 25;

export async function fetchReferrals(f: ReferralFilters): Promise<ReferralPage> {
  const { data, error } = await supabase.rpc("list_referrals", {
    ...(f.status ? { p_status: f.status } : {}),
    ...(f.q.trim() ? { p_query: f.q.trim() } : {}),
    p_limit: REFERRAL_PAGE,
    p_offset: (f.page - 1) * REFERRAL_PAGE,
  });
  if (error) throw error;
  const rows = (data ?? []) as Row[];
  const counts = (rows[0]?.status_counts ?? {}) as Record<string, unknown>;
  return {
    rows: rows.map(({ total_count: _t, status_counts: _c, ...r }) => ({ ...r, deal_value: numOrNull(r.deal_value) })),
    total: num(rows[0]?.total_count),
    counts: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, num(v)])),
  };
}

/** The single source of the key: referral mutations invalidate its prefix. */
export const referralsQueryOptions = (orgId: string, f?: ReferralFilters) =>
  queryOptions({
    queryKey: f ? ["referrals", orgId, "list", f] as const : ["referrals", orgId] as const,
    queryFn: () => fetchReferrals(f ?? { status: null, q: "", page: 1 }),
    placeholderData: keepPreviousData,
  });

export function useReferrals(f: ReferralFilters) {
  const { orgId } = useOrg();
  return useQuery(referralsQueryOptions(orgId, f));
}

// The organization's retention policy as the purge applies it: window, the
// cutoff it implies today, the next purge run, active legal holds, last purge
// (retention_policy; owners and admins).
import { queryOptions, useQuery } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";

export interface LegalHold {
  id: string;
  call_id: string | null;
  reason: string;
  placed_at: string;
  placed_by: string | null;
}
export interface RetentionPolicy {
  retention_months: number;
  cutoff: string;
  next_purge_at: string;
  on_hold: boolean;
  purges: { table: string; action: "delete" | "anonymise"; recordings: boolean }[];
  holds: LegalHold[];
  last_purge: { at: string | null; rows: number | null };
}

export async function fetchRetentionPolicy(orgId: string): Promise<RetentionPolicy> {
  const { data, error } = await supabase.rpc("retention_policy", { p_org_id: orgId });
  if (error) throw error;
  return data as unknown as RetentionPolicy;
}

export const retentionPolicyQueryOptions = (orgId: string) =>
  queryOptions({ queryKey: ["retention-policy", orgId], queryFn: () => fetchRetentionPolicy(orgId) });

export const useRetentionPolicy = (orgId: string) => useQuery(retentionPolicyQueryOptions(orgId));

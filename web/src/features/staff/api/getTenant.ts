// Staff: one tenant's page (staff_tenant_detail; SP403 for anyone else; the view is logged).
import { queryOptions, useQuery } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";

export interface TenantDetail {
  org: { id: string; name: string; slug: string; created_at: string; suspended_at: string | null; suspended_reason: string | null };
  plan: { name: string | null; status: string } | null;
  members: { user_id: string; email: string | null; role: string }[];
  numbers: { e164: string; status: string }[];
  calls: { total: number; in_period: number; waiting: number };
  usage: { provider: string; item: string; quantity: number; cost_usd: number }[];
  revenue_usd: number;
  cost_usd: number;
  margin: number | null;
  goal: number;
  budget: { cap_usd: number | null; switch_at: number | null; spent_usd: number; notice: { model: string; created_at: string } | null };
  dead_jobs: { id: number; kind: string; attempts: number; last_error: string | null; finished_at: string | null }[];
  actions: { action: string; at: string; by: string | null; detail: Record<string, unknown> }[];
}

export async function fetchTenant(orgId: string): Promise<TenantDetail> {
  const { data, error } = await supabase.rpc("staff_tenant_detail", { p_org_id: orgId, p_days: 30 });
  if (error) throw error;
  return data as unknown as TenantDetail;
}

export const tenantQueryOptions = (orgId: string) =>
  queryOptions({ queryKey: ["staff", "tenant", orgId], queryFn: () => fetchTenant(orgId) });
export const useTenant = (orgId: string) => useQuery(tenantQueryOptions(orgId));

/** What a staff action on the tenant changes: its page and the tenant list. */
export const tenantMutationKeys = (orgId: string) => [tenantQueryOptions(orgId).queryKey, ["staff", "tenants"]];

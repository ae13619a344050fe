// Staff tenant management: the search, a tenant's page, and the staff actions
// (suspend, reactivate, retry a dead-lettered job). SQL refuses non-staff (SP403)
// and logs every action in staff_actions.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { useInvalidatingMutation } from "../../../lib/mutations";
import { supabase } from "../../../lib/supabase";

export const SEARCH_MAX = 100;
export const REASON_MAX = 500;

export interface TenantRow {
  org_id: string;
  name: string;
  slug: string;
  plan_name: string | null;
  subscription_status: string;
  members: number;
  calls: number;
  suspended_at: string | null;
}

export async function searchTenants(query: string): Promise<TenantRow[]> {
  const { data, error } = await supabase.rpc("staff_search_tenants", { p_query: query, p_limit: 100 });
  if (error) throw error;
  return (data ?? []) as TenantRow[];
}

export const tenantsQueryOptions = (query: string) =>
  queryOptions({ queryKey: ["staff", "tenants", query], queryFn: () => searchTenants(query) });
export const useTenants = (query: string) => useQuery(tenantsQueryOptions(query));

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

const keys = (orgId: string) => [tenantQueryOptions(orgId).queryKey, ["staff", "tenants"]];

export function useSuspendTenant(orgId: string) {
  return useInvalidatingMutation(async (reason: string) => {
    const { error } = await supabase.rpc("staff_suspend_tenant", { p_org_id: orgId, p_reason: reason });
    if (error) throw error;
  }, keys(orgId));
}

export function useReactivateTenant(orgId: string) {
  return useInvalidatingMutation(async () => {
    const { data, error } = await supabase.rpc("staff_reactivate_tenant", { p_org_id: orgId });
    if (error) throw error;
    return data as number;
  }, keys(orgId));
}

export function useRetryJob(orgId: string) {
  return useInvalidatingMutation(async (jobId: number) => {
    const { error } = await supabase.rpc("staff_retry_job", { p_job_id: jobId });
    if (error) throw error;
  }, keys(orgId));
}

export function useSetBudgetCap(orgId: string) {
  return useInvalidatingMutation(async (v: { monthlyUsd: number | null; switchAt: number }) => {
    const { error } = await supabase.rpc("staff_set_budget_cap", {
      p_org_id: orgId,
      p_monthly_usd: v.monthlyUsd as number,
      p_switch_at: v.switchAt,
    });
    if (error) throw error;
  }, keys(orgId));
}

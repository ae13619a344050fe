// Staff: tenants whose name or slug contains the query (staff_search_tenants; SP403 for anyone else).
import { queryOptions, useQuery } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";

export const SEARCH_MAX = 100;

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


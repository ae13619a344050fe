// This month's provider costs against the tenant's budget cap, and the notice
// when the analyzer switched to the cheaper model (budget_status; owners, admins, staff).
import { queryOptions, useQuery } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";

export interface BudgetStatus {
  cap_usd: number | null;
  switch_at: number | null;
  cheaper_model: string | null;
  spent_usd: number;
  notice: { created_at: string; model: string; spent_usd: number; cap_usd: number } | null;
}

export async function fetchBudgetStatus(orgId: string): Promise<BudgetStatus> {
  const { data, error } = await supabase.rpc("budget_status", { p_org_id: orgId });
  if (error) throw error;
  return data as unknown as BudgetStatus;
}

export const budgetStatusQueryOptions = (orgId: string) =>
  queryOptions({ queryKey: ["budget-status", orgId], queryFn: () => fetchBudgetStatus(orgId) });

export const useBudgetStatus = (orgId: string) => useQuery(budgetStatusQueryOptions(orgId));

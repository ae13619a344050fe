// Staff set (or clear) the tenant's monthly provider-cost cap. Logged.
import { useInvalidatingMutation } from "../../../lib/mutations";
import { supabase } from "../../../lib/supabase";
import { tenantMutationKeys } from "./getTenant";

export function useSetBudgetCap(orgId: string) {
  return useInvalidatingMutation(async (v: { monthlyUsd: number | null; switchAt: number }) => {
    const { error } = await supabase.rpc("staff_set_budget_cap", {
      p_org_id: orgId,
      p_monthly_usd: v.monthlyUsd as number,
      p_switch_at: v.switchAt,
    });
    if (error) throw error;
  }, tenantMutationKeys(orgId));
}

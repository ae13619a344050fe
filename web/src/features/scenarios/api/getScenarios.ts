// Saved what-if scenarios of the organization (owners, admins, managers), by name.
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Tables } from "../../../../../supabase/functions/_shared/database.types";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";
import type { Inputs } from "../inputs";

export type SavedScenario = Pick<Tables<"what_if_scenarios">, "id" | "name" | "window_days" | "notes" | "updated_at"> & { inputs: Inputs };

export async function fetchScenarios(orgId: string): Promise<SavedScenario[]> {
  const { data, error } = await supabase.from("what_if_scenarios")
    .select("id, name, inputs, window_days, notes, updated_at")
    .eq("org_id", orgId)
    .order("name");
  if (error) throw error;
  return (data ?? []) as unknown as SavedScenario[];
}

/** The single source of the key: saving and deleting invalidate it. */
export const scenariosQueryOptions = (orgId: string) =>
  queryOptions({ queryKey: ["scenarios", orgId, "saved"] as const, queryFn: () => fetchScenarios(orgId) });

export function useScenarios() {
  const { orgId } = useOrg();
  return useQuery(scenariosQueryOptions(orgId));
}

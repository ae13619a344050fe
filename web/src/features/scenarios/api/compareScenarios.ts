// Saved scenarios side by side: scenario_compare (1–10 ids, in that order),
// each with its inputs and projection.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";
import type { Inputs } from "../inputs";
import type { Projection } from "./getScenarioProjection";

export interface Compared {
  id: string;
  name: string;
  window_days: number;
  inputs: Inputs;
  projection: Projection;
}

export const MAX_COMPARE = 10;

export async function fetchComparison(ids: string[]): Promise<Compared[]> {
  const { data, error } = await supabase.rpc("scenario_compare", { p_ids: ids });
  if (error) throw error;
  return (data ?? []) as unknown as Compared[];
}

/** The single source of the key (under the saved scenarios', so saving refreshes it). */
export const comparisonQueryOptions = (orgId: string, ids: string[]) =>
  queryOptions({
    queryKey: ["scenarios", orgId, "saved", "compare", ids] as const,
    queryFn: () => fetchComparison(ids),
    enabled: ids.length > 0,
  });

export function useComparison(ids: string[]) {
  const { orgId } = useOrg();
  return useQuery(comparisonQueryOptions(orgId, ids));
}

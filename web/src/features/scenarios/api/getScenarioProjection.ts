// The live result: scenario_projection for the inputs on screen — calls,
// conversions and revenue per week/month/quarter, the adherence lever applied
// with its 95 % interval (or "insufficient data"), gaps to organization goals.
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";
import { type Inputs, REQUIRED } from "../inputs";

type Per = { week: number; month: number; quarter: number };
export interface Projection {
  inputs: Inputs;
  calls: Per;
  conversions: Per;
  revenue: Per;
  revenue_ci95: { month: [number, number]; quarter: [number, number] } | null;
  adherence_effect:
    | { status: "applied"; adherence_change: number; conversion_rate: number; conversion_rate_ci95: [number, number]; n: number }
    | { status: "insufficient_data"; n: number; min_n: number }
    | null;
  goal_gaps: { goal_id: string; name: string; metric: string; target: number; projected: number; gap: number; period_end: string }[];
  formula: string;
}

export const canProject = (inputs: Inputs) => REQUIRED.every((k) => inputs[k] != null);

export async function fetchScenarioProjection(inputs: Inputs, windowDays: number): Promise<Projection> {
  const { data, error } = await supabase.rpc("scenario_projection", { p_inputs: inputs, p_window_days: windowDays });
  if (error) throw error;
  return data as unknown as Projection;
}

/** The single source of the key. */
export const scenarioProjectionQueryOptions = (orgId: string, inputs: Inputs, windowDays: number) =>
  queryOptions({
    queryKey: ["scenarios", orgId, "projection", windowDays, inputs] as const,
    queryFn: () => fetchScenarioProjection(inputs, windowDays),
    enabled: canProject(inputs),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });

export function useScenarioProjection(inputs: Inputs, windowDays: number) {
  const { orgId } = useOrg();
  return useQuery(scenarioProjectionQueryOptions(orgId, inputs, windowDays));
}

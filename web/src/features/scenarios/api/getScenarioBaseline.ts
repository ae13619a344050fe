// The what-if pre-fill: scenario_baseline — the organization's measured
// figures over a window (each with its sample size; null without data) and
// the conversation levers (adherence, sentiment) with their 95 % intervals.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";
import type { InputKey } from "../inputs";

export interface Figure {
  value: number | null;
  n: number;
  how: string;
}
export type Lever =
  | { status: "ok"; n: number; conversions: number; slope: number; slope_ci95: [number, number]; per_unit: number;
      conversion_points_per_unit: number; conversion_points_per_unit_ci95: [number, number]; significant: boolean; mean_x: number; model: string }
  | { status: "insufficient_data"; n: number; conversions: number; min_n: number; reason: string };
export interface Baseline {
  window_days: number;
  figures: Record<InputKey | "customer_sentiment", Figure>;
  levers: { script_adherence: Lever; customer_sentiment: Lever };
}

export const WINDOWS = [30, 90, 180, 365];

export async function fetchScenarioBaseline(windowDays: number): Promise<Baseline> {
  const { data, error } = await supabase.rpc("scenario_baseline", { p_window_days: windowDays });
  if (error) throw error;
  const b = data as unknown as Baseline;
  for (const f of Object.values(b.figures)) {
    f.value = f.value == null ? null : Number(f.value);
    f.n = Number(f.n ?? 0);
  }
  return b;
}

/** The single source of the key. */
export const scenarioBaselineQueryOptions = (orgId: string, windowDays: number) =>
  queryOptions({
    queryKey: ["scenarios", orgId, "baseline", windowDays] as const,
    queryFn: () => fetchScenarioBaseline(windowDays),
    staleTime: 5 * 60_000,
  });

export function useScenarioBaseline(windowDays: number) {
  const { orgId } = useOrg();
  return useQuery(scenarioBaselineQueryOptions(orgId, windowDays));
}

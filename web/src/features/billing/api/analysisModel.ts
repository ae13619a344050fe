// The model that analyzes the organization's calls: the choices, the plan's
// default and the organization's setting (analysis_model_options; members),
// changed by owners and admins (set_analysis_model; null: the plan's default).
import { queryOptions, useQuery } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { useInvalidatingMutation } from "../../../lib/mutations";

export interface AnalysisModelOptions {
  models: string[];
  plan_default: string;
  selected: string | null;
}

export async function fetchAnalysisModel(orgId: string): Promise<AnalysisModelOptions> {
  const { data, error } = await supabase.rpc("analysis_model_options", { p_org_id: orgId });
  if (error) throw error;
  if (!data) throw new Error("The analysis model settings are unavailable.");
  return data as unknown as AnalysisModelOptions;
}

export const analysisModelQueryOptions = (orgId: string) =>
  queryOptions({ queryKey: ["analysis-model", orgId], queryFn: () => fetchAnalysisModel(orgId) });

export const useAnalysisModel = (orgId: string) => useQuery(analysisModelQueryOptions(orgId));

export async function setAnalysisModel(orgId: string, model: string | null): Promise<void> {
  const { error } = await supabase.rpc("set_analysis_model", { p_org_id: orgId, p_model: model as string });
  if (error) throw error;
}

export const useSetAnalysisModel = (orgId: string) =>
  useInvalidatingMutation((model: string | null) => setAnalysisModel(orgId, model), [analysisModelQueryOptions(orgId).queryKey]);

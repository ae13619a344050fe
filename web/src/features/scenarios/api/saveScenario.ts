// Saves the inputs on screen under a name (a new scenario, or the same name's
// existing one replaced). Names are unique in an organization.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Json } from "../../../../../supabase/functions/_shared/database.types";
import { supabase } from "../../../lib/supabase";
import type { Inputs } from "../inputs";
import { scenariosQueryOptions } from "./getScenarios";

export async function saveScenario(orgId: string, s: { id?: string; name: string; inputs: Inputs; window_days: number }): Promise<string> {
  const fields = { name: s.name, inputs: s.inputs as { [key: string]: Json }, window_days: s.window_days };
  const query = s.id
    ? supabase.from("what_if_scenarios").update(fields).eq("id", s.id).eq("org_id", orgId)
    : supabase.from("what_if_scenarios").insert({ org_id: orgId, ...fields });
  const { data, error } = await query.select("id").single();
  if (error) throw error;
  return (data as { id: string }).id;
}

export function useSaveScenario(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (s: { id?: string; name: string; inputs: Inputs; window_days: number }) => saveScenario(orgId, s),
    onSettled: () => qc.invalidateQueries({ queryKey: scenariosQueryOptions(orgId).queryKey }),
  });
}

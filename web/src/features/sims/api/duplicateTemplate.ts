// Managers copy a template (built-in or their own) to make it their own.
import { useInvalidatingMutation } from "../../../lib/mutations";
import { supabase } from "../../../lib/supabase";
import { templatesQueryOptions } from "./listTemplates";

export async function duplicateTemplate(id: string): Promise<string> {
  const { data, error } = await supabase.rpc("duplicate_sim_template", { p_template_id: id });
  if (error) throw error;
  return data as string;
}

export function useDuplicateTemplate(orgId: string) {
  return useInvalidatingMutation(duplicateTemplate, [templatesQueryOptions(orgId).queryKey], "success");
}

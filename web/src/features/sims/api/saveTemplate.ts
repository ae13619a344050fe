// Managers create SIM templates and edit their own (built-ins are read-only: duplicate one first).
import type { Database } from "../../../../../supabase/functions/_shared/database.types";
import { useInvalidatingMutation } from "../../../lib/mutations";
import { supabase } from "../../../lib/supabase";
import { templatesQueryOptions } from "./listTemplates";

export type TemplateInput = Omit<Database["public"]["Tables"]["sim_templates"]["Insert"], "org_id" | "id">;

export async function saveTemplate(orgId: string, id: string | null, t: TemplateInput): Promise<void> {
  const { error } = id
    ? await supabase.from("sim_templates").update(t).eq("id", id)
    : await supabase.from("sim_templates").insert({ ...t, org_id: orgId });
  if (error) throw error;
}

export function useSaveTemplate(orgId: string) {
  return useInvalidatingMutation((v: { id: string | null; t: TemplateInput }) => saveTemplate(orgId, v.id, v.t), [templatesQueryOptions(orgId).queryKey], "success");
}

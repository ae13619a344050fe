// The SIM library: the organization's templates (built-in ones first).
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Database } from "../../../../../supabase/functions/_shared/database.types";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";

export type SimTemplate = Database["public"]["Tables"]["sim_templates"]["Row"];

export async function fetchTemplates(orgId: string): Promise<SimTemplate[]> {
  const { data, error } = await supabase.from("sim_templates").select("*").eq("org_id", orgId)
    .order("is_builtin", { ascending: false }).order("name");
  if (error) throw error;
  return data ?? [];
}

/** The single source of the key; the `["sims", orgId]` prefix covers every SIM query of the organization. */
export const templatesQueryOptions = (orgId: string) =>
  queryOptions({ queryKey: ["sims", orgId, "templates"] as const, queryFn: () => fetchTemplates(orgId) });

export function useTemplates() {
  const { orgId } = useOrg();
  return useQuery(templatesQueryOptions(orgId));
}

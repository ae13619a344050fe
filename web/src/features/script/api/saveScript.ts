// Saves the default call script: its name and ordered items (PostgREST, RLS:
// owners, admins and managers). Creates it when the organization has none.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import type { ScriptItem } from "../items";
import { type CallScript, defaultScriptQueryOptions } from "./getDefaultScript";

export interface SaveScriptInput {
  /** The script to update; absent: create the default script. */
  id?: string;
  name: string;
  items: ScriptItem[];
}

export async function saveScript(orgId: string, input: SaveScriptInput): Promise<CallScript> {
  const fields = { name: input.name, items: input.items };
  const query = input.id
    ? supabase.from("call_scripts").update(fields).eq("id", input.id).eq("org_id", orgId)
    : supabase.from("call_scripts").insert({ ...fields, org_id: orgId, is_default: true });
  const { data, error } = await query.select("id, name, items, updated_at").single();
  if (error) throw error;
  return { id: data.id, name: data.name, items: data.items as unknown as ScriptItem[], updated_at: data.updated_at };
}

export function useSaveScript(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: SaveScriptInput) => saveScript(orgId, input),
    onSuccess: (saved) => qc.setQueryData(defaultScriptQueryOptions(orgId).queryKey, saved),
    onSettled: () => qc.invalidateQueries({ queryKey: defaultScriptQueryOptions(orgId).queryKey }),
  });
}

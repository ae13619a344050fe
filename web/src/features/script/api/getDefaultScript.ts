// The organization's default call script (what calls are scored against), or
// null when it has none yet.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod/mini";
import { supabase } from "../../../lib/supabase";
import { ScriptItem } from "../items";

export interface CallScript {
  id: string;
  name: string;
  items: ScriptItem[];
  updated_at: string;
}

export async function fetchDefaultScript(orgId: string): Promise<CallScript | null> {
  const { data, error } = await supabase.from("call_scripts")
    .select("id, name, items, updated_at")
    .eq("org_id", orgId)
    .eq("is_default", true)
    .maybeSingle();
  if (error) throw error;
  if (!data) return null;
  const items = z.array(ScriptItem).parse(data.items).map((i) => ({
    id: i.id,
    label: i.label,
    ...(i.description ? { description: i.description } : {}),
  }));
  return { id: data.id, name: data.name, items, updated_at: data.updated_at };
}

export const defaultScriptQueryOptions = (orgId: string) =>
  queryOptions({
    queryKey: ["call_scripts", orgId, "default"],
    queryFn: () => fetchDefaultScript(orgId),
  });

export const useDefaultScript = (orgId: string) => useQuery(defaultScriptQueryOptions(orgId));

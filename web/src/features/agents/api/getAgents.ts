// The organization's agents (people who take calls), read under RLS.
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Tables } from "../../../../../supabase/functions/_shared/database.types";
import { supabase } from "../../../lib/supabase";

export type Agent = Pick<Tables<"agents">, "id" | "org_id" | "name" | "phone" | "user_id" | "active" | "created_at">;

export async function fetchAgents(orgId: string): Promise<Agent[]> {
  const { data, error } = await supabase.from("agents")
    .select("id, org_id, name, phone, user_id, active, created_at")
    .eq("org_id", orgId)
    .order("name");
  if (error) throw error;
  return (data ?? []) as Agent[];
}

/**
 * Every agents query of an organization starts with this key, whichever
 * screen holds it (agent pickers elsewhere too): changing an agent refreshes them all.
 */
export const agentsBaseKey = (orgId: string) => ["agents", orgId] as const;

export const agentsQueryOptions = (orgId: string) =>
  queryOptions({
    queryKey: [...agentsBaseKey(orgId), "list"],
    queryFn: () => fetchAgents(orgId),
  });

export const useAgents = (orgId: string) => useQuery(agentsQueryOptions(orgId));

// The organization's agents (people who take calls), read under RLS: one
// query and one cache entry for the agents screen and every agent picker
// (dashboard and calls filters, the number a call rings).
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Tables } from "../../../../supabase/functions/_shared/database.types";
import { supabase } from "../supabase";

export type Agent = Pick<Tables<"agents">, "id" | "org_id" | "name" | "phone" | "user_id" | "active" | "created_at">;

export async function fetchAgents(orgId: string): Promise<Agent[]> {
  const { data, error } = await supabase.from("agents")
    .select("id, org_id, name, phone, user_id, active, created_at")
    .eq("org_id", orgId)
    .order("name");
  if (error) throw error;
  return (data ?? []) as Agent[];
}

/** The single source of the key: mutations of agents invalidate it. */
export const agentsQueryOptions = (orgId: string) =>
  queryOptions({
    queryKey: ["agents", orgId] as const,
    queryFn: () => fetchAgents(orgId),
    staleTime: 60_000,
  });

export const useAgents = (orgId: string) => useQuery(agentsQueryOptions(orgId));

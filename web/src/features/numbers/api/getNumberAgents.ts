// Agents a number can ring (the organization's agents, active or not).
import { queryOptions, useQuery } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";

export interface NumberAgent {
  id: string;
  name: string;
  active: boolean;
}

export async function fetchNumberAgents(orgId: string): Promise<NumberAgent[]> {
  const { data, error } = await supabase.from("agents").select("id, name, active").eq("org_id", orgId).order("name");
  if (error) throw error;
  return (data ?? []) as NumberAgent[];
}

export const numberAgentsQueryOptions = (orgId: string) =>
  queryOptions({
    queryKey: ["agents", orgId, "number-options"],
    queryFn: () => fetchNumberAgents(orgId),
  });

export const useNumberAgents = (orgId: string) => useQuery(numberAgentsQueryOptions(orgId));

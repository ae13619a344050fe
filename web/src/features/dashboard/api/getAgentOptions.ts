// Agents of the current organization, for the dashboard's agent filter.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { useOrg } from "../../../app/session";
import { supabase } from "../../../lib/supabase";

export interface AgentOption {
  id: string;
  name: string;
  active: boolean;
}

export async function fetchAgentOptions(orgId: string): Promise<AgentOption[]> {
  const { data, error } = await supabase.from("agents").select("id, name, active").eq("org_id", orgId).order("name");
  if (error) throw error;
  return (data ?? []) as AgentOption[];
}

export const agentOptionsQueryOptions = (orgId: string) => queryOptions({
  // Under ["agents", orgId] so that invalidating an organization's agents refreshes the filter too.
  queryKey: ["agents", orgId, "dashboard-filter"] as const,
  queryFn: () => fetchAgentOptions(orgId),
  staleTime: 60_000,
});

export function useAgentOptions() {
  const { orgId } = useOrg();
  return useQuery(agentOptionsQueryOptions(orgId));
}

// The agent filter shared by the dashboard and the calls list: the current
// organization's agents (one query, one cache entry for both screens), an
// "Unknown agent" option when the URL names one that is not listed, and an
// inline error with retry.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { useOrg } from "../app/session";
import { errorMessage } from "../lib/errors";
import { supabase } from "../lib/supabase";

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
  queryKey: ["agents", orgId, "filter-options"] as const,
  queryFn: () => fetchAgentOptions(orgId),
  staleTime: 60_000,
});

export function AgentFilter({ value, onChange }: { value: string | null; onChange: (agentId: string | null) => void }) {
  const { orgId } = useOrg();
  const agents = useQuery(agentOptionsQueryOptions(orgId));
  const errorId = useId();
  const list = agents.data ?? [];
  const unknown = value && agents.isSuccess && !list.some((a) => a.id === value);
  return (
    <>
      <label>
        Agent
        <select
          name="agent"
          value={value ?? ""}
          disabled={agents.isPending}
          aria-describedby={agents.isError ? errorId : undefined}
          onChange={(e) => onChange(e.target.value || null)}
        >
          <option value="">{agents.isPending ? "Loading agents…" : "All agents"}</option>
          {unknown && <option value={value!}>Unknown agent</option>}
          {list.map((a) => <option key={a.id} value={a.id}>{a.name}{a.active ? "" : " (inactive)"}</option>)}
        </select>
      </label>
      {agents.isError && (
        <p id={errorId} className="inline-error" role="alert">
          Couldn't load agents: {errorMessage(agents.error)}{" "}
          <button type="button" className="link" onClick={() => agents.refetch()}>Try again</button>
        </p>
      )}
    </>
  );
}

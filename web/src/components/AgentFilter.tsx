// The agent filter shared by the dashboard and the calls list: the current
// organization's agents (the shared agents query in lib/queries/agents.ts), an
// "Unknown agent" option when the URL names one that is not listed, and an
// inline error with retry.
import { useId } from "react";
import { useOrg } from "../lib/session";
import { errorMessage } from "../lib/errors";
import { useAgents } from "../lib/queries/agents";

export function AgentFilter({ value, onChange }: { value: string | null; onChange: (agentId: string | null) => void }) {
  const { orgId } = useOrg();
  const agents = useAgents(orgId);
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

// Phone numbers (owners/admins): the organization's numbers with the agent
// each one rings, and "Add a number": area code → pick a number → choose the
// agent → buy → ready. Plan usage comes from org_entitlements; a plan limit
// (402) points to the billing page.
import { type FormEvent, useId, useState } from "react";
import { Link } from "../../../lib/router";
import { useOrg } from "../../../lib/session";
import { Banner, Card, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { FunctionError } from "../../../lib/functions";
import { type Agent, useAgents } from "../../../lib/queries/agents";
import { useAssignNumberAgent } from "../api/assignNumberAgent";
import { useBuyNumber } from "../api/buyNumber";
import { type NumberUsage, useNumberUsage } from "../api/getNumberUsage";
import { type PhoneNumber, usePhoneNumbers } from "../api/getPhoneNumbers";
import { useReleaseNumber } from "../api/releaseNumber";
import { type AvailableNumber, useAvailableNumbers } from "../api/searchAvailableNumbers";

export function NumbersPage() {
  const { orgId, isAdmin } = useOrg();
  if (!isAdmin) {
    return (
      <EmptyState title="Owners and admins only">
        Ask an owner or admin of your organization to add or change phone numbers.
      </EmptyState>
    );
  }
  return (
    <>
      <h1>Phone numbers</h1>
      <PlanUsage orgId={orgId} />
      <NumberList orgId={orgId} />
      <AddNumber orgId={orgId} />
    </>
  );
}

function UpgradeLink() {
  return <Link to="/app/billing">Upgrade your plan on the Billing page</Link>;
}

function usageText(u: NumberUsage) {
  return u.limit === null ? `${u.used} numbers · ${u.planName} plan (no limit)` : `${u.used} of ${u.limit} numbers used · ${u.planName} plan`;
}

function PlanUsage({ orgId }: { orgId: string }) {
  const usage = useNumberUsage(orgId);
  if (usage.isPending) return <p className="muted num-usage">Checking your plan…</p>;
  if (usage.isError) return <p className="muted num-usage">Plan usage is unavailable right now.</p>;
  const u = usage.data;
  return (
    <>
      <p className="num-usage" data-testid="number-usage">{usageText(u)}</p>
      {u.atLimit && (
        <Banner kind="warning">
          You are using all {u.limit} numbers your {u.planName} plan includes. <UpgradeLink /> to add more.
        </Banner>
      )}
    </>
  );
}

const agentLabel = (a: Agent) => (a.active ? a.name : `${a.name} (inactive)`);

function NumberList({ orgId }: { orgId: string }) {
  const numbers = usePhoneNumbers(orgId);
  const agents = useAgents(orgId);
  if (numbers.isPending) return <Card title="Your numbers"><Spinner label="Loading numbers…" /></Card>;
  if (numbers.isError) {
    return <Card title="Your numbers"><ErrorState error={numbers.error} onRetry={() => numbers.refetch()} /></Card>;
  }
  return (
    <Card title="Your numbers">
      {numbers.data.length === 0
        ? (
          <EmptyState title="No numbers yet">
            Add a number below: calls to it ring the agent you choose, and are recorded and analyzed.
          </EmptyState>
        )
        : (
          <div className="table-wrap">
            <table className="num-table">
              <thead>
                <tr>
                  <th scope="col">Number</th>
                  <th scope="col">Name</th>
                  <th scope="col">Rings</th>
                  <th scope="col">Status</th>
                  <th scope="col"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {numbers.data.map((n) => <NumberRow key={n.id} orgId={orgId} number={n} agents={agents.data ?? []} />)}
              </tbody>
            </table>
          </div>
        )}
      {agents.isError && <Banner kind="error">Agents could not be loaded: {errorMessage(agents.error)}</Banner>}
    </Card>
  );
}

function NumberRow({ orgId, number: n, agents }: { orgId: string; number: PhoneNumber; agents: Agent[] }) {
  const assign = useAssignNumberAgent(orgId);
  const release = useReleaseNumber(orgId);
  const [confirming, setConfirming] = useState(false);
  const released = n.status === "released";
  // Active agents, plus the current one even if inactive (so the select shows the truth).
  const options = agents.filter((a) => a.active || a.id === n.agent_id);
  const current = agents.find((a) => a.id === n.agent_id);
  return (
    <tr data-testid="number-row" data-e164={n.e164} className={released ? "num-released" : undefined}>
      <td data-label="Number"><span className="num-e164">{n.e164}</span></td>
      <td data-label="Name">{n.friendly_name ?? <span className="muted">—</span>}</td>
      <td data-label="Rings">
        {released ? <span className="muted">{current?.name ?? "—"}</span> : (
          <>
            <select
              aria-label={`Agent for ${n.e164}`}
              value={n.agent_id ?? ""}
              disabled={assign.isPending}
              onChange={(e) => assign.mutate({ id: n.id, agentId: e.target.value || null })}
            >
              <option value="">No one (calls are not answered)</option>
              {options.map((a) => <option key={a.id} value={a.id}>{agentLabel(a)}</option>)}
            </select>
            {assign.isPending && <span className="muted"> Saving…</span>}
            {assign.isError && <span className="num-error" role="alert">{errorMessage(assign.error)}</span>}
          </>
        )}
      </td>
      <td data-label="Status">
        <span className={`badge ${n.status === "active" ? "good" : n.status === "released" ? "" : "warn"}`}>{n.status}</span>
      </td>
      <td data-label="Actions" className="num-actions">
        {!released && !confirming && (
          <button type="button" className="secondary" onClick={() => setConfirming(true)}>Release</button>
        )}
        {!released && confirming && (
          <span className="num-confirm">
            <span>Release {n.e164}? Calls to it stop and the number goes back to the provider.</span>
            <button type="button" disabled={release.isPending} onClick={() => release.mutate(n.id, { onSettled: () => setConfirming(false) })}>
              {release.isPending ? "Releasing…" : "Release number"}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>Keep it</button>
          </span>
        )}
        {release.isError && <span className="num-error" role="alert">{errorMessage(release.error)}</span>}
      </td>
    </tr>
  );
}

function isPlanLimit(err: unknown): err is FunctionError {
  return err instanceof FunctionError && err.status === 402;
}

function AddNumber({ orgId }: { orgId: string }) {
  const ids = useId();
  const [areaInput, setAreaInput] = useState("");
  const [areaCode, setAreaCode] = useState("");
  const [picked, setPicked] = useState<string | null>(null);
  const [agentChoice, setAgentChoice] = useState<string | null>(null); // null: the default (first active agent)
  const [name, setName] = useState("");
  const [bought, setBought] = useState<PhoneNumber | null>(null);
  const available = useAvailableNumbers(orgId, areaCode);
  const agents = useAgents(orgId);
  const usage = useNumberUsage(orgId);
  const buy = useBuyNumber(orgId);
  const active = (agents.data ?? []).filter((a) => a.active);
  const agentId = agentChoice ?? active[0]?.id ?? "";
  const validArea = /^[2-9]\d\d$/.test(areaInput);

  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    if (!validArea) return;
    setPicked(null);
    buy.reset();
    if (areaInput === areaCode) void available.refetch();
    else setAreaCode(areaInput);
  };

  const onBuy = (e: FormEvent) => {
    e.preventDefault();
    if (!picked) return;
    buy.mutate(
      { e164: picked, agentId: agentId || null, friendlyName: name },
      {
        onSuccess: (row) => setBought(row),
        // Taken meanwhile: the search refreshes; pick another one.
        onError: (err) => {
          if (err instanceof FunctionError && err.status === 409) setPicked(null);
        },
      },
    );
  };

  const startOver = () => {
    setBought(null);
    setPicked(null);
    setAreaCode("");
    setAreaInput("");
    setName("");
    setAgentChoice(null);
    buy.reset();
  };

  if (bought) {
    const agent = (agents.data ?? []).find((a) => a.id === bought.agent_id);
    return (
      <Card title="Add a number">
        <Banner kind="success">
          {agent
            ? <>Calls to <strong>{bought.e164}</strong> now ring <strong>{agent.name}</strong>.</>
            : <><strong>{bought.e164}</strong> is ready. Choose an agent for it above so calls to it ring someone.</>}
        </Banner>
        <p className="muted">Calls are recorded and analyzed automatically; they appear under Calls.</p>
        <button type="button" className="secondary" onClick={startOver}>Add another number</button>
      </Card>
    );
  }

  return (
    <Card title="Add a number" className="num-add">
      <form className="num-search" onSubmit={onSearch} aria-label="Find a number" noValidate>
        <label>
          Area code
          <input
            name="area_code"
            inputMode="numeric"
            autoComplete="off"
            maxLength={3}
            placeholder="415"
            value={areaInput}
            aria-invalid={areaInput !== "" && !validArea}
            aria-describedby={`${ids}-area-help`}
            onChange={(e) => setAreaInput(e.target.value.replace(/\D/g, "").slice(0, 3))}
          />
        </label>
        <button type="submit" disabled={!validArea || available.isFetching}>
          {available.isFetching ? "Searching…" : "Search"}
        </button>
        <span id={`${ids}-area-help`} className="muted">Three digits of a US area code, e.g. 415 for San Francisco.</span>
      </form>

      {areaCode && (
        <SearchResults
          state={available}
          areaCode={areaCode}
          picked={picked}
          onPick={(e164) => {
            setPicked(e164);
            buy.reset();
          }}
        />
      )}

      {buy.isError && (isPlanLimit(buy.error)
        ? <Banner kind="warning">{buy.error.message} <UpgradeLink />.</Banner>
        : <Banner kind="error">{errorMessage(buy.error)}</Banner>)}

      {picked && (
        <form className="num-buy" onSubmit={onBuy} aria-label="Buy the number">
          <label>
            Calls ring
            <select value={agentId} onChange={(e) => setAgentChoice(e.target.value)}>
              {active.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
              <option value="">No one yet (choose later)</option>
            </select>
          </label>
          {agents.isSuccess && active.length === 0 && (
            <p className="muted">No active agents yet: <Link to="/app/agents">add an agent</Link> so calls ring someone.</p>
          )}
          <label>
            Name (optional)
            <input value={name} maxLength={64} placeholder="e.g. Sales line" onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="submit" disabled={buy.isPending || usage.data?.atLimit === true}>
            {buy.isPending ? `Buying ${picked}…` : `Buy ${picked}`}
          </button>
          {usage.data?.atLimit && <p className="muted">Your plan's numbers are all in use. <UpgradeLink />.</p>}
        </form>
      )}
    </Card>
  );
}

function SearchResults({ state, areaCode, picked, onPick }: {
  state: ReturnType<typeof useAvailableNumbers>;
  areaCode: string;
  picked: string | null;
  onPick: (e164: string) => void;
}) {
  if (state.isPending) return <Spinner label={`Looking for numbers in ${areaCode}…`} />;
  if (state.isError) {
    return isPlanLimit(state.error)
      ? <Banner kind="warning">{state.error.message} <UpgradeLink />.</Banner>
      : <ErrorState error={state.error} title="Couldn't search for numbers" onRetry={() => state.refetch()} />;
  }
  if (state.data.length === 0) {
    return (
      <EmptyState title={`No numbers available in ${areaCode}`}>
        Try a nearby area code.
      </EmptyState>
    );
  }
  return (
    <fieldset className="num-results">
      <legend>Pick a number in {areaCode}</legend>
      {state.data.map((n: AvailableNumber) => (
        <label key={n.e164} data-testid="available-number" className={`num-option ${picked === n.e164 ? "num-picked" : ""}`}>
          <input type="radio" name="available-number" value={n.e164} checked={picked === n.e164} onChange={() => onPick(n.e164)} />
          <span className="num-e164">{n.e164}</span>
          <span className="muted">{[n.friendly_name, [n.locality, n.region].filter(Boolean).join(", ")].filter(Boolean).join(" · ")}</span>
        </label>
      ))}
    </fieldset>
  );
}

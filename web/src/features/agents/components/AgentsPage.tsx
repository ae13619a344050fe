// Agents (managers): the people calls ring. Add and edit them (name, E.164
// phone, optional link to a member, active), switch them on and off; owners
// and admins may delete. PostgREST under RLS decides; this only shapes the UI.
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { useOrg } from "../../../lib/session";
import { Banner, Card, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { useDeleteAgent } from "../api/deleteAgent";
import { type Agent, useAgents } from "../../../lib/queries/agents";
import { type Member, useMembers } from "../../../lib/queries/members";
import { type AgentInput, useSaveAgent } from "../api/saveAgent";
import { normalizePhone } from "../phone";

export function AgentsPage() {
  const { orgId, isManager, isAdmin } = useOrg();
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  if (!isManager) {
    return <EmptyState title="Managers only">Ask a manager, admin or owner of your organization to manage agents.</EmptyState>;
  }
  return (
    <>
      <div className="agents-head">
        <h1>Agents</h1>
        {!adding && (
          <button type="button" onClick={() => { setAdding(true); setAdded(null); }}>Add agent</button>
        )}
      </div>
      {added && <Banner kind="success">{added} was added. Assign them a number on the Numbers page so calls ring them.</Banner>}
      {adding && (
        <Card title="New agent">
          <AgentForm
            orgId={orgId}
            onDone={(a) => {
              setAdding(false);
              if (a) setAdded(a.name);
            }}
          />
        </Card>
      )}
      <AgentList orgId={orgId} canDelete={isAdmin} />
    </>
  );
}

function memberLabel(m: Member) {
  return m.email && m.email !== m.name ? `${m.name} (${m.email})` : m.name;
}

function AgentList({ orgId, canDelete }: { orgId: string; canDelete: boolean }) {
  const agents = useAgents(orgId);
  const members = useMembers(orgId);
  const [editing, setEditing] = useState<string | null>(null);
  if (agents.isPending) return <Card title="Team"><Spinner label="Loading agents…" /></Card>;
  if (agents.isError) return <Card title="Team"><ErrorState error={agents.error} onRetry={() => agents.refetch()} /></Card>;
  if (agents.data.length === 0) {
    return (
      <Card title="Team">
        <EmptyState title="No agents yet">Add the people who take calls; each number you buy rings one of them.</EmptyState>
      </Card>
    );
  }
  const memberName = (userId: string | null) => {
    if (!userId) return null;
    const m = members.data?.find((x) => x.userId === userId);
    return m ? m.name : "A member";
  };
  return (
    <Card title="Team">
      <ul className="agents-list">
        {agents.data.map((a) =>
          editing === a.id
            ? (
              <li key={a.id} className="agents-item agents-editing">
                <AgentForm orgId={orgId} agent={a} agents={agents.data} onDone={() => setEditing(null)} />
              </li>
            )
            : (
              <AgentItem
                key={a.id}
                orgId={orgId}
                agent={a}
                member={memberName(a.user_id)}
                canDelete={canDelete}
                onEdit={() => setEditing(a.id)}
              />
            )
        )}
      </ul>
      {members.isError && <Banner kind="error">Members could not be loaded: {errorMessage(members.error)}</Banner>}
    </Card>
  );
}

function AgentItem({ orgId, agent: a, member, canDelete, onEdit }: {
  orgId: string;
  agent: Agent;
  member: string | null;
  canDelete: boolean;
  onEdit: () => void;
}) {
  const save = useSaveAgent(orgId);
  const remove = useDeleteAgent(orgId);
  const [confirming, setConfirming] = useState(false);
  return (
    <li className={`agents-item ${a.active ? "" : "agents-inactive"}`} data-testid="agent-row">
      <div className="agents-main">
        <strong className="agents-name">{a.name}</strong>
        <span className="agents-phone">{a.phone ?? <span className="muted">No phone number</span>}</span>
        {member && <span className="muted">Member: {member}</span>}
        <span className={`badge ${a.active ? "good" : ""}`}>{a.active ? "Active" : "Inactive"}</span>
      </div>
      <div className="agents-actions">
        <button type="button" className="secondary" onClick={onEdit} aria-label={`Edit ${a.name}`}>Edit</button>
        <button
          type="button"
          className="secondary"
          disabled={save.isPending}
          aria-label={`${a.active ? "Deactivate" : "Activate"} ${a.name}`}
          onClick={() => save.mutate({ id: a.id, active: !a.active })}
        >
          {a.active ? "Deactivate" : "Activate"}
        </button>
        {canDelete && !confirming && (
          <button type="button" className="secondary" onClick={() => setConfirming(true)} aria-label={`Delete ${a.name}`}>Delete</button>
        )}
        {canDelete && confirming && (
          <span className="agents-confirm">
            <span>Delete {a.name}? Their calls keep their history.</span>
            <button type="button" disabled={remove.isPending} onClick={() => remove.mutate(a.id, { onSettled: () => setConfirming(false) })}>
              {remove.isPending ? "Deleting…" : "Delete agent"}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>Keep</button>
          </span>
        )}
      </div>
      {save.isError && <p className="agents-error" role="alert">{errorMessage(save.error)}</p>}
      {remove.isError && <p className="agents-error" role="alert">{errorMessage(remove.error)}</p>}
    </li>
  );
}

/** A labelled control with its help text or error (announced through aria-describedby). */
function Field({ id, label, help, error, children }: {
  id: string;
  label: string;
  help?: string;
  error?: string | null;
  children: ReactNode;
}) {
  return (
    <div className="agents-field">
      <label htmlFor={id}>{label}</label>
      {children}
      {(error || help) && <span id={`${id}-help`} className={error ? "agents-error" : "muted"}>{error ?? help}</span>}
    </div>
  );
}

function saveErrorMessage(err: unknown): string {
  const e = err as { code?: string };
  if (e?.code === "23505") return "That member is already linked to another agent.";
  return errorMessage(err);
}

export function AgentForm({ orgId, agent, agents, onDone }: {
  orgId: string;
  agent?: Agent;
  /** The organization's agents, to show which members are already linked. */
  agents?: Agent[];
  onDone: (saved: Agent | null) => void;
}) {
  const ids = useId();
  const members = useMembers(orgId);
  const list = useAgents(orgId);
  const save = useSaveAgent(orgId);
  const [name, setName] = useState(agent?.name ?? "");
  const [phone, setPhone] = useState(agent?.phone ?? "");
  const [userId, setUserId] = useState(agent?.user_id ?? "");
  const [active, setActive] = useState(agent?.active ?? true);
  const [touched, setTouched] = useState(false);
  const normalized = normalizePhone(phone);
  const nameError = name.trim() ? null : "Enter the agent's name.";
  const phoneError = normalized ? null : "Enter a phone number in international format, e.g. +1 415 555 0101.";
  const linkedElsewhere = new Map(
    (agents ?? list.data ?? []).filter((a) => a.user_id && a.id !== agent?.id).map((a) => [a.user_id!, a.name]),
  );

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (nameError || phoneError) return;
    const input: AgentInput = { name: name.trim(), phone: normalized, user_id: userId || null, active };
    save.mutate(agent ? { id: agent.id, ...input } : input, { onSuccess: (saved) => onDone(saved) });
  };

  return (
    <form className="agents-form" onSubmit={onSubmit} aria-label={agent ? `Edit ${agent.name}` : "New agent"} noValidate>
      {save.isError && <Banner kind="error">{saveErrorMessage(save.error)}</Banner>}
      <Field id={`${ids}-name`} label="Name" error={touched ? nameError : null}>
        <input
          id={`${ids}-name`}
          value={name}
          maxLength={200}
          autoComplete="off"
          required
          aria-invalid={touched && Boolean(nameError)}
          aria-describedby={touched && nameError ? `${ids}-name-help` : undefined}
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <Field
        id={`${ids}-phone`}
        label="Phone"
        help="The number calls are forwarded to, with its country code."
        error={touched ? phoneError : null}
      >
        <input
          id={`${ids}-phone`}
          type="tel"
          value={phone}
          autoComplete="off"
          placeholder="+1 415 555 0101"
          required
          aria-invalid={touched && Boolean(phoneError)}
          aria-describedby={`${ids}-phone-help`}
          onChange={(e) => setPhone(e.target.value)}
          onBlur={() => {
            if (normalized) setPhone(normalized);
          }}
        />
      </Field>
      <Field id={`${ids}-member`} label="Linked member (optional)" help="A linked member sees their own calls when they sign in.">
        <select
          id={`${ids}-member`}
          value={userId}
          aria-describedby={`${ids}-member-help`}
          onChange={(e) => setUserId(e.target.value)}
          disabled={members.isPending}
        >
          <option value="">Not linked</option>
          {[...(members.data ?? [])].sort((a, b) => a.name.localeCompare(b.name)).map((m) => (
            <option key={m.userId} value={m.userId} disabled={linkedElsewhere.has(m.userId)}>
              {memberLabel(m)}
              {linkedElsewhere.has(m.userId) ? ` — linked to ${linkedElsewhere.get(m.userId)}` : ""}
            </option>
          ))}
        </select>
      </Field>
      <label className="agents-check">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
        Active (takes calls)
      </label>
      <div className="agents-actions">
        <button type="submit" disabled={save.isPending}>{save.isPending ? "Saving…" : agent ? "Save changes" : "Add agent"}</button>
        <button type="button" className="secondary" onClick={() => onDone(null)}>Cancel</button>
      </div>
    </form>
  );
}

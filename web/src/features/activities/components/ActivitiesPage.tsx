// The activity log (/app/activities): filters by person, type, outcome and
// dates (in the URL), 25 at a time with "Show more", grouped by day as a
// timeline; a person's own timeline from their name. Manual entries are
// logged here and edited or deleted by their author only; automatic ones
// (an analyzed call, a referral step) are read-only and link to their source.
import { useState } from "react";
import { Banner, Card, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { fmtMoney } from "../../../lib/format";
import { useMembers } from "../../../lib/queries/members";
import { Link } from "../../../lib/router";
import { useOrg } from "../../../lib/session";
import { useDeleteActivity } from "../api/deleteActivity";
import { type Activity, useActivities } from "../api/listActivities";
import { type ActivityFilters, hasFilters, useActivityFilters } from "../filters";
import { MANUAL_TYPES, OUTCOME_LABELS, OUTCOMES, outcomeKind, TYPE_LABELS } from "../types";
import { ActivityForm } from "./ActivityForm";

const dayKey = (iso: string) => new Date(iso).toLocaleDateString(undefined, { weekday: "long", year: "numeric", month: "long", day: "numeric" });
const time = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });

function Source({ a }: { a: Activity }) {
  if (a.source_type === "call" && a.source_id) return <Link to={`/app/calls/${a.source_id}`}>Open the call's coaching page</Link>;
  if (a.source_type?.startsWith("referral")) return <Link to="/app/referrals">Open referrals</Link>;
  const thread = (a.metadata as { thread_id?: string } | null)?.thread_id;
  if (a.source_type?.startsWith("email_") && thread) return <Link to={`/app/messages?thread=${encodeURIComponent(thread)}`}>Open the conversation</Link>;
  if (a.source_type === "user_sim" && a.source_id) return <Link to={`/app/sims/sessions/${a.source_id}`}>Open the practice session</Link>;
  return <span className="muted">Automatic</span>;
}

function Entry({ a, currency, onPerson }: { a: Activity; currency: string; onPerson: (userId: string) => void }) {
  const { orgId } = useOrg();
  const del = useDeleteActivity(orgId);
  const [editing, setEditing] = useState(false);
  const [confirm, setConfirm] = useState(false);
  if (editing) return <li className="act-entry act-editing"><ActivityForm activity={a} onDone={() => setEditing(false)} /></li>;
  const converted = a.source_type === "call" && a.metadata?.converted === true;
  return (
    <li className="act-entry" data-testid="activity-row" data-type={a.type} data-manual={a.is_manual}>
      <span className="act-time">{time(a.occurred_at)}</span>
      <div className="act-body">
        <div className="act-line">
          <span className={`badge act-type act-type-${a.type}`}>{TYPE_LABELS[a.type] ?? a.type}</span>
          <strong className="act-title">{a.title || a.contact || TYPE_LABELS[a.type] || a.type}</strong>
          {a.outcome && <span className={`badge ${outcomeKind(a.outcome)}`}>{OUTCOME_LABELS[a.outcome] ?? a.outcome}</span>}
          {converted && <span className="badge good">Converted</span>}
          {a.value > 0 && <span className="act-value">{fmtMoney(a.value, currency)}</span>}
        </div>
        <div className="act-meta muted">
          {a.user_id
            ? <button type="button" className="link" onClick={() => onPerson(a.user_id!)} title="Show this person's timeline">{a.person_name ?? "Member"}</button>
            : <span>{a.agent_name ?? "Unassigned"}</span>}
          {a.contact && a.title && <span>with {a.contact}</span>}
          {!a.is_manual && <Source a={a} />}
        </div>
        {a.notes && <p className="act-notes">{a.notes}</p>}
        {a.can_edit && (
          <div className="act-actions">
            {confirm
              ? (
                <span className="act-confirm">
                  Delete this entry?
                  <button type="button" onClick={() => del.mutate(a.id)} disabled={del.isPending}>Delete</button>
                  <button type="button" className="secondary" onClick={() => setConfirm(false)}>Keep</button>
                </span>
              )
              : (
                <>
                  <button type="button" className="link" onClick={() => setEditing(true)}>Edit</button>
                  <button type="button" className="link" onClick={() => setConfirm(true)}>Delete</button>
                </>
              )}
            {del.isError && <p className="inline-error" role="alert">{errorMessage(del.error)}</p>}
          </div>
        )}
      </div>
    </li>
  );
}

function Filters({ filters, onChange, personFilter }: { filters: ActivityFilters; onChange: (p: Partial<ActivityFilters>) => void; personFilter: boolean }) {
  const { orgId } = useOrg();
  const members = useMembers(orgId);
  return (
    <Card className="act-filters">
      <div className="filters">
        {personFilter && (
          <label>
            Person
            <select value={filters.person ?? ""} onChange={(e) => onChange({ person: e.target.value || null })}>
              <option value="">Everyone</option>
              {(members.data ?? []).map((m) => <option key={m.userId} value={m.userId}>{m.name}</option>)}
            </select>
          </label>
        )}
        <label>
          Type
          <select value={filters.type ?? ""} onChange={(e) => onChange({ type: e.target.value || null })}>
            <option value="">All types</option>
            {[...MANUAL_TYPES, "sim", "referral"].map((t) => <option key={t} value={t}>{TYPE_LABELS[t]}</option>)}
          </select>
        </label>
        <label>
          Outcome
          <select value={filters.outcome ?? ""} onChange={(e) => onChange({ outcome: e.target.value || null })}>
            <option value="">Any outcome</option>
            {OUTCOMES.map((o) => <option key={o} value={o}>{OUTCOME_LABELS[o]}</option>)}
          </select>
        </label>
        <label>
          From
          <input type="date" value={filters.from ?? ""} onChange={(e) => onChange({ from: e.target.value || null })} />
        </label>
        <label>
          To
          <input type="date" value={filters.to ?? ""} min={filters.from ?? undefined} onChange={(e) => onChange({ to: e.target.value || null })} />
        </label>
      </div>
      {members.isError && personFilter && <p className="inline-error" role="alert">Couldn't load people: {errorMessage(members.error)}</p>}
    </Card>
  );
}

export function ActivitiesPage() {
  const { org, orgId, isManager } = useOrg();
  const { filters, setFilters, clearFilters } = useActivityFilters();
  const list = useActivities(filters);
  const members = useMembers(orgId);
  const [logging, setLogging] = useState(false);
  const [notice, setNotice] = useState("");
  const personName = filters.person ? members.data?.find((m) => m.userId === filters.person)?.name ?? "This person" : null;

  let body;
  if (list.isPending) body = <Spinner label="Loading activities…" />;
  else if (list.isError && !list.data) body = <ErrorState error={list.error} title="Couldn't load activities" onRetry={() => list.refetch()} />;
  else {
    const rows = list.data.pages.flat();
    if (rows.length === 0) {
      body = hasFilters(filters)
        ? (
          <EmptyState title="No activities match these filters">
            <button type="button" onClick={clearFilters}>Clear filters</button>
          </EmptyState>
        )
        : <EmptyState title="No activities yet">Analyzed calls and referral steps appear here by themselves; log meetings, emails and demos by hand.</EmptyState>;
    } else {
      const days: [string, Activity[]][] = [];
      for (const a of rows) {
        const k = dayKey(a.occurred_at);
        if (days.at(-1)?.[0] !== k) days.push([k, []]);
        days.at(-1)![1].push(a);
      }
      body = (
        <>
          {list.isError && <Banner kind="error">{errorMessage(list.error)}</Banner>}
          <div className="act-timeline">
            {days.map(([day, items]) => (
              <section key={day} className="act-day" aria-label={day}>
                <h3 className="act-day-head">{day}</h3>
                <ol className="act-list">
                  {items.map((a) => <Entry key={a.id} a={a} currency={org.currency} onPerson={(person) => setFilters({ person })} />)}
                </ol>
              </section>
            ))}
          </div>
          <div className="act-more">
            {list.hasNextPage
              ? <button type="button" className="secondary" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>{list.isFetchingNextPage ? "Loading…" : "Show more"}</button>
              : <span className="muted">{rows.length} {rows.length === 1 ? "activity" : "activities"} — that's all.</span>}
          </div>
        </>
      );
    }
  }

  return (
    <div className="activities">
      <div className="page-head">
        <h1>Activities</h1>
        {!logging && <button type="button" onClick={() => { setNotice(""); setLogging(true); }}>Log an activity</button>}
      </div>
      {!isManager && <p className="muted">Your own activities. Managers see the whole team's.</p>}
      {notice && <Banner kind="success">{notice}</Banner>}
      {logging && (
        <Card title="Log an activity">
          <ActivityForm onDone={(message) => { setLogging(false); setNotice(message); }} />
        </Card>
      )}
      <Filters filters={filters} onChange={setFilters} personFilter={isManager} />
      <Card
        title={personName ? `${personName}'s timeline` : "Activity log"}
        actions={personName ? <button type="button" className="link" onClick={() => setFilters({ person: null })}>Show everyone</button> : undefined}
      >
        {body}
      </Card>
    </div>
  );
}

// Calls list filters: a transcript search (submitted on Enter or the button)
// and selects/dates that apply at once. All of it lives in the URL.
import { useState } from "react";
import { AgentFilter } from "../../../components/AgentFilter";
import { useTrackers } from "../../../lib/queries/trackers";
import { useOrg } from "../../../lib/session";
import { CALL_STATUSES, type CallFilters, isIsoDate, OUTCOMES, SENTIMENTS } from "../filters";

function SearchForm({ value, onSearch }: { value: string; onSearch: (q: string | null) => void }) {
  const [text, setText] = useState(value);
  // Follow the URL when it changes from elsewhere (back button, "Clear filters"),
  // without remounting: the box keeps focus after a search.
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    setSeen(value);
    setText(value);
  }
  return (
    <form
      role="search"
      className="calls-search"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(text.trim() || null);
      }}
    >
      <label className="calls-search-field">
        <span className="sr-only">Search transcripts</span>
        <input type="search" name="q" placeholder="Search transcripts…" value={text} maxLength={200} onChange={(e) => setText(e.target.value)} />
      </label>
      <button type="submit">Search</button>
    </form>
  );
}

export function CallFiltersBar({ filters, onChange, agentFilter = true }: {
  filters: CallFilters;
  onChange: (patch: Partial<CallFilters>) => void;
  /** Agents see only their own calls: no agent filter for them. */
  agentFilter?: boolean;
}) {
  const date = (v: string) => (isIsoDate(v) ? v : null);
  return (
    <section className="card calls-filters" aria-label="Filter calls">
      <SearchForm value={filters.q ?? ""} onSearch={(q) => onChange({ q })} />
      <div className="filters">
        {agentFilter && <AgentFilter value={filters.agentId ?? null} onChange={(agentId) => onChange({ agentId })} />}
        <label>
          From
          <input type="date" name="from" value={filters.from ?? ""} max={filters.to ?? undefined} onChange={(e) => onChange({ from: date(e.target.value) })} />
        </label>
        <label>
          To
          <input type="date" name="to" value={filters.to ?? ""} min={filters.from ?? undefined} onChange={(e) => onChange({ to: date(e.target.value) })} />
        </label>
        <label>
          Outcome
          <select name="outcome" value={filters.outcome ?? ""} onChange={(e) => onChange({ outcome: (e.target.value || null) as CallFilters["outcome"] })}>
            <option value="">Any outcome</option>
            {OUTCOMES.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        </label>
        <label>
          Sentiment
          <select name="sentiment" value={filters.sentiment ?? ""} onChange={(e) => onChange({ sentiment: (e.target.value || null) as CallFilters["sentiment"] })}>
            <option value="">Any sentiment</option>
            {SENTIMENTS.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        </label>
        <label>
          Status
          <select name="status" value={filters.status ?? ""} onChange={(e) => onChange({ status: (e.target.value || null) as CallFilters["status"] })}>
            <option value="">Any status</option>
            {CALL_STATUSES.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        </label>
        <TrackerFilter value={filters.trackerId} onChange={(trackerId) => onChange({ trackerId })} />
      </div>
    </section>
  );
}

/** Calls where a tracker was heard; hidden while the organization has no trackers. */
function TrackerFilter({ value, onChange }: { value: string | null; onChange: (id: string | null) => void }) {
  const { orgId } = useOrg();
  const trackers = useTrackers(orgId);
  if (!trackers.data?.length && !value) return null;
  return (
    <label>
      Tracker
      <select name="tracker" value={value ?? ""} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">Any tracker</option>
        {(trackers.data ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
      </select>
    </label>
  );
}

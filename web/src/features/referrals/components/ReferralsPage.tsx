// The referrals screen (/app/referrals): the pipeline by status (counts from
// list_referrals), a search, 25 a page; add a referral; move each one only
// along its valid next steps (deal value on won); managers set rewards.
import { type FormEvent, useState } from "react";
import { Banner, Card, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { fmtDateTime, fmtMoney } from "../../../lib/format";
import { Link } from "../../../lib/router";
import { useOrg } from "../../../lib/session";
import { type Referral, REFERRAL_PAGE, type ReferralFilters, type ReferralStatus, type RewardStatus, useReferrals } from "../api/listReferrals";
import { useSetReferralReward } from "../api/setReferralReward";
import { useSetReferralStatus } from "../api/setReferralStatus";
import { ReferralForm } from "./ReferralForm";

const STATUSES: ReferralStatus[] = ["submitted", "contacted", "qualified", "won", "lost"];
const LABEL: Record<ReferralStatus, string> = { submitted: "Submitted", contacted: "Contacted", qualified: "Qualified", won: "Won", lost: "Lost" };
const ACTION: Record<ReferralStatus, string> = { submitted: "Submit", contacted: "Mark contacted", qualified: "Mark qualified", won: "Mark won", lost: "Mark lost" };
const KIND: Record<string, string> = { won: "good", lost: "bad", qualified: "info" };
const REWARD: Record<RewardStatus, string> = { none: "No reward", pending: "Reward pending", paid: "Reward paid" };

function stepTime(r: Referral) {
  const at = { submitted: r.submitted_at, contacted: r.contacted_at, qualified: r.qualified_at, won: r.won_at, lost: r.lost_at }[r.status];
  return fmtDateTime(at);
}

function Row({ r, isManager, currency }: { r: Referral; isManager: boolean; currency: string }) {
  const { orgId } = useOrg();
  const move = useSetReferralStatus(orgId);
  const reward = useSetReferralReward(orgId);
  const [winning, setWinning] = useState(false);
  const [deal, setDeal] = useState(r.deal_value != null ? String(r.deal_value) : "");
  const error = move.error ?? reward.error;

  function win(e: FormEvent) {
    e.preventDefault();
    const v = deal.trim() ? Number(deal) : null;
    move.mutate({ id: r.id, status: "won", dealValue: v != null && v >= 0 ? v : null }, { onSuccess: () => setWinning(false) });
  }

  return (
    <li className="ref-row card" data-testid="referral-row" data-status={r.status}>
      <div className="ref-main">
        <div className="ref-who">
          <strong className="ref-name">{r.referred_name}</strong>
          <span className="muted">{[r.referred_phone, r.referred_email].filter(Boolean).join(" · ")}</span>
          <span className="muted">Referred by {r.referrer_name} ({r.referrer_kind}) · owner {r.owner_name ?? "—"}</span>
        </div>
        <div className="ref-state">
          <span className={`badge ${KIND[r.status] ?? ""}`} data-testid="referral-status">{LABEL[r.status]}</span>
          <span className="muted">{stepTime(r)}</span>
          {r.deal_value != null && <span className="ref-deal">{fmtMoney(r.deal_value, currency)}</span>}
        </div>
      </div>
      <ol className="ref-path" aria-label="Steps">
        {(["submitted", "contacted", "qualified", r.status === "lost" ? "lost" : "won"] as ReferralStatus[]).map((s) => {
          const at = { submitted: r.submitted_at, contacted: r.contacted_at, qualified: r.qualified_at, won: r.won_at, lost: r.lost_at }[s];
          return <li key={s} className={at ? "done" : ""}>{LABEL[s]}{at ? <span className="sr-only"> (done)</span> : null}</li>;
        })}
      </ol>
      {r.notes && <p className="ref-notes">{r.notes}</p>}
      <div className="ref-actions">
        {winning
          ? (
            <form className="ref-win" onSubmit={win} aria-label={`Mark ${r.referred_name} won`}>
              <label>
                Deal value ({currency})
                <input type="number" min="0" step="any" inputMode="decimal" value={deal} onChange={(e) => setDeal(e.target.value)} autoFocus />
              </label>
              <button type="submit" disabled={move.isPending}>Confirm won</button>
              <button type="button" className="secondary" onClick={() => setWinning(false)}>Cancel</button>
            </form>
          )
          : (r.next_statuses ?? []).map((s) => (
            <button
              key={s}
              type="button"
              className={s === "lost" ? "secondary" : ""}
              disabled={move.isPending}
              onClick={() => (s === "won" ? setWinning(true) : move.mutate({ id: r.id, status: s, dealValue: null }))}
            >
              {ACTION[s]}
            </button>
          ))}
        {r.referred_email && (
          <Link to={`/app/messages?compose=referral&referral=${encodeURIComponent(r.id)}`} className="button secondary">Email {r.referred_name}</Link>
        )}
        {isManager
          ? (
            <label className="ref-reward">
              <span className="sr-only">Reward for {r.referrer_name}</span>
              <select value={r.reward_status} disabled={reward.isPending} onChange={(e) => reward.mutate({ id: r.id, reward: e.target.value as RewardStatus })}>
                {(Object.keys(REWARD) as RewardStatus[]).map((k) => <option key={k} value={k}>{REWARD[k]}</option>)}
              </select>
            </label>
          )
          : <span className="badge">{REWARD[r.reward_status]}</span>}
      </div>
      {error && <p className="inline-error" role="alert">{errorMessage(error)}</p>}
    </li>
  );
}

export function ReferralsPage() {
  const { org, isManager } = useOrg();
  const [filters, setFilters] = useState<ReferralFilters>({ status: null, q: "", page: 1 });
  const [q, setQ] = useState("");
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState("");
  const list = useReferrals(filters);
  const counts = list.data?.counts ?? {};
  const all = STATUSES.reduce((s, k) => s + (counts[k] ?? 0), 0);

  let body;
  if (list.isPending) body = <Spinner label="Loading referrals…" />;
  else if (list.isError && !list.data) body = <ErrorState error={list.error} title="Couldn't load referrals" onRetry={() => list.refetch()} />;
  else if (list.data.rows.length === 0) {
    body = filters.status || filters.q
      ? (
        <EmptyState title="No referrals match">
          <button type="button" onClick={() => { setQ(""); setFilters({ status: null, q: "", page: 1 }); }}>Show all referrals</button>
        </EmptyState>
      )
      : <EmptyState title="No referrals yet">When a customer, partner or colleague sends someone your way, add them here.</EmptyState>;
  } else {
    const { rows, total } = list.data;
    const end = (filters.page - 1) * REFERRAL_PAGE + rows.length;
    body = (
      <>
        {list.isError && <Banner kind="error">{errorMessage(list.error)}</Banner>}
        <ul className="ref-list">{rows.map((r) => <Row key={r.id} r={r} isManager={isManager} currency={org.currency} />)}</ul>
        {total > REFERRAL_PAGE && (
          <nav className="calls-pager" aria-label="Pagination">
            <button type="button" className="secondary" disabled={filters.page <= 1} onClick={() => setFilters({ ...filters, page: filters.page - 1 })}>Prev</button>
            <span className="muted">{(filters.page - 1) * REFERRAL_PAGE + 1}–{end} of {total}</span>
            <button type="button" className="secondary" disabled={end >= total} onClick={() => setFilters({ ...filters, page: filters.page + 1 })}>Next</button>
          </nav>
        )}
      </>
    );
  }

  return (
    <div className="referrals">
      <div className="page-head">
        <h1>Referrals</h1>
        {!adding && <button type="button" onClick={() => { setNotice(""); setAdding(true); }}>Add a referral</button>}
      </div>
      {notice && <Banner kind="success">{notice}</Banner>}
      {adding && (
        <Card title="Add a referral">
          <ReferralForm onDone={(message) => { setAdding(false); setNotice(message); }} />
        </Card>
      )}
      <Card className="ref-filters">
        <div className="ref-tabs" role="group" aria-label="Status">
          <button type="button" className={filters.status == null ? "" : "secondary"} aria-pressed={filters.status == null}
            onClick={() => setFilters({ ...filters, status: null, page: 1 })}>All{list.data ? ` (${all})` : ""}</button>
          {STATUSES.map((s) => (
            <button key={s} type="button" className={filters.status === s ? "" : "secondary"} aria-pressed={filters.status === s}
              onClick={() => setFilters({ ...filters, status: s, page: 1 })}>{LABEL[s]}{list.data ? ` (${counts[s] ?? 0})` : ""}</button>
          ))}
        </div>
        <form role="search" className="ref-search" onSubmit={(e) => { e.preventDefault(); setFilters({ ...filters, q, page: 1 }); }}>
          <label className="ref-search-field">
            <span className="sr-only">Search referrals</span>
            <input type="search" placeholder="Search by name or email…" maxLength={200} value={q} onChange={(e) => setQ(e.target.value)} />
          </label>
          <button type="submit" className="secondary">Search</button>
        </form>
      </Card>
      <Card title={filters.status ? `${LABEL[filters.status]} referrals` : "All referrals"}>{body}</Card>
    </div>
  );
}

// Data & privacy (owners and admins): what is redacted from transcripts, how long the organization's data is
// kept and when the purge next runs, legal holds that suspend it, and (owners)
// deletion requests for a person with their receipts. SQL decides who may do
// what; the roles here only shape the screen.
import { type FormEvent, useId, useState } from "react";
import { useMembers } from "../../../lib/queries/members";
import { useOrg } from "../../../lib/session";
import { QueryState } from "../../../components/QueryState";
import { Banner, Card, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { fmtDateTime, fmtNum } from "../../../lib/format";
import { type DeletionRequest, useDeletionRequests } from "../api/getDeletionRequests";
import { type RetentionPolicy, useRetentionPolicy } from "../api/getRetentionPolicy";
import { REASON_MAX, usePlaceLegalHold } from "../api/placeLegalHold";
import { useReleaseLegalHold } from "../api/releaseLegalHold";
import { SUBJECT_MAX, type SubjectKind, useRequestDeletion } from "../api/requestDeletion";
import { useSetRetentionMonths } from "../api/setRetentionMonths";
import { RedactionCard } from "./RedactionCard";

const TABLE_LABELS: Record<string, string> = {
  transcripts: "Transcripts",
  insights: "Insight quotes and summaries",
  call_comments: "Coaching comments",
  calls: "Call recordings (deleted at the telephony provider)",
};
const fmtDate = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" });

export function PrivacyPage() {
  const { orgId, org, role } = useOrg();
  const policy = useRetentionPolicy(orgId);
  return (
    <div className="privacy">
      <h1>Data &amp; privacy for {org.name}</h1>
      <RedactionCard />
      {policy.isPending && <Spinner label="Loading the retention policy…" />}
      {policy.isError && <ErrorState error={policy.error} onRetry={() => policy.refetch()} />}
      {policy.data && (
        <>
          <RetentionCard orgId={orgId} policy={policy.data} canEdit={role === "owner"} />
          <HoldsCard orgId={orgId} policy={policy.data} />
        </>
      )}
      {role === "owner" && <DeletionCard orgId={orgId} />}
    </div>
  );
}

function RetentionCard({ orgId, policy, canEdit }: { orgId: string; policy: RetentionPolicy; canEdit: boolean }) {
  const id = useId();
  const [months, setMonths] = useState(String(policy.retention_months));
  const save = useSetRetentionMonths(orgId);
  const n = Number(months);
  const invalid = !Number.isInteger(n) || n < 1 || n > 120 ? "Choose 1 to 120 months." : null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!invalid) save.mutate(n);
  };
  return (
    <Card title="Retention">
      <dl className="privacy-facts">
        <dt>Kept for</dt>
        <dd data-testid="retention-months">{policy.retention_months} months</dd>
        <dt>Data older than</dt>
        <dd data-testid="retention-cutoff">{fmtDate(policy.cutoff)} is purged</dd>
        <dt>Next purge</dt>
        <dd data-testid="next-purge">
          {policy.on_hold ? "Suspended: the organization is on legal hold" : fmtDateTime(policy.next_purge_at)}
        </dd>
        <dt>Last purge</dt>
        <dd>{policy.last_purge.at ? `${fmtDateTime(policy.last_purge.at)} · ${fmtNum(policy.last_purge.rows)} rows` : "Nothing purged yet"}</dd>
      </dl>
      <p className="muted">The purge removes:</p>
      <ul>{policy.purges.map((p) => <li key={p.table}>{TABLE_LABELS[p.table] ?? p.table}</li>)}</ul>
      <p className="muted">Call figures (duration, scores, outcomes) stay for the dashboards.</p>
      {canEdit && (
        <form onSubmit={onSubmit} aria-label="Retention period" noValidate className="members-invite">
          <div className="members-field">
            <label htmlFor={`${id}-months`}>Months to keep data</label>
            <input
              id={`${id}-months`}
              type="number"
              min={1}
              max={120}
              maxLength={3}
              value={months}
              onChange={(e) => setMonths(e.target.value.slice(0, 3))}
              aria-invalid={invalid ? true : undefined}
              aria-describedby={invalid ? `${id}-months-err` : undefined}
            />
            {invalid && <span id={`${id}-months-err`} className="members-error">{invalid}</span>}
          </div>
          <button type="submit" disabled={save.isPending}>{save.isPending ? "Saving…" : "Save retention"}</button>
        </form>
      )}
      {save.isSuccess && <Banner kind="success">Saved: data is kept for {policy.retention_months} months.</Banner>}
      {save.isError && <Banner kind="error">{errorMessage(save.error)}</Banner>}
    </Card>
  );
}

function HoldsCard({ orgId, policy }: { orgId: string; policy: RetentionPolicy }) {
  const id = useId();
  const [reason, setReason] = useState("");
  const place = usePlaceLegalHold(orgId);
  const release = useReleaseLegalHold(orgId);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim().length >= 3) place.mutate(reason.trim(), { onSuccess: () => setReason("") });
  };
  return (
    <Card title="Legal holds">
      <p className="muted">While a hold is active, nothing it covers is purged or erased.</p>
      {policy.holds.length === 0
        ? <p data-testid="no-holds">No active legal holds.</p>
        : (
          <ul className="privacy-holds">
            {policy.holds.map((h) => (
              <li key={h.id} data-testid="hold-row">
                <strong>{h.call_id ? "One call" : "Whole organization"}</strong>: {h.reason}
                <span className="muted"> · since {fmtDateTime(h.placed_at)}{h.placed_by ? ` by ${h.placed_by}` : ""}</span>{" "}
                <button type="button" className="secondary" onClick={() => release.mutate(h.id)} disabled={release.isPending}>
                  Release
                </button>
              </li>
            ))}
          </ul>
        )}
      <form onSubmit={onSubmit} aria-label="Place a legal hold" noValidate className="members-invite">
        <div className="members-field">
          <label htmlFor={`${id}-reason`}>Reason for a hold on the whole organization</label>
          <input id={`${id}-reason`} value={reason} maxLength={REASON_MAX} onChange={(e) => setReason(e.target.value)} />
        </div>
        <button type="submit" disabled={place.isPending || reason.trim().length < 3}>Place hold</button>
      </form>
      {(place.isError || release.isError) && <Banner kind="error">{errorMessage(place.error ?? release.error)}</Banner>}
    </Card>
  );
}

function DeletionCard({ orgId }: { orgId: string }) {
  const id = useId();
  const [kind, setKind] = useState<SubjectKind>("phone");
  const [subject, setSubject] = useState("");
  const members = useMembers(orgId);
  const requests = useDeletionRequests(orgId);
  const file = useRequestDeletion(orgId);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (subject.trim()) file.mutate({ kind, subject: subject.trim() }, { onSuccess: () => setSubject("") });
  };
  return (
    <Card title="Deletion requests">
      <p className="muted">
        Erases a person from this organization: their calls, transcripts, insights, comments, referrals and activities,
        and their recordings at the telephony provider. The receipt says what was removed, without personal data.
      </p>
      <form onSubmit={onSubmit} aria-label="Request a deletion" noValidate className="members-invite">
        <div className="members-field">
          <label htmlFor={`${id}-kind`}>Person</label>
          <select id={`${id}-kind`} value={kind} onChange={(e) => { setKind(e.target.value as SubjectKind); setSubject(""); }}>
            <option value="phone">A caller, by phone number</option>
            <option value="email">Someone, by email</option>
            <option value="member">A member</option>
          </select>
        </div>
        <div className="members-field">
          <label htmlFor={`${id}-subject`}>{kind === "phone" ? "Phone number (+15551234567)" : kind === "email" ? "Email" : "Member"}</label>
          {kind === "member"
            ? (
              <select id={`${id}-subject`} value={subject} onChange={(e) => setSubject(e.target.value)}>
                <option value="">Choose a member</option>
                {(members.data ?? []).filter((m) => m.role !== "owner").map((m) => (
                  <option key={m.userId} value={m.userId}>{m.name}</option>
                ))}
              </select>
            )
            : (
              <input id={`${id}-subject`} value={subject} maxLength={SUBJECT_MAX} autoComplete="off"
                type={kind === "email" ? "email" : "tel"} onChange={(e) => setSubject(e.target.value)} />
            )}
        </div>
        <button type="submit" disabled={file.isPending || !subject.trim()}>Erase this person</button>
      </form>
      {file.isError && <Banner kind="error">{errorMessage(file.error, { SP409: "The organization is on legal hold: nothing can be erased until it is released." })}</Banner>}
      <QueryState query={requests} loading="Loading deletion requests…" empty="No deletion requests yet">
        {(rows) => (
          <div className="table-wrap">
            <table className="members-table">
              <thead><tr><th scope="col">Requested</th><th scope="col">Person</th><th scope="col">Status</th><th scope="col">Receipt</th></tr></thead>
              <tbody>{rows.map((r) => <RequestRow key={r.id} r={r} />)}</tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Card>
  );
}

function RequestRow({ r }: { r: DeletionRequest }) {
  const rows = Object.entries(r.receipt?.rows ?? {});
  return (
    <tr data-testid="deletion-row" data-status={r.status}>
      <td>{fmtDateTime(r.requested_at)}</td>
      <td>{r.subject_kind === "phone" ? "Caller (phone)" : r.subject_kind === "email" ? "Person (email)" : "Member"}</td>
      <td>{r.status === "completed" ? `Completed ${fmtDateTime(r.completed_at)}` : "In progress…"}</td>
      <td>
        {r.status === "completed"
          ? (
            <span data-testid="receipt">
              {rows.length ? rows.map(([t, n]) => `${t}: ${n}`).join(", ") : "nothing found"}
              {` · recordings deleted: ${r.receipt?.recordings_deleted ?? 0}`}
              {r.receipt?.account_deleted ? " · account deleted" : ""}
            </span>
          )
          : "—"}
      </td>
    </tr>
  );
}

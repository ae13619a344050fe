// Staff: one tenant (/staff/tenants/:id) — plan, members, numbers, calls,
// usage per provider, cost against revenue and margin over 30 days; suspend
// and reactivate; dead-lettered jobs with retry; the staff actions taken.
import { type FormEvent, useId, useState } from "react";
import { Link } from "../../../lib/router";
import { Banner, Card, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { fmtDateTime, fmtMoney, fmtNum, fmtPct } from "../../../lib/format";
import { type TenantDetail, useTenant } from "../api/getTenant";
import { useReactivateTenant } from "../api/reactivateTenant";
import { useRetryJob } from "../api/retryJob";
import { useSetBudgetCap } from "../api/setBudgetCap";
import { REASON_MAX, useSuspendTenant } from "../api/suspendTenant";
import { StaffFrame } from "./StaffFrame";

export function TenantPage({ orgId }: { orgId: string }) {
  const tenant = useTenant(orgId);
  return (
    <StaffFrame>
      <Link to="/staff/tenants" className="muted">← Tenants</Link>
      {tenant.isPending ? <Spinner label="Loading the tenant…" />
        : tenant.isError ? <ErrorState error={tenant.error} onRetry={() => tenant.refetch()} title="Couldn't load the tenant" />
        : <TenantView orgId={orgId} t={tenant.data} />}
    </StaffFrame>
  );
}

function TenantView({ orgId, t }: { orgId: string; t: TenantDetail }) {
  return (
    <>
      <h1>{t.org.name}</h1>
      <p className="muted">
        {t.org.slug} · {t.plan?.name ?? "Free"}{t.plan?.status && t.plan.status !== "none" ? ` (${t.plan.status})` : ""} · since{" "}
        {fmtDateTime(t.org.created_at)}
      </p>
      <SuspensionCard orgId={orgId} t={t} />
      <section className="kpis" aria-label="Last 30 days">
        <div className="kpi" data-testid="tenant-detail-revenue"><div className="label">Revenue</div><div className="value">{fmtMoney(t.revenue_usd, "USD", 2)}</div></div>
        <div className="kpi" data-testid="tenant-detail-cost" data-value={t.cost_usd}><div className="label">Provider fees</div><div className="value">{fmtMoney(t.cost_usd, "USD", 2)}</div></div>
        <div className="kpi"><div className="label">Gross margin</div><div className="value">{fmtPct(t.margin)}</div><div className="muted">goal {fmtPct(t.goal)}</div></div>
        <div className="kpi"><div className="label">Calls</div><div className="value">{fmtNum(t.calls.total)}</div><div className="muted">{fmtNum(t.calls.waiting)} waiting</div></div>
      </section>
      <Card title="Usage per provider (30 days)">
        {t.usage.length === 0 ? <p>No usage in the period.</p> : (
          <table className="staff-table">
            <thead><tr><th scope="col">Provider</th><th scope="col">Item</th><th scope="col" className="num">Quantity</th><th scope="col" className="num">Cost</th></tr></thead>
            <tbody>{t.usage.map((u) => (
              <tr key={`${u.provider}:${u.item}`} data-testid="usage-row"><td>{u.provider}</td><td>{u.item}</td><td className="num">{fmtNum(u.quantity)}</td><td className="num">{fmtMoney(u.cost_usd, "USD", 4)}</td></tr>
            ))}</tbody>
          </table>
        )}
      </Card>
      <Card title={`Members (${t.members.length})`}>
        <ul>{t.members.map((m) => <li key={m.user_id}>{m.email ?? m.user_id} <span className="muted">{m.role}</span></li>)}</ul>
      </Card>
      <Card title={`Numbers (${t.numbers.length})`}>
        {t.numbers.length === 0 ? <p>No numbers.</p> : <ul>{t.numbers.map((n) => <li key={n.e164}>{n.e164} <span className="muted">{n.status}</span></li>)}</ul>}
      </Card>
      <BudgetCard orgId={orgId} t={t} />
      <DeadJobsCard orgId={orgId} t={t} />
      <Card title="Staff actions">
        {t.actions.length === 0 ? <p>None yet.</p> : (
          <ul>{t.actions.map((a, i) => <li key={i} data-testid="staff-action">{a.action} · {fmtDateTime(a.at)} · {a.by ?? "—"}</li>)}</ul>
        )}
      </Card>
    </>
  );
}

function SuspensionCard({ orgId, t }: { orgId: string; t: TenantDetail }) {
  const id = useId();
  const [reason, setReason] = useState("");
  const suspend = useSuspendTenant(orgId);
  const reactivate = useReactivateTenant(orgId);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim().length >= 3) suspend.mutate(reason.trim(), { onSuccess: () => setReason("") });
  };
  return (
    <Card title="State">
      {t.org.suspended_at
        ? (
          <>
            <p data-testid="tenant-state">Suspended since {fmtDateTime(t.org.suspended_at)}: {t.org.suspended_reason}</p>
            <p className="muted">Members can read but not create; calls are stored and wait ({fmtNum(t.calls.waiting)} now).</p>
            <button type="button" onClick={() => reactivate.mutate()} disabled={reactivate.isPending}>Reactivate</button>
            {reactivate.isSuccess && <Banner kind="success">Reactivated: {reactivate.data} waiting calls queued for analysis.</Banner>}
          </>
        )
        : (
          <form onSubmit={onSubmit} aria-label="Suspend the tenant" noValidate className="members-invite">
            <p data-testid="tenant-state">Active.</p>
            <div className="members-field">
              <label htmlFor={`${id}-reason`}>Reason for suspending</label>
              <input id={`${id}-reason`} value={reason} maxLength={REASON_MAX} onChange={(e) => setReason(e.target.value)} />
            </div>
            <button type="submit" disabled={suspend.isPending || reason.trim().length < 3}>Suspend</button>
          </form>
        )}
      {(suspend.isError || reactivate.isError) && <Banner kind="error">{errorMessage(suspend.error ?? reactivate.error)}</Banner>}
    </Card>
  );
}

function DeadJobsCard({ orgId, t }: { orgId: string; t: TenantDetail }) {
  const retry = useRetryJob(orgId);
  return (
    <Card title="Dead-lettered jobs">
      {t.dead_jobs.length === 0 ? <p data-testid="no-dead-jobs">No dead-lettered jobs.</p> : (
        <table className="staff-table">
          <thead><tr><th scope="col">Job</th><th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>{t.dead_jobs.map((j) => (
            <tr key={j.id} data-testid="dead-job-row">
              <td>{j.kind} #{j.id}</td><td>{j.attempts}</td><td>{j.last_error}</td>
              <td><button type="button" className="secondary" onClick={() => retry.mutate(j.id)} disabled={retry.isPending}>Retry</button></td>
            </tr>
          ))}</tbody>
        </table>
      )}
      {retry.isError && <Banner kind="error">{errorMessage(retry.error)}</Banner>}
    </Card>
  );
}

function BudgetCard({ orgId, t }: { orgId: string; t: TenantDetail }) {
  const id = useId();
  const [cap, setCap] = useState(t.budget.cap_usd ? String(t.budget.cap_usd) : "");
  const save = useSetBudgetCap(orgId);
  const n = Number(cap);
  const invalid = cap !== "" && (!Number.isFinite(n) || n <= 0 || n > 1_000_000) ? "A cap above $0, at most $1,000,000." : null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!invalid) save.mutate({ monthlyUsd: cap === "" ? null : n, switchAt: t.budget.switch_at ?? 0.8 });
  };
  return (
    <Card title="Provider budget (this month)">
      <p data-testid="budget-spent">
        {fmtMoney(t.budget.spent_usd, "USD", 2)} spent{t.budget.cap_usd ? ` of ${fmtMoney(t.budget.cap_usd, "USD", 2)}` : " · no cap"}
        {t.budget.cap_usd && t.budget.switch_at ? ` · cheaper model from ${fmtPct(t.budget.switch_at)}` : ""}
      </p>
      {t.budget.notice && <Banner kind="warning">Analyses switched to {t.budget.notice.model} on {fmtDateTime(t.budget.notice.created_at)}.</Banner>}
      <form onSubmit={onSubmit} aria-label="Budget cap" noValidate className="members-invite">
        <div className="members-field">
          <label htmlFor={`${id}-cap`}>Monthly cap (USD, empty for none)</label>
          <input id={`${id}-cap`} inputMode="decimal" maxLength={12} value={cap} onChange={(e) => setCap(e.target.value)}
            aria-invalid={invalid ? true : undefined} />
          {invalid && <span className="members-error">{invalid}</span>}
        </div>
        <button type="submit" disabled={save.isPending || Boolean(invalid)}>Save cap</button>
      </form>
      {save.isError && <Banner kind="error">{errorMessage(save.error)}</Banner>}
    </Card>
  );
}

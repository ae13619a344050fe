// The staff console (/staff): what every tenant costs in provider fees
// against what it pays, and the gross margin against the 80 % goal. Staff
// often belong to no organization, so this page has its own frame.
import { Link, useRouter } from "../../../lib/router";
import { useSession } from "../../../lib/session";
import { EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { fmtMoney, fmtNum, fmtPct, isoDate } from "../../../lib/format";
import { type MarginReport, type TenantMargin, useMarginReport } from "../api/getTenantMargins";
import { StaffFrame } from "./StaffFrame";

export const PERIODS = [7, 30, 90, 365] as const;

/** `?days=` (7, 30, 90 or 365; default 30) → the inclusive UTC date range ending today. */
export function periodOf(search: URLSearchParams, today = new Date()): { days: number; from: string; to: string } {
  const asked = Number(search.get("days"));
  const days = (PERIODS as readonly number[]).includes(asked) ? asked : 30;
  const from = new Date(today);
  from.setUTCDate(from.getUTCDate() - (days - 1));
  return { days, from: isoDate(from), to: isoDate(today) };
}

function MarginBadge({ t, goal }: { t: TenantMargin; goal: number }) {
  if (t.meets_goal === null) return <span className="badge">no activity</span>;
  if (t.gross_margin === null) return <span className="badge bad">costs, no revenue</span>;
  return t.meets_goal
    ? <span className="badge good">{fmtPct(t.gross_margin)} · meets {fmtPct(goal)}</span>
    : <span className="badge bad">{fmtPct(t.gross_margin)} · below {fmtPct(goal)}</span>;
}

function Summary({ report }: { report: MarginReport }) {
  const { totals, goal } = report;
  const meets = totals.margin !== null && totals.margin >= goal;
  return (
    <section className="kpis" aria-label="Totals">
      <div className="kpi" data-testid="staff-revenue" data-value={totals.revenue}>
        <div className="label">Revenue</div><div className="value">{fmtMoney(totals.revenue, "USD", 2)}</div>
        <div className="muted">paid invoices</div>
      </div>
      <div className="kpi" data-testid="staff-cost" data-value={totals.cost}>
        <div className="label">Provider fees</div><div className="value">{fmtMoney(totals.cost, "USD", 2)}</div>
        <div className="muted">OpenAI, Twilio, …</div>
      </div>
      <div className="kpi" data-testid="staff-margin" data-value={totals.margin ?? ""}>
        <div className="label">Gross margin</div><div className="value">{fmtPct(totals.margin)}</div>
        {totals.margin === null
          ? <div className="muted">no revenue in the period</div>
          : <span className={`badge ${meets ? "good" : "bad"}`}>{meets ? "meets" : "below"} the {fmtPct(goal)} goal</span>}
      </div>
      <div className="kpi" data-testid="staff-below-goal" data-value={totals.belowGoal}>
        <div className="label">Tenants below goal</div><div className="value">{totals.belowGoal}</div>
        <div className="muted">of {report.tenants.length}</div>
      </div>
    </section>
  );
}

function TenantTable({ report }: { report: MarginReport }) {
  if (!report.tenants.length) return <EmptyState title="No organizations yet" />;
  return (
    <div className="table-wrap">
      <table className="staff-table">
        <caption className="sr-only">Gross margin per organization: below the goal first, then the thinnest margins, then tenants without activity</caption>
        <thead>
          <tr>
            <th scope="col">Organization</th><th scope="col">Plan</th>
            <th scope="col" className="num">Calls</th><th scope="col" className="num">Analyzed min</th>
            <th scope="col" className="num">Revenue</th><th scope="col" className="num">Provider fees</th>
            <th scope="col">Gross margin</th>
          </tr>
        </thead>
        <tbody>
          {report.tenants.map((t) => (
            <tr key={t.org_id} data-testid="tenant-row" data-org={t.org_id}>
              <th scope="row"><Link to={`/staff/tenants/${t.org_id}`}>{t.org_name}</Link></th>
              <td>{t.plan_name ?? "Free"}{t.subscription_status !== "none" && <span className="muted"> · {t.subscription_status}</span>}</td>
              <td className="num">{fmtNum(t.calls)}</td>
              <td className="num">{fmtNum(t.analyzed_minutes, 1)}</td>
              <td className="num" data-testid="tenant-revenue" data-value={t.revenue_usd}>{fmtMoney(t.revenue_usd, "USD", 2)}</td>
              <td className="num" data-testid="tenant-cost" data-value={t.provider_cost_usd}>{fmtMoney(t.provider_cost_usd, "USD", 2)}</td>
              <td><MarginBadge t={t} goal={report.goal} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function StaffPage() {
  const { location, navigate } = useRouter();
  const { isStaff } = useSession();
  const { days, from, to } = periodOf(location.search);
  const report = useMarginReport(from, to, isStaff);
  return (
    <StaffFrame>
      <h1>Tenant margins</h1>
      <p className="muted">
        What each organization pays (paid Stripe invoices) against what serving it cost in provider fees, {from} to {to} (UTC).
      </p>
      <label className="inline-field">Period{" "}
        <select value={days} onChange={(e) => navigate(`/staff?days=${e.target.value}`, { replace: true })}>
          {PERIODS.map((d) => <option key={d} value={d}>Last {d} days</option>)}
        </select>
      </label>
      {report.isPending ? <Spinner label="Loading margins…" />
        : report.isError ? <ErrorState error={report.error} onRetry={() => report.refetch()} title="Couldn't load the margins" />
        : <><Summary report={report.data} /><TenantTable report={report.data} /></>}
    </StaffFrame>
  );
}

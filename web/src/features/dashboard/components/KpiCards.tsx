// The KPI cards. Each card carries data-testid="kpi-<key>" and the raw number
// in data-value (empty when the database returned null), so tests can compare
// the screen with dashboard_kpis.
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link } from "../../../lib/router";
import { ErrorState, Spinner } from "../../../components/ui";
import { fmtAdherence, fmtMoney, fmtNum, fmtPct, fmtSentiment } from "../../../lib/format";
import { type DashboardKpis, PIPELINE_REFETCH_MS } from "../api/getDashboardKpis";
import type { DashboardFilters } from "../filters";
import { sentimentLabel } from "../format";

const raw = (v: number | null) => (v == null ? "" : String(v));

function Kpi({ k, label, value, display, sub }: { k: keyof DashboardKpis; label: string; value: number | null; display: string; sub?: ReactNode }) {
  return (
    <div className="kpi dash-kpi" data-testid={`kpi-${k}`} data-value={raw(value)}>
      <div className="label">{label}</div>
      <div className="value">{display}</div>
      {sub != null && <div className="dash-kpi-sub">{sub}</div>}
    </div>
  );
}

export function KpiCards({ query, currency, filters }: { query: UseQueryResult<DashboardKpis>; currency: string; filters: DashboardFilters }) {
  if (query.isPending) return <section className="card" aria-label="Key figures"><Spinner label="Loading key figures…" /></section>;
  if (query.isError) {
    return (
      <section className="card" aria-label="Key figures">
        <ErrorState error={query.error} title="Couldn't load the key figures" onRetry={() => query.refetch()} />
      </section>
    );
  }
  const k = query.data;
  const sentiment = sentimentLabel(k.avg_sentiment);
  const callsLink = new URLSearchParams({ status: "failed", from: filters.from, to: filters.to });
  if (filters.agentId) callsLink.set("agent", filters.agentId);
  return (
    <section aria-label="Key figures" className="dash-kpis-wrap">
      <div className="kpis dash-kpis">
        <Kpi k="calls" label="Calls" value={k.calls} display={fmtNum(k.calls)} />
        <Kpi
          k="analyzed_calls"
          label="Analyzed"
          value={k.analyzed_calls}
          display={fmtNum(k.analyzed_calls)}
          sub={k.calls > 0 ? `${fmtPct(k.analyzed_calls / k.calls)} of calls` : undefined}
        />
        <Kpi
          k="conversion_rate"
          label="Conversion rate"
          value={k.conversion_rate}
          display={fmtPct(k.conversion_rate)}
          sub={k.analyzed_calls > 0
            ? <span data-testid="kpi-converted_calls" data-value={k.converted_calls}>{fmtNum(k.converted_calls)} of {fmtNum(k.analyzed_calls)} converted</span>
            : "No analyzed calls"}
        />
        <Kpi k="upsell_revenue" label="Upsell revenue" value={k.upsell_revenue} display={fmtMoney(k.upsell_revenue, currency)} />
        <Kpi
          k="avg_sentiment"
          label="Avg sentiment"
          value={k.avg_sentiment}
          display={fmtSentiment(k.avg_sentiment)}
          sub={sentiment
            ? <span className={`badge ${sentiment === "Positive" ? "good" : sentiment === "Negative" ? "bad" : ""}`}>{sentiment}</span>
            : "No analyzed calls"}
        />
        <Kpi k="avg_adherence" label="Script adherence" value={k.avg_adherence} display={fmtAdherence(k.avg_adherence)} />
      </div>
      <p className="dash-pipeline muted">
        <span data-testid="kpi-in_pipeline" data-value={k.in_pipeline}>{fmtNum(k.in_pipeline)} in pipeline</span>
        {" / "}
        {k.failed > 0
          ? <Link to={`/app/calls?${callsLink.toString()}`} data-testid="kpi-failed" data-value={k.failed}>{fmtNum(k.failed)} failed</Link>
          : <span data-testid="kpi-failed" data-value={k.failed}>{fmtNum(k.failed)} failed</span>}
        {k.in_pipeline > 0 && <span className="dash-live"> · updating every {PIPELINE_REFETCH_MS / 1000} s while calls are processed</span>}
      </p>
    </section>
  );
}

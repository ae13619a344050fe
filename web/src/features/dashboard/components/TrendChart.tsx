// Calls (bars) and upsell revenue (line) per day — per week beyond three
// months — as a hand-written SVG. The SVG is one image with a title and a
// summary; the numbers themselves are in a visually hidden table.
import { useId } from "react";
import { Card, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { fmtMoney, fmtNum } from "../../../lib/format";
import { MAX_TREND_DAYS, type TrendPoint, trendRange, useDashboardTrend } from "../api/getDashboardTrend";
import type { DashboardFilters } from "../filters";
import { fmtDay, fmtMoneyCompact } from "../format";

const W = 640;
const H = 240;
const M = { top: 14, right: 60, bottom: 30, left: 40 };
/** Longer series are drawn per week. */
const MAX_DAILY_POINTS = 92;

/** The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ v (and ≥ 1). */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  for (const f of [1, 2, 2.5, 5, 10]) if (f * mag >= v) return Math.max(1, f * mag);
  return 10 * mag;
}

interface Bucket {
  day: string;
  calls: number;
  analyzed: number;
  converted: number;
  upsell_revenue: number;
}

/** Sums consecutive days into buckets of `size` days, each labelled by its first day. */
export function bucketize(points: TrendPoint[], size: number): Bucket[] {
  const out: Bucket[] = [];
  points.forEach((p, i) => {
    if (i % size === 0) out.push({ day: p.day, calls: 0, analyzed: 0, converted: 0, upsell_revenue: 0 });
    const b = out[out.length - 1];
    b.calls += p.calls;
    b.analyzed += p.analyzed;
    b.converted += p.converted;
    b.upsell_revenue += p.upsell_revenue;
  });
  return out;
}

export function TrendChart({ points: days, currency }: { points: TrendPoint[]; currency: string }) {
  const id = useId();
  const weekly = days.length > MAX_DAILY_POINTS;
  const points: Bucket[] = weekly ? bucketize(days, 7) : days;
  const unit = weekly ? "week" : "day";
  const label = (day: string) => (weekly ? `Week of ${fmtDay(day)}` : fmtDay(day));
  const n = points.length;
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const step = iw / Math.max(n, 1);
  const barW = Math.max(1, Math.min(24, step * 0.7));
  const maxCalls = niceMax(Math.max(0, ...points.map((p) => p.calls)));
  const maxRev = niceMax(Math.max(0, ...points.map((p) => p.upsell_revenue)));
  const x = (i: number) => M.left + step * i + step / 2;
  const yCalls = (v: number) => M.top + ih - (v / maxCalls) * ih;
  const yRev = (v: number) => M.top + ih - (v / maxRev) * ih;
  const line = points.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${yRev(p.upsell_revenue).toFixed(1)}`).join(" ");
  const ticks = [0, 0.5, 1];
  const xLabels = [...new Set([0, Math.floor((n - 1) / 2), n - 1])].filter((i) => i >= 0);

  const totalCalls = points.reduce((s, p) => s + p.calls, 0);
  const totalRev = points.reduce((s, p) => s + p.upsell_revenue, 0);
  const busiest = points.reduce<Bucket | null>((b, p) => (!b || p.calls > b.calls ? p : b), null);
  const title = n
    ? `Calls and upsell revenue per ${unit}, ${fmtDay(days[0].day)} – ${fmtDay(days[days.length - 1].day)}`
    : `Calls and upsell revenue per ${unit}`;
  const desc = `${fmtNum(totalCalls)} calls and ${fmtMoney(totalRev, currency)} upsell revenue in total.`
    + (busiest && busiest.calls > 0 ? ` Busiest ${unit}: ${label(busiest.day)} with ${fmtNum(busiest.calls)} calls.` : "");

  return (
    <figure className="dash-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} aria-describedby={`${id}-desc`}>
        <title>{title}</title>
        <desc id={`${id}-desc`}>{desc}</desc>
        {ticks.map((t) => (
          <g key={t} className="dash-grid">
            <line x1={M.left} x2={W - M.right} y1={M.top + ih - t * ih} y2={M.top + ih - t * ih} />
            <text x={M.left - 6} y={M.top + ih - t * ih} textAnchor="end" dominantBaseline="middle">{fmtNum(t * maxCalls, 1)}</text>
            <text x={W - M.right + 6} y={M.top + ih - t * ih} dominantBaseline="middle">{fmtMoneyCompact(t * maxRev, currency)}</text>
          </g>
        ))}
        {points.map((p, i) => (
          <g key={p.day} className="dash-day">
            <title>{`${label(p.day)}: ${fmtNum(p.calls)} calls, ${fmtMoney(p.upsell_revenue, currency)} upsell`}</title>
            {/* An invisible full-height target so the tooltip works on empty days too. */}
            <rect className="dash-hit" x={M.left + step * i} y={M.top} width={step} height={ih} />
            <rect className="dash-bar" x={x(i) - barW / 2} y={yCalls(p.calls)} width={barW} height={M.top + ih - yCalls(p.calls)} />
          </g>
        ))}
        {n > 1 && <path className="dash-line" d={line} />}
        {n <= 31 && points.map((p, i) => <circle key={p.day} className="dash-dot" cx={x(i)} cy={yRev(p.upsell_revenue)} r={2.5} />)}
        {xLabels.map((i) => (
          <text key={i} className="dash-axis" x={x(i)} y={H - 8} textAnchor={n > 2 && i === 0 ? "start" : n > 2 && i === n - 1 ? "end" : "middle"}>
            {fmtDay(points[i].day)}
          </text>
        ))}
      </svg>
      <figcaption className="dash-legend" aria-hidden="true">
        <span><i className="dash-swatch dash-swatch-bar" /> Calls per {unit} (left axis)</span>
        <span><i className="dash-swatch dash-swatch-line" /> Upsell revenue (right axis)</span>
      </figcaption>
      <table className="sr-only">
        <caption>Calls and upsell revenue per {unit}</caption>
        <thead>
          <tr>
            <th scope="col">{weekly ? "Week starting" : "Day"}</th><th scope="col">Calls</th><th scope="col">Analyzed</th>
            <th scope="col">Converted</th><th scope="col">Upsell revenue</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.day}>
              <th scope="row">{fmtDay(p.day, { dateStyle: "medium" })}</th>
              <td>{fmtNum(p.calls)}</td><td>{fmtNum(p.analyzed)}</td><td>{fmtNum(p.converted)}</td><td>{fmtMoney(p.upsell_revenue, currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export function TrendCard({ filters, currency, refetchInterval }: { filters: DashboardFilters; currency: string; refetchInterval: number | false }) {
  const range = trendRange(filters);
  const trend = useDashboardTrend(range, { refetchInterval });
  return (
    <Card title="Calls and upsell over time" className="dash-trend">
      {range.clamped && (
        <p className="muted dash-note">The chart shows the last {MAX_TREND_DAYS} days of the period, through {fmtDay(range.to, { dateStyle: "medium" })}.</p>
      )}
      {trend.isPending
        ? <Spinner label="Loading trend…" />
        : trend.isError
        ? <ErrorState error={trend.error} title="Couldn't load the trend" onRetry={() => trend.refetch()} />
        : trend.data.every((p) => p.calls === 0)
        ? <EmptyState title="No calls in this period">Try a longer period or another agent.</EmptyState>
        : <TrendChart points={trend.data} currency={currency} />}
    </Card>
  );
}

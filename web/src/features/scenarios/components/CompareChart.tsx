// Saved scenarios' projected monthly revenue as bars (with the adherence
// lever's 95 % interval as a whisker where it applies), a hand-written SVG
// like the dashboard's; the figures are in a table beside it.
import { useId } from "react";
import { fmtMoney } from "../../../lib/format";
import type { Compared } from "../api/compareScenarios";

const W = 640;
const ROW = 34;
const M = { top: 8, right: 110, bottom: 8, left: 160 };

export function CompareChart({ rows, currency }: { rows: Compared[]; currency: string }) {
  const id = useId();
  const H = M.top + M.bottom + ROW * rows.length;
  const value = (r: Compared) => Number(r.projection.revenue.month);
  const hi = (r: Compared) => Number(r.projection.revenue_ci95?.month[1] ?? value(r));
  const max = Math.max(1, ...rows.map((r) => Math.max(value(r), hi(r))));
  const iw = W - M.left - M.right;
  const x = (v: number) => M.left + (Math.max(0, v) / max) * iw;
  const best = rows.reduce<Compared | null>((b, r) => (!b || value(r) > value(b) ? r : b), null);
  const title = "Projected revenue per month, by scenario";
  return (
    <figure className="wi-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} aria-describedby={`${id}-d`}>
        <title>{title}</title>
        <desc id={`${id}-d`}>{best ? `Highest: ${best.name}, ${fmtMoney(value(best), currency)} a month.` : ""}</desc>
        {rows.map((r, i) => {
          const y = M.top + i * ROW;
          const ci = r.projection.revenue_ci95?.month;
          return (
            <g key={r.id} data-testid="compare-bar">
              <text x={M.left - 8} y={y + ROW / 2} textAnchor="end" dominantBaseline="middle" className="wi-axis">{r.name.length > 20 ? `${r.name.slice(0, 19)}…` : r.name}</text>
              <rect className="wi-bar" x={M.left} y={y + 6} width={Math.max(1, x(value(r)) - M.left)} height={ROW - 12} rx={3} />
              {ci && (
                <g className="wi-ci">
                  <line x1={x(Number(ci[0]))} x2={x(Number(ci[1]))} y1={y + ROW / 2} y2={y + ROW / 2} />
                  <line x1={x(Number(ci[0]))} x2={x(Number(ci[0]))} y1={y + 10} y2={y + ROW - 10} />
                  <line x1={x(Number(ci[1]))} x2={x(Number(ci[1]))} y1={y + 10} y2={y + ROW - 10} />
                </g>
              )}
              <text x={x(Math.max(value(r), ci ? Number(ci[1]) : 0)) + 6} y={y + ROW / 2} dominantBaseline="middle" className="wi-axis">{fmtMoney(value(r), currency)}</text>
            </g>
          );
        })}
      </svg>
      <figcaption className="muted">Bars: projected revenue per month. Whiskers: 95 % interval of the adherence lever, where it applies.</figcaption>
    </figure>
  );
}

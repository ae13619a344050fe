// A goal's progress bar: the filled share of the target, and for counts and
// sums a marker where the pace says it should be by today.
import { fmtNum } from "../../../lib/format";
import { fmtMetric, type GoalMetric, type GoalStatus, isLevelMetric, STATUS } from "../metrics";

export function GoalBar({ metric, target, actual, expected, status, currency, label }: {
  metric: GoalMetric;
  target: number;
  actual: number | null;
  expected: number | null;
  status: GoalStatus;
  currency: string;
  label: string;
}) {
  const share = target > 0 && actual != null ? Math.max(0, Math.min(1, actual / target)) : 0;
  const marker = !isLevelMetric(metric) && expected != null && target > 0 ? Math.max(0, Math.min(1, expected / target)) : null;
  const text = `${label}: ${fmtMetric(metric, actual, currency)} of ${fmtMetric(metric, target, currency)}`
    + (marker != null ? `, ${fmtMetric(metric, expected, currency)} expected by today` : "");
  return (
    <div
      className={`goal-bar goal-bar-${status}`}
      role="progressbar"
      aria-label={text}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(share * 100)}
      aria-valuetext={`${fmtNum(share * 100)}%`}
      title={text}
    >
      <span className="goal-bar-fill" style={{ width: `${share * 100}%` }} />
      {marker != null && <span className="goal-bar-marker" style={{ left: `${marker * 100}%` }} data-testid="goal-expected-marker" />}
    </div>
  );
}

export function GoalStatusBadge({ status }: { status: GoalStatus | "missed" }) {
  const s = STATUS[status] ?? STATUS.no_data;
  return <span className={`badge ${s.kind}`} data-testid="goal-status" data-status={status}>{s.label}</span>;
}

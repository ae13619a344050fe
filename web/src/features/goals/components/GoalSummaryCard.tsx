// The dashboard's goal widget (composed into the dashboard by app/): counts by
// status and the most urgent open goals, from one goal_summary round trip.
import { Card, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { Link } from "../../../lib/router";
import { useOrg } from "../../../lib/session";
import { useGoalSummary } from "../api/getGoalSummary";
import { fmtMetric } from "../metrics";
import { GoalBar, GoalStatusBadge } from "./GoalBar";

export function GoalSummaryCard() {
  const { org, isManager } = useOrg();
  const summary = useGoalSummary();
  let body;
  if (summary.isPending) body = <Spinner label="Loading goals…" />;
  else if (summary.isError) body = <ErrorState error={summary.error} title="Couldn't load goals" onRetry={() => summary.refetch()} />;
  else if (summary.data.total === 0) {
    body = (
      <EmptyState title="No goals yet">
        {isManager ? <Link to="/app/goals">Set a goal for your team</Link> : "Your manager hasn't set a goal for you yet."}
      </EmptyState>
    );
  } else {
    const s = summary.data;
    body = (
      <>
        <p className="goal-summary-counts" data-testid="goal-summary-counts">
          <span><strong>{s.behind}</strong> behind</span> · <span><strong>{s.on_track}</strong> on track</span> ·{" "}
          <span><strong>{s.reached}</strong> reached</span> <span className="muted">of {s.total}</span>
        </p>
        <ul className="goal-summary-list">
          {s.goals.map((g) => (
            <li key={g.goal_id} data-testid="goal-summary-row">
              <div className="goal-summary-head">
                <span className="goal-summary-name">{g.name}</span>
                <GoalStatusBadge status={g.status} />
              </div>
              <GoalBar metric={g.metric} target={g.target} actual={g.actual} expected={g.expected} status={g.status} currency={org.currency} label={g.name} />
              <span className="muted">{fmtMetric(g.metric, g.actual, org.currency)} of {fmtMetric(g.metric, g.target, org.currency)}</span>
            </li>
          ))}
        </ul>
      </>
    );
  }
  return (
    <Card title="Goals" className="goal-summary" actions={<Link to="/app/goals">All goals</Link>}>
      {body}
    </Card>
  );
}

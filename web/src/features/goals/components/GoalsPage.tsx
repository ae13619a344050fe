// The goals screen (/app/goals): open goals with live progress and pace
// (polled, so an analyzed call moves its goal without a reload), create /
// edit / delete for owners, admins and managers, and the history of closed
// periods. Agents see their own goals and those they count toward, read-only.
import { useState } from "react";
import { Banner, Card, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { fmtNum } from "../../../lib/format";
import { useOrg } from "../../../lib/session";
import { useDeleteGoal } from "../api/deleteGoal";
import { GOALS_REFETCH_MS, type GoalProgress, useGoalProgress } from "../api/getGoalProgress";
import { useGoalHistory } from "../api/getGoalHistory";
import { fmtMetric, fmtPeriod, isLevelMetric, metricLabel, PERIODS } from "../metrics";
import { GoalBar, GoalStatusBadge } from "./GoalBar";
import { GoalForm } from "./GoalForm";

function sampleText(g: GoalProgress) {
  const unit = g.metric === "activities" || g.metric === "sim_score" || g.metric === "referrals_won" ? "activities"
    : g.metric === "calls_handled" ? "calls" : "analyzed calls";
  return `based on ${fmtNum(g.sample_size)} ${unit}`;
}

function GoalCard({ goal: g, canEdit, currency, onEdit }: { goal: GoalProgress; canEdit: boolean; currency: string; onEdit: () => void }) {
  const { orgId } = useOrg();
  const del = useDeleteGoal(orgId);
  const [confirm, setConfirm] = useState(false);
  const level = isLevelMetric(g.metric);
  return (
    <li className="goal-card card" data-testid="goal-card" data-goal-id={g.goal_id} data-actual={g.actual ?? ""}>
      <div className="goal-card-head">
        <div>
          <h3 className="goal-name">{g.name}</h3>
          <p className="muted goal-meta">
            {g.subject_name ?? "—"} · {metricLabel(g.metric, g.activity_type)} · {PERIODS.find((p) => p.value === g.period)?.label}{" "}
            {fmtPeriod(g.period_start, g.period_end)}{g.recurring ? " · recurring" : ""}
          </p>
        </div>
        <GoalStatusBadge status={g.status} />
      </div>
      <GoalBar metric={g.metric} target={g.target} actual={g.actual} expected={g.expected} status={g.status} currency={currency} label={g.name} />
      <dl className="goal-figures">
        <div><dt>Actual</dt><dd data-testid="goal-actual">{fmtMetric(g.metric, g.actual, currency)}</dd></div>
        <div><dt>Target</dt><dd>{fmtMetric(g.metric, g.target, currency)}</dd></div>
        {!level && <div><dt>Expected by today</dt><dd>{fmtMetric(g.metric, g.expected, currency)}</dd></div>}
        {!level && <div><dt>Projected</dt><dd>{fmtMetric(g.metric, g.projected, currency)}</dd></div>}
        <div><dt>Day</dt><dd>{g.days_elapsed} of {g.days_total}</dd></div>
      </dl>
      <p className="muted goal-sample">{g.status === "no_data" ? "No data yet in this period." : sampleText(g)}</p>
      {canEdit && (
        <div className="goal-actions">
          {confirm
            ? (
              <span className="goal-confirm">
                Delete “{g.name}”? Its history stays.
                <button type="button" onClick={() => del.mutate(g.goal_id)} disabled={del.isPending}>Delete</button>
                <button type="button" className="secondary" onClick={() => setConfirm(false)}>Keep</button>
              </span>
            )
            : (
              <>
                <button type="button" className="secondary" onClick={onEdit}>Edit</button>
                <button type="button" className="secondary" onClick={() => setConfirm(true)}>Delete</button>
              </>
            )}
          {del.isError && <p className="inline-error" role="alert">{errorMessage(del.error)}</p>}
        </div>
      )}
    </li>
  );
}

function History({ currency }: { currency: string }) {
  const history = useGoalHistory();
  if (history.isPending) return <Spinner label="Loading history…" />;
  if (history.isError) return <ErrorState error={history.error} title="Couldn't load the history" onRetry={() => history.refetch()} />;
  if (!history.data.length) return <EmptyState title="No closed periods yet">Finished periods are kept here, as they ended.</EmptyState>;
  return (
    <div className="table-wrap">
      <table className="goal-history">
        <thead><tr><th scope="col">Goal</th><th scope="col">Period</th><th scope="col" className="num">Target</th><th scope="col" className="num">Result</th><th scope="col">Outcome</th></tr></thead>
        <tbody>
          {history.data.map((s) => (
            <tr key={s.id} data-testid="goal-history-row">
              <th scope="row">{s.name}</th>
              <td>{fmtPeriod(s.period_start, s.period_end)}</td>
              <td className="num">{fmtMetric(s.metric, s.target, currency)}</td>
              <td className="num">{fmtMetric(s.metric, s.actual, currency)}</td>
              <td><GoalStatusBadge status={s.status as "reached" | "missed" | "no_data"} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function GoalsPage() {
  const { org, isManager } = useOrg();
  const goals = useGoalProgress({ refetchInterval: GOALS_REFETCH_MS });
  const [editing, setEditing] = useState<GoalProgress | "new" | null>(null);
  const [notice, setNotice] = useState("");

  let body;
  if (goals.isPending) body = <Spinner label="Loading goals…" />;
  else if (goals.isError && !goals.data) body = <ErrorState error={goals.error} title="Couldn't load goals" onRetry={() => goals.refetch()} />;
  else if (goals.data.length === 0) {
    body = (
      <EmptyState title="No goals yet">
        {isManager ? "Set a target for a person, a team or the whole organization." : "Your manager hasn't set a goal for you yet."}
      </EmptyState>
    );
  } else {
    body = (
      <>
        {goals.isError && <Banner kind="error">Couldn't refresh progress: {errorMessage(goals.error)}</Banner>}
        <ul className="goal-list">
          {goals.data.map((g) => (
            <GoalCard key={g.goal_id} goal={g} canEdit={isManager} currency={org.currency} onEdit={() => { setNotice(""); setEditing(g); }} />
          ))}
        </ul>
      </>
    );
  }

  return (
    <div className="goals">
      <div className="page-head">
        <h1>Goals</h1>
        {isManager && editing == null && <button type="button" onClick={() => { setNotice(""); setEditing("new"); }}>New goal</button>}
      </div>
      {!isManager && <p className="muted">Your goals and the team goals you count toward. Managers set them.</p>}
      {notice && <Banner kind="success">{notice}</Banner>}
      {editing != null && (
        <Card title={editing === "new" ? "New goal" : `Edit “${editing.name}”`}>
          <GoalForm
            key={editing === "new" ? "new" : editing.goal_id}
            goal={editing === "new" ? undefined : editing}
            onDone={(message) => { setEditing(null); setNotice(message); }}
          />
        </Card>
      )}
      <Card
        title="Current periods"
        actions={<span className="muted" role="status">{goals.isFetching && !goals.isPending ? "Updating…" : `Live: refreshes every ${GOALS_REFETCH_MS / 1000} s`}</span>}
      >
        {body}
      </Card>
      <Card title="History"><History currency={org.currency} /></Card>
    </div>
  );
}

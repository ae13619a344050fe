// Create or edit a goal: metric (with an activity type), scope (a person, a
// team of agents, or the organization), period (recurring or a custom range)
// and target. Defaults: conversions, this month, recurring.
import { type FormEvent, useId, useState } from "react";
import { errorMessage } from "../../../lib/errors";
import { isoDate } from "../../../lib/format";
import { useAgents } from "../../../lib/queries/agents";
import { useMembers } from "../../../lib/queries/members";
import { useOrg } from "../../../lib/session";
import type { GoalProgress } from "../api/getGoalProgress";
import { useSaveGoal } from "../api/saveGoal";
import { ACTIVITY_TYPES, type GoalMetric, type GoalPeriod, type GoalScope, metricLabel, METRICS, PERIODS } from "../metrics";

interface Draft {
  name: string;
  metric: GoalMetric;
  activityType: string;
  scope: GoalScope;
  /** "agent:<id>" or "user:<id>" for a member goal. */
  subject: string;
  team: string[];
  target: string;
  period: GoalPeriod;
  start: string;
  end: string;
  recurring: boolean;
}

const fromGoal = (g: GoalProgress): Draft => ({
  name: g.name,
  metric: g.metric,
  activityType: g.activity_type ?? "meeting",
  scope: g.scope,
  subject: g.agent_id ? `agent:${g.agent_id}` : g.user_id ? `user:${g.user_id}` : "",
  team: g.member_agent_ids,
  target: String(g.metric === "conversion_rate" ? Math.round(g.target * 1000) / 10 : g.target),
  period: g.period,
  start: g.period_start,
  end: g.period_end,
  recurring: g.recurring,
});

const blank = (): Draft => ({
  name: "", metric: "conversions", activityType: "meeting", scope: "member", subject: "", team: [], target: "",
  period: "month", start: isoDate(new Date()), end: "", recurring: true,
});

export function GoalForm({ goal, onDone }: { goal?: GoalProgress; onDone: (message: string) => void }) {
  const { orgId, org } = useOrg();
  const agents = useAgents(orgId);
  const members = useMembers(orgId);
  const save = useSaveGoal(orgId);
  const [d, setD] = useState<Draft>(() => (goal ? fromGoal(goal) : blank()));
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));

  const agentList = (agents.data ?? []).filter((a) => a.active || d.team.includes(a.id) || d.subject === `agent:${a.id}`);
  const agentUsers = new Set((agents.data ?? []).map((a) => a.user_id).filter(Boolean));
  const otherMembers = (members.data ?? []).filter((m) => !agentUsers.has(m.userId));
  const subjectName = d.subject.startsWith("agent:")
    ? agentList.find((a) => `agent:${a.id}` === d.subject)?.name
    : otherMembers.find((m) => `user:${m.userId}` === d.subject)?.name;
  const suggested = `${d.scope === "organization" ? "Everyone" : d.scope === "team" ? "Team" : subjectName ?? "Goal"}: ${metricLabel(d.metric, d.activityType).toLowerCase()}`;
  const isRate = d.metric === "conversion_rate";
  const isScore = d.metric === "script_adherence" || d.metric === "sim_score";

  function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    const target = Number(d.target);
    if (!(target > 0)) return setProblem("Enter a target above 0.");
    if (isRate && target > 100) return setProblem("A conversion rate target is at most 100 %.");
    if (isScore && target > 100) return setProblem("Score targets are at most 100.");
    if (d.scope === "member" && !d.subject) return setProblem("Choose whose goal this is.");
    if (d.scope === "team" && d.team.length === 0) return setProblem("Choose at least one agent for the team.");
    if (d.period === "custom" && (!d.end || d.end < d.start)) return setProblem("A custom range ends on or after its start.");
    const [kind, subjectId] = d.subject.split(":");
    save.mutate({
      id: goal?.goal_id,
      name: d.name.trim() || suggested,
      metric: d.metric,
      activity_type: d.metric === "activities" ? d.activityType : null,
      scope: d.scope,
      agent_id: d.scope === "member" && kind === "agent" ? subjectId : null,
      user_id: d.scope === "member" && kind === "user" ? subjectId : null,
      target: isRate ? target / 100 : target,
      period: d.period,
      period_start: d.start,
      // The trigger computes the end of a week, month or quarter.
      period_end: d.period === "custom" ? d.end : d.start,
      recurring: d.period === "custom" ? false : d.recurring,
      member_agent_ids: d.scope === "team" ? d.team : [],
    }, { onSuccess: () => onDone(goal ? "Goal saved." : "Goal created.") });
  }

  return (
    <form className="goal-form" onSubmit={submit} aria-label={goal ? "Edit goal" : "New goal"}>
      <div className="goal-form-grid">
        <label>
          Metric
          <select name="metric" value={d.metric} onChange={(e) => set({ metric: e.target.value as GoalMetric })}>
            {METRICS.map((m) => <option key={m.value} value={m.value}>{m.label}</option>)}
          </select>
        </label>
        {d.metric === "activities" && (
          <label>
            Activity type
            <select value={d.activityType} onChange={(e) => set({ activityType: e.target.value })}>
              {ACTIVITY_TYPES.map((t) => <option key={t.value} value={t.value}>{t.label}</option>)}
            </select>
          </label>
        )}
        <label>
          For
          <select value={d.scope} onChange={(e) => set({ scope: e.target.value as GoalScope })}>
            <option value="member">One person</option>
            <option value="team">A team of agents</option>
            <option value="organization">The whole organization</option>
          </select>
        </label>
        {d.scope === "member" && (
          <label>
            Person
            <select name="subject" value={d.subject} onChange={(e) => set({ subject: e.target.value })} disabled={agents.isPending}>
              <option value="">{agents.isPending ? "Loading…" : "Choose…"}</option>
              {agentList.length > 0 && (
                <optgroup label="Agents">
                  {agentList.map((a) => <option key={a.id} value={`agent:${a.id}`}>{a.name}</option>)}
                </optgroup>
              )}
              {otherMembers.length > 0 && (
                <optgroup label="Other members">
                  {otherMembers.map((m) => <option key={m.userId} value={`user:${m.userId}`}>{m.name}</option>)}
                </optgroup>
              )}
            </select>
          </label>
        )}
        <label>
          Target{isRate ? " (%)" : isScore ? " (0–100)" : d.metric === "upsell_revenue" ? ` (${org.currency})` : ""}
          <input name="target" type="number" inputMode="decimal" min="0" step="any" required value={d.target} onChange={(e) => set({ target: e.target.value })} />
        </label>
        <label>
          Period
          <select name="period" value={d.period} onChange={(e) => set({ period: e.target.value as GoalPeriod })}>
            {PERIODS.map((p) => <option key={p.value} value={p.value}>{p.label}</option>)}
          </select>
        </label>
        <label>
          {d.period === "custom" ? "From" : "Starting with the period that contains"}
          <input type="date" required value={d.start} onChange={(e) => set({ start: e.target.value })} />
        </label>
        {d.period === "custom" && (
          <label>
            To
            <input type="date" required value={d.end} min={d.start} onChange={(e) => set({ end: e.target.value })} />
          </label>
        )}
        <label className="goal-form-name">
          Name
          <input name="name" value={d.name} maxLength={200} placeholder={suggested} onChange={(e) => set({ name: e.target.value })} />
        </label>
      </div>
      {d.scope === "team" && (
        <fieldset className="goal-team">
          <legend>Agents in the team</legend>
          {agentList.map((a) => (
            <label key={a.id} className="check">
              <input
                type="checkbox"
                checked={d.team.includes(a.id)}
                onChange={(e) => set({ team: e.target.checked ? [...d.team, a.id] : d.team.filter((x) => x !== a.id) })}
              />
              {a.name}
            </label>
          ))}
          {agents.isSuccess && agentList.length === 0 && <p className="muted">No agents yet.</p>}
        </fieldset>
      )}
      {d.period !== "custom" && (
        <label className="check">
          <input type="checkbox" checked={d.recurring} onChange={(e) => set({ recurring: e.target.checked })} />
          Recurring: roll over to the next {d.period} when this one ends
        </label>
      )}
      {(problem || save.isError) && (
        <p className="inline-error" role="alert" id={`${id}-err`}>{problem ?? errorMessage(save.error)}</p>
      )}
      <div className="form-actions">
        <button type="submit" disabled={save.isPending}>{save.isPending ? "Saving…" : goal ? "Save goal" : "Create goal"}</button>
        <button type="button" className="secondary" onClick={() => onDone("")}>Cancel</button>
      </div>
    </form>
  );
}

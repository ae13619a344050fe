// The practice screen (/app/sims): the rep's (or the team's) assignments with
// their status, the SIM library (practise; managers duplicate and assign),
// and the leaderboard — best score per SIM, with first score and attempts.
import { type FormEvent, useState } from "react";
import { QueryState } from "../../../components/QueryState";
import { Banner, Card } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { fmtDateTime } from "../../../lib/format";
import { useMembers } from "../../../lib/queries/members";
import { Link, useRouter } from "../../../lib/router";
import { useOrg } from "../../../lib/session";
import { useAssignSim } from "../api/assignSim";
import { useDuplicateTemplate } from "../api/duplicateTemplate";
import { useLeaderboard } from "../api/leaderboard";
import { type AssignmentStatus, useAssignments } from "../api/listAssignments";
import { type SimTemplate, useTemplates } from "../api/listTemplates";
import { useStartSession } from "../api/startSession";
import { WeakSpotsLink } from "./PracticeLoopPage";
import { TemplateForm } from "./TemplateForm";

export const STATUS_LABEL: Record<AssignmentStatus, string> = {
  not_started: "Not started",
  in_progress: "In progress",
  completed: "Completed",
  past_due: "Past due",
  did_not_pass: "Did not pass",
};
const STATUS_KIND: Record<AssignmentStatus, string> = { completed: "good", past_due: "bad", did_not_pass: "bad", in_progress: "info", not_started: "" };

const SIM_MESSAGES = {
  SP402: "Your plan's practice sessions for this month are used up. Upgrade on the Billing page.",
  SP422: "No attempts left for this SIM.",
};

function useStart() {
  const { orgId } = useOrg();
  const { navigate } = useRouter();
  const start = useStartSession(orgId);
  return {
    start: (templateId: string, simId: string | null) =>
      start.mutate({ templateId, simId }, { onSuccess: (s) => navigate(`/app/sims/sessions/${s.id}`) }),
    pending: start.isPending,
    error: start.error ? errorMessage(start.error, SIM_MESSAGES) : null,
  };
}

function AssignForm({ template, onDone }: { template: SimTemplate; onDone: () => void }) {
  const { orgId } = useOrg();
  const members = useMembers(orgId);
  const assign = useAssignSim(orgId);
  const [userId, setUserId] = useState("");
  const [due, setDue] = useState("");
  const [min, setMin] = useState("1");
  function submit(e: FormEvent) {
    e.preventDefault();
    assign.mutate({ templateId: template.id, userId, dueAt: due ? new Date(`${due}T23:59:59`).toISOString() : null, minAttempts: Number(min) || 1 }, {
      onSuccess: onDone,
    });
  }
  return (
    <form className="sim-assign" onSubmit={submit} aria-label={`Assign ${template.name}`}>
      <label>
        Member
        <select name="member" required value={userId} onChange={(e) => setUserId(e.target.value)}>
          <option value="">Choose…</option>
          {(members.data ?? []).map((m) => <option key={m.userId} value={m.userId}>{m.name} ({m.role})</option>)}
        </select>
      </label>
      <label>
        Due
        <input name="due" type="date" value={due} onChange={(e) => setDue(e.target.value)} />
      </label>
      <label>
        Minimum attempts
        <input name="min_attempts" type="number" min="1" max="20" value={min} onChange={(e) => setMin(e.target.value)} />
      </label>
      <button type="submit" disabled={assign.isPending || !userId}>Assign</button>
      <button type="button" className="secondary" onClick={onDone}>Cancel</button>
      {assign.error && <Banner kind="error">{errorMessage(assign.error)}</Banner>}
    </form>
  );
}

function TemplateCard({ t }: { t: SimTemplate }) {
  const { orgId, isManager } = useOrg();
  const { start, pending, error } = useStart();
  const duplicate = useDuplicateTemplate(orgId);
  const [assigning, setAssigning] = useState(false);
  const [editing, setEditing] = useState(false);
  if (editing) return <li className="card sim-template"><TemplateForm template={t} onDone={() => setEditing(false)} /></li>;
  return (
    <li className="card sim-template" data-testid="sim-template">
      <div className="sim-template-head">
        <strong>{t.name}</strong>
        <span className="badge" title="Difficulty 1–5">Difficulty {t.difficulty}/5</span>
        {t.is_builtin && <span className="badge info">Built-in</span>}
      </div>
      <p className="muted">{t.persona_name}, {t.persona_role} at {t.company} · {t.temperament}</p>
      <p>{t.scenario}</p>
      <p className="muted">{t.time_limit_minutes} min{t.max_attempts ? ` · at most ${t.max_attempts} attempts` : ""}</p>
      <div className="sim-actions">
        <button type="button" disabled={pending} onClick={() => start(t.id, null)}>Practise</button>
        {isManager && (
          <>
            <button type="button" className="secondary" disabled={duplicate.isPending} onClick={() => duplicate.mutate(t.id)}>Duplicate</button>
            <button type="button" className="secondary" onClick={() => setAssigning(true)}>Assign</button>
            {!t.is_builtin && <button type="button" className="secondary" onClick={() => setEditing(true)}>Edit</button>}
          </>
        )}
      </div>
      {assigning && <AssignForm template={t} onDone={() => setAssigning(false)} />}
      {(error || duplicate.error) && <Banner kind="error">{error ?? errorMessage(duplicate.error)}</Banner>}
    </li>
  );
}

function Assignments() {
  const { isManager } = useOrg();
  const q = useAssignments();
  const { start, pending, error } = useStart();
  return (
    <Card title={isManager ? "Assignments (team)" : "Assigned to you"}>
      {error && <Banner kind="error">{error}</Banner>}
      <QueryState query={q} loading="Loading assignments…" empty="No SIMs assigned yet.">
        {(rows) => (
          <table className="table" aria-label="Assignments">
            <thead>
              <tr>
                <th>SIM</th>
                {isManager && <th>Member</th>}
                <th>Due</th>
                <th>Attempts</th>
                <th>Best</th>
                <th>Status</th>
                <th><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id} data-testid="sim-assignment">
                  <td>{a.template_name}</td>
                  {isManager && <td>{a.user_name}</td>}
                  <td>{a.due_at ? fmtDateTime(a.due_at) : "—"}</td>
                  <td>{a.scored} of {a.min_attempts}</td>
                  <td>{a.best_score ?? "—"}</td>
                  <td><span className={`badge ${STATUS_KIND[a.status as AssignmentStatus] ?? ""}`}>{STATUS_LABEL[a.status as AssignmentStatus] ?? a.status}</span></td>
                  <td>{!isManager && a.status !== "completed" && <button type="button" disabled={pending} onClick={() => start(a.template_id, a.id)}>Start</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </Card>
  );
}

function Leaderboard() {
  const { isManager } = useOrg();
  const q = useLeaderboard();
  return (
    <Card title={isManager ? "Leaderboard (team)" : "Your scores"}>
      <QueryState query={q} loading="Loading scores…" empty="No practice sessions yet.">
        {(rows) => (
          <table className="table" aria-label="Leaderboard">
            <thead>
              <tr><th>Rep</th><th>SIM</th><th>Best</th><th>First</th><th>Attempts</th><th>Passed</th></tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.user_id}-${r.template_id}`} data-testid="sim-leaderboard-row">
                  <td>{isManager ? <Link to={`/app/sims/people/${r.user_id}`}>{r.user_name}</Link> : r.user_name}</td>
                  <td>{r.template_name}</td>
                  <td>{r.best_score ?? "—"}</td>
                  <td>{r.first_score ?? "—"}</td>
                  <td>{r.attempts}</td>
                  <td>{r.passed ? "Yes" : "No"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </Card>
  );
}

export function SimsPage() {
  const templates = useTemplates();
  const { isManager } = useOrg();
  const [creating, setCreating] = useState(false);
  return (
    <div className="stack">
      <h1>Practice</h1>
      <p className="muted">Role-play with an AI buyer, scored on the same scorecards as your real calls.</p>
      <WeakSpotsLink />
      <Assignments />
      <Card title="SIM library" actions={isManager && !creating ? <button type="button" onClick={() => setCreating(true)}>New SIM</button> : null}>
        {creating && <TemplateForm template={null} onDone={() => setCreating(false)} />}
        <QueryState query={templates} loading="Loading SIMs…" empty="No SIMs yet.">
          {(rows) => <ul className="sim-library">{rows.map((t) => <TemplateCard key={t.id} t={t} />)}</ul>}
        </QueryState>
      </Card>
      <Leaderboard />
    </div>
  );
}

// A member's practice ↔ real page (/app/sims/people/:userId): the
// call-script items they miss most on their last real calls (hit rate and
// number of calls), "Practice this" to get a SIM that targets them (judged on
// the same scorecard), and each targeted item's hit rate on real calls
// before and after the practice, with the calls behind each figure.
import { useState } from "react";
import { QueryState } from "../../../components/QueryState";
import { Banner, Card } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { fmtDateTime, fmtPct } from "../../../lib/format";
import { useMembers } from "../../../lib/queries/members";
import { Link, useRouter } from "../../../lib/router";
import { useOrg, useSession } from "../../../lib/session";
import { usePracticeEffect } from "../api/practiceEffect";
import { usePracticeWeakItems } from "../api/practiceWeakItems";
import { useStartSession } from "../api/startSession";
import { LAST_CALLS, useWeakItems } from "../api/weakItems";

function WeakItems({ userId, self }: { userId: string; self: boolean }) {
  const { orgId } = useOrg();
  const { navigate } = useRouter();
  const q = useWeakItems(userId);
  const practise = usePracticeWeakItems(orgId, userId);
  const start = useStartSession(orgId);
  const [picked, setPicked] = useState<string[] | null>(null);
  const [done, setDone] = useState(false);
  const weakest = (q.data ?? []).filter((i) => i.hit_rate < 1).slice(0, 2).map((i) => i.item_key);
  const chosen = picked ?? weakest;
  function go() {
    practise.mutate(chosen, {
      onSuccess: ({ simId, templateId }) => {
        if (self) start.mutate({ templateId, simId }, { onSuccess: (s) => navigate(`/app/sims/sessions/${s.id}`) });
        else setDone(true);
      },
    });
  }
  return (
    <Card title={`Weakest items on the last ${LAST_CALLS} real calls`}>
      <QueryState query={q} loading="Reading real calls…" empty="No analyzed real calls with a scorecard yet.">
        {(rows) => (
          <>
            <table className="table" aria-label="Weakest items">
              <thead><tr><th><span className="sr-only">Practise</span></th><th>Item</th><th>Hit rate</th><th>Calls</th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.item_key} data-testid="weak-item">
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Practise: ${r.question}`}
                        checked={chosen.includes(r.item_key)}
                        onChange={(e) => setPicked(e.target.checked ? [...chosen, r.item_key].slice(0, 5) : chosen.filter((k) => k !== r.item_key))}
                      />
                    </td>
                    <td>{r.question}</td>
                    <td>{fmtPct(r.hit_rate)}</td>
                    <td>{r.calls}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="sim-actions">
              <button type="button" disabled={!chosen.length || practise.isPending || start.isPending} onClick={go}>Practice this</button>
            </div>
            {done && <Banner kind="success">Assigned: a SIM that targets these items is in their assignments.</Banner>}
            {(practise.error || start.error) && <Banner kind="error">{errorMessage(practise.error ?? start.error)}</Banner>}
          </>
        )}
      </QueryState>
    </Card>
  );
}

function Effect({ userId }: { userId: string }) {
  const q = usePracticeEffect(userId);
  const rate = (r: number | null, n: number) => (n ? `${fmtPct(r)} (n = ${n})` : "no calls yet");
  return (
    <Card title="Before and after practice, on real calls">
      <QueryState query={q} loading="Measuring…" empty="No targeted practice yet.">
        {(rows) => (
          <table className="table" aria-label="Before and after">
            <thead><tr><th>Item</th><th>Assigned</th><th>Practice sessions</th><th>Before</th><th>After</th></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.sim_id}-${r.item_key}`} data-testid="effect-row">
                  <td>{r.question}</td>
                  <td>{fmtDateTime(r.assigned_at)}</td>
                  <td>{r.practice_sessions}</td>
                  <td>{rate(r.before_rate, r.before_calls)}</td>
                  <td>{r.practiced_at ? rate(r.after_rate, r.after_calls) : "not practised yet"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </Card>
  );
}

export function PracticeLoopPage({ userId }: { userId: string }) {
  const { orgId } = useOrg();
  const { session } = useSession();
  const members = useMembers(orgId);
  const self = session?.user.id === userId;
  const name = self ? "You" : members.data?.find((m) => m.userId === userId)?.name ?? "Member";
  return (
    <div className="stack">
      <p><Link to="/app/sims">← Practice</Link></p>
      <h1>{self ? "Your weak spots" : `Weak spots: ${name}`}</h1>
      <p className="muted">From the call-script scorecard of real calls; targeted practice is judged on the same scorecard.</p>
      <WeakItems userId={userId} self={self} />
      <Effect userId={userId} />
    </div>
  );
}

/** The way in from the practice screen: your own page, or (managers) a member's. */
export function WeakSpotsLink() {
  const { orgId, isManager } = useOrg();
  const { session } = useSession();
  const { navigate } = useRouter();
  const members = useMembers(orgId);
  if (!isManager) return <p><Link to={`/app/sims/people/${session?.user.id}`}>Your weak spots on real calls →</Link></p>;
  return (
    <label className="sim-person">
      Weak spots on real calls of{" "}
      <select aria-label="Member's weak spots" value="" onChange={(e) => e.target.value && navigate(`/app/sims/people/${e.target.value}`)}>
        <option value="">Choose a member…</option>
        {(members.data ?? []).map((m) => <option key={m.userId} value={m.userId}>{m.name}</option>)}
      </select>
    </label>
  );
}

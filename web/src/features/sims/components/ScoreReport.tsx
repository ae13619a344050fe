// The score of a session: total against the pass score, each scorecard item
// with the AI's answer and the quote (and time) it rests on, coaching tips.
import { Card } from "../../../components/ui";
import type { SessionView } from "../api/getSession";

export const clock = (t: number | null) => (t == null ? "" : `${Math.floor(t / 60)}:${String(Math.floor(t % 60)).padStart(2, "0")}`);
const ANSWER: Record<string, string> = { yes: "Yes", partial: "Partly", no: "No" };
const KIND: Record<string, string> = { yes: "good", partial: "warn", no: "bad" };

export function ScoreReport({ view }: { view: SessionView }) {
  const s = view.session;
  const tips = (Array.isArray(s.tips) ? s.tips : []) as string[];
  return (
    <Card title={`Score: ${view.scorecard.name}`} className="sim-report">
      <p className="sim-score" data-testid="sim-score">
        <strong>{s.score}</strong> / 100 · pass at {view.scorecard.pass_score} ·{" "}
        <span className={`badge ${s.passed ? "good" : "bad"}`}>{s.passed ? "Passed" : "Not passed"}</span>
      </p>
      <ol className="sim-items" aria-label="Scorecard items">
        {view.items.map((i) => (
          <li key={i.item_id} data-testid="sim-item" data-answer={i.answer ?? ""}>
            <span className={`badge ${KIND[i.answer ?? ""] ?? ""}`}>{ANSWER[i.answer ?? ""] ?? "—"}</span> {i.question}{" "}
            <span className="muted">(weight {i.weight})</span>
            {i.evidence_quote && (
              <blockquote className="sim-evidence">
                “{i.evidence_quote}” <span className="muted">at {clock(i.evidence_time)}</span>
              </blockquote>
            )}
          </li>
        ))}
      </ol>
      {tips.length > 0 && (
        <>
          <h3>Coaching tips</h3>
          <ul data-testid="sim-tips">{tips.map((t, n) => <li key={n}>{t}</li>)}</ul>
        </>
      )}
      <p className="muted">Scored by the {s.scorer === "openai" ? "AI" : "offline"} scorer.</p>
    </Card>
  );
}

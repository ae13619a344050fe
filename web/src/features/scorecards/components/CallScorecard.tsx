// The scorecard of a real call, on its coaching page: the AI's answer per
// item with its evidence quote and time, the weighted total against the pass
// score, and for managers an override per item (who and when shown; earlier
// answers, the AI's included, listed as history).
import { type FormEvent, useState } from "react";
import { Banner, Card, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { fmtDateTime } from "../../../lib/format";
import { type Answer, type CallScorecardItem, useCallScorecard } from "../api/getCallScorecard";
import { useOverrideItem } from "../api/overrideItem";

const LABEL: Record<Answer, string> = { yes: "Yes", partial: "Partly", no: "No" };
const KIND: Record<Answer, string> = { yes: "good", partial: "warn", no: "bad" };
const clock = (t: number | null) => (t == null ? "" : `${Math.floor(t / 60)}:${String(Math.floor(t % 60)).padStart(2, "0")}`);

function Override({ callId, item, onDone }: { callId: string; item: CallScorecardItem; onDone: () => void }) {
  const save = useOverrideItem(callId);
  const [answer, setAnswer] = useState<Answer>(item.answer === "yes" ? "no" : "yes");
  const [note, setNote] = useState("");
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate({ itemId: item.item_id, answer, note: note.trim() || null }, { onSuccess: onDone });
  }
  return (
    <form className="sc-override" onSubmit={submit} aria-label={`Override: ${item.question}`}>
      <label>
        Answer
        <select name="answer" value={answer} onChange={(e) => setAnswer(e.target.value as Answer)}>
          <option value="yes">Yes</option>
          {item.partial_credit && <option value="partial">Partly</option>}
          <option value="no">No</option>
        </select>
      </label>
      <label>
        Note
        <input name="note" maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} placeholder="Why (optional)" />
      </label>
      <button type="submit" disabled={save.isPending}>Save override</button>
      <button type="button" className="secondary" onClick={onDone}>Cancel</button>
      {save.error && <Banner kind="error">{errorMessage(save.error)}</Banner>}
    </form>
  );
}

function Item({ callId, item, canOverride }: { callId: string; item: CallScorecardItem; canOverride: boolean }) {
  const [editing, setEditing] = useState(false);
  return (
    <li data-testid="scorecard-item" data-answer={item.answer ?? ""} data-source={item.source ?? ""}>
      <span className={`badge ${item.answer ? KIND[item.answer] : ""}`}>{item.answer ? LABEL[item.answer] : "—"}</span> {item.question}
      {item.evidence_quote && <blockquote className="sim-evidence">“{item.evidence_quote}” <span className="muted">at {clock(item.evidence_time)}</span></blockquote>}
      {item.source === "manager" && (
        <p className="muted" data-testid="scorecard-override">
          Overridden by {item.answered_by_name ?? "a manager"} on {fmtDateTime(item.answered_at)}{item.note ? `: ${item.note}` : ""}
        </p>
      )}
      {item.history.length > 0 && (
        <details>
          <summary className="muted">Earlier answers ({item.history.length})</summary>
          <ul>
            {item.history.map((h, n) => (
              <li key={n} className="muted">
                {LABEL[h.answer]} by {h.source === "ai" ? "the AI" : h.answered_by_name ?? "a manager"} on {fmtDateTime(h.answered_at)}
                {h.evidence_quote ? ` — “${h.evidence_quote}”` : ""}
              </li>
            ))}
          </ul>
        </details>
      )}
      {canOverride && !editing && (
        <>
          {" "}
          <button type="button" className="link" onClick={() => setEditing(true)}>Override</button>
        </>
      )}
      {editing && <Override callId={callId} item={item} onDone={() => setEditing(false)} />}
    </li>
  );
}

export function CallScorecard({ callId }: { callId: string }) {
  const q = useCallScorecard(callId);
  let body;
  if (q.isPending) body = <Spinner label="Loading the scorecard…" />;
  else if (q.isError) body = <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  else if (!q.data) body = <EmptyState title="No scorecard yet">The scorecard appears once the call is analyzed.</EmptyState>;
  else {
    const v = q.data;
    body = (
      <>
        <p data-testid="scorecard-total">
          <strong>{v.total ?? "—"}</strong> / 100 · pass at {v.pass_score}{" "}
          {v.total != null && <span className={`badge ${v.total >= v.pass_score ? "good" : "bad"}`}>{v.total >= v.pass_score ? "Passed" : "Not passed"}</span>}
        </p>
        <ol className="sim-items">{v.items.map((i) => <Item key={i.item_id} callId={callId} item={i} canOverride={v.can_override} />)}</ol>
      </>
    );
  }
  return <Card title={q.data ? `Scorecard: ${q.data.name}` : "Scorecard"}>{body}</Card>;
}

// The scorecard editor (/app/scorecards, managers): weighted yes/no items
// with optional partial credit and a pass score. The call script's scorecard
// takes its questions from the script (edit them there); its weights and
// partial credit are edited here.
import { type FormEvent, useState } from "react";
import { QueryState } from "../../../components/QueryState";
import { Banner, Card } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { useOrg } from "../../../lib/session";
import { type ScorecardWithItems, useScorecards } from "../../../lib/queries/scorecards";
import { type ItemInput, keyFor, useSaveScorecard } from "../api/saveScorecard";

function Editor({ card, onDone }: { card: ScorecardWithItems | null; onDone: () => void }) {
  const { orgId } = useOrg();
  const save = useSaveScorecard(orgId);
  const mirrored = Boolean(card?.source_script_id);
  const [name, setName] = useState(card?.name ?? "");
  const [pass, setPass] = useState(String(card?.pass_score ?? 70));
  const [items, setItems] = useState<ItemInput[]>(
    card?.items.map((i) => ({ id: i.id, key: i.key, question: i.question, weight: i.weight, partial_credit: i.partial_credit, archived: i.archived, position: i.position })) ??
      [],
  );
  const set = (n: number, patch: Partial<ItemInput>) => setItems(items.map((it, k) => (k === n ? { ...it, ...patch } : it)));
  function add() {
    setItems([...items, { key: "", question: "", weight: 1, partial_credit: false, archived: false, position: items.length + 1 }]);
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    const taken = items.filter((i) => i.key).map((i) => i.key);
    const withKeys = items.filter((i) => i.question.trim()).map((i) => {
      if (i.key) return i;
      const key = keyFor(i.question, taken);
      taken.push(key);
      return { ...i, key, question: i.question.trim() };
    });
    save.mutate({ id: card?.id, name: name.trim(), pass_score: Number(pass), items: withKeys }, { onSuccess: onDone });
  }
  return (
    <form className="stack" onSubmit={submit} aria-label={card ? `Edit ${card.name}` : "New scorecard"}>
      <label>
        Name
        <input name="name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Pass score (0–100)
        <input name="pass_score" type="number" min="0" max="100" required value={pass} onChange={(e) => setPass(e.target.value)} />
      </label>
      <table className="table" aria-label="Items">
        <thead><tr><th>Question (yes/no, about an observable action)</th><th>Weight</th><th>Partial credit</th><th>Archived</th></tr></thead>
        <tbody>
          {items.map((it, n) => (
            <tr key={it.id ?? `new-${n}`} data-testid="scorecard-edit-item">
              <td>
                <input aria-label={`Question ${n + 1}`} maxLength={300} value={it.question} disabled={mirrored}
                  placeholder="Did the rep ask about the budget?" onChange={(e) => set(n, { question: e.target.value })} />
              </td>
              <td><input aria-label={`Weight ${n + 1}`} type="number" min="1" max="10" value={it.weight} onChange={(e) => set(n, { weight: Number(e.target.value) || 1 })} /></td>
              <td><input aria-label={`Partial credit ${n + 1}`} type="checkbox" checked={it.partial_credit} onChange={(e) => set(n, { partial_credit: e.target.checked })} /></td>
              <td>{it.id && <input aria-label={`Archived ${n + 1}`} type="checkbox" checked={it.archived} disabled={mirrored} onChange={(e) => set(n, { archived: e.target.checked })} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {mirrored ? <p className="muted">The questions of this scorecard come from the call script: edit them on the Call script page.</p> : (
        <p><button type="button" className="secondary" onClick={add} disabled={items.length >= 30}>Add item</button></p>
      )}
      <div className="sim-actions">
        <button type="submit" disabled={save.isPending}>Save scorecard</button>
        <button type="button" className="secondary" onClick={onDone}>Cancel</button>
      </div>
      {save.error && <Banner kind="error">{errorMessage(save.error)}</Banner>}
    </form>
  );
}

export function ScorecardsPage() {
  const { isManager } = useOrg();
  const q = useScorecards();
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <div className="stack">
      <h1>Scorecards</h1>
      <p className="muted">One rubric for real calls and practice: weighted yes/no items and a pass score.</p>
      {isManager && editing !== "new" && <p><button type="button" onClick={() => setEditing("new")}>New scorecard</button></p>}
      {editing === "new" && <Card title="New scorecard"><Editor card={null} onDone={() => setEditing(null)} /></Card>}
      <QueryState query={q} loading="Loading scorecards…" empty="No scorecards yet.">
        {(cards) => cards.map((c) => (
          <Card key={c.id} title={c.name} actions={isManager && editing !== c.id ? <button type="button" className="secondary" onClick={() => setEditing(c.id)}>Edit</button> : null}>
            {editing === c.id ? <Editor card={c} onDone={() => setEditing(null)} /> : (
              <>
                <p className="muted">Pass at {c.pass_score}{c.source_script_id ? " · mirrors the call script" : ""}{c.is_builtin ? " · built-in" : ""}</p>
                <ol data-testid="scorecard-items">
                  {c.items.filter((i) => !i.archived).map((i) => (
                    <li key={i.id}>{i.question} <span className="muted">(weight {i.weight}{i.partial_credit ? ", partial credit" : ""})</span></li>
                  ))}
                </ol>
              </>
            )}
          </Card>
        ))}
      </QueryState>
    </div>
  );
}

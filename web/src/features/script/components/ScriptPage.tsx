// Call script (managers): edit the default script calls are scored against —
// its name and an ordered checklist (add, remove, reorder with up/down, label
// and description). Unsaved changes are flagged; after saving, a hint says how
// earlier calls can be scored against the new script.
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { Link } from "../../../lib/router";
import { useOrg } from "../../../lib/session";
import { Banner, Card, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { type CallScript, useDefaultScript } from "../api/getDefaultScript";
import { useSaveScript } from "../api/saveScript";
import { type DraftItem, fromItems, MAX_DESCRIPTION, MAX_ITEMS, MAX_LABEL, move, problems, toItems } from "../items";

export function ScriptPage() {
  const { orgId, isManager } = useOrg();
  const script = useDefaultScript(orgId);
  if (!isManager) {
    return <EmptyState title="Managers only">Ask a manager, admin or owner of your organization to change the call script.</EmptyState>;
  }
  if (script.isPending) return <Spinner label="Loading the call script…" />;
  if (script.isError) return <ErrorState error={script.error} onRetry={() => script.refetch()} />;
  return (
    <>
      <h1>Call script</h1>
      <p className="muted">
        Every analyzed call is scored on how many of these steps the agent covered. Keep each step short and concrete.
      </p>
      <ScriptEditor key={orgId} orgId={orgId} script={script.data} />
    </>
  );
}

let nextKey = 0;
const newKey = () => `new-${++nextKey}`;

function ScriptEditor({ orgId, script }: { orgId: string; script: CallScript | null }) {
  const ids = useId();
  const save = useSaveScript(orgId);
  const [baseline, setBaseline] = useState(() => ({ name: script?.name ?? "", items: script?.items ?? [] }));
  const [name, setName] = useState(baseline.name);
  const [draft, setDraft] = useState<DraftItem[]>(() => fromItems(baseline.items));
  const [newLabel, setNewLabel] = useState("");
  const [newDescription, setNewDescription] = useState("");
  const [saved, setSaved] = useState(false);
  const [showProblems, setShowProblems] = useState(false);
  const focusAfterMove = useRef<{ key: string; dir: "up" | "down" } | null>(null);
  const list = useRef<HTMLOListElement>(null);

  const payload = { name: name.trim(), items: toItems(draft) };
  const dirty = JSON.stringify(payload) !== JSON.stringify(baseline);
  const issues = problems(name, draft);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  useEffect(() => {
    const f = focusAfterMove.current;
    if (!f) return;
    focusAfterMove.current = null;
    const item = list.current?.querySelector<HTMLElement>(`[data-key="${f.key}"]`);
    const button = item?.querySelector<HTMLButtonElement>(`button[data-move="${f.dir}"]:not(:disabled)`) ??
      item?.querySelector<HTMLButtonElement>("button[data-move]:not(:disabled)");
    button?.focus();
  }, [draft]);

  const edit = (key: string, patch: Partial<DraftItem>) => {
    setSaved(false);
    setDraft((d) => d.map((x) => (x.key === key ? { ...x, ...patch } : x)));
  };
  const moveItem = (index: number, by: -1 | 1) => {
    setSaved(false);
    focusAfterMove.current = { key: draft[index].key, dir: by < 0 ? "up" : "down" };
    setDraft((d) => move(d, index, by));
  };
  const removeItem = (key: string) => {
    setSaved(false);
    setDraft((d) => d.filter((x) => x.key !== key));
  };
  const addItem = () => {
    if (!newLabel.trim() || draft.length >= MAX_ITEMS) return;
    setSaved(false);
    setDraft((d) => [...d, { key: newKey(), id: null, label: newLabel.trim(), description: newDescription.trim() }]);
    setNewLabel("");
    setNewDescription("");
  };
  const onNewKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      addItem();
    }
  };
  const discard = () => {
    setName(baseline.name);
    setDraft(fromItems(baseline.items));
    setShowProblems(false);
    save.reset();
  };
  const onSave = (e: FormEvent) => {
    e.preventDefault();
    if (issues.length) {
      setShowProblems(true);
      return;
    }
    save.mutate({ id: script?.id, ...payload }, {
      onSuccess: (s) => {
        // New items now have their ids: they stay the same from here on.
        const next = { name: s.name, items: payload.items };
        setBaseline(next);
        setName(next.name);
        setDraft(fromItems(next.items));
        setSaved(true);
        setShowProblems(false);
      },
    });
  };

  return (
    <form className="script-editor" onSubmit={onSave} aria-label="Call script" noValidate>
      {!script && (
        <Banner kind="info">Your organization has no call script yet. Add the steps agents should follow and save.</Banner>
      )}
      <Card>
        <label>
          Script name
          <input value={name} maxLength={200} required onChange={(e) => { setName(e.target.value); setSaved(false); }} />
        </label>
      </Card>

      <Card title={`Checklist (${draft.length})`}>
        {draft.length === 0
          ? <EmptyState title="No steps yet">Add the first step below, e.g. “Greet and introduce yourself”.</EmptyState>
          : (
            <ol className="script-items" ref={list}>
              {draft.map((item, i) => (
                <li key={item.key} data-key={item.key} data-testid="script-item" className="script-item">
                  <span className="script-index" aria-hidden="true">{i + 1}</span>
                  <div className="script-fields">
                    <label>
                      Step {i + 1}
                      <input
                        value={item.label}
                        maxLength={MAX_LABEL}
                        aria-invalid={showProblems && !item.label.trim()}
                        onChange={(e) => edit(item.key, { label: e.target.value })}
                      />
                    </label>
                    <label>
                      What good looks like (optional)
                      <textarea
                        rows={2}
                        value={item.description}
                        maxLength={MAX_DESCRIPTION}
                        onChange={(e) => edit(item.key, { description: e.target.value })}
                      />
                    </label>
                    {item.id && <span className="muted script-id">id: {item.id}</span>}
                  </div>
                  <div className="script-buttons">
                    <button
                      type="button"
                      className="secondary"
                      data-move="up"
                      disabled={i === 0}
                      aria-label={`Move “${item.label || `step ${i + 1}`}” up`}
                      onClick={() => moveItem(i, -1)}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="secondary"
                      data-move="down"
                      disabled={i === draft.length - 1}
                      aria-label={`Move “${item.label || `step ${i + 1}`}” down`}
                      onClick={() => moveItem(i, 1)}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`Remove “${item.label || `step ${i + 1}`}”`}
                      onClick={() => removeItem(item.key)}
                    >
                      Remove
                    </button>
                  </div>
                </li>
              ))}
            </ol>
          )}

        <fieldset className="script-new">
          <legend>Add a step</legend>
          <label>
            Label
            <input
              value={newLabel}
              maxLength={MAX_LABEL}
              placeholder="e.g. Offer an add-on"
              onKeyDown={onNewKey}
              onChange={(e) => setNewLabel(e.target.value)}
              aria-describedby={`${ids}-limit`}
            />
          </label>
          <label>
            Description (optional)
            <input value={newDescription} maxLength={MAX_DESCRIPTION} onKeyDown={onNewKey} onChange={(e) => setNewDescription(e.target.value)} />
          </label>
          <button type="button" className="secondary" onClick={addItem} disabled={!newLabel.trim() || draft.length >= MAX_ITEMS}>
            Add step
          </button>
          <span id={`${ids}-limit`} className="muted">{draft.length} of {MAX_ITEMS} steps.</span>
        </fieldset>
      </Card>

      {showProblems && issues.length > 0 && (
        <Banner kind="error">
          <ul className="script-problems">{issues.map((p) => <li key={p}>{p}</li>)}</ul>
        </Banner>
      )}
      {save.isError && <Banner kind="error">{errorMessage(save.error)}</Banner>}
      {saved && !dirty && (
        <Banner kind="success">
          Script saved. New calls are scored against it. Calls analyzed earlier keep their scores until you re-analyze them — open a
          call under <Link to="/app/calls">Calls</Link> and choose Re-analyze to score it against this script.
        </Banner>
      )}

      <div className="script-bar">
        <span className={dirty ? "script-dirty" : "muted"} role="status" aria-live="polite">
          {dirty ? "Unsaved changes" : saved ? "All changes saved" : "No changes"}
        </span>
        <button type="button" className="secondary" onClick={discard} disabled={!dirty || save.isPending}>Discard changes</button>
        <button type="submit" disabled={!dirty || save.isPending}>{save.isPending ? "Saving…" : "Save script"}</button>
      </div>
    </form>
  );
}

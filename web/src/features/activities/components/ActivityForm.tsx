// Log an activity by hand (call, email, meeting, demo, proposal, follow-up,
// note), or edit one of your own: outcome, value, contact, title, notes, time.
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../../lib/errors";
import { useOrg } from "../../../lib/session";
import type { Activity } from "../api/listActivities";
import { useSaveActivity } from "../api/saveActivity";
import { MANUAL_TYPES, OUTCOME_LABELS, OUTCOMES, TYPE_LABELS } from "../types";

/** A Date as the value of a datetime-local input, in local time. */
const localInput = (d: Date) => {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

export function ActivityForm({ activity, onDone }: { activity?: Activity; onDone: (message: string) => void }) {
  const { orgId, org } = useOrg();
  const save = useSaveActivity(orgId);
  const [type, setType] = useState(activity?.type ?? "meeting");
  const [outcome, setOutcome] = useState(activity?.outcome ?? "completed");
  const [value, setValue] = useState(activity ? String(activity.value) : "");
  const [contact, setContact] = useState(activity?.contact ?? "");
  const [title, setTitle] = useState(activity?.title ?? "");
  const [notes, setNotes] = useState(activity?.notes ?? "");
  const [when, setWhen] = useState(localInput(activity ? new Date(activity.occurred_at) : new Date()));
  const [problem, setProblem] = useState<string | null>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    const v = value.trim() === "" ? 0 : Number(value);
    if (!(v >= 0)) return setProblem("The value is an amount of 0 or more.");
    const at = new Date(when);
    if (Number.isNaN(at.getTime())) return setProblem("Enter when it happened.");
    save.mutate({
      id: activity?.id,
      type,
      outcome: outcome || null,
      value: v,
      occurred_at: at.toISOString(),
      contact: contact.trim() || null,
      title: title.trim() || null,
      notes: notes.trim() || null,
    }, { onSuccess: () => onDone(activity ? "Activity saved." : `${TYPE_LABELS[type]} logged.`) });
  }

  return (
    <form className="act-form" onSubmit={submit} aria-label={activity ? "Edit activity" : "Log an activity"}>
      <div className="act-form-grid">
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.target.value)}>
            {MANUAL_TYPES.map((t) => <option key={t} value={t}>{TYPE_LABELS[t]}</option>)}
          </select>
        </label>
        <label>
          Outcome
          <select value={outcome} onChange={(e) => setOutcome(e.target.value)}>
            <option value="">Not stated</option>
            {OUTCOMES.map((o) => <option key={o} value={o}>{OUTCOME_LABELS[o]}</option>)}
          </select>
        </label>
        <label>
          When
          <input type="datetime-local" required value={when} onChange={(e) => setWhen(e.target.value)} />
        </label>
        <label>
          Value ({org.currency})
          <input type="number" inputMode="decimal" min="0" step="any" value={value} placeholder="0" onChange={(e) => setValue(e.target.value)} />
        </label>
        <label>
          Contact
          <input value={contact} maxLength={200} onChange={(e) => setContact(e.target.value)} />
        </label>
        <label>
          Title
          <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
        </label>
      </div>
      <label>
        Notes
        <textarea rows={3} value={notes} maxLength={4000} onChange={(e) => setNotes(e.target.value)} />
      </label>
      {(problem || save.isError) && <p className="inline-error" role="alert">{problem ?? errorMessage(save.error)}</p>}
      <div className="form-actions">
        <button type="submit" disabled={save.isPending}>{save.isPending ? "Saving…" : activity ? "Save" : "Log activity"}</button>
        <button type="button" className="secondary" onClick={() => onDone("")}>Cancel</button>
      </div>
    </form>
  );
}

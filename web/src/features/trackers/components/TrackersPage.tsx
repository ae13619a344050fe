// Trackers (managers): keyword and topic lists — a name and its words and
// phrases, synonyms included — matched in every new call. A tracker with
// alerts tells the managers (an activity and an email) when it is heard.
import { type FormEvent, useState } from "react";
import { Banner, Card, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { useTrackers } from "../../../lib/queries/trackers";
import { Link } from "../../../lib/router";
import { useOrg } from "../../../lib/session";
import { useAddTracker, useRemoveTracker } from "../api/saveTracker";
import { MAX_NAME, parseTerms, trackerProblem } from "../terms";

export function TrackersPage() {
  const { orgId, isManager } = useOrg();
  const trackers = useTrackers(orgId);
  const remove = useRemoveTracker(orgId);
  if (!isManager) {
    return <EmptyState title="Managers only">Ask a manager, admin or owner of your organization to change the trackers.</EmptyState>;
  }
  return (
    <>
      <h1>Trackers</h1>
      <p className="muted">
        Words and phrases to listen for in every new call — competitors, pricing, cancellation… Hits show on the call page with
        their times, and the <Link to="/app/calls">calls list</Link> filters by tracker.
      </p>
      <Card title="New tracker">
        <AddTrackerForm orgId={orgId} />
      </Card>
      <Card title="Your trackers">
        {trackers.isPending ? <Spinner label="Loading the trackers…" /> : trackers.isError
          ? <ErrorState error={trackers.error} onRetry={() => trackers.refetch()} />
          : !trackers.data.length
          ? <EmptyState title="No trackers yet">Add one above; it applies to calls analyzed from now on.</EmptyState>
          : (
            <ul className="trackers-list" data-testid="trackers">
              {trackers.data.map((t) => (
                <li key={t.id}>
                  <div>
                    <strong>{t.name}</strong> {t.alert && <span className="badge warn">Alerts managers</span>}
                    <div className="muted">{t.terms.join(", ")}</div>
                  </div>
                  <button type="button" className="secondary" disabled={remove.isPending} onClick={() => remove.mutate(t.id)}>
                    Remove<span className="sr-only"> {t.name}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        {remove.isError && <Banner kind="error">{errorMessage(remove.error)}</Banner>}
      </Card>
    </>
  );
}

function AddTrackerForm({ orgId }: { orgId: string }) {
  const add = useAddTracker(orgId);
  const [name, setName] = useState("");
  const [terms, setTerms] = useState("");
  const [alert, setAlert] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseTerms(terms);
    const p = trackerProblem(name, parsed);
    setProblem(p);
    if (p) return;
    add.mutate({ name: name.trim(), terms: parsed, alert }, {
      onSuccess: () => {
        setName("");
        setTerms("");
        setAlert(false);
      },
    });
  };
  return (
    <form className="tracker-form" onSubmit={submit} noValidate>
      <label>
        Name
        <input name="name" value={name} maxLength={MAX_NAME} onChange={(e) => setName(e.target.value)} placeholder="Competitors" />
      </label>
      <label>
        Words and phrases (comma separated, synonyms included)
        <textarea name="terms" value={terms} maxLength={3000} rows={2} onChange={(e) => setTerms(e.target.value)} placeholder="Globex, Initech, other company" />
      </label>
      <label className="checkbox">
        <input type="checkbox" name="alert" checked={alert} onChange={(e) => setAlert(e.target.checked)} />
        Alert the managers when it is heard on a call
      </label>
      {problem && <Banner kind="error">{problem}</Banner>}
      {add.isError && <Banner kind="error">{errorMessage(add.error)}</Banner>}
      <button type="submit" disabled={add.isPending}>{add.isPending ? "Adding…" : "Add tracker"}</button>
    </form>
  );
}

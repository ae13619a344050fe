// Redaction settings on the Data & privacy screen (owners and admins): which
// kinds of personal data are redacted from transcripts before they are stored
// or sent to any AI. Applies to calls transcribed from now on; each transcript
// keeps the counts of what it redacted.
import { useState } from "react";
import { Banner, Card, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { useOrg } from "../../../lib/session";
import { PII_TYPES, type PiiType, useRedactionTypes, useSaveRedactionTypes } from "../api/redaction";

export function RedactionCard() {
  const { orgId, isAdmin } = useOrg();
  const types = useRedactionTypes(orgId);
  if (!isAdmin) return <EmptyState title="Owners and admins only">Ask an owner or admin to change what is redacted.</EmptyState>;
  return (
    <Card title="Redacted from transcripts">
      <p className="muted">
        Personal data is replaced by a placeholder such as [SSN] before a transcript is stored or sent to any AI. Choose what is
        redacted; it applies to calls transcribed from now on.
      </p>
      {types.isPending ? <Spinner label="Loading the redaction settings…" /> : types.isError
        ? <ErrorState error={types.error} onRetry={() => types.refetch()} />
        : <RedactionForm key={orgId} orgId={orgId} initial={types.data} />}
    </Card>
  );
}

function RedactionForm({ orgId, initial }: { orgId: string; initial: PiiType[] }) {
  const save = useSaveRedactionTypes(orgId);
  const [chosen, setChosen] = useState<Set<PiiType>>(() => new Set(initial));
  const [saved, setSaved] = useState(false);
  const toggle = (t: PiiType) => {
    setSaved(false);
    setChosen((prev) => {
      const next = new Set(prev);
      if (next.has(t)) next.delete(t);
      else next.add(t);
      return next;
    });
  };
  return (
    <form
      className="tracker-form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(PII_TYPES.map((t) => t.value).filter((t) => chosen.has(t)), { onSuccess: () => setSaved(true) });
      }}
    >
      <fieldset>
        <legend className="sr-only">Kinds of personal data</legend>
        {PII_TYPES.map((t) => (
          <label key={t.value} className="checkbox">
            <input type="checkbox" name={t.value} checked={chosen.has(t.value)} onChange={() => toggle(t.value)} />
            {t.label} <span className="muted">[{t.value}]</span>
          </label>
        ))}
      </fieldset>
      {chosen.size < PII_TYPES.length && (
        <Banner kind="warning">Unchecked kinds stay readable in transcripts and are sent to the AI analysis.</Banner>
      )}
      {save.isError && <Banner kind="error">{errorMessage(save.error)}</Banner>}
      {saved && <Banner kind="success">Saved. New calls are redacted this way.</Banner>}
      <button type="submit" disabled={save.isPending}>{save.isPending ? "Saving…" : "Save redaction"}</button>
    </form>
  );
}

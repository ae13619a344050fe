// Owners and admins choose the model that analyzes calls: the plan's default
// (a mini-class model, the cheapest) or the larger one. Whatever is chosen,
// an analysis whose output fails validation is redone once by the larger model.
import { Card, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { useAnalysisModel, useSetAnalysisModel } from "../api/analysisModel";

const PLAN = "";

export function AnalysisModel({ orgId }: { orgId: string }) {
  const q = useAnalysisModel(orgId);
  const save = useSetAnalysisModel(orgId);
  let body;
  if (q.isPending) body = <Spinner label="Loading the analysis model…" />;
  else if (q.isError) body = <ErrorState error={q.error} onRetry={() => q.refetch()} title="Couldn't load the analysis model" />;
  else {
    const o = q.data;
    body = (
      <>
        <label htmlFor="analysis-model">Model for call analysis</label>
        <select
          id="analysis-model"
          value={o.selected ?? PLAN}
          disabled={save.isPending}
          onChange={(ev) => save.mutate(ev.target.value === PLAN ? null : ev.target.value)}
        >
          <option value={PLAN}>Plan default ({o.plan_default})</option>
          {o.models.map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
        <p className="muted">
          If an analysis comes back invalid, the larger model redoes it once. Near a budget cap the cheaper model is used.
        </p>
        {save.isPending && <p className="muted">Saving…</p>}
        {save.isError && <p role="alert" className="error">{errorMessage(save.error)}</p>}
      </>
    );
  }
  return <Card title="Call analysis">{body}</Card>;
}

// What the analyzer found, every claim with its evidence: a quote that seeks
// the player to where it was said.
import type { ReactNode } from "react";
import { EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { fmtMoney } from "../../../lib/format";
import { useInsight } from "../api/getInsight";
import type { Evidence, InsightRow } from "../api/types";
import { SeekButton, Timestamp } from "./player";
import { SPEAKER_LABEL } from "./Transcript";

export function AnalyzerBadge({ insight }: { insight: Pick<InsightRow, "analyzer" | "model"> }) {
  return insight.analyzer === "openai"
    ? <span className="badge coach-analyzer coach-analyzer-ai" title={`Analyzed by OpenAI ${insight.model}`}>AI · {insight.model}</span>
    : (
      <span className="badge warn coach-analyzer coach-analyzer-offline" title="Rule-based analysis built into SalesPulse (no AI model was used)">
        Offline analyzer
      </span>
    );
}

export function EvidenceQuote({ evidence }: { evidence: Evidence | null | undefined }) {
  if (!evidence) return null;
  return (
    <SeekButton time={evidence.time} className="coach-evidence">
      <q>{evidence.quote}</q> <span className="muted">— {SPEAKER_LABEL[evidence.speaker] ?? evidence.speaker}, <Timestamp time={evidence.time} /></span>
    </SeekButton>
  );
}

function Section({ title, children, aside }: { title: string; children: ReactNode; aside?: ReactNode }) {
  return (
    <section className="coach-section">
      <h3>{title} {aside}</h3>
      {children}
    </section>
  );
}

const sentimentClass = { positive: "good", negative: "bad", neutral: "" } as const;
const signed = (n: number) => `${n > 0 ? "+" : ""}${n.toFixed(2)}`;

export function InsightPanel({ callId, processing, failedError }: { callId: string; processing: boolean; failedError: string | null }) {
  const q = useInsight(callId, processing);
  if (q.isPending) return <Spinner label="Loading the analysis…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  if (!q.data) {
    if (processing) return <EmptyState title="Analyzing…">The insights appear here when the analysis finishes.</EmptyState>;
    return <EmptyState title="Not analyzed">{failedError ? `The analysis failed: ${failedError}` : "There is no analysis for this call."}</EmptyState>;
  }
  const { data: d, scriptItems } = q.data;
  const labels = new Map(scriptItems.map((i) => [i.id, i.label]));
  const currency = d.upsell?.currency || "USD";
  return (
    <div className="coach-insight">
      <p className="coach-analyzed-by">
        <AnalyzerBadge insight={q.data} /> {processing && <span className="muted">A new analysis is running…</span>}
      </p>

      <Section title="Summary">
        <p>{d.summary}</p>
      </Section>

      <div className="coach-facts">
        <Section title="Sentiment">
          <p>
            <span className={`badge ${sentimentClass[d.sentiment.label] ?? ""}`}>{d.sentiment.label}</span>{" "}
            <strong className="coach-score" aria-label={`score ${signed(d.sentiment.score)}`}>{signed(d.sentiment.score)}</strong>
          </p>
          {d.sentiment.evidence?.length > 0 && (
            <ul className="coach-list">{d.sentiment.evidence.map((e, i) => <li key={i}><EvidenceQuote evidence={e} /></li>)}</ul>
          )}
        </Section>

        <Section title="Converted">
          <p>
            <span className={`badge ${d.converted.value ? "good" : "bad"}`} data-testid="converted">{d.converted.value ? "Yes" : "No"}</span>
          </p>
          <EvidenceQuote evidence={d.converted.evidence} />
        </Section>

        <Section title="Upsell">
          <p><strong className="coach-score">{fmtMoney(d.upsell.amount, currency)}</strong></p>
          {d.upsell.items?.length > 0
            ? (
              <ul className="coach-list">
                {d.upsell.items.map((it, i) => (
                  <li key={i}>
                    <strong>{it.name}</strong> · {fmtMoney(it.amount, currency)} <EvidenceQuote evidence={it.evidence} />
                  </li>
                ))}
              </ul>
            )
            : <p className="muted">No add-ons sold.</p>}
        </Section>
      </div>

      <Section title="Script adherence" aside={<strong className="coach-score">{d.script_adherence.score}%</strong>}>
        {d.script_adherence.checklist?.length > 0
          ? (
            <ul className="coach-checklist">
              {d.script_adherence.checklist.map((c) => (
                <li key={c.item_id} className={c.done ? "coach-done" : "coach-missed"}>
                  <span className="coach-mark" aria-label={c.done ? "Done" : "Missed"} role="img">{c.done ? "✓" : "✗"}</span>{" "}
                  <span>{labels.get(c.item_id) ?? c.item_id}</span> <EvidenceQuote evidence={c.evidence} />
                </li>
              ))}
            </ul>
          )
          : <p className="muted">No call script to score against.</p>}
      </Section>

      <Section title="Objections">
        {d.objections?.length > 0
          ? (
            <ul className="coach-list">
              {d.objections.map((o, i) => (
                <li key={i}>
                  {o.objection} <span className={`badge ${o.handled ? "good" : "bad"}`}>{o.handled ? "handled" : "not handled"}</span>{" "}
                  <EvidenceQuote evidence={o.evidence} />
                </li>
              ))}
            </ul>
          )
          : <p className="muted">No objections.</p>}
      </Section>

      <Section title="Next steps">
        {d.next_steps?.length > 0
          ? (
            <ul className="coach-list">
              {d.next_steps.map((s, i) => (
                <li key={i}>
                  {s.step} <span className="muted">({s.owner})</span> <EvidenceQuote evidence={s.evidence} />
                </li>
              ))}
            </ul>
          )
          : <p className="muted">No next steps agreed.</p>}
      </Section>

      <Section title="Key moments">
        {d.key_moments?.length > 0
          ? (
            <ol className="coach-moments">
              {[...d.key_moments].sort((a, b) => a.evidence.time - b.evidence.time).map((m, i) => (
                <li key={i}>
                  <SeekButton time={m.evidence.time} testId="key-moment" className="coach-moment">
                    <Timestamp time={m.evidence.time} /> <strong>{m.label}</strong> <q>{m.evidence.quote}</q>
                  </SeekButton>
                </li>
              ))}
            </ol>
          )
          : <p className="muted">No key moments.</p>}
      </Section>
    </div>
  );
}

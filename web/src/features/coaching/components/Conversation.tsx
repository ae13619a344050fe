// Conversation metrics and tracker hits of a call, beside the insights.
import { EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { fmtDuration, fmtNum, fmtPct } from "../../../lib/format";
import { useCallMetrics, useTrackerHits } from "../api/getConversation";
import { SeekButton, Timestamp } from "./player";

export function TalkMetrics({ callId, processing }: { callId: string; processing: boolean }) {
  const q = useCallMetrics(callId);
  if (q.isPending) return <Spinner label="Loading the talk metrics…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const m = q.data;
  if (!m) {
    return <EmptyState title={processing ? "Not measured yet" : "No talk metrics"}>{processing ? "They appear once the call is analyzed." : "This call was analyzed before talk metrics existed; re-analyze it to measure them."}</EmptyState>;
  }
  const agentShare = m.talk_ratio == null ? null : Number(m.talk_ratio);
  const trajectory = m.metrics.sentiment?.customer?.trajectory;
  return (
    <div data-testid="talk-metrics">
      {agentShare != null && (
        <div className="talk-ratio" aria-label={`Agent talked ${fmtPct(agentShare)}, customer ${fmtPct(1 - agentShare)}`}>
          <div className="talk-ratio-bar" aria-hidden="true">
            <span className="talk-ratio-agent" style={{ width: `${agentShare * 100}%` }} />
          </div>
          <p className="muted">Talk / listen: agent {fmtPct(agentShare)} · customer {fmtPct(1 - agentShare)}</p>
        </div>
      )}
      <dl className="coach-meta talk-metrics">
        <div><dt>Longest monologue</dt><dd>{fmtDuration(Number(m.longest_monologue_seconds))}{m.metrics.longest_monologue_speaker ? ` (${m.metrics.longest_monologue_speaker})` : ""}</dd></div>
        <div><dt>Interruptions</dt><dd>{m.interruptions}</dd></div>
        <div><dt>Questions asked</dt><dd>{m.agent_questions}</dd></div>
        <div><dt>Silence</dt><dd>{fmtDuration(Number(m.silence_seconds))}</dd></div>
        <div><dt>Agent pace</dt><dd>{m.agent_wpm == null ? "—" : `${fmtNum(Number(m.agent_wpm))} wpm`}</dd></div>
        <div><dt>Customer pace</dt><dd>{m.customer_wpm == null ? "—" : `${fmtNum(Number(m.customer_wpm))} wpm`}</dd></div>
        {trajectory?.trend && <div><dt>Customer mood</dt><dd>{trajectory.trend}, ends {trajectory.end_state}</dd></div>}
      </dl>
    </div>
  );
}

export function TrackerHits({ callId }: { callId: string }) {
  const q = useTrackerHits(callId);
  if (q.isPending) return <Spinner label="Loading the tracker hits…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  if (!q.data.length) return <EmptyState title="No tracker hits">None of your organization's trackers was heard on this call.</EmptyState>;
  return (
    <ul className="tracker-hits" data-testid="tracker-hits">
      {q.data.map((h) => (
        <li key={h.id}>
          <SeekButton time={Number(h.time_seconds)} action="Play from" testId="tracker-hit">
            <Timestamp time={Number(h.time_seconds)} />
          </SeekButton>{" "}
          <strong>{h.tracker?.name ?? "Tracker"}</strong>: “{h.term}” <span className="muted">({h.speaker})</span>
        </li>
      ))}
    </ul>
  );
}

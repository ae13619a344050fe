// Coaching drill-down for one call (/app/calls/:id): header, recording player
// synchronized with the transcript, the analysis with evidence that seeks the
// player, talk metrics and tracker hits, re-analysis for managers, and
// time-pinned coaching comments.
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect, useRef } from "react";
import { Link } from "../../../lib/router";
import { useOrg } from "../../../lib/session";
import { Banner, Card, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { fmtDateTime, fmtDuration } from "../../../lib/format";
import { useCall } from "../api/getCall";
import { useConsent } from "../api/getConsent";
import { insightQueryOptions } from "../api/getInsight";
import { transcriptQueryOptions } from "../api/getTranscript";
import { useReanalyzeCall } from "../api/reanalyzeCall";
import { type CallDetail, type CallStatus, isProcessing } from "../api/types";
import { callMetricsQueryOptions, trackerHitsQueryOptions } from "../api/getConversation";
import { Comments } from "./Comments";
import { TalkMetrics, TrackerHits } from "./Conversation";
import { InsightPanel } from "./InsightPanel";
import { AudioPlayer, PlayerProvider } from "./player";
import { Transcript } from "./Transcript";

const STATUS: Record<CallStatus, { label: string; kind: string }> = {
  in_progress: { label: "Processing…", kind: "warn" },
  received: { label: "Processing…", kind: "warn" },
  transcribing: { label: "Processing…", kind: "warn" },
  analyzing: { label: "Processing…", kind: "warn" },
  analyzed: { label: "Analyzed", kind: "good" },
  failed: { label: "Failed", kind: "bad" },
  not_analyzed: { label: "Not analyzed: consent", kind: "bad" },
  orphaned: { label: "Unassigned number", kind: "" },
};

/** `scorecard`: the call's scorecard panel, composed in by the app (another feature's). */
export function CallDetailPage({ callId, scorecard }: { callId: string; scorecard?: ReactNode }) {
  const call = useCall(callId);
  const qc = useQueryClient();
  const processing = isProcessing(call.data?.status);

  // When the pipeline finishes, re-read what it produced (not the recording:
  // it has not changed, and reloading it would interrupt playback).
  const wasProcessing = useRef(processing);
  useEffect(() => {
    if (wasProcessing.current && !processing) {
      void qc.invalidateQueries({ queryKey: transcriptQueryOptions(callId).queryKey });
      void qc.invalidateQueries({ queryKey: insightQueryOptions(callId).queryKey });
      void qc.invalidateQueries({ queryKey: callMetricsQueryOptions(callId).queryKey });
      void qc.invalidateQueries({ queryKey: trackerHitsQueryOptions(callId).queryKey });
    }
    wasProcessing.current = processing;
  }, [processing, qc, callId]);

  if (call.isPending) return <Spinner label="Loading the call…" />;
  if (call.isError) return <ErrorState error={call.error} onRetry={() => call.refetch()} />;
  if (!call.data) {
    return (
      <EmptyState title="Call not found">
        It may have been removed, or you don't have access to it. <Link to="/app/calls">Back to calls</Link>
      </EmptyState>
    );
  }
  return (
    <PlayerProvider key={callId}>
      <CallView call={call.data} processing={processing} scorecard={scorecard} />
    </PlayerProvider>
  );
}

/** The consent ledger's line for the call: jurisdiction, rule and the notice. */
function ConsentFact({ callId }: { callId: string }) {
  const consent = useConsent(callId);
  if (!consent.data) return null;
  const c = consent.data;
  return (
    <div data-testid="call-consent">
      <dt>Consent</dt>
      <dd>
        {c.region === "ZZ" ? "Unknown region" : c.region} · {c.rule === "all_party" ? "every party must consent" : "one party"} ·{" "}
        {c.notice_played ? <span title={c.notice_text ?? undefined}>notice played</span> : "no notice played"}
      </dd>
    </div>
  );
}

function CallView({ call, processing, scorecard }: { call: CallDetail; processing: boolean; scorecard?: ReactNode }) {
  const { isManager } = useOrg();
  const status = STATUS[call.status] ?? { label: call.status, kind: "" };
  return (
    <div className="coach-page">
      <header className="coach-header">
        <div>
          <Link to="/app/calls" className="muted">← Calls</Link>
          <h1>Call with {call.agent?.name ?? "an unassigned agent"}</h1>
          <dl className="coach-meta">
            <div><dt>Agent</dt><dd>{call.agent?.name ?? "Unassigned"}</dd></div>
            <div><dt>Date</dt><dd>{fmtDateTime(call.started_at)}</dd></div>
            <div><dt>Duration</dt><dd>{fmtDuration(call.duration_seconds)}</dd></div>
            {call.from_number && <div><dt>Caller</dt><dd>{call.from_number}</dd></div>}
            <ConsentFact callId={call.id} />
            <div>
              <dt>Status</dt>
              <dd>
                <span className={`badge ${status.kind}`} data-testid="call-status" role="status">
                  {processing && <span className="spinner coach-inline-spinner" aria-hidden="true" />}
                  {status.label}
                </span>
              </dd>
            </div>
          </dl>
        </div>
        <div className="coach-actions">
          <Link to={`/app/messages?compose=call&call=${encodeURIComponent(call.id)}`} className="button secondary">Send follow-up email</Link>
          {isManager && <ReanalyzeButton call={call} processing={processing} />}
        </div>
      </header>
      {call.status === "not_analyzed" && (
        <Banner kind="warning">
          <span data-testid="consent-reason">{call.error || "Not analyzed: the consent this call's jurisdiction requires is missing"}</span>.
          The call and its recording are kept.
        </Banner>
      )}
      {call.status === "failed" && (
        <Banner kind="error">The pipeline failed on this call: {call.error || "no reason was recorded"}.</Banner>
      )}

      <section className="coach-player-bar" aria-label="Recording">
        <AudioPlayer callId={call.id} hasRecording={Boolean(call.twilio_recording_sid)} />
      </section>
      <div className="coach-layout">
        <div className="coach-main">
          <Card title="Transcript">
            <Transcript callId={call.id} processing={processing} />
          </Card>
        </div>
        <aside className="coach-side">
          <Card title="Insights">
            <InsightPanel callId={call.id} processing={processing} failedError={call.status === "failed" ? call.error : null} />
          </Card>
          <Card title="Talk metrics">
            <TalkMetrics callId={call.id} processing={processing} />
          </Card>
          <Card title="Tracker hits">
            <TrackerHits callId={call.id} />
          </Card>
          {scorecard}
          <Card title="Coaching comments">
            <Comments callId={call.id} orgId={call.org_id} canComment={isManager} />
          </Card>
        </aside>
      </div>
    </div>
  );
}

function ReanalyzeButton({ call, processing }: { call: CallDetail; processing: boolean }) {
  const reanalyze = useReanalyzeCall(call.id);
  const noRecording = !call.twilio_recording_sid || call.status === "orphaned";
  const label = reanalyze.isPending ? "Starting…" : processing ? "Processing…" : "Re-analyze";
  return (
    <div className="coach-reanalyze">
      <button
        type="button"
        className="secondary"
        onClick={() => reanalyze.mutate()}
        disabled={reanalyze.isPending || processing || noRecording}
        title={noRecording ? "This call has no recording to analyze" : "Run the analysis again, e.g. after editing the call script"}
      >
        {label}
      </button>
      {reanalyze.isError && <Banner kind="error">{errorMessage(reanalyze.error)}</Banner>}
    </div>
  );
}

// Voice practice (/app/voice): the rep talks to the SIM engine's buyer, who answers in a voice.
// Pick a scenario (or the organization's default SIM), start (the microphone when allowed,
// typed lines always), hear the buyer as the audio arrives, read the live transcript, watch the
// timer and the minutes and cost the server has billed so far, end, and read the minutes, the
// cost, the score and, when the organization records, play the session's recording.
import { type FormEvent, useState } from "react";
import { Banner, Card, ErrorState, Spinner, UpgradePrompt } from "../../components/ui";
import { errorMessage } from "../../lib/errors";
import { useFeature } from "../../lib/session";
import { useNow } from "../../lib/useNow";
import { type EndedVoice, useScoreItems, useVoicePrice, useVoiceRecording, useVoiceScenarios } from "./api";
import { MAX_TEXT, useVoiceSession, type VoiceTurn, type VoiceUsage } from "./useVoiceSession";

export const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
export const usd = (n: number) => `$${n.toFixed(n > 0 && n < 0.1 ? 3 : 2)}`;

const START_ERRORS = {
  plan_limit: "Your plan has no voice minutes left this month (or no voice practice): ask an admin to upgrade on the Billing page.",
  voice_disabled: "Voice practice is switched off on this deployment.",
  not_found: "You are not a member of this organization.",
};

function useElapsed(startedAt: string | undefined, active: boolean): number {
  const now = useNow(active);
  return startedAt ? Math.max(0, (now - Date.parse(startedAt)) / 1000) : 0;
}

function Transcript({ turns, thinking }: { turns: VoiceTurn[]; thinking: boolean }) {
  return (
    <ol className="sim-chat" aria-label="Transcript" aria-live="polite">
      {turns.length === 0 && <li className="muted">Say hello (or type it) to start the conversation.</li>}
      {turns.map((t) => (
        <li key={t.seq} className={`sim-turn ${t.speaker}`} data-testid={`voice-turn-${t.speaker}`}>
          <span className="muted">{t.speaker === "rep" ? "You" : t.speaker === "buyer" ? "Buyer" : "Notice"}</span>
          <p>{t.text}</p>
        </li>
      ))}
      {thinking && <li className="muted" data-testid="voice-buyer-thinking">The buyer is answering…</li>}
    </ol>
  );
}

function Recording({ sessionId }: { sessionId: string }) {
  const q = useVoiceRecording(sessionId);
  return (
    <div className="voice-recording">
      <h3>Recording</h3>
      {q.isPending && <Spinner label="Loading the recording…" />}
      {q.isError && <ErrorState error={q.error} onRetry={() => q.refetch()} />}
      {q.data && (
        <>
          <audio controls preload="metadata" src={q.data.url} data-testid="voice-recording" aria-label="Recording of the session"
            onError={() => Date.parse(q.data.expires_at) <= Date.now() && void q.refetch()} />
          <p className="muted">{q.data.turns} recorded turn{q.data.turns === 1 ? "" : "s"}, {clock(q.data.seconds)}. Your organization keeps voice recordings.</p>
        </>
      )}
    </div>
  );
}

function Report({ result }: { result: EndedVoice }) {
  const items = result.score?.items ?? [];
  const q = useScoreItems(items.map((i) => i.item_id));
  const met = items.filter((i) => i.answer === "yes").length;
  return (
    <Card title="Session report" className="sim-report">
      <p data-testid="voice-result">
        <strong data-testid="voice-minutes">{result.billable_minutes} billable minute{result.billable_minutes === 1 ? "" : "s"}</strong>{" "}
        ({clock(result.seconds)}) · cost <strong data-testid="voice-cost">{usd(result.cost_usd)}</strong>
      </p>
      {result.recorded && <Recording sessionId={result.session_id} />}
      {!result.scored && <p className="muted">This session could not be scored.</p>}
      {result.scored && (
        <>
          <p className="sim-score" data-testid="voice-score">{met} of {items.length} scorecard items met</p>
          <ol className="sim-items" aria-label="Scorecard items">
            {items.map((i) => (
              <li key={i.item_id} data-testid="voice-score-item" data-answer={i.answer}>
                <span className={`badge ${i.answer === "yes" ? "good" : i.answer === "partial" ? "warn" : "bad"}`}>
                  {i.answer === "yes" ? "Yes" : i.answer === "partial" ? "Partly" : "No"}
                </span>{" "}
                {q.data?.get(i.item_id)?.question ?? (q.isPending ? "…" : "Scorecard item")}
                {i.evidence_quote && <blockquote className="sim-evidence">“{i.evidence_quote}”</blockquote>}
              </li>
            ))}
          </ol>
          {(result.score?.tips ?? []).length > 0 && (
            <>
              <h3>Coaching tips</h3>
              <ul>{result.score!.tips!.map((t, n) => <li key={n}>{t}</li>)}</ul>
            </>
          )}
        </>
      )}
    </Card>
  );
}

/** What the server has billed so far (its `usage` events), or a placeholder before the first. */
function RunningCost({ usage }: { usage: VoiceUsage | null }) {
  if (!usage) return <span data-testid="voice-running-cost">metering…</span>;
  return (
    <span data-testid="voice-running-cost" data-minutes={usage.billable_minutes} data-cost={usage.cost_usd} data-seconds={usage.seconds}>
      {usage.billable_minutes} min · {usd(usage.cost_usd)} so far at {usd(usage.price_per_minute)} a minute
    </span>
  );
}

function Live({ v }: { v: ReturnType<typeof useVoiceSession> }) {
  const [text, setText] = useState("");
  const live = v.phase === "live";
  const elapsed = useElapsed(v.started?.started_at, live);
  const now = useNow(live);
  // The server's seconds left (the session's maximum or the plan's minutes), counted down since.
  const left = v.usage
    ? Math.max(0, v.usage.seconds_left - Math.max(0, now - v.usage.at) / 1000)
    : v.started ? Math.max(0, v.started.max_seconds - elapsed) : 0;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (v.sendText(text)) setText("");
  }

  return (
    <Card title="Live session">
      <p className="voice-status" aria-live="polite">
        <span data-testid="voice-timer">{clock(elapsed)}</span> · <span data-testid="voice-left">{clock(left)} left</span> ·{" "}
        <RunningCost usage={v.usage} />
      </p>
      <p className="voice-indicators">
        <span className={`badge ${v.repSpeaking ? "good" : ""}`} data-testid="voice-rep-speaking" data-on={v.repSpeaking}>
          {v.repSpeaking ? "You are speaking" : v.mic === "on" ? "Microphone on" : "Microphone off"}
        </span>{" "}
        <span className={`badge ${v.buyerSpeaking ? "warn" : ""}`} data-testid="voice-buyer-speaking" data-on={v.buyerSpeaking}>
          {v.buyerSpeaking ? "Buyer speaking" : "Buyer listening"}
        </span>{" "}
        <span className="muted" data-testid="voice-audio-chunks" data-count={v.audioChunks}>{v.audioChunks} audio chunks received</span>
      </p>
      {v.micProblem && <Banner kind="warning">{v.micProblem}</Banner>}
      {v.notice && <Banner kind="warning">{v.notice}</Banner>}
      <Transcript turns={v.turns} thinking={v.buyerThinking} />
      <form className="sim-say" onSubmit={submit} aria-label="Type a line">
        <label className="sr-only" htmlFor="voice-line">Your line</label>
        <textarea id="voice-line" value={text} maxLength={MAX_TEXT} rows={2} onChange={(e) => setText(e.target.value)} disabled={!live}
          placeholder="Type what you would say" />
        <button type="submit" disabled={!live || !text.trim()}>Send</button>
      </form>
      <div className="sim-actions">
        {v.mic === "on" && <button type="button" onClick={v.endTurn} disabled={!live}>Done speaking</button>}
        {v.buyerSpeaking && <button type="button" onClick={v.stopBuyer}>Stop the buyer</button>}
        <button type="button" className="danger" onClick={() => void v.end()} disabled={v.phase === "ending"}>
          {v.phase === "ending" ? "Ending…" : "End and score"}
        </button>
      </div>
    </Card>
  );
}

export function VoicePage() {
  const allowed = useFeature("voice_ai");
  const scenarios = useVoiceScenarios();
  const price = useVoicePrice();
  const v = useVoiceSession();
  const [scenario, setScenario] = useState("");

  if (!allowed) {
    return (
      <div className="stack">
        <h1>Voice practice</h1>
        <UpgradePrompt feature="voice_ai">Role-play calls out loud with an AI buyer who answers in a voice, scored on your scorecard.</UpgradePrompt>
      </div>
    );
  }

  return (
    <div className="stack voice-page">
      <h1>Voice practice</h1>
      <p className="muted">Talk to an AI buyer as on a real call. Your microphone is used when you allow it; you can always type instead.</p>
      {(v.phase === "idle" || v.phase === "starting") && (
        <Card title="Start a session">
          {scenarios.isPending && <Spinner label="Loading scenarios…" />}
          {scenarios.isError && <ErrorState error={scenarios.error} onRetry={() => scenarios.refetch()} />}
          {scenarios.isSuccess && (
            <form className="sim-assign" onSubmit={(e) => {
              e.preventDefault();
              void v.start(scenario || null);
            }}>
              <label>
                Scenario
                <select value={scenario} onChange={(e) => setScenario(e.target.value)} name="scenario">
                  <option value="">Default (your organization's first built-in SIM)</option>
                  {scenarios.data.map((s) => <option key={s.id} value={s.id}>{s.title}</option>)}
                </select>
              </label>
              <button type="submit" disabled={v.phase === "starting"}>{v.phase === "starting" ? "Starting…" : "Start"}</button>
            </form>
          )}
          {price.data != null && <p className="muted">Billed per started minute at {usd(price.data)} a minute.</p>}
          {v.error != null && (
            <Banner kind="error">{errorMessage(v.error, START_ERRORS)}</Banner>
          )}
        </Card>
      )}
      {v.phase === "starting" && <Spinner label="Connecting to the buyer…" />}
      {(v.phase === "live" || v.phase === "ending") && <Live v={v} />}
      {v.phase === "ended" && (
        <>
          {v.error != null && <Banner kind="error">Ending the session failed: {errorMessage(v.error)}</Banner>}
          {v.result && <Report result={v.result} />}
          <Transcript turns={v.turns} thinking={false} />
          <p><button type="button" onClick={v.reset}>Practise again</button></p>
        </>
      )}
    </div>
  );
}

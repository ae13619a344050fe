// A practice session (/app/sims/sessions/:id): the chat with the AI buyer —
// every turn is stored as it happens, so a reload shows the same
// conversation; the buyer's reply streams in —, then "End and score" and the
// score report. A failed buyer reply or scoring can be retried: nothing is
// half-written.
import { type FormEvent, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Banner, Card, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { Link } from "../../../lib/router";
import { useNow } from "../../../lib/useNow";
import { useOrg, useSession } from "../../../lib/session";
import { useEndSession } from "../api/endSession";
import { sessionQueryOptions, type SessionTurn, type SessionView, useSimSession } from "../api/getSession";
import { sayToBuyer } from "../api/sayToBuyer";
import { clock, ScoreReport } from "./ScoreReport";

const MAX_TURN = 2000;

/** Seconds left of the session's time limit, ticking; null once it is no longer active. */
function useSecondsLeft(startedAt: string | undefined, limitMinutes: number | undefined, active: boolean): number | null {
  const now = useNow(active);
  if (!active || !startedAt || !limitMinutes) return null;
  return Math.max(0, Math.round((Date.parse(startedAt) + limitMinutes * 60_000 - now) / 1000));
}

function Chat({ view, streaming }: { view: SessionView; streaming: string | null }) {
  const t = view.template;
  return (
    <ol className="sim-chat" aria-label="Conversation" aria-live="polite">
      {view.turns.length === 0 && streaming === null && (
        <li className="muted">You are calling {t.persona_name} ({t.persona_role}, {t.company}). Say hello to start.</li>
      )}
      {view.turns.map((turn: SessionTurn) => (
        <li key={turn.seq} className={`sim-turn ${turn.role}`} data-testid={`turn-${turn.role}`}>
          <span className="muted">{turn.role === "rep" ? "You" : t.persona_name} · {clock(turn.at_seconds)}</span>
          <p>{turn.content}</p>
        </li>
      ))}
      {streaming !== null && (
        <li className="sim-turn buyer" data-testid="turn-streaming">
          <span className="muted">{t.persona_name} is answering…</span>
          <p>{streaming}</p>
        </li>
      )}
    </ol>
  );
}

export function SimSessionPage({ sessionId }: { sessionId: string }) {
  const { orgId } = useOrg();
  const { session: auth } = useSession();
  const qc = useQueryClient();
  const q = useSimSession(sessionId);
  const end = useEndSession(orgId, sessionId);
  const [text, setText] = useState("");
  const [streaming, setStreaming] = useState<string | null>(null);
  const [sayError, setSayError] = useState<string | null>(null);
  const [hungUp, setHungUp] = useState(false);
  const left = useSecondsLeft(q.data?.session.started_at, q.data?.session.time_limit_minutes, q.data?.session.status === "active");

  if (q.isPending) return <Spinner label="Loading the session…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const view = q.data;
  const s = view.session;
  const key = sessionQueryOptions(sessionId).queryKey;
  const lastIsRep = view.turns.at(-1)?.role === "rep";
  // Managers may read a rep's session; only the rep practises in it.
  const mine = auth?.user.id === s.user_id;

  async function send(line: string | null) {
    setSayError(null);
    setStreaming("");
    try {
      await sayToBuyer(sessionId, line, (e) => {
        if (e.type === "rep") {
          setText("");
          qc.setQueryData(key, (v) => (v ? { ...v, turns: [...v.turns, e.turn] } : v));
        } else if (e.type === "delta") {
          setStreaming((cur) => (cur ?? "") + e.text);
        } else if (e.type === "buyer") {
          qc.setQueryData(key, (v) => (v ? { ...v, turns: [...v.turns, e.turn] } : v));
          if (e.hung_up) setHungUp(true);
        } else if (e.type === "error") {
          setSayError(e.error.message);
        }
      });
    } catch (err) {
      setSayError(errorMessage(err, { rule_violation: "Time is up for this session: end it to get your score." }));
    } finally {
      setStreaming(null);
      void qc.invalidateQueries({ queryKey: key });
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (text.trim()) void send(text.trim());
  }

  const busy = streaming !== null;
  const timeUp = left === 0;
  return (
    <div className="stack">
      <p><Link to="/app/sims">← Practice</Link></p>
      <h1>{view.template.name}</h1>
      <p className="muted">
        Attempt {s.attempt} · {left != null ? <span data-testid="sim-time-left">{clock(left)} left</span> : `${view.template.time_limit_minutes} minutes`} · difficulty {view.template.difficulty}/5 · judged on “{view.scorecard.name}”
      </p>
      <Card title="Conversation">
        <Chat view={view} streaming={streaming} />
        {sayError && (
          <Banner kind="error">
            {sayError} {s.status === "active" && lastIsRep && <button type="button" className="link" onClick={() => void send(null)}>Ask again</button>}
          </Banner>
        )}
        {hungUp && s.status === "active" && <Banner kind="info">The buyer ended the conversation. End the session to see your score.</Banner>}
        {timeUp && <Banner kind="info">Time is up. End the session to see your score.</Banner>}
        {!mine && <p className="muted">{view.user_name}'s session, read-only.</p>}
        {mine && s.status === "active" && !timeUp && (
          <form className="sim-say" onSubmit={submit}>
            <label htmlFor="sim-line" className="sr-only">Your line</label>
            <textarea
              id="sim-line"
              name="line"
              rows={2}
              maxLength={MAX_TURN}
              placeholder="Say something to the buyer…"
              value={text}
              disabled={busy}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && !e.shiftKey) {
                  e.preventDefault();
                  if (text.trim() && !busy) void send(text.trim());
                }
              }}
            />
            <button type="submit" disabled={busy || !text.trim()}>Send</button>
          </form>
        )}
        {mine && s.status !== "scored" && (
          <div className="sim-actions">
            <button type="button" className={s.status === "active" ? "secondary" : ""} disabled={busy || end.isPending || view.turns.length === 0} onClick={() => end.mutate()}>
              {end.isPending ? "Scoring…" : s.status === "ended" ? "Score again" : "End and score"}
            </button>
          </div>
        )}
        {(end.error || (s.status === "ended" && s.score_error && !end.isPending)) && (
          <Banner kind="error">{end.error ? errorMessage(end.error) : `Scoring failed, nothing was saved. ${s.score_error}`}</Banner>
        )}
      </Card>
      {s.status === "scored" && <ScoreReport view={view} />}
    </div>
  );
}

// The transcript, synchronized with the player: the sentence being spoken is
// highlighted (aria-current) and kept in view; clicking a sentence plays it.
import { useEffect, useRef } from "react";
import { EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { useTranscript } from "../api/getTranscript";
import type { Segment } from "../api/types";
import { Timestamp, usePlayer } from "./player";

export const SPEAKER_LABEL = { agent: "Agent", customer: "Customer" } as const;

/**
 * The sentence being spoken at `t`: the last one started at or before `t`,
 * still highlighted in the pause before the next one; none after the last
 * sentence ended. Segments are sorted by start.
 */
export function activeSentence(segments: Segment[], t: number): number {
  let lo = 0, hi = segments.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid].start <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return -1;
  const next = segments[found + 1];
  return t < segments[found].end || (next !== undefined && t < next.start) ? found : -1;
}

function keepInView(container: HTMLElement, el: HTMLElement) {
  const top = el.offsetTop;
  const bottom = top + el.offsetHeight;
  if (top >= container.scrollTop && bottom <= container.scrollTop + container.clientHeight) return;
  const target = Math.max(0, top - container.clientHeight / 3);
  const reduce = window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
  if (typeof container.scrollTo === "function") container.scrollTo({ top: target, behavior: reduce ? "auto" : "smooth" });
  else container.scrollTop = target;
}

export function Transcript({ callId, processing }: { callId: string; processing: boolean }) {
  const transcript = useTranscript(callId, processing);
  const { currentTime, seek } = usePlayer();
  const listRef = useRef<HTMLOListElement>(null);
  const segments = transcript.data?.segments ?? [];
  const active = activeSentence(segments, currentTime);

  // Scroll only the transcript box (not the page), and only when the
  // highlighted sentence changes.
  useEffect(() => {
    const list = listRef.current;
    const el = active >= 0 ? list?.querySelector<HTMLElement>(`[data-index="${active}"]`) : null;
    if (list && el) keepInView(list, el);
  }, [active]);

  if (transcript.isPending) return <Spinner label="Loading the transcript…" />;
  if (transcript.isError) return <ErrorState error={transcript.error} onRetry={() => transcript.refetch()} />;
  if (!transcript.data || segments.length === 0) {
    return (
      <EmptyState title={processing ? "Transcribing…" : "No transcript"}>
        {processing ? "The transcript appears here as soon as it is ready." : "There is no transcript for this call."}
      </EmptyState>
    );
  }
  const redacted = Object.entries(transcript.data.redactions ?? {});
  return (
    <>
      {redacted.length > 0 && (
        <p className="muted" data-testid="redaction-counts">
          Redacted before analysis: {redacted.map(([type, n]) => `${n} × [${type}]`).join(", ")}
        </p>
      )}
      <ol className="coach-transcript" ref={listRef} aria-label="Transcript">
        {segments.map((s, i) => (
          <li key={`${s.start}-${i}`} className={`coach-line coach-${s.speaker}`}>
            <button
              type="button"
              data-testid="transcript-sentence"
              data-start={s.start}
              data-index={i}
              aria-current={i === active ? "true" : undefined}
              className={`coach-sentence${i === active ? " coach-active" : ""}`}
              onClick={() => seek(s.start)}
            >
              <span className="coach-speaker">{SPEAKER_LABEL[s.speaker] ?? s.speaker}</span>
              <Timestamp time={s.start} />
              <span className="coach-text">{s.text}</span>
            </button>
          </li>
        ))}
      </ol>
    </>
  );
}

// Coaching comments pinned to moments of the call; managers add them at the
// player's current position.
import { type FormEvent, useState } from "react";
import { Banner, EmptyState, ErrorState, Spinner, UpgradePrompt } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { fmtDateTime, fmtDuration } from "../../../lib/format";
import { useFeature } from "../../../lib/session";
import { useAddComment } from "../api/addComment";
import { useComments } from "../api/getComments";
import { SeekButton, Timestamp, usePlayer } from "./player";

export function Comments({ callId, orgId, canComment }: { callId: string; orgId: string | null; canComment: boolean }) {
  const comments = useComments(callId);
  const coaching = useFeature("coaching");
  return (
    <div className="coach-comments">
      {comments.isPending
        ? <Spinner label="Loading comments…" />
        : comments.isError
        ? <ErrorState error={comments.error} onRetry={() => comments.refetch()} />
        : comments.data.length === 0
        ? <EmptyState title="No comments yet">{canComment && coaching ? "Pause on a moment and leave the agent a note." : null}</EmptyState>
        : (
          <ol className="coach-comment-list">
            {comments.data.map((c) => (
              <li key={c.id} data-testid="comment" className="coach-comment">
                <div className="coach-comment-head">
                  <SeekButton time={c.at_seconds} action="Play from">
                    <Timestamp time={c.at_seconds} />
                  </SeekButton>{" "}
                  <strong>{c.authorName || "Former member"}</strong>{" "}
                  <span className="muted">{fmtDateTime(c.created_at)}</span>
                </div>
                <p className="coach-comment-body">{c.body}</p>
              </li>
            ))}
          </ol>
        )}
      {canComment && orgId && (coaching
        ? <CommentForm callId={callId} orgId={orgId} />
        : (
          <UpgradePrompt feature="coaching">
            Coaching comments — notes pinned to a moment of the call for the agent — are not in your organization's plan.
          </UpgradePrompt>
        ))}
    </div>
  );
}

function CommentForm({ callId, orgId }: { callId: string; orgId: string }) {
  const { audioRef, currentTime } = usePlayer();
  const add = useAddComment(callId);
  const [body, setBody] = useState("");
  const at = Math.round(currentTime * 100) / 100;

  function submit(e: FormEvent) {
    e.preventDefault();
    const text = body.trim();
    if (!text) return;
    // The moment is where the player is now (the label shows it live).
    const t = audioRef.current?.currentTime ?? currentTime;
    add.mutate(
      { org_id: orgId, call_id: callId, at_seconds: Math.round(t * 100) / 100, body: text },
      { onSuccess: () => setBody("") },
    );
  }

  return (
    <form className="coach-comment-form" onSubmit={submit}>
      <label>
        Add a comment at {fmtDuration(at)}
        <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={3} maxLength={2000} required placeholder="What should the agent do differently here?" />
      </label>
      {add.isError && <Banner kind="error">{errorMessage(add.error)}</Banner>}
      <div>
        <button type="submit" disabled={add.isPending || !body.trim()}>{add.isPending ? "Saving…" : "Add comment"}</button>
      </div>
    </form>
  );
}

// One conversation: its messages oldest first with each one's delivery
// status, and a reply box. Opening it marks it read.
import { type FormEvent, useEffect, useState } from "react";
import { Banner, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { fmtDateTime } from "../../../lib/format";
import { type Message, useThread } from "../api/getThread";
import type { EmailStatus } from "../api/listThreads";
import { useMarkRead } from "../api/markRead";
import { useSendMessage } from "../api/sendMessage";

export const STATUS: Record<EmailStatus, { label: string; kind: string }> = {
  queued: { label: "Sending…", kind: "warn" },
  sent: { label: "Sent", kind: "info" },
  delivered: { label: "Delivered", kind: "good" },
  failed: { label: "Failed", kind: "bad" },
  bounced: { label: "Bounced", kind: "bad" },
  complained: { label: "Marked as spam", kind: "bad" },
  received: { label: "Received", kind: "" },
  canceled: { label: "Canceled", kind: "" },
};

function Attachments({ m }: { m: Message }) {
  const list = Array.isArray(m.attachments) ? m.attachments as { name: string; size: number }[] : [];
  if (!list.length) return null;
  return (
    <ul className="mail-attachments" aria-label="Attachments">
      {list.map((a, i) => <li key={i}>{a.name} ({Math.max(1, Math.round(a.size / 1024))} KB)</li>)}
    </ul>
  );
}

export function ThreadView({ threadId }: { threadId: string }) {
  const thread = useThread(threadId);
  const markRead = useMarkRead();
  const reply = useSendMessage();
  const [body, setBody] = useState("");
  const inbound = thread.data?.messages.filter((m) => m.direction === "inbound").length ?? 0;
  const { mutate } = markRead;
  useEffect(() => {
    if (thread.data) mutate(threadId);
  }, [threadId, inbound, thread.data, mutate]);

  if (thread.isPending) return <Spinner label="Loading the conversation…" />;
  if (thread.isError) return <ErrorState error={thread.error} onRetry={() => thread.refetch()} />;
  if (!thread.data) return <EmptyState title="Conversation not found">It may have been removed, or you don't have access to it.</EmptyState>;
  const { thread: t, messages } = thread.data;

  function send(e: FormEvent) {
    e.preventDefault();
    reply.mutate({ threadId, body }, { onSuccess: () => setBody("") });
  }

  return (
    <section className="mail-thread" aria-label={`Conversation: ${t.subject}`}>
      <header>
        <h2>{t.subject}</h2>
        <p className="muted">With {t.contact_name ? `${t.contact_name} <${t.contact_email}>` : t.contact_email}{t.unmatched ? " · unmatched" : ""}</p>
      </header>
      <ol className="mail-messages">
        {messages.map((m) => {
          const s = STATUS[m.status];
          return (
            <li key={m.id} className={`mail-message ${m.direction}`} data-testid="thread-message" data-direction={m.direction}>
              <div className="mail-message-head">
                <strong>{m.direction === "inbound" ? m.from_address : `To ${m.to_address}`}</strong>
                <span className="muted">{fmtDateTime(m.sent_at ?? m.created_at)}</span>
                <span className={`badge ${s.kind}`} data-testid="message-status">{s.label}</span>
              </div>
              <p className="mail-body">{m.stripped_text || m.body_text}</p>
              <Attachments m={m} />
              {m.error && m.status !== "delivered" && <p className="muted">{m.error}</p>}
            </li>
          );
        })}
      </ol>
      <form className="mail-reply" onSubmit={send} aria-label="Reply">
        <label>
          Reply
          <textarea name="reply" required maxLength={20000} rows={5} value={body} onChange={(e) => setBody(e.target.value)} />
        </label>
        {reply.isError && <Banner kind="error">{errorMessage(reply.error)}</Banner>}
        <button type="submit" disabled={reply.isPending || !body.trim()}>{reply.isPending ? "Sending…" : "Send reply"}</button>
      </form>
    </section>
  );
}

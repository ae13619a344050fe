// Compose a new email: to, subject, body — pre-filled from a call's insight
// (?compose=call&call=<id>) or for a referral (?compose=referral&referral=<id>)
// when opened from those screens; sent through the queue to Mailgun.
import { type FormEvent, useEffect, useState } from "react";
import { Banner, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { type DraftSource, useDraft } from "../api/getDraft";
import { useSendMessage } from "../api/sendMessage";

export function ComposeForm({ source, onSent, onCancel }: {
  source: DraftSource | null;
  onSent: (threadId: string) => void;
  onCancel: () => void;
}) {
  const draft = useDraft(source);
  const send = useSendMessage();
  const [to, setTo] = useState("");
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  useEffect(() => {
    if (!draft.data) return;
    setTo(draft.data.to ?? "");
    setSubject(draft.data.subject);
    setBody(draft.data.text);
  }, [draft.data]);

  if (source && draft.isPending) return <Spinner label="Preparing the email…" />;
  if (source && draft.isError) return <ErrorState error={draft.error} onRetry={() => draft.refetch()} title="Couldn't prepare the email" />;

  function submit(e: FormEvent) {
    e.preventDefault();
    send.mutate({
      to: to.trim(),
      subject: subject.trim(),
      body,
      templateKey: draft.data?.template_key ?? null,
      sourceType: draft.data?.source_type ?? null,
      sourceId: draft.data?.source_id ?? null,
      contactName: draft.data?.contact_name ?? null,
    }, { onSuccess: (r) => onSent(r.thread_id) });
  }

  return (
    <form className="mail-compose" onSubmit={submit} aria-label="New email">
      <h2>{source?.kind === "call" ? "Follow-up email" : source?.kind === "referral" ? "Email to a referral" : "New email"}</h2>
      {draft.data?.drafted_by === "llm" && (
        <p className="muted" data-testid="drafted-by">Drafted by AI from the call's summary and next steps — check it before sending.</p>
      )}
      {draft.data?.llm_error && <p className="muted" data-testid="drafted-by">{draft.data.llm_error}</p>}
      <label>
        To
        <input type="email" name="to" required maxLength={320} value={to} onChange={(e) => setTo(e.target.value)} autoComplete="email" />
      </label>
      <label>
        Subject
        <input name="subject" required maxLength={300} value={subject} onChange={(e) => setSubject(e.target.value)} />
      </label>
      <label>
        Message
        <textarea name="body" required maxLength={20000} rows={12} value={body} onChange={(e) => setBody(e.target.value)} />
      </label>
      {send.isError && <Banner kind="error">{errorMessage(send.error)}</Banner>}
      <div className="mail-actions">
        <button type="submit" disabled={send.isPending}>{send.isPending ? "Sending…" : "Send email"}</button>
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

// The messages screen (/app/messages): conversations with unread counts (and,
// for managers, the organization's unmatched inbox), a thread view with
// delivery status and replies, and composing — pre-filled when opened from a
// call (?compose=call&call=<id>) or a referral (?compose=referral&referral=<id>);
// managers edit and preview the templates (?templates=1).
import { Card } from "../../../components/ui";
import { QueryState } from "../../../components/QueryState";
import { fmtDateTime } from "../../../lib/format";
import { useRouter } from "../../../lib/router";
import { useOrg } from "../../../lib/session";
import type { DraftSource } from "../api/getDraft";
import { type ThreadRow, useThreads } from "../api/listThreads";
import { ComposeForm } from "./ComposeForm";
import { TemplatesPanel } from "./TemplatesPanel";
import { STATUS, ThreadView } from "./ThreadView";

function ThreadList({ unmatched, selected, open }: { unmatched: boolean; selected: string | null; open: (id: string) => void }) {
  const threads = useThreads(unmatched);
  return (
    <QueryState query={threads} loading="Loading conversations…" empty={unmatched ? "No unmatched mail" : "No conversations yet"}>
      {(rows: ThreadRow[]) => (
        <ul className="mail-list">
          {rows.map((t) => (
            <li key={t.id}>
              <button
                type="button"
                className={`mail-list-item${t.id === selected ? " selected" : ""}`}
                aria-current={t.id === selected ? "true" : undefined}
                data-testid="thread-row"
                onClick={() => open(t.id)}
              >
                <span className="mail-list-top">
                  <strong>{t.subject}</strong>
                  {t.unread > 0 && <span className="badge info" data-testid="unread" aria-label={`${t.unread} unread`}>{t.unread}</span>}
                </span>
                <span className="muted">{t.contact_email} · {fmtDateTime(t.last_message_at)}</span>
                <span className="mail-snippet">{t.last_snippet}</span>
                {t.last_status && <span className={`badge ${STATUS[t.last_status].kind}`}>{STATUS[t.last_status].label}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </QueryState>
  );
}

export function MessagesPage() {
  const { isManager } = useOrg();
  const { location, navigate } = useRouter();
  const q = location.search;
  const threadId = q.get("thread");
  const unmatched = q.get("box") === "unmatched" && isManager;
  const compose = q.get("compose");
  const source: DraftSource | null = compose === "call" && q.get("call")
    ? { kind: "call", id: q.get("call")! }
    : compose === "referral" && q.get("referral")
    ? { kind: "referral", id: q.get("referral")! }
    : null;
  const go = (params: Record<string, string>) => navigate(`/app/messages?${new URLSearchParams(params)}`);
  const box: Record<string, string> = unmatched ? { box: "unmatched" } : {};

  return (
    <div className="mail-page">
      <header className="page-head">
        <h1>Messages</h1>
        <div className="mail-actions">
          {isManager && <button type="button" className="secondary" onClick={() => go({ templates: "1" })}>Templates</button>}
          <button type="button" onClick={() => go({ compose: "new" })}>New email</button>
        </div>
      </header>
      <div className="mail-layout">
        <Card className="mail-side">
          {isManager && (
            <div className="ref-tabs" role="group" aria-label="Mailbox">
              <button type="button" className={unmatched ? "secondary" : ""} aria-pressed={!unmatched} onClick={() => go({})}>Conversations</button>
              <button type="button" className={unmatched ? "" : "secondary"} aria-pressed={unmatched} onClick={() => go({ box: "unmatched" })}>Unmatched</button>
            </div>
          )}
          <ThreadList unmatched={unmatched} selected={threadId} open={(id) => go({ ...box, thread: id })} />
        </Card>
        <Card className="mail-main">
          {isManager && q.get("templates")
            ? <TemplatesPanel />
            : compose
            ? <ComposeForm key={`${compose}:${source?.id ?? ""}`} source={source} onSent={(id) => go({ thread: id })} onCancel={() => go(box)} />
            : threadId
            ? <ThreadView key={threadId} threadId={threadId} />
            : <p className="muted">Choose a conversation, or write a new email.</p>}
        </Card>
      </div>
    </div>
  );
}

// The calls table. On narrow screens each row becomes a card (see styles.css, .calls-table).
import { Link } from "../../../lib/router";
import { fmtAdherence, fmtDateTime, fmtDuration, fmtMoney, fmtSentiment } from "../../../lib/format";
import type { CallListRow } from "../api/searchCalls";
import { OutcomeBadge, StatusBadge } from "./CallBadges";
import { Snippet } from "./Snippet";

const SENTIMENT_CLASS: Record<string, string> = { positive: "good", negative: "bad" };
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function CallsTable({ rows, currency, searching }: { rows: CallListRow[]; currency: string; searching: boolean }) {
  return (
    <div className="table-wrap">
      <table className="calls-table">
        <caption className="sr-only">Calls, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Date</th><th scope="col">Agent</th><th scope="col">Duration</th><th scope="col">Status</th>
            <th scope="col">Outcome</th><th scope="col" className="num">Upsell</th><th scope="col">Sentiment</th>
            <th scope="col" className="num">Adherence</th><th scope="col">{searching ? "Match" : "Summary"}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="call-row">
              <td data-label="Date">
                <Link to={`/app/calls/${encodeURIComponent(r.id)}`} className="calls-open">
                  {r.started_at ? fmtDateTime(r.started_at) : "Open call"}
                </Link>
              </td>
              <td data-label="Agent">{r.agent_name ?? <span className="muted">Unassigned</span>}</td>
              <td data-label="Duration">{fmtDuration(r.duration_seconds)}</td>
              <td data-label="Status"><StatusBadge status={r.status} error={r.error} /></td>
              <td data-label="Outcome"><OutcomeBadge converted={r.converted} /></td>
              <td data-label="Upsell" className="num">{r.upsell_amount == null ? "—" : fmtMoney(r.upsell_amount, currency)}</td>
              <td data-label="Sentiment">
                {r.sentiment_label
                  ? <span className={`badge ${SENTIMENT_CLASS[r.sentiment_label] ?? ""}`}>{capitalize(r.sentiment_label)} {fmtSentiment(r.sentiment_score)}</span>
                  : "—"}
              </td>
              <td data-label="Adherence" className="num">{fmtAdherence(r.adherence_score)}</td>
              <td data-label={searching ? "Match" : "Summary"} className="calls-excerpt">
                {r.snippet ? <Snippet text={r.snippet} /> : r.summary ? <span className="muted">{r.summary}</span> : "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

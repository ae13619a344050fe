// Talk metrics per agent for the period: how much they talk, their longest
// monologue, interruptions, questions, silence and pace, averaged per call.
import { Card, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { fmtDuration, fmtNum, fmtPct } from "../../../lib/format";
import { useConversationMetrics } from "../api/getConversationMetrics";
import type { DashboardFilters } from "../filters";

export function ConversationCard({ filters, refetchInterval }: { filters: DashboardFilters; refetchInterval: number | false }) {
  const q = useConversationMetrics(filters, { refetchInterval });
  return (
    <Card title="Talk metrics by agent">
      {q.isPending ? <Spinner label="Loading the talk metrics…" /> : q.isError
        ? <ErrorState error={q.error} onRetry={() => q.refetch()} />
        : !q.data.length
        ? <EmptyState title="No talk metrics yet">They appear as calls of this period are analyzed.</EmptyState>
        : (
          <div className="table-wrap">
            <table className="dash-leaderboard" data-testid="conversation-metrics">
              <caption className="sr-only">Average talk metrics per call for each agent in the period.</caption>
              <thead>
                <tr>
                  <th scope="col">Agent</th><th scope="col" className="num">Calls</th><th scope="col" className="num">Talk share</th>
                  <th scope="col" className="num">Longest monologue</th><th scope="col" className="num">Interruptions</th>
                  <th scope="col" className="num">Questions</th><th scope="col" className="num">Silence</th><th scope="col" className="num">Pace</th>
                </tr>
              </thead>
              <tbody>
                {q.data.map((r) => (
                  <tr key={r.agent_id}>
                    <th scope="row">{r.agent_name}</th>
                    <td className="num">{fmtNum(r.calls)}</td>
                    <td className="num">{fmtPct(r.talk_ratio)}</td>
                    <td className="num">{r.longest_monologue_seconds == null ? "—" : fmtDuration(r.longest_monologue_seconds)}</td>
                    <td className="num">{fmtNum(r.interruptions_per_call, 1)}</td>
                    <td className="num">{fmtNum(r.questions_per_call, 1)}</td>
                    <td className="num">{r.silence_seconds == null ? "—" : fmtDuration(r.silence_seconds)}</td>
                    <td className="num">{r.agent_wpm == null ? "—" : `${fmtNum(r.agent_wpm)} wpm`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </Card>
  );
}

// Agents ranked for the period; choosing an agent filters the whole dashboard.
import { Link } from "../../../lib/router";
import { Card, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { fmtAdherence, fmtMoney, fmtNum, fmtPct, fmtSentiment } from "../../../lib/format";
import { type LeaderboardRow, useAgentLeaderboard } from "../api/getAgentLeaderboard";
import type { DashboardFilters } from "../filters";
import { sentimentLabel } from "../format";

export function LeaderboardTable({ rows, currency, selectedAgentId, onSelectAgent }: {
  rows: LeaderboardRow[];
  currency: string;
  selectedAgentId: string | null;
  onSelectAgent: (agentId: string | null) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="dash-leaderboard">
        <caption className="sr-only">Agents ranked by upsell revenue, then conversions. Choose an agent to filter the dashboard.</caption>
        <thead>
          <tr>
            <th scope="col">#</th><th scope="col">Agent</th><th scope="col" className="num">Calls</th>
            <th scope="col" className="num">Conversion</th><th scope="col" className="num">Upsell</th>
            <th scope="col" className="num">Sentiment</th><th scope="col" className="num">Adherence</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const selected = r.agent_id === selectedAgentId;
            return (
              <tr key={r.agent_id} className={selected ? "dash-selected" : undefined} data-testid="leaderboard-row">
                <td>{i + 1}</td>
                <th scope="row">
                  <button
                    type="button"
                    className="link"
                    aria-pressed={selected}
                    title={selected ? "Show all agents" : `Show only ${r.agent_name}`}
                    onClick={() => onSelectAgent(selected ? null : r.agent_id)}
                  >
                    {r.agent_name}
                  </button>
                </th>
                <td className="num">{fmtNum(r.calls)}</td>
                <td className="num">{fmtPct(r.conversion_rate)}</td>
                <td className="num">{fmtMoney(r.upsell_revenue, currency)}</td>
                <td className="num" title={sentimentLabel(r.avg_sentiment) ?? undefined}>{fmtSentiment(r.avg_sentiment)}</td>
                <td className="num">{fmtAdherence(r.avg_adherence)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function LeaderboardCard({ filters, currency, refetchInterval, onSelectAgent }: {
  filters: DashboardFilters;
  currency: string;
  refetchInterval: number | false;
  onSelectAgent: (agentId: string | null) => void;
}) {
  const board = useAgentLeaderboard(filters, { refetchInterval });
  return (
    <Card title="Agent leaderboard" className="dash-board">
      {board.isPending
        ? <Spinner label="Loading leaderboard…" />
        : board.isError
        ? <ErrorState error={board.error} title="Couldn't load the leaderboard" onRetry={() => board.refetch()} />
        : board.data.length === 0
        ? <EmptyState title="No agents yet"><Link to="/app/agents">Add the people who take your calls</Link></EmptyState>
        : <LeaderboardTable rows={board.data} currency={currency} selectedAgentId={filters.agentId} onSelectAgent={onSelectAgent} />}
    </Card>
  );
}

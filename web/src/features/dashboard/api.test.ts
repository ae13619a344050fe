// @vitest-environment node
// The dashboard's fetchers on the test stack, as a manager of an organization
// of the test's own (with a second organization whose calls must never count):
// the KPIs per period and agent, the daily trend, the leaderboard and the
// conversation metrics per agent.
import { admin, addMember, createAgent, createOrg, insertCalls, signIn } from "../../testing/stack";
import { beforeAll, describe, expect, it } from "vitest";
import { agentLeaderboardQueryKey, agentLeaderboardQueryOptions, fetchAgentLeaderboard } from "./api/getAgentLeaderboard";
import { conversationMetricsQueryKey, fetchConversationMetrics } from "./api/getConversationMetrics";
import { dashboardKpisQueryOptions, fetchDashboardKpis, PIPELINE_REFETCH_MS, pipelineRefetchInterval } from "./api/getDashboardKpis";
import { dashboardTrendQueryKey, dashboardTrendQueryOptions, fetchDashboardTrend, MAX_TREND_DAYS, trendRange } from "./api/getDashboardTrend";

let org: Awaited<ReturnType<typeof createOrg>>;
let ann: { id: string };
let ben: { id: string };
const march = { from: "2026-03-01", to: "2026-03-31", agentId: null };

beforeAll(async () => {
  org = await createOrg();
  const other = await createOrg();
  ann = await createAgent(org.id, "Ann Dash");
  ben = await createAgent(org.id, "Ben Dash");
  const [annSale] = await insertCalls(org.id, [
    { started_at: "2026-03-10T12:00:00Z", agent_id: ann.id, insight: { converted: true, upsell_amount: 300, sentiment_score: 0.5, sentiment_label: "positive", adherence_score: 80 } },
    { started_at: "2026-03-10T15:00:00Z", agent_id: ann.id, insight: { sentiment_score: -0.1, adherence_score: 60 } },
    { started_at: "2026-03-12T12:00:00Z", agent_id: ben.id, insight: { converted: true, upsell_amount: 50 } },
    { started_at: "2026-03-13T12:00:00Z", agent_id: ben.id, status: "failed" },
    { started_at: "2026-03-14T12:00:00Z", agent_id: ben.id, status: "received" },
    { started_at: "2026-04-02T12:00:00Z", agent_id: ann.id, insight: {} },
  ]);
  await admin("call_metrics", { method: "POST", body: JSON.stringify({ org_id: org.id, call_id: annSale, agent_id: ann.id, talk_ratio: 0.4, agent_questions: 6, interruptions: 2, longest_monologue_seconds: 30, silence_seconds: 5, agent_wpm: 150 }) });
  const otherAgent = await createAgent(other.id, "Olga Elsewhere");
  await insertCalls(other.id, [{ started_at: "2026-03-10T12:00:00Z", agent_id: otherAgent.id, insight: { converted: true, upsell_amount: 999 } }]);
  await signIn(await addMember(org.id, "manager"));
}, 60_000);

describe("dashboard api on the stack", () => {
  it("KPIs for a period and for one agent, as numbers; the pipeline sets the polling", async () => {
    const k = await fetchDashboardKpis(march);
    expect(k).toEqual({
      calls: 5, analyzed_calls: 3, in_pipeline: 1, failed: 1, converted_calls: 2, conversion_rate: 0.6667,
      upsell_revenue: 350, avg_sentiment: 0.133, avg_adherence: 70, // rounded by dashboard_kpis
    });
    const annOnly = await fetchDashboardKpis({ ...march, agentId: ann.id });
    expect(annOnly).toMatchObject({ calls: 2, analyzed_calls: 2, converted_calls: 1, upsell_revenue: 300, failed: 0, in_pipeline: 0 });
    const empty = await fetchDashboardKpis({ from: "2001-01-01", to: "2001-01-31", agentId: null });
    expect(empty).toMatchObject({ calls: 0, conversion_rate: null, avg_sentiment: null, avg_adherence: null });
    expect(pipelineRefetchInterval(k.in_pipeline)).toBe(PIPELINE_REFETCH_MS);
    expect(pipelineRefetchInterval(0)).toBe(false);
    const opts = dashboardKpisQueryOptions(org.id, march);
    expect(opts.queryKey).toEqual(["dashboard", org.id, "kpis", { from: "2026-03-01", to: "2026-03-31", agentId: null }]);
    expect(await opts.queryFn!({} as never)).toEqual(k);
  });
  it("trend: one row per day of the period, adding up to the KPIs", async () => {
    const t = await fetchDashboardTrend(march);
    expect(t).toHaveLength(31);
    expect(t[0].day).toBe("2026-03-01");
    expect(t.at(-1)!.day).toBe("2026-03-31");
    expect(t.find((p) => p.day === "2026-03-10")).toMatchObject({ calls: 2, analyzed: 2, converted: 1, upsell_revenue: 300 });
    expect(t.reduce((a, p) => a + p.calls, 0)).toBe(5);
    expect((await fetchDashboardTrend({ ...march, agentId: ben.id })).reduce((a, p) => a + p.calls, 0)).toBe(3);
    expect(trendRange({ from: "2020-01-01", to: "2026-03-31", agentId: null }, "2026-06-01")).toEqual({ from: "2025-03-31", to: "2026-03-31", agentId: null, clamped: true });
    expect(MAX_TREND_DAYS).toBe(366);
    const opts = dashboardTrendQueryOptions(org.id, march);
    expect(opts.queryKey.slice(0, 3)).toEqual(dashboardTrendQueryKey(org.id));
    expect(await opts.queryFn!({} as never)).toEqual(t);
  });
  it("leaderboard: the organization's agents, best upsell first, with their figures", async () => {
    const rows = await fetchAgentLeaderboard(march);
    expect(rows.map((r) => [r.agent_name, r.calls, r.analyzed, r.converted, r.upsell_revenue])).toEqual([
      ["Ann Dash", 2, 2, 1, 300], ["Ben Dash", 3, 1, 1, 50],
    ]);
    expect(rows[0].conversion_rate).toBeCloseTo(0.5, 5);
    expect(rows[0].avg_adherence).toBe(70);
    expect(rows[1].avg_adherence).toBeNull();
    const opts = agentLeaderboardQueryOptions(org.id, march);
    expect(opts.queryKey).toEqual([...agentLeaderboardQueryKey(org.id), { from: "2026-03-01", to: "2026-03-31" }]);
    expect(await opts.queryFn!({} as never)).toEqual(rows);
  });
  it("conversation metrics: per agent over the calls that were measured", async () => {
    const rows = await fetchConversationMetrics(march);
    expect(rows).toEqual([{
      agent_id: ann.id, agent_name: "Ann Dash", calls: 1, talk_ratio: 0.4, longest_monologue_seconds: 30,
      interruptions_per_call: 2, questions_per_call: 6, silence_seconds: 5, agent_wpm: 150,
    }]);
    expect(await fetchConversationMetrics({ from: "2026-04-01", to: "2026-04-30" })).toEqual([]);
    expect(conversationMetricsQueryKey(org.id)).toEqual(["dashboard", org.id, "conversation"]);
  });
});

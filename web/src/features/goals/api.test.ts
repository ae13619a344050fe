// @vitest-environment node
// Goals on the test stack, as a manager of an organization of the test's own:
// create (a team goal with its agents), edit, live progress, the summary,
// the closed periods, delete.
import { admin, addMember, createAgent, createOrg, signIn } from "../../testing/stack";
import { beforeAll, describe, expect, it } from "vitest";
import { clientWith, invalidated, runHook } from "../../testing/hooks";
import { deleteGoal, useDeleteGoal } from "./api/deleteGoal";
import { fetchGoalHistory, goalHistoryQueryOptions, HISTORY_LIMIT } from "./api/getGoalHistory";
import { fetchGoalProgress, goalProgressQueryOptions, GOALS_REFETCH_MS } from "./api/getGoalProgress";
import { fetchGoalSummary, goalSummaryQueryOptions, SUMMARY_LIMIT } from "./api/getGoalSummary";
import { type GoalInput, saveGoal, useSaveGoal } from "./api/saveGoal";

let org: Awaited<ReturnType<typeof createOrg>>;
let other: Awaited<ReturnType<typeof createOrg>>;
let a1: { id: string };
let a2: { id: string };
const today = new Date().toISOString().slice(0, 10);
const goal = (over: Partial<GoalInput> = {}): GoalInput => ({
  name: "Org conversions", metric: "conversions", activity_type: null, scope: "organization", user_id: null, agent_id: null,
  target: 10, period: "month", period_start: today, period_end: today, recurring: false, member_agent_ids: [], ...over,
});
const keys = () => [goalProgressQueryOptions(org.id).queryKey, goalSummaryQueryOptions(org.id).queryKey, goalHistoryQueryOptions(org.id).queryKey, ["agents", org.id]];
const members = async (goalId: string) =>
  (await admin<{ agent_id: string }[]>(`goal_members?select=agent_id&goal_id=eq.${goalId}`)).map((m) => m.agent_id).sort();

beforeAll(async () => {
  org = await createOrg();
  other = await createOrg();
  a1 = await createAgent(org.id, "Ann One");
  a2 = await createAgent(org.id, "Ben Two");
  await signIn(await addMember(org.id, "manager"));
}, 60_000);

describe("goals api on the stack", () => {
  it("creates a team goal with its agents, edits it (agents replaced), invalidating progress, summary and history", async () => {
    const qc = clientWith(keys());
    const id = await runHook(() => useSaveGoal(org.id), qc).mutateAsync(goal({ name: "Team calls", scope: "team", metric: "calls_handled", member_agent_ids: [a1.id, a2.id] }));
    expect(invalidated(qc, keys())).toEqual(keys().slice(0, 3));
    expect(await admin(`goals?select=name,metric,scope,target,org_id&id=eq.${id}`)).toEqual([{ name: "Team calls", metric: "calls_handled", scope: "team", target: 10, org_id: org.id }]);
    expect(await members(id)).toEqual([a1.id, a2.id].sort());
    expect(await saveGoal(org.id, { ...goal({ name: "Team calls", scope: "team", metric: "calls_handled", target: 20, member_agent_ids: [a2.id] }), id })).toBe(id);
    expect(await members(id)).toEqual([a2.id]);
    expect((await admin<{ target: number }[]>(`goals?select=target&id=eq.${id}`))[0].target).toBe(20);
    // An organization goal has no members even when some are passed.
    const orgGoal = await saveGoal(org.id, goal({ member_agent_ids: [a1.id] }));
    expect(await members(orgGoal)).toEqual([]);
    await saveGoal(org.id, { ...goal({ scope: "team", member_agent_ids: [] }), id: orgGoal });
    expect(await members(orgGoal)).toEqual([]);
    await expect(saveGoal(other.id, goal())).rejects.toBeTruthy();
  });
  it("progress: every open goal with numbers, and the summary counts them", async () => {
    const progress = await fetchGoalProgress();
    expect(progress.map((g) => g.name).sort()).toEqual(["Org conversions", "Team calls"]);
    const team = progress.find((g) => g.name === "Team calls")!;
    expect(team.member_agent_ids).toEqual([a2.id]);
    expect(team.target).toBe(20);
    expect(typeof team.days_total).toBe("number");
    expect(team.days_total).toBeGreaterThanOrEqual(28);
    expect(team.days_elapsed).toBeGreaterThanOrEqual(1);
    expect(team.sample_size).toBe(0);
    const orgGoal = progress.find((g) => g.name === "Org conversions")!;
    expect(orgGoal.member_agent_ids).toEqual([]);
    expect(GOALS_REFETCH_MS).toBe(10_000);
    expect(await goalProgressQueryOptions(org.id).queryFn!({} as never)).toEqual(progress);
    const s = await fetchGoalSummary();
    expect(s.total).toBe(2);
    expect(s.reached + s.on_track + s.behind).toBeLessThanOrEqual(2);
    expect(s.goals.map((g) => g.name).sort()).toEqual(["Org conversions", "Team calls"]);
    expect(s.goals.find((g) => g.name === "Team calls")!.target).toBe(20);
    expect(SUMMARY_LIMIT).toBe(5);
    expect(goalSummaryQueryOptions(org.id).refetchInterval).toBe(30_000);
    expect(goalSummaryQueryOptions(org.id).queryKey).toEqual(["goals", org.id, "summary"]);
    expect(goalProgressQueryOptions(org.id).queryKey).toEqual(["goals", org.id, "progress"]);
  });
  it("history: the organization's closed periods, newest first", async () => {
    const [g] = await admin<{ id: string }[]>(`goals?select=id&org_id=eq.${org.id}&name=eq.Org%20conversions`);
    await admin("goal_snapshots", { method: "POST", body: JSON.stringify([
      { org_id: org.id, goal_id: g.id, name: "Org conversions", metric: "conversions", scope: "organization", period: "month", period_start: "2026-09-01", period_end: "2026-09-30", target: 10, actual: 4, sample_size: 4, status: "missed" },
      { org_id: org.id, goal_id: g.id, name: "Org conversions", metric: "conversions", scope: "organization", period: "month", period_start: "2026-10-01", period_end: "2026-10-31", target: 10, actual: 12, sample_size: 12, status: "reached" },
    ]) });
    const h = await fetchGoalHistory(org.id);
    expect(h.map((x) => [x.period_end, x.status, x.actual])).toEqual([["2026-10-31", "reached", 12], ["2026-09-30", "missed", 4]]);
    expect(Object.keys(h[0]).sort()).toEqual(["activity_type", "actual", "goal_id", "id", "metric", "name", "period_end", "period_start", "sample_size", "status", "target"]);
    expect(await fetchGoalHistory(other.id)).toEqual([]);
    expect(HISTORY_LIMIT).toBe(50);
    expect(goalHistoryQueryOptions(org.id).staleTime).toBe(60_000);
    expect(goalHistoryQueryOptions(org.id).queryKey).toEqual(["goals", org.id, "history"]);
    expect(await goalHistoryQueryOptions(org.id).queryFn!({} as never)).toEqual(h);
  });
  it("deletes a goal, invalidating the goals; one it cannot reach is an error", async () => {
    const id = await saveGoal(org.id, goal({ name: "Doomed" }));
    const qc = clientWith(keys());
    await runHook(() => useDeleteGoal(org.id), qc).mutateAsync(id);
    expect(invalidated(qc, keys())).toEqual(keys().slice(0, 3));
    expect(await admin(`goals?select=id&id=eq.${id}`)).toEqual([]);
    await expect(deleteGoal(org.id, crypto.randomUUID())).rejects.toThrow("only owners, admins and managers can delete goals");
  });
});

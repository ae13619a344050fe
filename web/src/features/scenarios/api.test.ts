// @vitest-environment node
// What-if scenarios on the test stack, as a manager of an organization of the
// test's own: the measured baseline over two windows, a projection, saving
// (and renaming) scenarios, listing, comparing and deleting them.
import { admin, addMember, createOrg, insertCalls, signIn } from "../../testing/stack";
import { beforeAll, describe, expect, it } from "vitest";
import { clientWith, invalidated, runHook } from "../../testing/hooks";
import { comparisonQueryOptions, fetchComparison, MAX_COMPARE } from "./api/compareScenarios";
import { deleteScenario, useDeleteScenario } from "./api/deleteScenario";
import { fetchScenarioBaseline, scenarioBaselineQueryOptions, WINDOWS } from "./api/getScenarioBaseline";
import { canProject, fetchScenarioProjection, scenarioProjectionQueryOptions } from "./api/getScenarioProjection";
import { fetchScenarios, scenariosQueryOptions } from "./api/getScenarios";
import { saveScenario, useSaveScenario } from "./api/saveScenario";

let org: Awaited<ReturnType<typeof createOrg>>;
let other: Awaited<ReturnType<typeof createOrg>>;
const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
const inputs = { agents: 2, calls_per_agent_per_day: 10, working_days_per_month: 20, conversion_rate: 0.25, average_deal_value: 50 };

beforeAll(async () => {
  org = await createOrg();
  other = await createOrg();
  // Four analyzed calls: two in the last 30 days (one converted), two 60 days ago (neither).
  await insertCalls(org.id, [5, 6, 60, 61].map((d, i) => ({ started_at: daysAgo(d), insight: { converted: i === 0 } })));
  await signIn(await addMember(org.id, "manager"));
}, 60_000);

describe("scenarios api on the stack", () => {
  it("baseline: the organization's measured figures per window, each with its sample size; the levers need more calls", async () => {
    const b90 = await fetchScenarioBaseline(90);
    expect(b90.window_days).toBe(90);
    expect(b90.figures.conversion_rate).toMatchObject({ value: 0.25, n: 4 });
    const b30 = await fetchScenarioBaseline(30);
    expect(b30.figures.conversion_rate).toMatchObject({ value: 0.5, n: 2 });
    expect(typeof b30.figures.conversion_rate.value).toBe("number");
    expect(b30.levers.script_adherence.status).toBe("insufficient_data");
    expect(b30.levers.script_adherence.n).toBe(0); // no call has an adherence score
    expect(WINDOWS).toEqual([30, 90, 180, 365]);
    expect(scenarioBaselineQueryOptions(org.id, 30).queryKey).toEqual(["scenarios", org.id, "baseline", 30]);
    expect(scenarioBaselineQueryOptions(org.id, 30).staleTime).toBe(300_000);
    expect((await scenarioBaselineQueryOptions(org.id, 30).queryFn!({} as never)).figures).toEqual(b30.figures);
  });
  it("projection: calls, conversions and revenue from the inputs; it needs the four required ones", async () => {
    const p = await fetchScenarioProjection(inputs, 90);
    expect(p.calls.month).toBe(400);
    expect(p.conversions.month).toBe(100);
    expect(p.revenue.month).toBe(5000);
    expect(p.calls.quarter).toBe(1200);
    expect(p.adherence_effect).toBeNull();
    expect(p.goal_gaps).toEqual([]);
    expect(canProject(inputs)).toBe(true);
    expect(canProject({ agents: 2, calls_per_agent_per_day: 10, working_days_per_month: 20 })).toBe(false);
    const opts = scenarioProjectionQueryOptions(org.id, inputs, 90);
    expect(opts.queryKey).toEqual(["scenarios", org.id, "projection", 90, inputs]);
    expect(opts.enabled).toBe(true);
    expect(scenarioProjectionQueryOptions(org.id, {}, 90).enabled).toBe(false);
    expect(await opts.queryFn!({} as never)).toEqual(p);
  });
  it("saves a scenario (invalidating the saved list and its comparisons), replaces it by id, lists by name; a taken name is refused", async () => {
    const keys = [scenariosQueryOptions(org.id).queryKey, comparisonQueryOptions(org.id, ["x"]).queryKey, scenarioBaselineQueryOptions(org.id, 90).queryKey];
    const qc = clientWith(keys);
    const id = await runHook(() => useSaveScenario(org.id), qc).mutateAsync({ name: "Zeta team", inputs, window_days: 90 });
    expect(invalidated(qc, keys)).toEqual(keys.slice(0, 2));
    expect(await admin(`what_if_scenarios?select=name,inputs,window_days,org_id&id=eq.${id}`)).toEqual([{ name: "Zeta team", inputs, window_days: 90, org_id: org.id }]);
    expect(await saveScenario(org.id, { id, name: "Zeta team", inputs: { ...inputs, agents: 3 }, window_days: 30 })).toBe(id);
    expect(await admin(`what_if_scenarios?select=inputs,window_days&id=eq.${id}`)).toEqual([{ inputs: { ...inputs, agents: 3 }, window_days: 30 }]);
    await saveScenario(org.id, { name: "Alpha team", inputs, window_days: 90 });
    await expect(saveScenario(org.id, { name: "Alpha team", inputs, window_days: 90 })).rejects.toMatchObject({ code: "23505" });
    const saved = await fetchScenarios(org.id);
    expect(saved.map((s) => s.name)).toEqual(["Alpha team", "Zeta team"]);
    expect(Object.keys(saved[0]).sort()).toEqual(["id", "inputs", "name", "notes", "updated_at", "window_days"]);
    expect(await fetchScenarios(other.id)).toEqual([]);
    await expect(saveScenario(other.id, { name: "Elsewhere", inputs, window_days: 90 })).rejects.toBeTruthy();
    expect(await scenariosQueryOptions(org.id).queryFn!({} as never)).toEqual(saved);
  });
  it("compares saved scenarios in the order asked, each with its projection", async () => {
    const [alpha, zeta] = await fetchScenarios(org.id);
    const cmp = await fetchComparison([zeta.id, alpha.id]);
    expect(cmp.map((c) => c.name)).toEqual(["Zeta team", "Alpha team"]);
    expect(cmp[0].inputs.agents).toBe(3);
    expect(cmp[0].projection.calls.month).toBe(600);
    expect(cmp[1].projection.revenue.month).toBe(5000);
    expect(MAX_COMPARE).toBe(10);
    expect(comparisonQueryOptions(org.id, []).enabled).toBe(false);
    expect(comparisonQueryOptions(org.id, [alpha.id]).queryKey).toEqual(["scenarios", org.id, "saved", "compare", [alpha.id]]);
  });
  it("deletes a scenario, invalidating the saved list; one it cannot reach is an error", async () => {
    const [alpha] = await fetchScenarios(org.id);
    const keys = [scenariosQueryOptions(org.id).queryKey, scenarioBaselineQueryOptions(org.id, 90).queryKey];
    const qc = clientWith(keys);
    await runHook(() => useDeleteScenario(org.id), qc).mutateAsync(alpha.id);
    expect(invalidated(qc, keys)).toEqual([keys[0]]);
    expect(await admin(`what_if_scenarios?select=id&id=eq.${alpha.id}`)).toEqual([]);
    await expect(deleteScenario(org.id, crypto.randomUUID())).rejects.toThrow("The scenario was not deleted.");
    expect((await fetchScenarios(org.id)).map((s) => s.name)).toEqual(["Zeta team"]);
  });
});

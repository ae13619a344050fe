// @vitest-environment node
// Practice (SIMs) on the test stack, in an organization of the test's own
// with SIMs on its plan: the library (duplicating and editing a built-in),
// assigning one to an agent, the agent's session through the `sims` function
// (start, a turn with the buyer — the OpenAI stand-in —, the stored session,
// end and score), the assignment's status, the leaderboard, and the weak
// spots of an agent without scored calls.
import { admin, addMember, createOrg, signIn, type User } from "../../testing/stack";
import { beforeAll, describe, expect, it } from "vitest";
import { clientWith, invalidated, runHook } from "../../testing/hooks";
import { useAssignSim } from "./api/assignSim";
import { duplicateTemplate, useDuplicateTemplate } from "./api/duplicateTemplate";
import { endSession, useEndSession } from "./api/endSession";
import { fetchSession, sessionQueryOptions } from "./api/getSession";
import { fetchLeaderboard, leaderboardQueryOptions } from "./api/leaderboard";
import { assignmentsQueryOptions, fetchAssignments } from "./api/listAssignments";
import { fetchTemplates, templatesQueryOptions } from "./api/listTemplates";
import { fetchEffect } from "./api/practiceEffect";
import { saveTemplate, useSaveTemplate } from "./api/saveTemplate";
import { type SayEvent, sayToBuyer } from "./api/sayToBuyer";
import { startSession } from "./api/startSession";
import { fetchWeakItems, LAST_CALLS } from "./api/weakItems";

let org: Awaited<ReturnType<typeof createOrg>>;
let manager: User;
let agent: User;
let discovery: { id: string; name: string };
let sessionId: string;

beforeAll(async () => {
  org = await createOrg();
  await admin("feature_flags", { method: "POST", body: JSON.stringify([
    { org_id: org.id, key: "sims", enabled: true, limit_value: null, note: "vitest" },
    { org_id: org.id, key: "sim_sessions_per_month", enabled: null, limit_value: 100, note: "vitest" },
  ]) });
  agent = await addMember(org.id, "agent");
  await admin(`profiles?id=eq.${agent.id}`, { method: "PATCH", body: JSON.stringify({ full_name: "Rita Rep" }) });
  manager = await addMember(org.id, "manager");
  await signIn(manager);
}, 60_000);

describe("sims api on the stack", () => {
  it("the library: built-ins first, by name; a duplicate is the organization's own and editable", async () => {
    const list = await fetchTemplates(org.id);
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((t) => t.org_id === org.id && t.is_builtin)).toBe(true);
    expect(list.map((t) => t.name)).toEqual([...list.map((t) => t.name)].sort());
    discovery = list.find((t) => t.name.startsWith("Discovery"))!;
    const keys = [templatesQueryOptions(org.id).queryKey, assignmentsQueryOptions(org.id).queryKey];
    const qc = clientWith(keys);
    const copyId = await runHook(() => useDuplicateTemplate(org.id), qc).mutateAsync(discovery.id);
    expect(invalidated(qc, keys)).toEqual([keys[0]]);
    const copy = (await fetchTemplates(org.id)).find((t) => t.id === copyId)!;
    expect(copy).toMatchObject({ is_builtin: false, org_id: org.id });
    expect(copy.name).toContain(discovery.name);
    const qc2 = clientWith(keys);
    const { company, persona_name, persona_role, scenario, scorecard_id } = copy;
    const fields = { company, persona_name, persona_role, scenario, scorecard_id };
    await runHook(() => useSaveTemplate(org.id), qc2).mutateAsync({ id: copyId, t: { ...fields, name: "Discovery, harder", difficulty: 5 } });
    expect(invalidated(qc2, keys)).toEqual([keys[0]]);
    expect(await admin(`sim_templates?select=name,difficulty&id=eq.${copyId}`)).toEqual([{ name: "Discovery, harder", difficulty: 5 }]);
    // Built-ins stay as shipped (RLS leaves them out of an update).
    await saveTemplate(org.id, discovery.id, { ...fields, name: "Renamed" });
    expect(await admin(`sim_templates?select=name&id=eq.${discovery.id}`)).toEqual([{ name: discovery.name }]);
    expect(typeof await duplicateTemplate(discovery.id)).toBe("string");
  });
  it("a manager assigns a SIM to an agent; it is listed as not started", async () => {
    const keys = [assignmentsQueryOptions(org.id).queryKey, templatesQueryOptions(org.id).queryKey];
    const qc = clientWith(keys);
    await runHook(() => useAssignSim(org.id), qc).mutateAsync({ templateId: discovery.id, userId: agent.id, dueAt: null, minAttempts: 1 });
    expect(invalidated(qc, keys)).toEqual([keys[0]]);
    const [a] = await fetchAssignments(org.id);
    expect(a).toMatchObject({ template_id: discovery.id, user_id: agent.id, status: "not_started" });
    expect(assignmentsQueryOptions(org.id).queryKey).toEqual(["sims", org.id, "assignments"]);
  });
  it("the agent practises it: start, a turn with the buyer, the stored session, end and score", async () => {
    await signIn(agent);
    const [a] = await fetchAssignments(org.id);
    const session = await startSession(discovery.id, a.id);
    sessionId = session.id;
    expect(session).toMatchObject({ user_id: agent.id, template_id: discovery.id, sim_id: a.id, status: "active" });
    const events: SayEvent[] = [];
    await sayToBuyer(sessionId, "Hi, this is Rita from Acme. How do you handle your calls today?", (e) => events.push(e));
    expect(events[0]).toMatchObject({ type: "rep", turn: { role: "rep", content: "Hi, this is Rita from Acme. How do you handle your calls today?" } });
    const buyer = events.find((e) => e.type === "buyer");
    expect(buyer).toMatchObject({ type: "buyer", turn: { role: "buyer" } });
    const view = await fetchSession(sessionId);
    expect(view.turns.map((t) => t.role)).toEqual(["rep", "buyer"]);
    expect(view.template.id).toBe(discovery.id);
    expect(view.user_name).toBe("Rita Rep");
    expect(sessionQueryOptions(sessionId).queryKey).toEqual(["sim-session", sessionId]);

    const keys = [sessionQueryOptions(sessionId).queryKey, ["sims", org.id], ["email", org.id]];
    const qc = clientWith(keys);
    const scored = await runHook(() => useEndSession(org.id, sessionId), qc).mutateAsync();
    expect(invalidated(qc, keys)).toEqual(keys.slice(0, 2));
    expect(scored.status).toBe("scored");
    expect(scored.score).toBeGreaterThanOrEqual(0);
    const after = await fetchSession(sessionId);
    expect(after.items.length).toBeGreaterThan(0);
    expect(after.items.every((i) => ["yes", "partial", "no"].includes(i.answer!))).toBe(true);
    // Ending a scored session again changes nothing; it cannot be continued.
    expect(await endSession(sessionId)).toMatchObject({ status: "scored", score: scored.score });
    await expect(sayToBuyer(sessionId, "still there?", () => {})).rejects.toBeTruthy();
  });
  it("the manager sees the session on the leaderboard and the assignment done", async () => {
    await signIn(manager);
    const rows = await fetchLeaderboard(org.id);
    expect(rows.map((r) => [r.user_id, r.user_name])).toEqual([[agent.id, "Rita Rep"]]);
    expect(leaderboardQueryOptions(org.id).queryKey).toEqual(["sims", org.id, "leaderboard"]);
    const [a] = await fetchAssignments(org.id);
    expect(["completed", "did_not_pass"]).toContain(a.status);
  });
  it("an agent without scored calls has no weak spots and no before/after figures", async () => {
    expect(await fetchWeakItems(org.id, agent.id)).toEqual([]);
    expect(LAST_CALLS).toBe(20);
    expect(await fetchEffect(org.id, agent.id)).toEqual([]);
  });
});

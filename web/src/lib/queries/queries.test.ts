// @vitest-environment node
// lib/queries on the test stack: the SPA's client signed in as a member of two
// organizations of the test's own, reading through RLS.
import { admin, addMember, createAgent, createOrg, createUser, signIn, type User } from "../../testing/stack";
import { QueryClient } from "@tanstack/react-query";
import { beforeAll, describe, expect, it } from "vitest";
import { runHook } from "../../testing/hooks";
import { agentsQueryOptions, fetchAgents, useAgents } from "./agents";
import { Entitlements, entitlementsQueryOptions, fetchEntitlements, useEntitlements } from "./entitlements";
import { fetchMembers, membersQueryOptions, useMembers } from "./members";
import { membershipsQueryOptions } from "./memberships";
import { fetchScorecards, scorecardsQueryOptions } from "./scorecards";
import { fetchTrackers, trackersQueryOptions, useTrackers } from "./trackers";

let a: Awaited<ReturnType<typeof createOrg>>;
let b: Awaited<ReturnType<typeof createOrg>>;
let me: User;
let colleague: User;

beforeAll(async () => {
  a = await createOrg({ name: "Vitest Alpha" });
  b = await createOrg({ name: "Vitest Beta", room: false });
  me = await createUser("manager");
  await admin(`profiles?id=eq.${me.id}`, { method: "PATCH", body: JSON.stringify({ full_name: "Mia Manager" }) });
  await addMember(a.id, "manager", me);
  await addMember(b.id, "agent", me);
  colleague = await addMember(a.id, "agent");
  await createAgent(a.id, "Zed Zulu");
  await createAgent(a.id, "Abe Alpha", { user_id: colleague.id, active: false });
  await createAgent(b.id, "Bea Beta");
  await admin("trackers", { method: "POST", body: JSON.stringify([
    { org_id: a.id, name: "Refunds", terms: ["refund"], alert: true },
    { org_id: a.id, name: "Cancel", terms: ["cancel"], alert: false },
    { org_id: b.id, name: "Other", terms: ["x"], alert: false },
  ]) });
  await signIn(me);
}, 60_000);

describe("lib/queries on the stack", () => {
  it("agents: the organization's only, by name, with the columns the screens read", async () => {
    const rows = await fetchAgents(a.id);
    expect(rows.map((r) => [r.name, r.active, r.user_id, r.org_id])).toEqual([
      ["Abe Alpha", false, colleague.id, a.id],
      ["Zed Zulu", true, null, a.id],
    ]);
    expect(Object.keys(rows[0]).sort()).toEqual(["active", "created_at", "id", "name", "org_id", "phone", "user_id"]);
    expect(rows[1].phone).toMatch(/^\+1555\d{7}$/);
    expect((await fetchAgents(b.id)).map((r) => r.name)).toEqual(["Bea Beta"]);
    const o = agentsQueryOptions(a.id);
    expect(o.queryKey).toEqual(["agents", a.id]);
    expect(o.staleTime).toBe(60_000);
    expect(await o.queryFn!({} as never)).toEqual(rows);
  });
  it("members: oldest first, named by profile name, else email", async () => {
    const members = await fetchMembers(a.id);
    expect(members.map((m) => [m.userId, m.role, m.name, m.email])).toEqual([
      [a.owner.id, "owner", a.owner.email, a.owner.email],
      [me.id, "manager", "Mia Manager", me.email],
      [colleague.id, "agent", colleague.email, colleague.email],
    ]);
    expect(members[0].joinedAt <= members[1].joinedAt).toBe(true);
    expect((await fetchMembers(b.id)).map((m) => m.role)).toEqual(["owner", "agent"]);
    expect(await fetchMembers(crypto.randomUUID())).toEqual([]);
    expect(membersQueryOptions(a.id).queryKey).toEqual(["members", a.id]);
    expect(await membersQueryOptions(a.id).queryFn!({} as never)).toEqual(members);
  });
  it("memberships: the user's organizations in joining order, the current one, not staff", async () => {
    const o = membershipsQueryOptions(me.id);
    expect(o.queryKey).toEqual(["memberships", me.id]);
    expect(o.enabled).toBe(true);
    expect(membershipsQueryOptions(undefined).enabled).toBe(false);
    const got = await o.queryFn!({} as never);
    expect(got.currentOrgId).toBe(a.id);
    expect(got.isStaff).toBe(false);
    expect(got.memberships.map((m) => [m.org_id, m.role, m.organization.name])).toEqual([[a.id, "manager", "Vitest Alpha"], [b.id, "agent", "Vitest Beta"]]);
    expect(Object.keys(got.memberships[0].organization).sort()).toEqual(["currency", "id", "name", "slug", "time_zone"]);
  });
  it("entitlements: the plan, its limits (the test's overrides) and usage", async () => {
    const e = await fetchEntitlements(a.id);
    expect(e.plan).toBe("free");
    expect(e.limits.phone_numbers).toBe(10);
    expect(e.limits.analyzed_minutes_per_month).toBe(100000);
    expect(e.usage).toEqual({ analyzed_minutes: 0, phone_numbers: 0, members: 3, pending_invitations: 0 });
    expect(e.paid).toBe(false);
    const free = await fetchEntitlements(b.id);
    expect(free.limits.phone_numbers).not.toBe(10);
    await expect(fetchEntitlements(crypto.randomUUID())).rejects.toBeTruthy();
    expect(entitlementsQueryOptions(a.id).queryKey).toEqual(["entitlements", a.id]);
    expect(await entitlementsQueryOptions(a.id).queryFn!({} as never)).toEqual(e);
  });
  it("entitlements' schema: missing or malformed optional parts fall back", () => {
    const e = Entitlements.parse({ plan: "p", plan_name: "P", seats: "3", limits: 7, features: "x", status: 1, paid: "yes", in_grace: "no", metered: 2, usage: { analyzed_minutes: "x", phone_numbers: "2" } });
    expect(e).toMatchObject({
      seats: 3, status: "none", paid: false, in_grace: false, metered: false, features: [],
      limits: { analyzed_minutes_per_month: null, phone_numbers: null, sim_sessions_per_month: null },
      usage: { analyzed_minutes: 0, phone_numbers: 2, members: 0, pending_invitations: 0 },
    });
    expect(Entitlements.parse({ plan: "p", plan_name: "P", seats: 1, limits: { phone_numbers: "4", analyzed_minutes_per_month: "x" }, usage: {} }).limits)
      .toMatchObject({ phone_numbers: 4, analyzed_minutes_per_month: null });
    expect(() => Entitlements.parse({ plan_name: "P", seats: 1, usage: {} })).toThrow();
  });
  it("trackers: the organization's, by name", async () => {
    const t = await fetchTrackers(a.id);
    expect(t.map((x) => [x.name, x.terms, x.alert, x.org_id])).toEqual([["Cancel", ["cancel"], false, a.id], ["Refunds", ["refund"], true, a.id]]);
    expect(Object.keys(t[0]).sort()).toEqual(["alert", "created_at", "id", "name", "org_id", "terms"]);
    const o = trackersQueryOptions(a.id);
    expect([o.queryKey, o.staleTime]).toEqual([["trackers", a.id], 60_000]);
    expect(await o.queryFn!({} as never)).toEqual(t);
  });
  it("scorecards: the organization's with their items in order", async () => {
    const before = await fetchScorecards(a.id);
    const [card] = await admin<{ id: string }[]>("scorecards", { method: "POST", body: JSON.stringify({ org_id: a.id, name: "Vitest card" }) });
    await admin("scorecard_items", { method: "POST", body: JSON.stringify([
      { scorecard_id: card.id, org_id: a.id, position: 2, key: "second", question: "Second" },
      { scorecard_id: card.id, org_id: a.id, position: 1, key: "first", question: "First" },
    ]) });
    const after = await fetchScorecards(a.id);
    const mine = after.find((c) => c.id === card.id)!;
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)!.id).toBe(card.id);
    expect(mine.items.map((i) => i.question)).toEqual(["First", "Second"]);
    expect(after.filter((c) => c.id !== card.id).every((c) => c.items.every((i) => i.scorecard_id === c.id))).toBe(true);
    expect(scorecardsQueryOptions(a.id).queryKey).toEqual(["scorecards", a.id]);
    expect(await scorecardsQueryOptions(a.id).queryFn!({} as never)).toEqual(after);
  });
  it("the hooks read their query's cache entry", () => {
    const qc = new QueryClient();
    qc.setQueryData(agentsQueryOptions(a.id).queryKey, [{ name: "cached" }] as never);
    qc.setQueryData(membersQueryOptions(a.id).queryKey, [{ name: "m" }] as never);
    qc.setQueryData(trackersQueryOptions(a.id).queryKey, [{ name: "t" }] as never);
    qc.setQueryData(entitlementsQueryOptions(a.id).queryKey, { plan: "x" } as never);
    expect(runHook(() => useAgents(a.id), qc).data).toEqual([{ name: "cached" }]);
    expect(runHook(() => useMembers(a.id), qc).data).toEqual([{ name: "m" }]);
    expect(runHook(() => useTrackers(a.id), qc).data).toEqual([{ name: "t" }]);
    expect(runHook(() => useEntitlements(a.id), qc).data).toEqual({ plan: "x" });
  });
});

// @vitest-environment node
// The activity log's data layer on the test stack, as a manager of an
// organization of the test's own: log, edit, list with filters and pages, delete.
import { admin, addMember, createOrg, signIn, type User } from "../../testing/stack";
import { beforeAll, describe, expect, it } from "vitest";
import { clientWith, invalidated, runHook } from "../../testing/hooks";
import { deleteActivity, useDeleteActivity } from "./api/deleteActivity";
import { ACTIVITY_PAGE, activitiesKey, activitiesQueryOptions, fetchActivities } from "./api/listActivities";
import { saveActivity, useSaveActivity } from "./api/saveActivity";
import { MANUAL_TYPES, OUTCOME_LABELS, outcomeKind, TYPE_LABELS } from "./types";

let org: Awaited<ReturnType<typeof createOrg>>;
let me: User;
let colleague: User;
const NONE = { person: null, type: null, outcome: null, from: null, to: null };

beforeAll(async () => {
  org = await createOrg();
  me = await addMember(org.id, "manager");
  colleague = await addMember(org.id, "agent");
  await admin("activities", { method: "POST", body: JSON.stringify([
    { org_id: org.id, user_id: colleague.id, type: "call", outcome: "won", value: "12.5", title: "Colleague's call", occurred_at: "2026-10-05T10:00:00Z" },
    { org_id: org.id, user_id: colleague.id, type: "demo", outcome: null, value: 0, title: "Colleague's demo", occurred_at: "2026-10-20T10:00:00Z" },
  ]) });
  await signIn(me);
}, 60_000);

describe("activities api on the stack", () => {
  it("logs, edits and deletes the caller's own entry, invalidating the log", async () => {
    const keys = [[...activitiesKey(org.id), "list", NONE], ["goals", org.id]];
    const qc = clientWith(keys);
    await runHook(() => useSaveActivity(org.id), qc).mutateAsync({ type: "meeting", title: "Kickoff", occurred_at: "2026-11-02T09:00:00Z", value: 3 });
    expect(invalidated(qc, keys)).toEqual([keys[0]]);
    const [mine] = await admin<{ id: string; user_id: string; title: string; value: number }[]>(`activities?select=id,user_id,title,value&org_id=eq.${org.id}&title=eq.Kickoff`);
    expect(mine).toMatchObject({ user_id: me.id, title: "Kickoff", value: 3 });
    await saveActivity(org.id, { id: mine.id, type: "meeting", title: "Kickoff, moved" });
    expect((await admin<{ title: string }[]>(`activities?select=title&id=eq.${mine.id}`))[0].title).toBe("Kickoff, moved");
    // Someone else's entry: not saved, not deleted, a clear error.
    const [theirs] = await admin<{ id: string }[]>(`activities?select=id&org_id=eq.${org.id}&title=eq.Colleague's%20demo`);
    await expect(saveActivity(org.id, { id: theirs.id, type: "demo", title: "Mine now" })).rejects.toThrow("you can edit only your own manual entries");
    await expect(deleteActivity(org.id, theirs.id)).rejects.toThrow("you can delete only your own manual entries");
    const qc2 = clientWith(keys);
    await runHook(() => useDeleteActivity(org.id), qc2).mutateAsync(mine.id);
    expect(invalidated(qc2, keys)).toEqual([keys[0]]);
    expect(await admin(`activities?select=id&id=eq.${mine.id}`)).toEqual([]);
    expect(await admin(`activities?select=id&id=eq.${theirs.id}`)).toHaveLength(1);
  });
  it("lists newest first with every filter; values are numbers", async () => {
    const all = await fetchActivities(NONE, null);
    expect(all.map((a) => a.title)).toEqual(["Colleague's demo", "Colleague's call"]);
    expect(all[1].value).toBe(12.5);
    expect(all[0].can_edit).toBe(false);
    expect((await fetchActivities({ ...NONE, type: "call" }, null)).map((a) => a.title)).toEqual(["Colleague's call"]);
    expect((await fetchActivities({ ...NONE, outcome: "won" }, null)).map((a) => a.title)).toEqual(["Colleague's call"]);
    expect((await fetchActivities({ ...NONE, person: me.id }, null))).toEqual([]);
    expect((await fetchActivities({ ...NONE, person: colleague.id }, null))).toHaveLength(2);
    expect((await fetchActivities({ ...NONE, from: "2026-10-10" }, null)).map((a) => a.title)).toEqual(["Colleague's demo"]);
    expect((await fetchActivities({ ...NONE, to: "2026-10-10" }, null)).map((a) => a.title)).toEqual(["Colleague's call"]);
    expect((await fetchActivities(NONE, { at: all[0].occurred_at, id: all[0].id })).map((a) => a.title)).toEqual(["Colleague's call"]);
  });
  it("pages of 25, the next one from the last row", async () => {
    const o = activitiesQueryOptions(org.id, NONE);
    expect(o.queryKey).toEqual(["activities", org.id, "list", NONE]);
    expect(o.initialPageParam).toBeNull();
    const row = (i: number) => ({ id: `id${i}`, occurred_at: `t${i}` });
    const full = Array.from({ length: ACTIVITY_PAGE }, (_, i) => row(i));
    expect(ACTIVITY_PAGE).toBe(25);
    const next = o.getNextPageParam as unknown as (last: unknown[]) => unknown;
    expect(next(full)).toEqual({ at: "t24", id: "id24" });
    expect(next(full.slice(1))).toBeUndefined();
    expect(next([])).toBeUndefined();
    expect(await o.queryFn!({ pageParam: null } as never)).toHaveLength(2);
  });
  it("types and outcomes as people read them", () => {
    expect(MANUAL_TYPES).toEqual(["call", "email", "meeting", "demo", "proposal", "follow_up", "note"]);
    expect(TYPE_LABELS).toMatchObject({ follow_up: "Follow-up", sim: "SIM session", referral: "Referral" });
    expect(OUTCOME_LABELS).toMatchObject({ no_answer: "No answer", follow_up: "Follow-up needed" });
    expect(["won", "lost", "follow_up", "no_answer", "completed", null].map(outcomeKind)).toEqual(["good", "bad", "warn", "warn", "", ""]);
  });
});

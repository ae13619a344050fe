// @vitest-environment node
// Adding and removing trackers on the test stack, as a manager.
import { admin, addMember, createOrg, signIn } from "../../testing/stack";
import { beforeAll, describe, expect, it } from "vitest";
import { clientWith, invalidated, runHook } from "../../testing/hooks";
import { trackersQueryOptions } from "../../lib/queries/trackers";
import { useAddTracker, useRemoveTracker } from "./api/saveTracker";

let org: Awaited<ReturnType<typeof createOrg>>;
beforeAll(async () => {
  org = await createOrg();
  await signIn(await addMember(org.id, "manager"));
}, 60_000);

describe("trackers api on the stack", () => {
  it("adds one to the organization and removes it, invalidating the trackers; a bad one is refused", async () => {
    const keys = [trackersQueryOptions(org.id).queryKey, ["agents", org.id]];
    const qc = clientWith(keys);
    await runHook(() => useAddTracker(org.id), qc).mutateAsync({ name: "Refunds", terms: ["refund", "money back"], alert: true });
    expect(invalidated(qc, keys)).toEqual([keys[0]]);
    const [t] = await admin<{ id: string; name: string; terms: string[]; alert: boolean }[]>(`trackers?select=id,name,terms,alert&org_id=eq.${org.id}`);
    expect(t).toMatchObject({ name: "Refunds", terms: ["refund", "money back"], alert: true });
    await expect(runHook(() => useAddTracker(org.id)).mutateAsync({ name: "", terms: [], alert: false })).rejects.toBeTruthy();
    const qc2 = clientWith(keys);
    await runHook(() => useRemoveTracker(org.id), qc2).mutateAsync(t.id);
    expect(invalidated(qc2, keys)).toEqual([keys[0]]);
    expect(await admin(`trackers?select=id&org_id=eq.${org.id}`)).toEqual([]);
  });
});

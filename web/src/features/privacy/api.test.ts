// @vitest-environment node
// Data & privacy on the test stack, as the owner of an organization of the
// test's own: retention, legal holds, redaction, deletion requests.
import { admin, createOrg, signIn } from "../../testing/stack";
import { beforeAll, describe, expect, it } from "vitest";
import { clientWith, invalidated, runHook } from "../../testing/hooks";
import { deletionRequestsQueryOptions, fetchDeletionRequests } from "./api/getDeletionRequests";
import { fetchRetentionPolicy, retentionPolicyQueryOptions } from "./api/getRetentionPolicy";
import { REASON_MAX, usePlaceLegalHold } from "./api/placeLegalHold";
import { fetchRedactionTypes, PII_TYPES, redactionQueryOptions, useSaveRedactionTypes } from "./api/redaction";
import { useReleaseLegalHold } from "./api/releaseLegalHold";
import { requestDeletion, SUBJECT_MAX, useRequestDeletion } from "./api/requestDeletion";
import { setRetentionMonths, useSetRetentionMonths } from "./api/setRetentionMonths";

let org: Awaited<ReturnType<typeof createOrg>>;
let other: Awaited<ReturnType<typeof createOrg>>;
beforeAll(async () => {
  org = await createOrg();
  other = await createOrg();
  await signIn(org.owner);
}, 60_000);

describe("privacy api on the stack", () => {
  it("retention: the window is set (bounded), holds are placed and released", async () => {
    const keys = [retentionPolicyQueryOptions(org.id).queryKey, deletionRequestsQueryOptions(org.id).queryKey];
    const qc = clientWith(keys);
    await runHook(() => useSetRetentionMonths(org.id), qc).mutateAsync(18);
    expect(invalidated(qc, keys)).toEqual([keys[0]]);
    const p = await fetchRetentionPolicy(org.id);
    expect(p.retention_months).toBe(18);
    expect(p.on_hold).toBe(false);
    expect(p.holds).toEqual([]);
    await expect(setRetentionMonths(org.id, 0)).rejects.toMatchObject({ code: "SP400" });
    expect((await fetchRetentionPolicy(org.id)).retention_months).toBe(18);

    const qc2 = clientWith(keys);
    const holdId = await runHook(() => usePlaceLegalHold(org.id), qc2).mutateAsync("vitest: litigation");
    expect(invalidated(qc2, keys)).toEqual([keys[0]]);
    const held = await fetchRetentionPolicy(org.id);
    expect(held.on_hold).toBe(true);
    expect(held.holds.map((h) => [h.id, h.reason])).toEqual([[holdId, "vitest: litigation"]]);
    const qc3 = clientWith(keys);
    await runHook(() => useReleaseLegalHold(org.id), qc3).mutateAsync(holdId);
    expect(invalidated(qc3, keys)).toEqual([keys[0]]);
    expect((await fetchRetentionPolicy(org.id)).on_hold).toBe(false);
    await expect(fetchRetentionPolicy(other.id)).rejects.toBeTruthy();
    expect(REASON_MAX).toBe(500);
    expect(retentionPolicyQueryOptions(org.id).queryKey).toEqual(["retention-policy", org.id]);
  });
  it("redaction: every type until set, then the chosen ones in the list's order", async () => {
    const all = PII_TYPES.map((t) => t.value);
    expect(await fetchRedactionTypes(org.id)).toEqual(all);
    const keys = [redactionQueryOptions(org.id).queryKey, retentionPolicyQueryOptions(org.id).queryKey];
    const qc = clientWith(keys);
    await runHook(() => useSaveRedactionTypes(org.id), qc).mutateAsync(["EMAIL", "CARD"]);
    expect(invalidated(qc, keys)).toEqual([keys[0]]);
    expect(await fetchRedactionTypes(org.id)).toEqual(["CARD", "EMAIL"]);
    await expect(runHook(() => useSaveRedactionTypes(org.id)).mutateAsync(["NOPE" as never])).rejects.toBeTruthy();
    expect(await fetchRedactionTypes(crypto.randomUUID())).toEqual(all);
    expect(redactionQueryOptions(org.id).queryKey).toEqual(["privacy", org.id, "redaction"]);
  });
  it("deletion requests: newest first, the organization's only; polled while any is not completed", async () => {
    const keys = [deletionRequestsQueryOptions(org.id).queryKey, retentionPolicyQueryOptions(org.id).queryKey];
    const qc = clientWith(keys);
    const first = await runHook(() => useRequestDeletion(org.id), qc).mutateAsync({ kind: "phone", subject: "+14155550177" });
    expect(invalidated(qc, keys)).toEqual([keys[0]]);
    const second = await requestDeletion(org.id, "email", "gone@vitest.test");
    const list = await fetchDeletionRequests(org.id);
    expect(list.map((r) => [r.id, r.subject_kind])).toEqual([[second, "email"], [first, "phone"]]);
    expect(Object.keys(list[0]).sort()).toEqual(["completed_at", "id", "receipt", "requested_at", "status", "subject_kind"]);
    expect(await fetchDeletionRequests(other.id)).toEqual([]);
    await expect(requestDeletion(org.id, "email", "")).rejects.toBeTruthy();
    expect(SUBJECT_MAX).toBe(320);
    const o = deletionRequestsQueryOptions(org.id);
    expect(o.queryKey).toEqual(["deletion-requests", org.id]);
    const every = o.refetchInterval as unknown as (q: { state: { data?: { status: string }[] } }) => unknown;
    expect(every({ state: { data: [{ status: "completed" }, { status: "pending" }] } })).toBe(2000);
    expect(every({ state: { data: [{ status: "completed" }] } })).toBe(false);
    expect(every({ state: {} })).toBe(false);
    expect(await admin(`deletion_requests?select=id&org_id=eq.${org.id}`)).toHaveLength(2);
  });
});

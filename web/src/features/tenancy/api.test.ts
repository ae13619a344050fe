// @vitest-environment node
// The members screen's data layer on the test stack: the SPA's client signed in
// as the owner of an organization of the test's own; each write read back.
import { admin, addMember, createOrg, signIn } from "../../testing/stack";
import { QueryClient } from "@tanstack/react-query";
import { beforeAll, describe, expect, it } from "vitest";
import { clientWith, invalidated, runHook } from "../../testing/hooks";
import { membersQueryOptions } from "../../lib/queries/members";
import { useChangeMemberRole } from "./api/changeMemberRole";
import { fetchInvitations, invitationsQueryOptions, useInvitations } from "./api/getInvitations";
import { useInviteMember } from "./api/inviteMember";
import { useLeaveOrganization } from "./api/leaveOrganization";
import { useRemoveMember } from "./api/removeMember";
import { useRevokeInvitation } from "./api/revokeInvitation";

let org: Awaited<ReturnType<typeof createOrg>>;
let other: Awaited<ReturnType<typeof createOrg>>;
const roleOf = async (orgId: string, userId: string) =>
  (await admin<{ role: string }[]>(`memberships?select=role&org_id=eq.${orgId}&user_id=eq.${userId}`))[0]?.role ?? null;

beforeAll(async () => {
  org = await createOrg();
  other = await createOrg();
  await addMember(other.id, "manager", org.owner);
  await signIn(org.owner);
}, 60_000);

describe("tenancy api on the stack", () => {
  it("invites (the address trimmed) and lists pending invitations newest first; revoking removes one", async () => {
    const keys = [invitationsQueryOptions(org.id).queryKey, membersQueryOptions(org.id).queryKey];
    const qc = clientWith(keys);
    const invite = runHook(() => useInviteMember(org.id), qc);
    const first = await invite.mutateAsync({ email: "  first.invitee@vitest.test ", role: "agent" });
    expect(invalidated(qc, keys)).toEqual([keys[0]]);
    await runHook(() => useInviteMember(org.id)).mutateAsync({ email: "second.invitee@vitest.test", role: "manager" });
    expect(typeof first).toBe("string");
    const list = await fetchInvitations(org.id);
    expect(list.map((i) => [i.email, i.role])).toEqual([["second.invitee@vitest.test", "manager"], ["first.invitee@vitest.test", "agent"]]);
    expect(list[1].id).toBe(first);
    expect(Object.keys(list[0]).sort()).toEqual(["created_at", "email", "expires_at", "id", "role"]);
    // Revoked, accepted and expired invitations are not pending.
    const qc2 = clientWith(keys);
    await runHook(() => useRevokeInvitation(org.id), qc2).mutateAsync(first);
    expect(invalidated(qc2, keys)).toEqual([keys[0]]);
    await admin(`invitations?id=eq.${list[0].id}`, { method: "PATCH", body: JSON.stringify({ expires_at: new Date(Date.now() - 1000).toISOString() }) });
    expect(await fetchInvitations(org.id)).toEqual([]);
    expect(await fetchInvitations(other.id)).toEqual([]);
    expect(invitationsQueryOptions(org.id).queryKey).toEqual(["invitations", org.id]);
    const seeded = clientWith([invitationsQueryOptions(org.id).queryKey]);
    expect(runHook(() => useInvitations(org.id), seeded).data).toBe("cached");
    expect(runHook(() => useInvitations(org.id, false), new QueryClient()).fetchStatus).toBe("idle");
  });
  it("a refused invitation throws the database's error", async () => {
    await expect(runHook(() => useInviteMember(other.id)).mutateAsync({ email: "x@vitest.test", role: "owner" })).rejects.toMatchObject({ code: expect.any(String) });
  });
  it("changes a role and removes a member, invalidating the member list", async () => {
    const m = await addMember(org.id, "agent");
    const keys = [membersQueryOptions(org.id).queryKey, invitationsQueryOptions(org.id).queryKey];
    const qc = clientWith(keys);
    await runHook(() => useChangeMemberRole(org.id), qc).mutateAsync({ userId: m.id, role: "manager" });
    expect(await roleOf(org.id, m.id)).toBe("manager");
    expect(invalidated(qc, keys)).toEqual([keys[0]]);
    await expect(runHook(() => useChangeMemberRole(org.id)).mutateAsync({ userId: org.owner.id, role: "agent" })).rejects.toBeTruthy();
    expect(await roleOf(org.id, org.owner.id)).toBe("owner");
    const qc2 = clientWith(keys);
    await runHook(() => useRemoveMember(org.id), qc2).mutateAsync(m.id);
    expect(await roleOf(org.id, m.id)).toBeNull();
    expect(invalidated(qc2, keys)).toEqual([keys[0]]);
    await expect(runHook(() => useRemoveMember(org.id)).mutateAsync(org.owner.id)).rejects.toBeTruthy();
  });
  it("leaves an organization (the last owner may not)", async () => {
    await expect(runHook(() => useLeaveOrganization(org.id)).mutateAsync()).rejects.toBeTruthy();
    expect(await roleOf(org.id, org.owner.id)).toBe("owner");
    const keys = [membersQueryOptions(other.id).queryKey];
    const qc = clientWith(keys);
    await runHook(() => useLeaveOrganization(other.id), qc).mutateAsync();
    expect(await roleOf(other.id, org.owner.id)).toBeNull();
    expect(invalidated(qc, keys)).toEqual(keys);
  });
});

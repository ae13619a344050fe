// @vitest-environment node
// The agents screen's writes on the test stack (the SPA's client, signed in
// through Auth; RLS decides), each read back.
import { admin, addMember, createAgent, createOrg, signIn } from "../../testing/stack";
import { beforeAll, describe, expect, it } from "vitest";
import { clientWith, invalidated, runHook } from "../../testing/hooks";
import { agentsQueryOptions } from "../../lib/queries/agents";
import { membersQueryOptions } from "../../lib/queries/members";
import { deleteAgent, useDeleteAgent } from "./api/deleteAgent";
import { saveAgent, useSaveAgent } from "./api/saveAgent";

let org: Awaited<ReturnType<typeof createOrg>>;
let other: Awaited<ReturnType<typeof createOrg>>;
const row = async (id: string) =>
  (await admin<Record<string, unknown>[]>(`agents?select=org_id,name,phone,user_id,active&id=eq.${id}`))[0] ?? null;
const keys = () => [agentsQueryOptions(org.id).queryKey, membersQueryOptions(org.id).queryKey];

beforeAll(async () => {
  org = await createOrg();
  other = await createOrg();
  await signIn(org.owner);
}, 60_000);

describe("agents api on the stack", () => {
  it("adds an agent with defaults, answers the saved row, invalidates the agents", async () => {
    const qc = clientWith(keys());
    const saved = await runHook(() => useSaveAgent(org.id), qc).mutateAsync({ name: "Nia New" });
    expect(invalidated(qc, keys())).toEqual([keys()[0]]);
    expect(saved).toMatchObject({ org_id: org.id, name: "Nia New", phone: null, user_id: null, active: true });
    expect(Object.keys(saved).sort()).toEqual(["active", "created_at", "id", "name", "org_id", "phone", "user_id"]);
    expect(await row(saved.id)).toEqual({ org_id: org.id, name: "Nia New", phone: null, user_id: null, active: true });
    const member = await addMember(org.id, "agent");
    const full = await saveAgent(org.id, { name: "Fay Full", phone: "+14155550100", user_id: member.id, active: false });
    expect(await row(full.id)).toEqual({ org_id: org.id, name: "Fay Full", phone: "+14155550100", user_id: member.id, active: false });
  });
  it("edits only the given fields of the organization's own agent", async () => {
    const a = await createAgent(org.id, "Eve Edit");
    const saved = await saveAgent(org.id, { id: a.id, active: false });
    expect(saved.id).toBe(a.id);
    expect(await row(a.id)).toEqual({ org_id: org.id, name: "Eve Edit", phone: a.phone, user_id: null, active: false });
    await saveAgent(org.id, { id: a.id, name: "Eve Renamed" });
    expect(await row(a.id)).toMatchObject({ name: "Eve Renamed", active: false });
    // Another organization's agent (the owner is no member there): nothing changes, an error.
    const foreign = await createAgent(other.id, "Fred Foreign");
    await expect(saveAgent(org.id, { id: foreign.id, name: "Hijacked" })).rejects.toBeTruthy();
    await expect(saveAgent(other.id, { id: foreign.id, name: "Hijacked" })).rejects.toBeTruthy();
    expect(await row(foreign.id)).toMatchObject({ name: "Fred Foreign" });
  });
  it("deletes one agent; one it cannot reach is an error and stays", async () => {
    const a = await createAgent(org.id, "Dee Delete");
    const b = await createAgent(org.id, "Kay Keep");
    const qc = clientWith(keys());
    await runHook(() => useDeleteAgent(org.id), qc).mutateAsync(a.id);
    expect(invalidated(qc, keys())).toEqual([keys()[0]]);
    expect(await row(a.id)).toBeNull();
    expect(await row(b.id)).not.toBeNull();
    const foreign = await createAgent(other.id, "Fred Foreign");
    await expect(deleteAgent(org.id, foreign.id)).rejects.toThrow("only owners and admins can delete agents");
    await expect(deleteAgent(other.id, foreign.id)).rejects.toThrow("only owners and admins can delete agents");
    expect(await row(foreign.id)).not.toBeNull();
  });
});

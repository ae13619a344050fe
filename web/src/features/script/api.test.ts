// @vitest-environment node
// The call script's read and save on the test stack, as a manager of an
// organization of the test's own.
import { admin, addMember, createOrg, signIn } from "../../testing/stack";
import { QueryClient } from "@tanstack/react-query";
import { beforeAll, describe, expect, it } from "vitest";
import { runHook } from "../../testing/hooks";
import { defaultScriptQueryOptions, fetchDefaultScript, useDefaultScript } from "./api/getDefaultScript";
import { saveScript, useSaveScript } from "./api/saveScript";

let org: Awaited<ReturnType<typeof createOrg>>;
let other: Awaited<ReturnType<typeof createOrg>>;

beforeAll(async () => {
  org = await createOrg();
  other = await createOrg();
  await signIn(await addMember(org.id, "manager"));
}, 60_000);

describe("call script api on the stack", () => {
  it("none yet: null; saving creates the default script; saving again updates it", async () => {
    expect(await fetchDefaultScript(org.id)).toBeNull();
    const qc = new QueryClient();
    const key = defaultScriptQueryOptions(org.id).queryKey;
    qc.setQueryData(key, null);
    const created = await runHook(() => useSaveScript(org.id), qc).mutateAsync({
      name: "Inbound", items: [{ id: "greet", label: "Greet" }, { id: "close", label: "Close", description: "Ask for it" }],
    });
    expect(created).toMatchObject({ name: "Inbound", items: [{ id: "greet", label: "Greet" }, { id: "close", label: "Close", description: "Ask for it" }] });
    expect(qc.getQueryData(key)).toEqual(created);
    expect(qc.getQueryState(key)?.isInvalidated).toBe(true);
    expect(await admin(`call_scripts?select=name,is_default&org_id=eq.${org.id}`)).toEqual([{ name: "Inbound", is_default: true }]);
    const read = await fetchDefaultScript(org.id);
    expect(read).toEqual(created);
    expect(Object.keys(read!).sort()).toEqual(["id", "items", "name", "updated_at"]);

    const updated = await saveScript(org.id, { id: created.id, name: "Inbound v2", items: [{ id: "close", label: "Close" }] });
    expect(updated.id).toBe(created.id);
    expect(await fetchDefaultScript(org.id)).toMatchObject({ id: created.id, name: "Inbound v2", items: [{ id: "close", label: "Close" }] });
    expect(await admin(`call_scripts?select=name&org_id=eq.${org.id}`)).toEqual([{ name: "Inbound v2" }]);
  });
  it("reads only the default script, drops empty descriptions", async () => {
    await admin("call_scripts", { method: "POST", body: JSON.stringify({ org_id: other.id, name: "Not mine", is_default: true, items: [] }) });
    await expect(saveScript(other.id, { name: "Hijack", items: [] })).rejects.toBeTruthy();
    const id = (await fetchDefaultScript(org.id))!.id;
    await admin(`call_scripts?id=eq.${id}`, { method: "PATCH", body: JSON.stringify({ items: [{ id: "a", label: "A", description: "" }, { id: "b", label: "B", description: null }] }) });
    expect((await fetchDefaultScript(org.id))!.items).toEqual([{ id: "a", label: "A" }, { id: "b", label: "B" }]);
    await admin("call_scripts", { method: "POST", body: JSON.stringify({ org_id: org.id, name: "Spare", is_default: false, items: [] }) });
    expect((await fetchDefaultScript(org.id))!.id).toBe(id);
    expect(defaultScriptQueryOptions(org.id).queryKey).toEqual(["call_scripts", org.id, "default"]);
    const qc = new QueryClient();
    qc.setQueryData(defaultScriptQueryOptions(org.id).queryKey, "cached" as never);
    expect(runHook(() => useDefaultScript(org.id), qc).data).toBe("cached");
  });
});

// @vitest-environment node
// The numbers screen's data layer on the test stack: the phone-numbers Edge
// Function (search, buy, release through the Twilio stand-in) and PostgREST,
// as the owner of an organization of the test's own.
import { admin, createAgent, createOrg, signIn } from "../../testing/stack";
import { QueryClient } from "@tanstack/react-query";
import { beforeAll, describe, expect, it } from "vitest";
import { clientWith, invalidated, runHook } from "../../testing/hooks";
import { entitlementsQueryOptions, type Entitlements } from "../../lib/queries/entitlements";
import { FunctionError } from "../../lib/functions";
import { assignNumberAgent, useAssignNumberAgent } from "./api/assignNumberAgent";
import { useBuyNumber } from "./api/buyNumber";
import { toNumberUsage, useNumberUsage } from "./api/getNumberUsage";
import { fetchPhoneNumbers, phoneNumbersQueryOptions, usePhoneNumbers } from "./api/getPhoneNumbers";
import { useReleaseNumber } from "./api/releaseNumber";
import { availableNumbersBaseKey, availableNumbersQueryOptions, searchAvailableNumbers, useAvailableNumbers } from "./api/searchAvailableNumbers";

let org: Awaited<ReturnType<typeof createOrg>>;
let other: Awaited<ReturnType<typeof createOrg>>;
let agent: { id: string };
const numberRow = async (id: string) =>
  (await admin<{ status: string; agent_id: string | null; friendly_name: string | null }[]>(`phone_numbers?select=status,agent_id,friendly_name&id=eq.${id}`))[0];

beforeAll(async () => {
  org = await createOrg();
  other = await createOrg();
  agent = await createAgent(org.id, "Ned Numbers");
  await signIn(org.owner);
}, 60_000);

describe("numbers api on the stack", () => {
  it("searches, buys (agent and trimmed name), lists, reassigns and releases", async () => {
    const found = await searchAvailableNumbers(org.id, "415");
    expect(found.length).toBeGreaterThan(1);
    expect(found[0].e164).toMatch(/^\+1415\d{7}$/);
    const keys = [phoneNumbersQueryOptions(org.id).queryKey, entitlementsQueryOptions(org.id).queryKey, [...availableNumbersBaseKey(org.id), "415"], ["agents", org.id]];
    const qc = clientWith(keys);
    const bought = await runHook(() => useBuyNumber(org.id), qc).mutateAsync({ e164: found[0].e164, agentId: agent.id, friendlyName: "  Front desk " });
    expect(invalidated(qc, keys)).toEqual(keys.slice(0, 3));
    expect(bought).toMatchObject({ e164: found[0].e164, agent_id: agent.id, friendly_name: "Front desk", status: "active", org_id: org.id });
    const plain = await runHook(() => useBuyNumber(org.id)).mutateAsync({ e164: found[1].e164, agentId: null, friendlyName: "   " });
    expect(plain).toMatchObject({ agent_id: null, status: "active" });
    expect(plain.friendly_name).not.toBe("   ");

    // Reassign: to no one, then back.
    const qc2 = clientWith(keys);
    await runHook(() => useAssignNumberAgent(org.id), qc2).mutateAsync({ id: bought.id, agentId: null });
    expect(invalidated(qc2, keys)).toEqual([keys[0]]);
    expect((await numberRow(bought.id)).agent_id).toBeNull();
    await assignNumberAgent({ id: bought.id, agentId: agent.id });
    expect((await numberRow(bought.id)).agent_id).toBe(agent.id);

    // Release: listed last from then on.
    const qc3 = clientWith(keys);
    const released = await runHook(() => useReleaseNumber(org.id), qc3).mutateAsync(bought.id);
    expect(invalidated(qc3, keys)).toEqual(keys.slice(0, 2));
    expect(released).toMatchObject({ id: bought.id, status: "released" });
    expect((await numberRow(bought.id)).status).toBe("released");
    expect((await numberRow(plain.id)).status).toBe("active");
    const list = await fetchPhoneNumbers(org.id);
    expect(list.map((n) => [n.id, n.status])).toEqual([[plain.id, "active"], [bought.id, "released"]]);
    expect(Object.keys(list[0]).sort()).toEqual(["agent_id", "created_at", "e164", "friendly_name", "id", "org_id", "provider_sid", "status"]);
    expect(await fetchPhoneNumbers(other.id)).toEqual([]);
  });
  it("refusals: another organization's number cannot be reassigned; a bad search is the function's error", async () => {
    const [foreign] = await admin<{ id: string }[]>("phone_numbers", { method: "POST", body: JSON.stringify({
      org_id: other.id, e164: `+1628${String(Date.now()).slice(-7)}`, provider_sid: `PN${crypto.randomUUID().replaceAll("-", "")}`,
    }) });
    await expect(assignNumberAgent({ id: foreign.id, agentId: null })).rejects.toThrow("you may no longer have access to it");
    await expect(runHook(() => useReleaseNumber(other.id)).mutateAsync(foreign.id)).rejects.toBeInstanceOf(FunctionError);
    expect((await numberRow(foreign.id)).status).toBe("active");
    await expect(searchAvailableNumbers(org.id, "12")).rejects.toMatchObject({ status: 400 });
  });
  it("query options and usage", () => {
    const o = availableNumbersQueryOptions(org.id, "415");
    expect(o.queryKey).toEqual(["available_numbers", org.id, "415"]);
    expect([o.enabled, o.staleTime, o.gcTime, o.retry, o.refetchOnWindowFocus]).toEqual([true, 0, 60_000, false, false]);
    expect(availableNumbersQueryOptions(org.id, "115").enabled).toBe(false);
    expect(availableNumbersQueryOptions(org.id, "4150").enabled).toBe(false);
    expect(availableNumbersQueryOptions(org.id, "41").enabled).toBe(false);
    expect(phoneNumbersQueryOptions(org.id).queryKey).toEqual(["phone_numbers", org.id]);
    const e = { plan: "starter", plan_name: "Starter", limits: { phone_numbers: 2 }, usage: { phone_numbers: 2 } } as unknown as Entitlements;
    expect(toNumberUsage(e)).toEqual({ plan: "starter", planName: "Starter", used: 2, limit: 2, atLimit: true });
    expect(toNumberUsage({ ...e, usage: { ...e.usage, phone_numbers: 1 } }).atLimit).toBe(false);
    expect(toNumberUsage({ ...e, limits: { ...e.limits, phone_numbers: null } })).toMatchObject({ limit: null, atLimit: false });
    const qc = new QueryClient();
    qc.setQueryData(entitlementsQueryOptions(org.id).queryKey, e);
    qc.setQueryData(phoneNumbersQueryOptions(org.id).queryKey, "cached" as never);
    qc.setQueryData(availableNumbersQueryOptions(org.id, "415").queryKey, "offers" as never);
    expect(runHook(() => useNumberUsage(org.id), qc).data).toEqual(toNumberUsage(e));
    expect(runHook(() => usePhoneNumbers(org.id), qc).data).toBe("cached");
    expect(runHook(() => useAvailableNumbers(org.id, "415"), qc).data).toBe("offers");
  });
});

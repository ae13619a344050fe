// @vitest-environment node
// The staff console's data layer on the test stack, signed in as a SalesPulse
// staff member (a platform admin) looking at a tenant of the test's own: the
// margins, the tenant search and page, and the logged actions (retry a dead
// job, suspend, reactivate, cap the budget); a tenant's owner is refused.
import { admin, createOrg, createUser, signIn, type User } from "../../testing/stack";
import { beforeAll, describe, expect, it } from "vitest";
import { clientWith, invalidated, runHook } from "../../testing/hooks";
import { fetchTenant, tenantMutationKeys, tenantQueryOptions } from "./api/getTenant";
import { fetchMarginReport, marginReportQueryOptions, totalsOf } from "./api/getTenantMargins";
import { useReactivateTenant } from "./api/reactivateTenant";
import { useRetryJob } from "./api/retryJob";
import { searchTenants, SEARCH_MAX, tenantsQueryOptions } from "./api/searchTenants";
import { useSetBudgetCap } from "./api/setBudgetCap";
import { useSuspendTenant } from "./api/suspendTenant";

let org: Awaited<ReturnType<typeof createOrg>>;
let staff: User;
let jobId: number;
const tag = Math.random().toString(36).slice(2, 8);
const today = new Date().toISOString().slice(0, 10);
const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
const actions = async () => (await admin<{ action: string }[]>(`staff_actions?select=action&org_id=eq.${org.id}&action=neq.view_tenant&order=id`)).map((a) => a.action);
const keys = () => [...tenantMutationKeys(org.id), marginReportQueryOptions(monthAgo, today).queryKey];

beforeAll(async () => {
  org = await createOrg({ name: `Staff vitest ${tag}` });
  await admin("provider_costs", { method: "POST", body: JSON.stringify([
    { org_id: org.id, provider: "openai", item: "gpt-4o-mini", quantity: 1000, unit_price_usd: 0.0015, cost_usd: 1.5, source_type: "insight", source_id: crypto.randomUUID() },
    { org_id: org.id, provider: "twilio", item: "transcription", quantity: 2, unit_price_usd: 0.25, cost_usd: 0.5, source_type: "call", source_id: crypto.randomUUID() },
  ]) });
  [{ id: jobId }] = await admin<{ id: number }[]>("jobs", { method: "POST", body: JSON.stringify({
    kind: "analyze_call", org_id: org.id, status: "dead", attempts: 5, last_error: "vitest: provider down", finished_at: new Date().toISOString(),
  }) });
  staff = await createUser("staff");
  await admin("platform_admins", { method: "POST", body: JSON.stringify({ user_id: staff.id, note: "vitest" }) });
  await signIn(staff);
}, 60_000);

describe("staff api on the stack", () => {
  it("margins: every tenant with its costs and revenue, the goal and the business's totals", async () => {
    const report = await fetchMarginReport(monthAgo, today);
    const mine = report.tenants.find((t) => t.org_id === org.id)!;
    expect(mine).toMatchObject({ org_name: org.name, revenue_usd: 0, provider_cost_usd: 2, gross_margin: null, subscription_status: "none" });
    expect(typeof mine.calls).toBe("number");
    expect(report.goal).toBe(0.8);
    expect(report.totals).toEqual(totalsOf(report.tenants));
    expect(totalsOf([{ ...mine, revenue_usd: 10, provider_cost_usd: 1, meets_goal: true }, { ...mine, revenue_usd: 10, provider_cost_usd: 9, meets_goal: false }]))
      .toEqual({ revenue: 20, cost: 10, margin: 0.5, belowGoal: 1 });
    expect(marginReportQueryOptions(monthAgo, today).queryKey).toEqual(["staff", "margins", monthAgo, today]);
  });
  it("search finds the tenant by name; its page has its members, costs and the dead job", async () => {
    const rows = await searchTenants(`Staff vitest ${tag}`);
    expect(rows.map((r) => [r.org_id, r.name, r.members, r.suspended_at])).toEqual([[org.id, org.name, 1, null]]);
    expect(await searchTenants(`no such tenant ${tag}`)).toEqual([]);
    expect(SEARCH_MAX).toBe(100);
    expect(tenantsQueryOptions("x").queryKey).toEqual(["staff", "tenants", "x"]);
    const t = await fetchTenant(org.id);
    expect(t.org).toMatchObject({ id: org.id, name: org.name, suspended_at: null });
    expect(t.members).toEqual([{ user_id: org.owner.id, email: org.owner.email, role: "owner" }]);
    expect(t.cost_usd).toBe(2);
    expect(t.dead_jobs.map((j) => [j.id, j.last_error])).toEqual([[jobId, "vitest: provider down"]]);
    expect(tenantQueryOptions(org.id).queryKey).toEqual(["staff", "tenant", org.id]);
  });
  it("retries the dead job, suspends and reactivates the tenant and caps its budget; each refreshes its page and the list and is logged", async () => {
    const [page, list] = keys();
    let qc = clientWith(keys());
    await runHook(() => useRetryJob(org.id), qc).mutateAsync(jobId);
    expect(invalidated(qc, keys())).toEqual([page, list]);
    expect((await admin<{ status: string }[]>(`jobs?select=status&id=eq.${jobId}`))[0].status).not.toBe("dead");

    qc = clientWith(keys());
    await runHook(() => useSuspendTenant(org.id), qc).mutateAsync("vitest: unpaid");
    expect(invalidated(qc, keys())).toEqual([page, list]);
    const suspended = (await fetchTenant(org.id)).org;
    expect(suspended.suspended_reason).toBe("vitest: unpaid");
    expect(suspended.suspended_at).not.toBeNull();
    expect(typeof await runHook(() => useReactivateTenant(org.id)).mutateAsync()).toBe("number");
    expect((await fetchTenant(org.id)).org.suspended_at).toBeNull();

    await runHook(() => useSetBudgetCap(org.id)).mutateAsync({ monthlyUsd: 50, switchAt: 0.8 });
    expect((await fetchTenant(org.id)).budget).toMatchObject({ cap_usd: 50, switch_at: 0.8 });
    expect(await admin(`budget_caps?select=monthly_usd&org_id=eq.${org.id}`)).toEqual([{ monthly_usd: 50 }]);
    expect(await actions()).toEqual(["retry_job", "suspend", "reactivate", "set_budget_cap"]);
  });
  it("a tenant's owner is refused everywhere (SP403), and nothing is logged", async () => {
    await signIn(org.owner);
    try {
      await expect(fetchTenant(org.id)).rejects.toMatchObject({ code: "SP403" });
      await expect(searchTenants(org.name)).rejects.toMatchObject({ code: "SP403" });
      await expect(fetchMarginReport(monthAgo, today)).rejects.toMatchObject({ code: "SP403" });
      await expect(runHook(() => useSuspendTenant(org.id)).mutateAsync("not mine")).rejects.toMatchObject({ code: "SP403" });
      expect(await actions()).toEqual(["retry_job", "suspend", "reactivate", "set_budget_cap"]);
    } finally {
      await signIn(staff);
    }
  });
});

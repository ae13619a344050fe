// @vitest-environment node
// The billing screen's data layer on the test stack, as the owner of an
// organization of the test's own: plans, subscription, invoices, budget,
// the analysis model, and Stripe (its stand-in) through our functions.
import { admin, addMember, createOrg, signIn } from "../../testing/stack";
import { beforeAll, describe, expect, it } from "vitest";
import { clientWith, invalidated, runHook } from "../../testing/hooks";
import { entitlementsQueryOptions } from "../../lib/queries/entitlements";
import { analysisModelQueryOptions, fetchAnalysisModel, setAnalysisModel, useSetAnalysisModel } from "./api/analysisModel";
import { budgetStatusQueryOptions, fetchBudgetStatus } from "./api/getBudgetStatus";
import { fetchInvoices, INVOICES_SHOWN, invoicesQueryOptions } from "./api/getInvoices";
import { fetchPlans, plansQueryOptions } from "./api/getPlans";
import { fetchSubscription, isRunning, type Subscription, subscriptionQueryOptions } from "./api/getSubscription";
import { useOpenBillingPortal } from "./api/openBillingPortal";
import { CHECKOUT_KEY, startCheckout, useStartCheckout } from "./api/startCheckout";
import { useUpdateSeats } from "./api/updateSeats";

let org: Awaited<ReturnType<typeof createOrg>>;
let other: Awaited<ReturnType<typeof createOrg>>;

beforeAll(async () => {
  org = await createOrg({ room: false });
  other = await createOrg();
  await signIn(org.owner);
}, 60_000);

describe("billing api on the stack", () => {
  it("plans: the active ones in display order, with the columns the screen reads", async () => {
    const plans = await fetchPlans();
    const db = await admin<{ key: string; sort: number; price_monthly_cents: number }[]>("plans?select=key,sort,price_monthly_cents&active=eq.true");
    const expected = [...db].sort((a, b) => a.sort - b.sort || a.price_monthly_cents - b.price_monthly_cents).map((p) => p.key);
    expect(plans.map((p) => p.key)).toEqual(expected);
    expect(plans.map((p) => p.key)).toContain("free");
    expect(Object.keys(plans[0]).sort()).toEqual(["description", "features", "id", "key", "limits", "name", "price_monthly_cents", "price_yearly_cents",
      "seats_included", "sort", "stripe_price_metered", "stripe_price_monthly", "stripe_price_yearly"]);
    expect(plansQueryOptions().queryKey).toEqual(["plans"]);
    expect(plansQueryOptions().staleTime).toBe(300_000);
  });
  it("no subscription yet; invoices newest first, at most 12, the organization's only", async () => {
    expect(await fetchSubscription(org.id)).toBeNull();
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString();
    await admin("invoices", { method: "POST", body: JSON.stringify(Array.from({ length: 14 }, (_, i) => ({
      org_id: org.id, stripe_invoice_id: `in_vitest_${org.id.slice(0, 8)}_${i}`, status: "paid", last_event_at: at(i), amount_due_cents: 100 * i,
    }))) });
    await admin("invoices", { method: "POST", body: JSON.stringify({ org_id: other.id, stripe_invoice_id: `in_vitest_other_${other.id.slice(0, 8)}`, status: "paid", last_event_at: at(30) }) });
    const inv = await fetchInvoices(org.id);
    expect(INVOICES_SHOWN).toBe(12);
    expect(inv).toHaveLength(12);
    expect(inv[0].stripe_invoice_id).toMatch(/_13$/);
    expect(inv[11].stripe_invoice_id).toMatch(/_2$/);
    expect(Object.keys(inv[0]).sort()).toEqual(["amount_due_cents", "amount_paid_cents", "currency", "hosted_invoice_url", "last_event_at", "number",
      "paid_at", "period_end", "period_start", "status", "stripe_invoice_id"]);
    expect(invoicesQueryOptions(org.id).queryKey).toEqual(["invoices", org.id]);
    expect(subscriptionQueryOptions(org.id).queryKey).toEqual(["subscription", org.id]);
    expect(await invoicesQueryOptions(org.id).queryFn!({} as never)).toEqual(inv);
  });
  it("a running subscription is active, trialing or past due, with a Stripe id", () => {
    const s = (status: string, id: string | null = "sub_1") => ({ status, stripe_subscription_id: id }) as Subscription;
    expect(["active", "trialing", "past_due", "canceled", "incomplete"].map((x) => isRunning(s(x)))).toEqual([true, true, true, false, false]);
    expect(isRunning(s("active", null))).toBe(false);
    expect(isRunning(null)).toBe(false);
    expect(isRunning(undefined)).toBe(false);
  });
  it("the analysis model: options, set, back to the plan's default", async () => {
    const o = await fetchAnalysisModel(org.id);
    expect(o.selected).toBeNull();
    expect(o.models).toContain(o.plan_default);
    const keys = [analysisModelQueryOptions(org.id).queryKey, budgetStatusQueryOptions(org.id).queryKey];
    const qc = clientWith(keys);
    const other = o.models.find((m) => m !== o.plan_default)!;
    await runHook(() => useSetAnalysisModel(org.id), qc).mutateAsync(other);
    expect(invalidated(qc, keys)).toEqual([keys[0]]);
    expect((await fetchAnalysisModel(org.id)).selected).toBe(other);
    await setAnalysisModel(org.id, null);
    expect((await fetchAnalysisModel(org.id)).selected).toBeNull();
    await expect(setAnalysisModel(org.id, "no-such-model")).rejects.toBeTruthy();
    await expect(fetchAnalysisModel(crypto.randomUUID())).rejects.toBeTruthy();
    expect(analysisModelQueryOptions(org.id).queryKey).toEqual(["analysis-model", org.id]);
  });
  it("the budget: nothing spent, no cap", async () => {
    const b = await fetchBudgetStatus(org.id);
    expect(b).toMatchObject({ spent_usd: 0, notice: null });
    expect(budgetStatusQueryOptions(org.id).queryKey).toEqual(["budget-status", org.id]);
    await expect(fetchBudgetStatus(other.id)).rejects.toBeTruthy();
  });
  it("Checkout, seats and the portal through the Stripe stand-in", async () => {
    const stored = new Map<string, string>();
    (globalThis as Record<string, unknown>).sessionStorage = { setItem: (k: string, v: string) => stored.set(k, v) };
    const urls: string[] = [];
    const { url } = await runHook(() => useStartCheckout(org.id, (u) => urls.push(u))).mutateAsync({ plan: "starter", interval: "month" });
    expect(url).toMatch(/^http/);
    expect(urls).toEqual([url]);
    expect(JSON.parse(stored.get(CHECKOUT_KEY)!)).toEqual({ orgId: org.id, plan: "starter" });
    await expect(startCheckout(org.id, { plan: "no-such-plan", interval: "month" })).rejects.toMatchObject({ status: 400 });
    // No subscription yet: a seat change is refused with the function's error; both reads are refreshed anyway.
    const keys = [subscriptionQueryOptions(org.id).queryKey, entitlementsQueryOptions(org.id).queryKey, invoicesQueryOptions(org.id).queryKey];
    const qc = clientWith(keys);
    await expect(runHook(() => useUpdateSeats(org.id), qc).mutateAsync(3)).rejects.toMatchObject({ status: expect.any(Number) });
    expect(invalidated(qc, keys)).toEqual(keys.slice(0, 2));
    const portal: string[] = [];
    // The customer Checkout created has a portal even before it is paid.
    const opened = await runHook(() => useOpenBillingPortal(org.id, (u) => portal.push(u))).mutateAsync();
    expect(opened.url).toMatch(/\/portal\//);
    expect(portal).toEqual([opened.url]);
    await addMember(other.id, "agent", org.owner);
    await expect(startCheckout(other.id, { plan: "starter", interval: "month" })).rejects.toMatchObject({ status: 403 });
  });
});

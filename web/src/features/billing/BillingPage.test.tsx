// The billing screen with supabase-js and the Edge Function calls stood in for
// (third-party boundary): usage bars, banners, Checkout, Portal, seats, and
// the return from Checkout.
import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { callFunction, FunctionError } from "../../lib/functions";
import { CHECKOUT_KEY } from "./api/startCheckout";
import { BillingPage } from "./components/BillingPage";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);
vi.mock("../../lib/functions", async (original) => (await import("../../testing/functions")).functionsModule(original));

const ORG = "org-1";
const fn = vi.mocked(callFunction);

const PLANS = [
  {
    id: "p2", key: "starter", name: "Starter", description: "For small teams.", price_monthly_cents: 4900, price_yearly_cents: 49000,
    seats_included: 5, limits: { analyzed_minutes_per_month: 1000, phone_numbers: 3, sim_sessions_per_month: 100 }, features: ["call_insights", "coaching"],
    sort: 1, stripe_price_monthly: "price_starter_monthly", stripe_price_yearly: "price_starter_yearly", stripe_price_metered: "price_analyzed_minutes",
  },
  {
    id: "p1", key: "free", name: "Free", description: "Try it.", price_monthly_cents: 0, price_yearly_cents: 0, seats_included: 3,
    limits: { analyzed_minutes_per_month: 60, phone_numbers: 1, sim_sessions_per_month: 10 }, features: ["call_insights"], sort: 0,
    stripe_price_monthly: null, stripe_price_yearly: null, stripe_price_metered: null,
  },
];

function entitlements(over: Record<string, unknown> = {}) {
  return {
    plan: "free", plan_name: "Free", status: "none", paid: false, in_grace: false, seats: 3,
    limits: { analyzed_minutes_per_month: 60, phone_numbers: 1, sim_sessions_per_month: 10 },
    features: ["call_insights"], metered: false, current_period_end: null, trial_end: null, cancel_at: null,
    usage: { analyzed_minutes: 42.5, phone_numbers: 1, members: 2, pending_invitations: 1 },
    ...over,
  };
}

const redirect = vi.fn();

const renderPage = (url = "/app/billing") => renderScreen(<BillingPage redirect={redirect} />, { url });

let ent = entitlements();
let sub: Record<string, unknown> | null = null;

beforeEach(() => {
  db.reset();
  fn.mockReset();
  redirect.mockReset();
  sessionStorage.clear();
  ent = entitlements();
  sub = null;
  db.signIn("u-1", "owner");
  db.on("rpc:org_entitlements", () => ({ data: ent, error: null }));
  db.on("plans", () => ({ data: PLANS, error: null }));
  db.on("subscriptions", () => ({ data: sub, error: null }));
  db.on("rpc:analysis_model_options", () => ({ data: { models: ["gpt-4o-mini", "gpt-4o"], plan_default: "gpt-4o-mini", selected: null }, error: null }));
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const running = (over: Record<string, unknown> = {}) => ({
  status: "active", seats: 6, billing_interval: "month", stripe_customer_id: "cus_1", stripe_subscription_id: "sub_1",
  current_period_end: "2026-03-01T00:00:00Z", cancel_at_period_end: false, trial_end: null,
  latest_invoice_status: "paid", latest_invoice_url: "https://invoice.stripe.test/i/1", latest_invoice_amount_cents: 29400,
  ...over,
});

describe("BillingPage", () => {
  it("shows the plan, its status and usage against each limit as progress bars", async () => {
    renderPage();
    expect((await screen.findByTestId("current-plan")).textContent).toBe("Free");
    expect(screen.getByTestId("plan-status").textContent).toBe("No subscription");

    const minutes = screen.getByTestId("usage-analyzed_minutes");
    const bar = within(minutes).getByRole("progressbar") as HTMLProgressElement;
    expect([bar.value, bar.max]).toEqual([42.5, 60]);
    expect(minutes.textContent).toContain("42.5 of 60 minutes");
    expect(bar.getAttribute("aria-labelledby")).toBeTruthy();

    const numbers = screen.getByTestId("usage-phone_numbers");
    expect((within(numbers).getByRole("progressbar") as HTMLProgressElement).value).toBe(1);
    expect(numbers.textContent).toContain("1 of 1 numbers");
    expect(numbers.textContent).toMatch(/At the plan's limit/);

    const seats = screen.getByTestId("usage-members");
    expect([(within(seats).getByRole("progressbar") as HTMLProgressElement).value, (within(seats).getByRole("progressbar") as HTMLProgressElement).max]).toEqual([3, 3]);
    expect(seats.textContent).toContain("3 of 3 seats");
  });

  it("plan cards: sorted, price per seat per month, included seats, limits, features", async () => {
    renderPage();
    const cards = await screen.findAllByTestId(/^plan-(free|starter)$/);
    expect(cards.map((c) => c.getAttribute("data-testid"))).toEqual(["plan-free", "plan-starter"]);
    const starter = cards[1];
    expect(starter.textContent).toContain("$49 per seat / month");
    expect(starter.textContent).toContain("5 seats included");
    expect(starter.textContent).toContain("1,000 analyzed minutes / month");
    expect(starter.textContent).toContain("3 phone numbers");
    expect(starter.textContent).toContain("Coaching");
    expect(within(cards[0]).getByText("Current plan")).toBeTruthy();
    expect(within(cards[0]).queryByRole("button")).toBeNull();
    fireEvent.click(screen.getByLabelText(/Yearly/));
    expect(starter.textContent).toContain("$40.83 per seat / month");
  });

  it("Choose → stripe-checkout with the plan and interval, then off to Stripe", async () => {
    fn.mockResolvedValue({ url: "https://checkout.stripe.test/c/cs_1" });
    renderPage();
    fireEvent.click(await screen.findByLabelText(/Yearly/));
    const choose = screen.getByRole("button", { name: "Choose Starter" });
    expect(choose.getAttribute("data-plan")).toBe("starter");
    fireEvent.click(choose);
    await waitFor(() => expect(redirect).toHaveBeenCalledWith("https://checkout.stripe.test/c/cs_1"));
    expect(fn).toHaveBeenCalledWith("stripe-checkout", { org_id: ORG, plan: "starter", interval: "year" });
    expect(JSON.parse(sessionStorage.getItem(CHECKOUT_KEY)!)).toEqual({ orgId: ORG, plan: "starter" });
  });

  it("a refused Checkout is explained and nothing opens", async () => {
    fn.mockRejectedValue(new FunctionError(409, "already_subscribed", "The organization has a subscription: change it in the billing portal"));
    renderPage();
    fireEvent.click(await screen.findByRole("button", { name: "Choose Starter" }));
    expect(await screen.findByText(/change it in the billing portal/)).toBeTruthy();
    expect(redirect).not.toHaveBeenCalled();
  });

  it("past_due: a payment-failed banner whose Manage button opens the portal", async () => {
    ent = entitlements({ plan: "starter", plan_name: "Starter", status: "past_due", paid: true, in_grace: true, seats: 6 });
    sub = running({ status: "past_due", latest_invoice_status: "payment_failed" });
    fn.mockResolvedValue({ url: "https://billing.stripe.test/p/1" });
    renderPage();
    const banner = await screen.findByRole("alert");
    expect(banner.textContent).toMatch(/update your payment method/i);
    expect(screen.getAllByRole("button", { name: /manage/i })).toHaveLength(1);
    fireEvent.click(within(banner).getByRole("button", { name: /manage billing/i }));
    await waitFor(() => expect(redirect).toHaveBeenCalledWith("https://billing.stripe.test/p/1"));
    expect(fn).toHaveBeenCalledWith("stripe-portal", { org_id: ORG });
    expect(screen.getByText("Past due")).toBeTruthy();
    expect(screen.getByText("Payment failed", { selector: ".badge" })).toBeTruthy();
  });

  it("a trial ending within 7 days is announced; a later one is not", async () => {
    const inDays = (d: number) => new Date(Date.now() + d * 86_400_000 - 60_000).toISOString();
    ent = entitlements({ plan: "starter", plan_name: "Starter", status: "trialing", paid: true, trial_end: inDays(3) });
    sub = running({ status: "trialing", trial_end: inDays(3) });
    renderPage();
    expect(await screen.findByText(/Your trial ends in 3 days/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Add payment method" })).toBeTruthy();
    cleanup();
    ent = entitlements({ plan: "starter", plan_name: "Starter", status: "trialing", paid: true, trial_end: inDays(12) });
    renderPage();
    await screen.findByTestId("current-plan");
    expect(screen.queryByText(/Your trial ends/)).toBeNull();
  });

  it("with a subscription: latest invoice, seats stepper → stripe-subscription; no Checkout buttons", async () => {
    ent = entitlements({ plan: "starter", plan_name: "Starter", status: "active", paid: true, seats: 6, metered: true });
    sub = running();
    fn.mockResolvedValue({ seats: 7, pending: "the change applies when Stripe confirms it" });
    renderPage();
    const invoice = await screen.findByRole("link", { name: "View invoice" });
    expect(invoice.getAttribute("href")).toBe("https://invoice.stripe.test/i/1");
    expect(screen.getByText("Paid", { selector: ".badge" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: /^Choose/ })).toBeNull();

    const seats = screen.getByLabelText("Seats") as HTMLInputElement;
    expect(seats.value).toBe("6");
    expect((screen.getByRole("button", { name: "Update seats" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Add a seat" }));
    expect(seats.value).toBe("7");
    fireEvent.click(screen.getByRole("button", { name: "Update seats" }));
    await waitFor(() => expect(fn).toHaveBeenCalledWith("stripe-subscription", { org_id: ORG, seats: 7 }));
    expect(await screen.findByText(/Seat change to 7 requested/)).toBeTruthy();
    // Fewer seats than are in use (3) cannot be asked for.
    for (let i = 0; i < 10; i++) fireEvent.click(screen.getByRole("button", { name: "Remove a seat" }));
    expect(seats.value).toBe("3");
  });

  it("lists the organization's invoices, newest first, with amounts, periods and links", async () => {
    db.on("invoices", () => ({
      data: [
        { stripe_invoice_id: "in_2", number: "A-0002", status: "payment_failed", amount_due_cents: 29400, amount_paid_cents: 0, currency: "usd",
          period_start: "2026-12-01T00:00:00Z", period_end: "2027-01-01T00:00:00Z", paid_at: null, hosted_invoice_url: null, last_event_at: "2026-12-01T00:00:00Z" },
        { stripe_invoice_id: "in_1", number: "A-0001", status: "paid", amount_due_cents: 29400, amount_paid_cents: 29400, currency: "usd",
          period_start: "2026-11-01T00:00:00Z", period_end: "2026-12-01T00:00:00Z", paid_at: "2026-11-01T00:05:00Z",
          hosted_invoice_url: "https://invoice.stripe.test/in_1", last_event_at: "2026-11-01T00:05:00Z" },
      ],
      error: null,
    }));
    renderPage();
    const rows = await screen.findAllByTestId("invoice-row");
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain("A-0002");
    expect(rows[0].textContent).toContain("Payment failed");
    expect(rows[1].textContent).toMatch(/\$294\.00/);
    expect(rows[1].textContent).toContain("Paid");
    expect(within(rows[1]).getByRole("link", { name: "View" }).getAttribute("href")).toBe("https://invoice.stripe.test/in_1");
    const q = db.queries("invoices")[0];
    expect(q.filters).toContainEqual(["eq", "org_id", ORG]);
    expect(q.filters).toContainEqual(["order", "last_event_at", { ascending: false }]);
  });

  it("near the budget cap staff set, says analyses use the cheaper model; without a notice, says nothing", async () => {
    db.on("rpc:budget_status", () => ({
      data: { cap_usd: 50, switch_at: 0.8, cheaper_model: "gpt-4o-mini", spent_usd: 42, notice: { created_at: "2026-12-01T10:00:00Z", model: "gpt-4o-mini", spent_usd: 40.5, cap_usd: 50 } },
      error: null,
    }));
    renderPage();
    expect((await screen.findByTestId("budget-notice")).textContent).toContain("reached $40.5 of your $50 budget: calls are now analyzed with gpt-4o-mini");
    cleanup();
    db.on("rpc:budget_status", () => ({ data: { cap_usd: null, spent_usd: 1, notice: null }, error: null }));
    renderPage();
    await screen.findByTestId("current-plan");
    expect(screen.queryByTestId("budget-notice")).toBeNull();
  });

  it("no invoices yet says so", async () => {
    renderPage();
    expect(await screen.findByText("No invoices yet")).toBeTruthy();
  });

  it("no stepper without a running subscription", async () => {
    renderPage();
    await screen.findByTestId("current-plan");
    expect(screen.queryByLabelText("Seats")).toBeNull();
  });

  it("?checkout=success: says payment received and polls entitlements every 2 s until the plan changes", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    sessionStorage.setItem(CHECKOUT_KEY, JSON.stringify({ orgId: ORG, plan: "starter" }));
    renderPage("/app/billing?checkout=success&session_id=cs_1");
    expect(await screen.findByText("Payment received — your plan updates in a moment.")).toBeTruthy();
    const calls = () => db.queries("org_entitlements", "rpc").length;
    const before = calls();
    await act(() => vi.advanceTimersByTimeAsync(2_100));
    await waitFor(() => expect(calls()).toBeGreaterThan(before));
    ent = entitlements({ plan: "starter", plan_name: "Starter", status: "active", paid: true });
    await act(() => vi.advanceTimersByTimeAsync(2_100));
    expect(await screen.findByText("Payment received — you are now on the Starter plan.")).toBeTruthy();
    const settled = calls();
    await act(() => vi.advanceTimersByTimeAsync(6_000));
    expect(calls()).toBe(settled);
    expect(sessionStorage.getItem(CHECKOUT_KEY)).toBeNull();
    // The success URL is gone, so a reload doesn't wait for the plan again.
    expect(window.location.search).toBe("");
    expect(screen.getByText("Payment received — you are now on the Starter plan.")).toBeTruthy();
  });

  it("?checkout=success: gives up after 30 s with a clear message", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    renderPage("/app/billing?checkout=success");
    await screen.findByText(/your plan updates in a moment/);
    await act(() => vi.advanceTimersByTimeAsync(31_000));
    expect(await screen.findByText(/has not confirmed the new plan yet/)).toBeTruthy();
    const n = db.queries("org_entitlements", "rpc").length;
    expect(n).toBeGreaterThanOrEqual(10);
    expect(n).toBeLessThanOrEqual(18);
    await act(() => vi.advanceTimersByTimeAsync(6_000));
    expect(db.queries("org_entitlements", "rpc").length).toBe(n);
  });

  it("?checkout=canceled says nothing was charged; managers are turned away", async () => {
    renderPage("/app/billing?checkout=canceled");
    expect(await screen.findByText(/Checkout was canceled — nothing was charged/)).toBeTruthy();
    cleanup();
    db.signIn("u-2", "manager");
    renderPage();
    expect(await screen.findByText("Owners and admins only")).toBeTruthy();
  });

  it("a failed load can be retried", async () => {
    let fail = true;
    db.on("rpc:org_entitlements", () => (fail ? { data: null, error: { message: "network down" } } : { data: ent, error: null }));
    renderPage();
    expect(await screen.findByText("network down")).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId("usage-phone_numbers")).toBeTruthy();
  });
});

// Staff console, with supabase-js stood in for (third-party boundary); the
// SQL behind it has its pgTAP tests under supabase/tests/ (the staff domain).
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";
import { totalsOf } from "./api/getTenantMargins";
import { periodOf, StaffPage } from "./components/StaffPage";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

const row = (name: string, o: Record<string, unknown>) => ({
  org_id: `org-${name}`, org_name: name, plan_name: null, subscription_status: "none", calls: 0, analyzed_minutes: 0,
  revenue_usd: 0, provider_cost_usd: 0, gross_margin: null, meets_goal: null, ...o,
});
const ROWS = [
  row("Design Partner", { calls: 120, analyzed_minutes: "410.5", provider_cost_usd: "23.4567", meets_goal: false }),
  row("Thin Margins", { plan_name: "Starter", subscription_status: "active", calls: 900, revenue_usd: "245.00", provider_cost_usd: "73.5", gross_margin: "0.7", meets_goal: false }),
  row("Healthy", { plan_name: "Pro", subscription_status: "active", calls: 300, revenue_usd: "990.00", provider_cost_usd: "99", gross_margin: "0.9", meets_goal: true }),
  row("Dormant", {}),
];

const page = (url: string) => renderScreen(<StaffPage />, { url, waitForOrg: false });
const staff = () => {
  db.signIn("staff-1", "agent");
  db.on("memberships", () => ({ data: [], error: null }));
  db.on("profiles", () => ({ data: { current_org_id: null }, error: null }));
  db.on("platform_admins", () => ({ data: { user_id: "staff-1" }, error: null }));
};

beforeEach(() => {
  db.reset();
  db.on("rpc:staff_tenant_margins", () => ({ data: ROWS, error: null }));
  db.on("rpc:gross_margin_goal", () => ({ data: 0.8, error: null }));
});
afterEach(() => cleanup());

describe("StaffPage", () => {
  it("shows each tenant's revenue, fees and margin against the goal, and the business's totals", async () => {
    staff();
    page("/staff");
    const rows = await screen.findAllByTestId("tenant-row");
    expect(rows.map((r) => within(r).getByRole("rowheader").textContent)).toEqual(["Design Partner", "Thin Margins", "Healthy", "Dormant"]);
    expect(rows[0].textContent).toContain("costs, no revenue");
    expect(rows[0].textContent).toContain("410.5");
    expect(rows[1].textContent).toContain("70% · below 80%");
    expect(rows[1].textContent).toContain("Starter · active");
    expect(rows[2].textContent).toContain("90% · meets 80%");
    expect(rows[3].textContent).toContain("no activity");
    expect(rows[3].textContent).toContain("Free");

    // Totals: the margin of the whole business, (1235 - 195.9567) / 1235.
    expect(screen.getByTestId("staff-revenue").getAttribute("data-value")).toBe("1235");
    expect(Number(screen.getByTestId("staff-cost").getAttribute("data-value"))).toBeCloseTo(195.9567, 4);
    expect(Number(screen.getByTestId("staff-margin").getAttribute("data-value"))).toBeCloseTo((1235 - 195.9567) / 1235, 6);
    expect(screen.getByTestId("staff-margin").textContent).toContain("meets the 80% goal");
    expect(screen.getByTestId("staff-below-goal").getAttribute("data-value")).toBe("2");

    const { from, to } = periodOf(new URLSearchParams(""));
    expect(db.queries("staff_tenant_margins", "rpc")[0].payload).toEqual({ p_from: from, p_to: to });
  });

  it("a period is kept in the URL and re-asks the database", async () => {
    staff();
    page("/staff");
    await screen.findAllByTestId("tenant-row");
    fireEvent.change(screen.getByLabelText("Period"), { target: { value: "90" } });
    await waitFor(() => expect(window.location.search).toBe("?days=90"));
    await waitFor(() => expect(db.queries("staff_tenant_margins", "rpc").at(-1)!.payload).toEqual({
      p_from: periodOf(new URLSearchParams("days=90")).from,
      p_to: periodOf(new URLSearchParams("days=90")).to,
    }));
  });

  it("someone who isn't staff is told so, and nothing is asked of the database", async () => {
    db.signIn("u-1", "owner");
    page("/staff");
    expect(await screen.findByRole("heading", { name: "Staff only" })).toBeTruthy();
    expect(db.queries("staff_tenant_margins", "rpc")).toHaveLength(0);
    expect(screen.getByRole("link", { name: "Open Acme Inc" })).toBeTruthy();
  });

  it("shows the database's refusal or failure with a retry", async () => {
    staff();
    let fail = true;
    db.on("rpc:staff_tenant_margins", () => (fail ? { data: null, error: { code: "SP403", message: "only staff" } } : { data: ROWS, error: null }));
    page("/staff");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Couldn't load the margins");
    expect(alert.textContent).toContain("You don't have permission");
    fail = false;
    fireEvent.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(await screen.findAllByTestId("tenant-row")).toHaveLength(4);
  });

  it("an empty platform says so", async () => {
    staff();
    db.on("rpc:staff_tenant_margins", () => ({ data: [], error: null }));
    page("/staff");
    expect(await screen.findByText("No organizations yet")).toBeTruthy();
    expect(screen.getByTestId("staff-margin").textContent).toContain("no revenue in the period");
  });
});

describe("staff helpers", () => {
  it("periodOf: 7/30/90/365 days ending today (UTC), 30 by default", () => {
    const today = new Date("2026-11-22T10:00:00Z");
    expect(periodOf(new URLSearchParams(""), today)).toEqual({ days: 30, from: "2026-10-24", to: "2026-11-22" });
    expect(periodOf(new URLSearchParams("days=7"), today)).toEqual({ days: 7, from: "2026-11-16", to: "2026-11-22" });
    expect(periodOf(new URLSearchParams("days=12"), today).days).toBe(30);
  });

  it("totalsOf: no revenue → no margin; below-goal counts only tenants that miss it", () => {
    expect(totalsOf([])).toEqual({ revenue: 0, cost: 0, margin: null, belowGoal: 0 });
  });
});

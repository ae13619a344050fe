// Staff tenants screens with supabase-js stood in for (third-party boundary):
// loading, error and empty states; suspend sends the reason; a suspended
// tenant offers reactivation.
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";
import { TenantPage } from "./components/TenantPage";
import { TenantsPage } from "./components/TenantsPage";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

const staff = () => {
  db.signIn("staff-1", "agent");
  db.on("memberships", () => ({ data: [], error: null }));
  db.on("profiles", () => ({ data: { current_org_id: null }, error: null }));
  db.on("platform_admins", () => ({ data: { user_id: "staff-1" }, error: null }));
};

let suspendedAt: string | null = null;
const detail = () => ({
  org: { id: "org-1", name: "Acme", slug: "acme", created_at: "2026-01-01T00:00:00Z", suspended_at: suspendedAt, suspended_reason: suspendedAt ? "unpaid" : null },
  plan: { name: "Pro", status: "active" },
  members: [{ user_id: "u1", email: "owner@acme.test", role: "owner" }],
  numbers: [],
  calls: { total: 3, in_period: 3, waiting: 0 },
  usage: [{ provider: "openai", item: "gpt-4o:input_tokens", quantity: 1000, cost_usd: 0.0025 }],
  revenue_usd: 49, cost_usd: 0.0025, margin: 0.99, goal: 0.8,
  budget: { cap_usd: null, switch_at: null, spent_usd: 0.0025, notice: null },
  dead_jobs: [], actions: [],
});

beforeEach(() => {
  db.reset();
  suspendedAt = null;
  db.on("rpc:staff_tenant_detail", () => ({ data: detail(), error: null }));
  db.on("rpc:staff_suspend_tenant", (q) => {
    expect((q.payload as { p_reason: string }).p_reason).toBe("unpaid invoices");
    suspendedAt = "2026-12-02T03:00:00Z";
    return { data: null, error: null };
  });
});
afterEach(() => cleanup());

describe("TenantsPage", () => {
  it("shows loading, then an empty state when nothing matches", async () => {
    staff();
    let answer: (v: unknown) => void = () => {};
    db.on("rpc:staff_search_tenants", () => new Promise((r) => { answer = r; }) as never);
    renderScreen(<TenantsPage />, { url: "/staff/tenants?q=zzz", waitForOrg: false });
    expect(await screen.findByText("Loading tenants…")).toBeTruthy();
    answer({ data: [], error: null });
    expect(await screen.findByText("No tenant matches")).toBeTruthy();
  });

  it("shows an error with a retry", async () => {
    staff();
    db.on("rpc:staff_search_tenants", () => ({ data: null, error: { code: "SP403", message: "only staff" } }));
    renderScreen(<TenantsPage />, { url: "/staff/tenants", waitForOrg: false });
    expect(await screen.findByRole("button", { name: "Try again" })).toBeTruthy();
  });
});

describe("TenantPage", () => {
  it("shows usage and margin, suspends with a reason, then offers reactivation", async () => {
    staff();
    renderScreen(<TenantPage orgId="org-1" />, { url: "/staff/tenants/org-1", waitForOrg: false });
    expect(await screen.findByRole("heading", { name: "Acme" })).toBeTruthy();
    expect(screen.getAllByTestId("usage-row")).toHaveLength(1);
    expect(screen.getByTestId("tenant-state").textContent).toBe("Active.");
    fireEvent.change(screen.getByLabelText("Reason for suspending"), { target: { value: "unpaid invoices" } });
    fireEvent.click(screen.getByRole("button", { name: "Suspend" }));
    await waitFor(() => expect(screen.getByTestId("tenant-state").textContent).toContain("Suspended since"));
    expect(screen.getByRole("button", { name: "Reactivate" })).toBeTruthy();
  });
});

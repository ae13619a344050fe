// The referrals screen with supabase-js stood in for.
import { cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";
import { ReferralsPage } from "./components/ReferralsPage";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

const ref = (over: Record<string, unknown> = {}) => ({
  id: "r1", referrer_kind: "customer", referrer_name: "Dana", referred_name: "Sam", referred_phone: "+1 415 555 0142", referred_email: null,
  status: "qualified", submitted_at: "2026-11-01T00:00:00Z", contacted_at: "2026-11-02T00:00:00Z", qualified_at: "2026-11-03T00:00:00Z",
  won_at: null, lost_at: null, deal_value: null, reward_status: "none", owner_id: "u-me", owner_name: "Me", notes: null,
  next_statuses: ["won", "lost"], total_count: 1, status_counts: { qualified: 1 }, ...over,
});

beforeEach(() => {
  db.reset();
  db.signIn("u-me", "manager");
});
afterEach(() => cleanup());

describe("ReferralsPage", () => {
  it("loading, empty, error", async () => {
    db.on("rpc:list_referrals", () => new Promise(() => {}));
    const a = renderScreen(<ReferralsPage />);
    expect(await screen.findByText("Loading referrals…")).toBeTruthy();
    a.unmount();
    db.on("rpc:list_referrals", () => ({ data: [], error: null }));
    const b = renderScreen(<ReferralsPage />);
    expect(await screen.findByText("No referrals yet")).toBeTruthy();
    b.unmount();
    db.on("rpc:list_referrals", () => ({ data: null, error: { message: "down" } }));
    renderScreen(<ReferralsPage />);
    expect(await screen.findByText("Couldn't load referrals")).toBeTruthy();
  });

  it("offers only the valid next steps, and the deal value on won", async () => {
    db.on("rpc:list_referrals", () => ({ data: [ref()], error: null }));
    db.on("rpc:set_referral_status", () => ({ data: {}, error: null }));
    renderScreen(<ReferralsPage />);
    const row = await screen.findByTestId("referral-row");
    expect(within(row).getAllByRole("button").map((b) => b.textContent)).toEqual(["Mark won", "Mark lost"]);
    expect(screen.getByRole("button", { name: "Qualified (1)" }).getAttribute("aria-pressed")).toBe("false");
    fireEvent.click(within(row).getByRole("button", { name: "Mark won" }));
    fireEvent.change(within(row).getByLabelText(/Deal value/), { target: { value: "2500" } });
    fireEvent.click(within(row).getByRole("button", { name: "Confirm won" }));
    await vi.waitFor(() => expect(db.queries("set_referral_status", "rpc").map((q) => q.payload)).toEqual([
      { p_referral_id: "r1", p_status: "won", p_deal_value: 2500 },
    ]));
  });

  it("a duplicate (SP409) gets a clear message", async () => {
    db.on("rpc:submit_referral", () => ({ data: null, error: { code: "SP409", message: "this person was already referred" } }));
    renderScreen(<ReferralsPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Add a referral" }));
    const form = screen.getByRole("form", { name: "Add a referral" });
    fireEvent.change(within(form).getByLabelText("Referrer's name"), { target: { value: "Dana" } });
    fireEvent.change(within(form).getByLabelText("Referred person"), { target: { value: "Sam" } });
    fireEvent.change(within(form).getByLabelText("Email"), { target: { value: "sam@example.com" } });
    fireEvent.click(within(form).getByRole("button", { name: "Add referral" }));
    expect((await within(form).findByRole("alert")).textContent).toMatch(/^Already referred/);
    expect(db.queries("submit_referral", "rpc")[0].payload).toMatchObject({
      p_org_id: "org-1", p_referrer_kind: "customer", p_referrer_name: "Dana", p_referred_name: "Sam", p_referred_email: "sam@example.com",
    });
  });
});

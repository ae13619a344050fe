// Accepting an invitation, with supabase-js stood in for (third-party boundary).
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";
import { AcceptInvitePage } from "./components/AcceptInvitePage";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

beforeEach(() => {
  db.reset();
  db.signIn("u-1", "agent");
  db.on("organizations", () => ({ data: { name: "Globex" }, error: null }));
});
afterEach(() => cleanup());

describe("AcceptInvitePage", () => {
  it("accepts once and opens the app", async () => {
    db.on("rpc:accept_invitation", () => ({ data: "org-2", error: null }));
    renderScreen(<AcceptInvitePage />, { url: "/accept-invite?token=tok-123" });
    expect(await screen.findByRole("heading", { name: "You joined Globex" })).toBeTruthy();
    expect(db.queries("accept_invitation", "rpc").map((q) => q.payload)).toEqual([{ p_token: "tok-123" }]);
    const before = db.queries("memberships").length;
    fireEvent.click(screen.getByRole("button", { name: "Open SalesPulse" }));
    await waitFor(() => expect(window.location.pathname).toBe("/app"));
    expect(db.queries("memberships").length).toBeGreaterThan(before);
    expect(db.queries("set_current_organization", "rpc")[0].payload).toEqual({ p_org_id: "org-2" });
    expect(db.queries("accept_invitation", "rpc")).toHaveLength(1);
  });

  it("explains an expired or used link (SP410)", async () => {
    db.on("rpc:accept_invitation", () => ({ data: null, error: { code: "SP410", message: "invitation has expired" } }));
    renderScreen(<AcceptInvitePage />, { url: "/accept-invite?token=old" });
    expect(await screen.findByRole("heading", { name: "This invitation can't be used any more" })).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toMatch(/expired/);
  });

  it("says which email is signed in for another address (SP403)", async () => {
    db.on("rpc:accept_invitation", () => ({ data: null, error: { code: "SP403", message: "this invitation is for another email address" } }));
    renderScreen(<AcceptInvitePage />, { url: "/accept-invite?token=t" });
    expect(await screen.findByText(/signed in as agent@example.test/)).toBeTruthy();
    // Signing out keeps the invitation: sign in (or up) with the invited address next.
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    await waitFor(() => expect(window.location.pathname + window.location.search).toBe("/sign-in?next=%2Faccept-invite%3Ftoken%3Dt"));
  });

  it("rejects an unknown link (SP404)", async () => {
    db.on("rpc:accept_invitation", () => ({ data: null, error: { code: "SP404", message: "invitation not found" } }));
    renderScreen(<AcceptInvitePage />, { url: "/accept-invite?token=zzz" });
    expect(await screen.findByRole("heading", { name: "This invitation link isn't valid" })).toBeTruthy();
  });
});

// The members screen with supabase-js stood in for (third-party boundary).
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";
import { MembersPage } from "./components/MembersPage";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

const ORG = "org-1";
let invitations: Record<string, unknown>[] = [];

function signIn(role: "owner" | "admin" | "manager" | "agent") {
  db.signIn("u-me", role, { org: { id: ORG }, fullName: "Olivia Me", email: "me@acme.test", joinedAt: "2026-01-02T10:00:00Z" });
  db.addMember("u-alex", "agent", { fullName: "Alex Agent", email: "alex@acme.test", joinedAt: "2026-02-03T10:00:00Z" });
}

beforeEach(() => {
  db.reset();
  invitations = [{ id: "inv-1", email: "pat@acme.test", role: "manager", expires_at: "2099-01-01T00:00:00Z", created_at: "2026-03-01T00:00:00Z" }];
  db.on("invitations", () => ({ data: invitations, error: null }));
  db.on("rpc:invite_member", (q) => {
    const p = q.payload as { p_email: string; p_role: string };
    invitations = [{ id: "inv-2", email: p.p_email, role: p.p_role, expires_at: "2099-01-01T00:00:00Z", created_at: "2026-03-02T00:00:00Z" }, ...invitations];
    return { data: "inv-2", error: null };
  });
});
afterEach(() => cleanup());

const roleOptions = (select: HTMLElement) => within(select).getAllByRole("option").map((o) => (o as HTMLOptionElement).value);

describe("MembersPage", () => {
  it("lists members and pending invitations", async () => {
    signIn("owner");
    renderScreen(<MembersPage />);
    const rows = await screen.findAllByTestId("member-row");
    expect(rows).toHaveLength(2);
    expect(within(rows[1]).getByText("Alex Agent")).toBeTruthy();
    expect(within(rows[1]).getByText("alex@acme.test")).toBeTruthy();
    const invs = await screen.findAllByTestId("invitation-row");
    expect(invs).toHaveLength(1);
    expect(within(invs[0]).getByText("pat@acme.test")).toBeTruthy();
    // Owners manage roles and can remove others (not themselves).
    expect(screen.getByRole("combobox", { name: "Role of Alex Agent" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Remove Alex Agent" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Remove Olivia Me" })).toBeNull();
  });

  it("invites with the right RPC arguments and shows the confirmation", async () => {
    signIn("owner");
    renderScreen(<MembersPage />);
    const form = await screen.findByRole("form", { name: "Invite a teammate" });
    expect(roleOptions(within(form).getByLabelText("Role"))).toEqual(["owner", "admin", "manager", "agent"]);
    fireEvent.change(within(form).getByLabelText("Email"), { target: { value: " new@acme.test " } });
    fireEvent.change(within(form).getByLabelText("Role"), { target: { value: "admin" } });
    fireEvent.click(within(form).getByRole("button", { name: "Send invitation" }));
    expect(await screen.findByText(/Invitation sent to new@acme.test/)).toBeTruthy();
    expect(db.queries("invite_member", "rpc").map((q) => q.payload)).toEqual([{ p_org_id: ORG, p_email: "new@acme.test", p_role: "admin" }]);
    await waitFor(() => expect(screen.getAllByTestId("invitation-row")).toHaveLength(2));
  });

  it("offers managers only manager and agent, and no role management", async () => {
    signIn("manager");
    renderScreen(<MembersPage />);
    const form = await screen.findByRole("form", { name: "Invite a teammate" });
    expect(roleOptions(within(form).getByLabelText("Role"))).toEqual(["manager", "agent"]);
    await screen.findAllByTestId("member-row");
    expect(screen.queryByRole("combobox", { name: /Role of/ })).toBeNull();
    expect(screen.queryByRole("button", { name: /^Remove/ })).toBeNull();
    expect(await screen.findAllByTestId("invitation-row")).toHaveLength(1);
  });

  it("shows the last-owner error from change_member_role", async () => {
    signIn("owner");
    db.on("rpc:change_member_role", () => ({ data: null, error: { code: "SP422", message: "an organization needs at least one owner" } }));
    renderScreen(<MembersPage />);
    fireEvent.change(await screen.findByRole("combobox", { name: "Role of Olivia Me" }), { target: { value: "admin" } });
    expect(await screen.findByText(/an organization needs at least one owner/)).toBeTruthy();
    expect(db.queries("change_member_role", "rpc")[0].payload).toEqual({ p_org_id: ORG, p_user_id: "u-me", p_role: "admin" });
    expect((screen.getByRole("combobox", { name: "Role of Olivia Me" }) as HTMLSelectElement).value).toBe("owner");
  });

  it("removes a member after confirming, and revokes an invitation", async () => {
    signIn("admin");
    renderScreen(<MembersPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Remove Alex Agent" }));
    expect(db.queries("remove_member", "rpc")).toHaveLength(0);
    fireEvent.click(screen.getByRole("button", { name: "Remove member" }));
    await waitFor(() => expect(db.queries("remove_member", "rpc").map((q) => q.payload)).toEqual([{ p_org_id: ORG, p_user_id: "u-alex" }]));
    fireEvent.click(await screen.findByRole("button", { name: "Revoke invitation for pat@acme.test" }));
    await waitFor(() => expect(db.queries("revoke_invitation", "rpc").map((q) => q.payload)).toEqual([{ p_invitation_id: "inv-1" }]));
  });
});

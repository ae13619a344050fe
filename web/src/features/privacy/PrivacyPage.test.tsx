// The data & privacy screen with supabase-js stood in for (third-party boundary).
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";
import { PrivacyPage } from "./components/PrivacyPage";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

let months = 12;
const policy = () => ({
  retention_months: months,
  cutoff: "2025-12-02T00:00:00Z",
  next_purge_at: "2026-12-02T03:23:00Z",
  on_hold: false,
  purges: [{ table: "transcripts", action: "delete", recordings: false }, { table: "calls", action: "anonymise", recordings: true }],
  holds: [],
  last_purge: { at: null, rows: null },
});

function signIn(role: "owner" | "admin") {
  db.signIn("u-me", role, { org: { id: "org-1" }, fullName: "Olivia Me", email: "me@acme.test" });
}

beforeEach(() => {
  db.reset();
  months = 12;
  db.on("rpc:retention_policy", () => ({ data: policy(), error: null }));
  db.on("rpc:set_retention_months", (q) => {
    const p = q.payload as { p_months: number };
    if (p.p_months > 120) return { data: null, error: { code: "SP400", message: "retention must be 1 to 120 months" } };
    months = p.p_months;
    return { data: null, error: null };
  });
});
afterEach(() => cleanup());

describe("PrivacyPage", () => {
  it("shows a loading state, then the policy with the next purge date", async () => {
    signIn("owner");
    db.on("rpc:retention_policy", () => new Promise(() => {}));
    renderScreen(<PrivacyPage />);
    expect(await screen.findByText("Loading the retention policy…")).toBeTruthy();
  });

  it("shows the window, cutoff, next purge and what is purged", async () => {
    signIn("owner");
    renderScreen(<PrivacyPage />);
    expect((await screen.findByTestId("retention-months")).textContent).toBe("12 months");
    expect(screen.getByTestId("next-purge").textContent).not.toBe("");
    expect(screen.getByText("Transcripts")).toBeTruthy();
    expect(screen.getByText(/deleted at the telephony provider/)).toBeTruthy();
    expect(screen.getByTestId("no-holds")).toBeTruthy();
    expect(screen.getByText("No deletion requests yet")).toBeTruthy();
  });

  it("shows an error with a retry when the policy cannot be read", async () => {
    signIn("admin");
    db.on("rpc:retention_policy", () => ({ data: null, error: { code: "SP403", message: "only owners and admins" } }));
    renderScreen(<PrivacyPage />);
    expect(await screen.findByRole("button", { name: /try again|retry/i })).toBeTruthy();
  });

  it("lets an owner change the window, and refuses out-of-range values before sending", async () => {
    signIn("owner");
    renderScreen(<PrivacyPage />);
    const input = await screen.findByLabelText("Months to keep data");
    fireEvent.change(input, { target: { value: "0" } });
    expect(screen.getByText("Choose 1 to 120 months.")).toBeTruthy();
    fireEvent.change(input, { target: { value: "24" } });
    fireEvent.click(screen.getByRole("button", { name: "Save retention" }));
    await waitFor(() => expect(screen.getByTestId("retention-months").textContent).toBe("24 months"));
  });

  it("admins see the policy but cannot change it or file deletion requests", async () => {
    signIn("admin");
    renderScreen(<PrivacyPage />);
    await screen.findByTestId("retention-months");
    expect(screen.queryByLabelText("Months to keep data")).toBeNull();
    expect(screen.queryByText("Deletion requests")).toBeNull();
  });
});

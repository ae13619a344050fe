import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RedactionCard } from "./components/RedactionCard";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

const ORG_ID = "0a000000-0000-4000-8000-0000000000d1";
const signIn = (role: "owner" | "manager") => db.signIn("a0000000-0000-4000-8000-0000000000d2", role, { org: { id: ORG_ID, name: "Acme" } });

beforeEach(() => {
  db.reset();
  signIn("owner");
});
afterEach(cleanup);

describe("RedactionCard", () => {
  it("every type is redacted by default; saving sends the chosen types", async () => {
    db.rows("organizations", [{ id: ORG_ID, settings: {} }]);
    db.on("rpc:set_redaction_types", () => ({ data: ["CARD"], error: null }));
    renderScreen(<RedactionCard />, { url: "/app/privacy" });
    const ssn = await screen.findByRole("checkbox", { name: /Social security numbers/ }) as HTMLInputElement;
    expect(screen.getAllByRole("checkbox").every((c) => (c as HTMLInputElement).checked)).toBe(true);
    fireEvent.click(ssn);
    expect(await screen.findByText(/stay readable/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Save redaction" }));
    await waitFor(() => expect(db.queries("set_redaction_types", "rpc").length).toBe(1));
    const payload = db.queries("set_redaction_types", "rpc")[0].payload as { p_types: string[] };
    expect(payload.p_types).not.toContain("SSN");
    expect(payload.p_types).toContain("CARD");
    expect(await screen.findByText(/Saved/)).toBeTruthy();
  });

  it("shows the stored setting, refusals and load errors; managers are sent to an admin", async () => {
    db.rows("organizations", [{ id: ORG_ID, settings: { redact_types: ["SSN"] } }]);
    db.on("rpc:set_redaction_types", () => ({ data: null, error: { code: "SP400", message: "unknown redaction type" } }));
    renderScreen(<RedactionCard />, { url: "/app/privacy" });
    expect((await screen.findByRole("checkbox", { name: /Social security numbers/ }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole("checkbox", { name: /Card numbers/ }) as HTMLInputElement).checked).toBe(false);
    fireEvent.click(screen.getByRole("button", { name: "Save redaction" }));
    expect(await screen.findByText(/unknown redaction type/)).toBeTruthy();
    cleanup();
    db.fail("organizations", { message: "offline" });
    renderScreen(<RedactionCard />, { url: "/app/privacy" });
    expect(await screen.findByText(/offline/)).toBeTruthy();
    cleanup();
    db.reset();
    signIn("manager");
    renderScreen(<RedactionCard />, { url: "/app/privacy" });
    expect(await screen.findByText("Owners and admins only")).toBeTruthy();
  });
});

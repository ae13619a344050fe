// The agents screen with supabase-js stood in for (third-party boundary).
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AgentsPage } from "./components/AgentsPage";
import { normalizePhone } from "./phone";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);
vi.mock("../../lib/functions", async (original) => (await import("../../testing/functions")).functionsModule(original));

const ORG = "org-1";
let agents: Record<string, unknown>[] = [];

const renderPage = () => renderScreen(<AgentsPage />, { url: "/app/agents" });

function signIn(role: "owner" | "manager" | "agent") {
  db.signIn("u-owner", role, { org: { id: ORG }, fullName: "Olivia Owner", email: "owner@acme.test" });
  db.addMember("u-alex", "agent", { fullName: "Alex Agent", email: "alex@acme.test" });
  db.addMember("u-sam", "agent", { fullName: "Sam New", email: "sam@acme.test" });
}

beforeEach(() => {
  db.reset();
  agents = [
    { id: "ag-1", org_id: ORG, name: "Alex Agent", phone: "+15555550101", user_id: "u-alex", active: true, created_at: "2026-01-01" },
    { id: "ag-2", org_id: ORG, name: "Jamie Agent", phone: "+15555550102", user_id: null, active: false, created_at: "2026-01-01" },
  ];
  signIn("owner");
  db.on("agents", (q) => {
    if (q.op === "insert") {
      const row = { id: "ag-new", created_at: "2026-02-01", ...(q.payload as object) };
      agents = [...agents, row];
      return { data: row, error: null };
    }
    if (q.op === "update") {
      const id = q.filters.find((f) => f[0] === "eq" && f[1] === "id")?.[2];
      agents = agents.map((a) => (a.id === id ? { ...a, ...(q.payload as object) } : a));
      return { data: agents.find((a) => a.id === id), error: null };
    }
    if (q.op === "delete") {
      const id = q.filters.find((f) => f[0] === "eq" && f[1] === "id")?.[2];
      agents = agents.filter((a) => a.id !== id);
      return { data: [{ id }], error: null };
    }
    return { data: agents, error: null };
  });
});
afterEach(() => cleanup());

describe("normalizePhone", () => {
  it("accepts what people type and returns E.164", () => {
    expect(normalizePhone("+1 (415) 555-0101")).toBe("+14155550101");
    expect(normalizePhone("0044 20 7183 8750")).toBe("+442071838750");
    expect(normalizePhone("415 555 0101")).toBeNull();
    expect(normalizePhone("+0 123 4567")).toBeNull();
    expect(normalizePhone("+1234")).toBeNull();
  });
});

describe("AgentsPage", () => {
  it("lists agents with phone, linked member and status", async () => {
    renderPage();
    const rows = await screen.findAllByTestId("agent-row");
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByText("Alex Agent")).toBeTruthy();
    expect(within(rows[0]).getByText("+15555550101")).toBeTruthy();
    await waitFor(() => expect(within(rows[0]).getByText("Member: Alex Agent")).toBeTruthy());
    expect(within(rows[1]).getByText("Inactive")).toBeTruthy();
  });

  it("adds an agent: validates the phone, normalizes it, links a member", async () => {
    renderPage();
    fireEvent.click(await screen.findByRole("button", { name: "Add agent" }));
    const form = screen.getByRole("form", { name: "New agent" });
    fireEvent.change(within(form).getByLabelText("Name"), { target: { value: "Sam New" } });
    fireEvent.change(within(form).getByLabelText("Phone"), { target: { value: "555-0199" } });
    fireEvent.click(within(form).getByRole("button", { name: "Add agent" }));
    expect(within(form).getByLabelText("Phone").getAttribute("aria-invalid")).toBe("true");
    expect(within(form).getByText(/international format/)).toBeTruthy();
    expect(db.queries("agents", "insert")).toHaveLength(0);

    fireEvent.change(within(form).getByLabelText("Phone"), { target: { value: "+1 (415) 555-0199" } });
    const link = within(form).getByLabelText(/linked member/i) as HTMLSelectElement;
    await waitFor(() => expect(within(link).getAllByRole("option")).toHaveLength(4));
    expect((within(link).getByRole("option", { name: /Alex Agent/ }) as HTMLOptionElement).disabled).toBe(true);
    fireEvent.change(link, { target: { value: "u-sam" } });
    fireEvent.click(within(form).getByRole("button", { name: "Add agent" }));

    await waitFor(() => expect(db.queries("agents", "insert")).toHaveLength(1));
    expect(db.queries("agents", "insert")[0].payload).toEqual({
      org_id: ORG,
      name: "Sam New",
      phone: "+14155550199",
      user_id: "u-sam",
      active: true,
    });
    expect(await screen.findByText(/Sam New was added/)).toBeTruthy();
    await waitFor(() => expect(screen.getAllByTestId("agent-row")).toHaveLength(3));
  });

  it("edits an agent and toggles active", async () => {
    renderPage();
    fireEvent.click(await screen.findByRole("button", { name: "Edit Alex Agent" }));
    const form = screen.getByRole("form", { name: "Edit Alex Agent" });
    fireEvent.change(within(form).getByLabelText("Name"), { target: { value: "Alex A." } });
    fireEvent.click(within(form).getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(db.queries("agents", "update")).toHaveLength(1));
    expect(db.queries("agents", "update")[0].payload).toEqual({ name: "Alex A.", phone: "+15555550101", user_id: "u-alex", active: true });
    expect(await screen.findByText("Alex A.")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Activate Jamie Agent" }));
    await waitFor(() => expect(db.queries("agents", "update")).toHaveLength(2));
    expect(db.queries("agents", "update")[1].payload).toEqual({ active: true });
    expect(db.queries("agents", "update")[1].filters).toContainEqual(["eq", "id", "ag-2"]);
  });

  it("a member linked twice (unique violation) gets a clear message", async () => {
    db.on("agents", (q) =>
      q.op === "update" ? { data: null, error: { code: "23505", message: "duplicate key" } } : { data: agents, error: null });
    renderPage();
    fireEvent.click(await screen.findByRole("button", { name: "Edit Jamie Agent" }));
    fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByText("That member is already linked to another agent.")).toBeTruthy();
  });

  it("owners delete after confirming; managers cannot", async () => {
    renderPage();
    fireEvent.click(await screen.findByRole("button", { name: "Delete Jamie Agent" }));
    fireEvent.click(screen.getByRole("button", { name: "Delete agent" }));
    await waitFor(() => expect(screen.getAllByTestId("agent-row")).toHaveLength(1));
    expect(db.queries("agents", "delete")[0].filters).toContainEqual(["eq", "id", "ag-2"]);
    cleanup();

    db.reset();
    signIn("manager");
    db.on("agents", () => ({ data: agents, error: null }));
    renderPage();
    await screen.findByText("Alex Agent");
    expect(screen.queryByRole("button", { name: /^Delete/ })).toBeNull();
    expect(screen.getByRole("button", { name: "Add agent" })).toBeTruthy();
  });

  it("agents (the role) are told to ask a manager; a failed load can be retried", async () => {
    signIn("agent");
    renderPage();
    expect(await screen.findByText("Managers only")).toBeTruthy();
    cleanup();
    signIn("owner");
    let fail = true;
    db.on("agents", () => (fail ? { data: null, error: { message: "network down" } } : { data: agents, error: null }));
    renderPage();
    expect(await screen.findByText("network down")).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("Alex Agent")).toBeTruthy();
  });
});

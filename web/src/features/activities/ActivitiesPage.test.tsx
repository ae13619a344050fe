// The activity log with supabase-js stood in for.
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";
import { ActivitiesPage } from "./components/ActivitiesPage";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

const row = (over: Record<string, unknown> = {}) => ({
  id: "a1", occurred_at: "2026-12-01T10:00:00Z", type: "meeting", outcome: "completed", value: 0, contact: "Dana", title: "Roof survey",
  notes: null, user_id: "u-me", person_name: "Me", agent_id: null, agent_name: null, source_type: null, source_id: null, metadata: {},
  is_manual: true, can_edit: true, ...over,
});

beforeEach(() => {
  db.reset();
  db.signIn("u-me", "manager", { fullName: "Me" });
  window.scrollTo = vi.fn() as unknown as typeof window.scrollTo;
});
afterEach(() => cleanup());

describe("ActivitiesPage", () => {
  it("loading", async () => {
    db.on("rpc:list_activities", () => new Promise(() => {}));
    renderScreen(<ActivitiesPage />, { url: "/app/activities" });
    expect(await screen.findByText("Loading activities…")).toBeTruthy();
  });

  it("empty, and empty under filters with a way out", async () => {
    renderScreen(<ActivitiesPage />, { url: "/app/activities" });
    expect(await screen.findByText("No activities yet")).toBeTruthy();
    cleanup();
    renderScreen(<ActivitiesPage />, { url: "/app/activities?type=demo" });
    expect(await screen.findByText("No activities match these filters")).toBeTruthy();
    expect(db.queries("list_activities", "rpc").at(-1)!.payload).toMatchObject({ p_type: "demo", p_limit: 25 });
  });

  it("error with retry", async () => {
    db.on("rpc:list_activities", () => ({ data: null, error: { message: "nope" } }));
    renderScreen(<ActivitiesPage />, { url: "/app/activities" });
    expect(await screen.findByText("Couldn't load activities")).toBeTruthy();
  });

  it("own manual entries are editable; automatic ones link to their source", async () => {
    db.on("rpc:list_activities", () => ({
      data: [row(), row({ id: "a2", type: "call", title: null, contact: null, source_type: "call", source_id: "call-9", is_manual: false, can_edit: false, metadata: { converted: true }, value: 300 })],
      error: null,
    }));
    renderScreen(<ActivitiesPage />, { url: "/app/activities" });
    const rows = await screen.findAllByTestId("activity-row");
    expect(within(rows[0]).getByRole("button", { name: "Edit" })).toBeTruthy();
    expect(within(rows[1]).queryByRole("button", { name: "Edit" })).toBeNull();
    expect(within(rows[1]).getByRole("link", { name: /coaching page/ }).getAttribute("href")).toBe("/app/calls/call-9");
    expect(within(rows[1]).getByText("Converted")).toBeTruthy();
  });

  it("logs a meeting by hand", async () => {
    db.rows("activities", []);
    renderScreen(<ActivitiesPage />, { url: "/app/activities" });
    fireEvent.click(await screen.findByRole("button", { name: "Log an activity" }));
    const form = screen.getByRole("form", { name: "Log an activity" });
    fireEvent.change(within(form).getByLabelText("Title"), { target: { value: "Site visit" } });
    fireEvent.change(within(form).getByLabelText(/Value/), { target: { value: "120" } });
    fireEvent.click(within(form).getByRole("button", { name: "Log activity" }));
    expect(await screen.findByText("Meeting logged.")).toBeTruthy();
    const [insert] = db.queries("activities", "insert");
    expect(insert.payload).toMatchObject({ org_id: "org-1", type: "meeting", outcome: "completed", value: 120, title: "Site visit", contact: null });
  });

  it("a person's timeline from their name", async () => {
    db.on("rpc:list_activities", () => ({ data: [row()], error: null }));
    renderScreen(<ActivitiesPage />, { url: "/app/activities" });
    fireEvent.click((await screen.findAllByRole("button", { name: "Me" }))[0]);
    await waitFor(() => expect(window.location.search).toBe("?person=u-me"));
    expect(await screen.findByRole("heading", { name: "Me's timeline" })).toBeTruthy();
    await waitFor(() => expect(db.queries("list_activities", "rpc").at(-1)!.payload).toMatchObject({ p_user_id: "u-me" }));
  });
});

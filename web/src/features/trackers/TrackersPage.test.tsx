import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TrackersPage } from "./components/TrackersPage";
import { parseTerms, trackerProblem } from "./terms";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

const ORG_ID = "0a000000-0000-4000-8000-0000000000c1";
const signIn = (role: "manager" | "agent") => db.signIn("a0000000-0000-4000-8000-0000000000c2", role, { org: { id: ORG_ID, name: "Acme" } });

beforeEach(() => {
  db.reset();
  signIn("manager");
});
afterEach(cleanup);

describe("TrackersPage", () => {
  it("lists the trackers with their terms and alert badge", async () => {
    db.rows("trackers", [{ id: "t1", org_id: ORG_ID, name: "Competitors", terms: ["Globex", "Initech"], alert: true, created_at: "2026-11-01T00:00:00Z" }]);
    renderScreen(<TrackersPage />, { url: "/app/trackers" });
    const list = await screen.findByTestId("trackers");
    expect(list.textContent).toContain("Competitors");
    expect(list.textContent).toContain("Globex, Initech");
    expect(list.textContent).toContain("Alerts managers");
  });

  it("adds a tracker with its synonyms and alert setting, and says what is wrong first", async () => {
    renderScreen(<TrackersPage />, { url: "/app/trackers" });
    expect(await screen.findByText("No trackers yet")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Add tracker" }));
    expect(await screen.findByText("Give the tracker a name.")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Cancellation" } });
    fireEvent.change(screen.getByLabelText(/Words and phrases/), { target: { value: "cancel, Cancel, terminate,\nclose my account" } });
    fireEvent.click(screen.getByLabelText(/Alert the managers/));
    fireEvent.click(screen.getByRole("button", { name: "Add tracker" }));
    await waitFor(() => expect(db.queries("trackers", "insert").length).toBe(1));
    expect(db.queries("trackers", "insert")[0].payload).toEqual({
      org_id: ORG_ID, name: "Cancellation", terms: ["cancel", "terminate", "close my account"], alert: true,
    });
  });

  it("shows load errors, and agents are told to ask a manager", async () => {
    db.fail("trackers", { message: "no way" });
    renderScreen(<TrackersPage />, { url: "/app/trackers" });
    expect(await screen.findByText("no way", { exact: false })).toBeTruthy();
    cleanup();
    db.reset();
    signIn("agent");
    renderScreen(<TrackersPage />, { url: "/app/trackers" });
    expect(await screen.findByText("Managers only")).toBeTruthy();
  });
});

describe("tracker terms", () => {
  it("splits, trims and de-duplicates; bounds", () => {
    expect(parseTerms(" a ,b\n\n A, two  words ")).toEqual(["a", "b", "two words"]);
    expect(trackerProblem("x", [])).toBe("Add at least one word or phrase.");
    expect(trackerProblem("x", ["y".repeat(61)])).toMatch(/longer than 60/);
    expect(trackerProblem("ok", ["fine"])).toBeNull();
  });
});

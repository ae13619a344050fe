// The goals screen and the dashboard's goal widget, with supabase-js stood in for.
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";
import { GoalsPage } from "./components/GoalsPage";
import { GoalSummaryCard } from "./components/GoalSummaryCard";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

const ALEX = "agent-alex";
const goal = (over: Record<string, unknown> = {}) => ({
  goal_id: "g1", name: "Alex: conversions", metric: "conversions", activity_type: null, scope: "member", user_id: null, agent_id: ALEX,
  subject_name: "Alex Agent", member_agent_ids: [], period: "month", period_start: "2026-12-01", period_end: "2026-12-31",
  recurring: true, closed: false, target: 10, actual: 2, sample_size: 8, expected: 5, percent: 20, pace: 0.4, projected: 6.2,
  days_elapsed: 15, days_total: 31, status: "behind", ...over,
});

beforeEach(() => {
  db.reset();
  db.signIn("u-manager", "manager");
  db.rows("agents", [{ id: ALEX, org_id: "org-1", name: "Alex Agent", user_id: "u-alex", active: true }]);
});
afterEach(() => cleanup());

describe("GoalsPage", () => {
  it("shows a spinner while progress loads", async () => {
    db.on("rpc:goal_progress", () => new Promise(() => {}));
    renderScreen(<GoalsPage />);
    expect(await screen.findByText("Loading goals…")).toBeTruthy();
  });

  it("says so when there are no goals", async () => {
    renderScreen(<GoalsPage />);
    expect(await screen.findByText("No goals yet")).toBeTruthy();
    expect(await screen.findByText("No closed periods yet")).toBeTruthy();
  });

  it("shows an error with a retry", async () => {
    db.on("rpc:goal_progress", () => ({ data: null, error: { message: "boom", code: "SP403" } }));
    renderScreen(<GoalsPage />);
    expect(await screen.findByText("Couldn't load goals")).toBeTruthy();
    expect(screen.getByText(/You don't have permission/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Try again" })).toBeTruthy();
  });

  it("lists goals with progress, the pace marker and a status badge", async () => {
    db.on("rpc:goal_progress", () => ({ data: [goal(), goal({ goal_id: "g2", name: "Team rate", metric: "conversion_rate", target: 0.4, actual: 0.5, expected: 0.4, status: "reached" })], error: null }));
    renderScreen(<GoalsPage />);
    const cards = await screen.findAllByTestId("goal-card");
    expect(cards).toHaveLength(2);
    const bar = within(cards[0]).getByRole("progressbar");
    expect(bar.getAttribute("aria-valuenow")).toBe("20");
    expect(bar.getAttribute("aria-label")).toMatch(/2 of 10, 5 expected by today/);
    expect(within(cards[0]).getByTestId("goal-expected-marker").style.left).toBe("50%");
    expect(within(cards[0]).getByTestId("goal-status").textContent).toBe("Behind");
    // Rates have no pace marker (the target is the expectation all period long).
    expect(within(cards[1]).queryByTestId("goal-expected-marker")).toBeNull();
    expect(within(cards[1]).getByTestId("goal-actual").textContent).toBe("50%");
    expect(within(cards[1]).getByTestId("goal-status").textContent).toBe("Reached");
  });

  it("creates a member goal with sensible defaults", async () => {
    db.rows("goals", []);
    renderScreen(<GoalsPage />);
    fireEvent.click(await screen.findByRole("button", { name: "New goal" }));
    const form = screen.getByRole("form", { name: "New goal" });
    await waitFor(() => expect(within(form).getByRole("option", { name: "Alex Agent" })).toBeTruthy());
    fireEvent.change(within(form).getByLabelText("Person"), { target: { value: `agent:${ALEX}` } });
    fireEvent.change(within(form).getByLabelText("Target"), { target: { value: "4" } });
    fireEvent.click(within(form).getByRole("button", { name: "Create goal" }));
    expect(await screen.findByText("Goal created.")).toBeTruthy();
    const [insert] = db.queries("goals", "insert");
    expect(insert.payload).toMatchObject({
      org_id: "org-1", name: "Alex Agent: conversions", metric: "conversions", scope: "member", agent_id: ALEX, user_id: null,
      target: 4, period: "month", recurring: true, activity_type: null,
    });
  });

  it("an agent sees goals read-only", async () => {
    db.reset();
    db.signIn("u-alex", "agent");
    db.on("rpc:goal_progress", () => ({ data: [goal()], error: null }));
    renderScreen(<GoalsPage />);
    await screen.findByTestId("goal-card");
    expect(screen.queryByRole("button", { name: "New goal" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Edit" })).toBeNull();
  });
});

describe("GoalSummaryCard", () => {
  it("loading, empty and error states", async () => {
    db.on("rpc:goal_summary", () => new Promise(() => {}));
    const { unmount } = renderScreen(<GoalSummaryCard />);
    expect(await screen.findByText("Loading goals…")).toBeTruthy();
    unmount();
    db.on("rpc:goal_summary", () => ({ data: { total: 0, reached: 0, on_track: 0, behind: 0, goals: [] }, error: null }));
    const second = renderScreen(<GoalSummaryCard />);
    expect(await screen.findByText("No goals yet")).toBeTruthy();
    second.unmount();
    db.on("rpc:goal_summary", () => ({ data: null, error: { message: "down" } }));
    renderScreen(<GoalSummaryCard />);
    expect(await screen.findByText("Couldn't load goals")).toBeTruthy();
  });

  it("shows counts and the most urgent goals", async () => {
    db.on("rpc:goal_summary", () => ({
      data: { total: 3, reached: 1, on_track: 1, behind: 1, goals: [goal(), goal({ goal_id: "g3", name: "Calls", status: "on_track" })] },
      error: null,
    }));
    renderScreen(<GoalSummaryCard />);
    expect((await screen.findByTestId("goal-summary-counts")).textContent).toMatch(/1 behind · 1 on track · 1 reached of 3/);
    expect(screen.getAllByTestId("goal-summary-row")).toHaveLength(2);
    expect(db.queries("goal_summary", "rpc")[0].payload).toEqual({ p_limit: 5 });
  });
});

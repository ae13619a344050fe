// A call's scorecard on the coaching page with supabase-js stood in for.
import { cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";
import { CallScorecard } from "./components/CallScorecard";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

const view = (over: Record<string, unknown> = {}) => ({
  scorecard_id: "sc1", name: "Call script", pass_score: 70, total: 50, can_override: true,
  items: [
    { item_id: "i1", key: "greet", question: "Greet the caller", weight: 1, partial_credit: false, answer: "yes", source: "ai",
      evidence_quote: "Thanks for calling", evidence_time: 1, note: null, answered_by_name: null, answered_at: "2026-12-01T10:00:00Z", history: [] },
    { item_id: "i2", key: "close", question: "Ask for the sale", weight: 1, partial_credit: false, answer: "no", source: "ai",
      evidence_quote: null, evidence_time: null, note: null, answered_by_name: null, answered_at: "2026-12-01T10:00:00Z", history: [] },
  ],
  ...over,
});

beforeEach(() => {
  db.reset();
  db.signIn("u-boss", "manager");
});
afterEach(() => cleanup());

describe("CallScorecard", () => {
  it("loading, not yet scored, error", async () => {
    db.on("rpc:call_scorecard", () => new Promise(() => {}));
    const a = renderScreen(<CallScorecard callId="c1" />);
    expect(await screen.findByText("Loading the scorecard…")).toBeTruthy();
    a.unmount();
    db.on("rpc:call_scorecard", () => ({ data: null, error: null }));
    const b = renderScreen(<CallScorecard callId="c1" />);
    expect(await screen.findByText("No scorecard yet")).toBeTruthy();
    b.unmount();
    db.on("rpc:call_scorecard", () => ({ data: null, error: { message: "down" } }));
    renderScreen(<CallScorecard callId="c1" />);
    expect(await screen.findByText("Couldn't load this")).toBeTruthy();
  });

  it("a manager overrides an item with a note", async () => {
    db.on("rpc:call_scorecard", () => ({ data: view(), error: null }));
    db.on("rpc:override_call_scorecard_item", () => ({ data: "a9", error: null }));
    renderScreen(<CallScorecard callId="c1" />);
    expect((await screen.findByTestId("scorecard-total")).textContent).toContain("50");
    const close = screen.getAllByTestId("scorecard-item")[1];
    fireEvent.click(within(close).getByRole("button", { name: "Override" }));
    fireEvent.change(within(close).getByLabelText("Note"), { target: { value: "She agreed at 3:10" } });
    fireEvent.click(within(close).getByRole("button", { name: "Save override" }));
    await vi.waitFor(() => expect(db.queries("override_call_scorecard_item", "rpc").map((q) => q.payload)).toEqual([
      { p_call_id: "c1", p_item_id: "i2", p_answer: "yes", p_note: "She agreed at 3:10" },
    ]));
  });

  it("agents read it without overrides", async () => {
    db.signIn("u-me", "agent");
    db.on("rpc:call_scorecard", () => ({ data: view({ can_override: false }), error: null }));
    renderScreen(<CallScorecard callId="c1" />);
    await screen.findByTestId("scorecard-total");
    expect(screen.queryByRole("button", { name: "Override" })).toBeNull();
  });
});

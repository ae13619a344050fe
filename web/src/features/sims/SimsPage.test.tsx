// The practice screen and the score report with supabase-js stood in for.
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";
import type { SessionView } from "./api/getSession";
import { ScoreReport } from "./components/ScoreReport";
import { SimsPage } from "./components/SimsPage";
import { parseObjections } from "./components/TemplateForm";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

const template = (over: Record<string, unknown> = {}) => ({
  id: "t1", org_id: "org-1", name: "Objection: the price-sensitive owner", persona_name: "Sam Patel", persona_role: "Owner",
  company: "Patel Plumbing", temperament: "sceptical", difficulty: 4, scenario: "Sam thinks the price is too high.", objectives: [],
  objections: [], scorecard_id: "sc1", time_limit_minutes: 10, max_attempts: null, is_builtin: true, ...over,
});

beforeEach(() => {
  db.reset();
});
afterEach(() => cleanup());

describe("SimsPage", () => {
  it("loading, empty and error states of the library", async () => {
    db.signIn("u-me", "agent");
    db.on("sim_templates", () => new Promise(() => {}));
    const a = renderScreen(<SimsPage />);
    expect(await screen.findByText("Loading SIMs…")).toBeTruthy();
    a.unmount();
    db.on("sim_templates", () => ({ data: [], error: null }));
    const b = renderScreen(<SimsPage />);
    expect(await screen.findByText("No SIMs yet.")).toBeTruthy();
    expect(await screen.findByText("No SIMs assigned yet.")).toBeTruthy();
    expect(await screen.findByText("No practice sessions yet.")).toBeTruthy();
    b.unmount();
    db.on("sim_templates", () => ({ data: null, error: { message: "down" } }));
    renderScreen(<SimsPage />);
    expect(await screen.findByText("Couldn't load this")).toBeTruthy();
  });

  it("agents practise; managers also duplicate and assign", async () => {
    db.on("sim_templates", () => ({ data: [template()], error: null }));
    db.signIn("u-me", "agent");
    const a = renderScreen(<SimsPage />);
    const card = await screen.findByTestId("sim-template");
    expect(within(card).getAllByRole("button").map((b) => b.textContent)).toEqual(["Practise"]);
    expect(within(card).getByText("Difficulty 4/5")).toBeTruthy();
    expect(screen.getByRole("link", { name: /Your weak spots/ })).toBeTruthy();
    a.unmount();
    db.signIn("u-boss", "manager");
    renderScreen(<SimsPage />);
    const managed = await screen.findByTestId("sim-template");
    expect(within(managed).getAllByRole("button").map((b) => b.textContent)).toEqual(["Practise", "Duplicate", "Assign"]);
  });

  it("shows each assignment's status", async () => {
    db.signIn("u-me", "agent");
    db.on("rpc:sim_assignments", () => ({
      data: [{ id: "a1", template_id: "t1", template_name: "Cold call", user_id: "u-me", user_name: "Me", due_at: null, min_attempts: 2,
        focus_keys: [], attempts: 1, scored: 1, best_score: 60, status: "past_due" }],
      error: null,
    }));
    renderScreen(<SimsPage />);
    const row = await screen.findByTestId("sim-assignment");
    expect(within(row).getByText("Past due")).toBeTruthy();
    expect(within(row).getByText("1 of 2")).toBeTruthy();
    expect(within(row).getByRole("button", { name: "Start" })).toBeTruthy();
  });
});

describe("ScoreReport", () => {
  it("shows the total, each item's answer with its quote and time, and the tips", () => {
    const view = {
      session: { score: 73, passed: true, tips: ["Ask about the budget."], scorer: "offline" },
      scorecard: { id: "sc1", name: "Discovery call basics", pass_score: 70 },
      items: [
        { item_id: "i1", key: "intro", question: "Did the rep introduce themselves?", weight: 1, answer: "yes", evidence_quote: "Hi, this is Alex", evidence_time: 65 },
        { item_id: "i2", key: "budget", question: "Did the rep ask about the budget?", weight: 2, answer: "no", evidence_quote: null, evidence_time: null },
      ],
    } as unknown as SessionView;
    render(<ScoreReport view={view} />);
    expect(screen.getByTestId("sim-score").textContent).toContain("73");
    expect(screen.getByText("Passed")).toBeTruthy();
    const items = screen.getAllByTestId("sim-item");
    expect(items.map((i) => i.getAttribute("data-answer"))).toEqual(["yes", "no"]);
    expect(within(items[0]).getByText(/Hi, this is Alex/).textContent).toContain("at 1:05");
    expect(within(screen.getByTestId("sim-tips")).getByText("Ask about the budget.")).toBeTruthy();
  });
});

describe("parseObjections", () => {
  it("reads one objection a line as 'rep turn | text' (turn 1 when none is given), at most ten", () => {
    expect(parseObjections("0 | Not interested\n\n  Send me an email  \n3|Too expensive")).toEqual([
      { after_turn: 0, text: "Not interested" },
      { after_turn: 1, text: "Send me an email" },
      { after_turn: 3, text: "Too expensive" },
    ]);
    expect(parseObjections(Array.from({ length: 12 }, (_, i) => `${i} | o${i}`).join("\n"))).toHaveLength(10);
  });
});

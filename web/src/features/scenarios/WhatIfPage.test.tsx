// The what-if screen with supabase-js stood in for.
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";
import { WhatIfPage } from "./components/WhatIfPage";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

const fig = (value: number | null, n: number) => ({ value, n, how: "" });
const baseline = (lever: Record<string, unknown>) => ({
  window_days: 90,
  figures: {
    agents: fig(2, 12), calls_per_agent_per_day: fig(1.5, 8), working_days_per_month: fig(20, 8), conversion_rate: fig(0.4, 12),
    average_deal_value: fig(null, 0), upsell_rate: fig(0.25, 12), upsell_amount: fig(300, 3), script_adherence: fig(70, 12),
    customer_sentiment: fig(0.2, 12),
  },
  levers: { script_adherence: lever, customer_sentiment: { status: "insufficient_data", n: 12, conversions: 5, min_n: 30, reason: "" } },
});
const OK_LEVER = {
  status: "ok", n: 40, conversions: 20, slope: 0.01, slope_ci95: [0.005, 0.015], per_unit: 10, conversion_points_per_unit: 10,
  conversion_points_per_unit_ci95: [5, 15], significant: true, mean_x: 60, model: "",
};
const projection = (applied: boolean) => ({
  inputs: {}, calls: { week: 13.8, month: 60, quarter: 180 }, conversions: { week: 5.5, month: 24, quarter: 72 },
  revenue: { week: 1000, month: 4500, quarter: 13500 },
  revenue_ci95: applied ? { month: [4000, 5000], quarter: [12000, 15000] } : null,
  adherence_effect: applied ? { status: "applied", adherence_change: 10, conversion_rate: 0.5, conversion_rate_ci95: [0.45, 0.55], n: 40 } : null,
  goal_gaps: [], formula: "calls × …",
});

beforeEach(() => {
  db.reset();
  db.signIn("u-me", "manager");
});
afterEach(() => cleanup());

describe("WhatIfPage", () => {
  it("loading and error", async () => {
    db.on("rpc:scenario_baseline", () => new Promise(() => {}));
    const a = renderScreen(<WhatIfPage />);
    expect(await screen.findByText("Measuring your figures…")).toBeTruthy();
    a.unmount();
    db.on("rpc:scenario_baseline", () => ({ data: null, error: { code: "SP403", message: "no" } }));
    renderScreen(<WhatIfPage />);
    expect(await screen.findByText("Couldn't measure your figures")).toBeTruthy();
  });

  it("pre-fills the inputs from measured figures with their sample sizes; no data stays blank", async () => {
    db.on("rpc:scenario_baseline", () => ({ data: baseline({ status: "insufficient_data", n: 12, conversions: 5, min_n: 30, reason: "" }), error: null }));
    db.on("rpc:scenario_projection", () => ({ data: projection(false), error: null }));
    renderScreen(<WhatIfPage />);
    const conv = await screen.findByLabelText(/^Conversion rate/) as HTMLInputElement;
    expect(conv.value).toBe("40");
    expect(screen.getByTestId("measured-conversion_rate").textContent).toBe("Measured 40 % · n = 12");
    expect((screen.getByLabelText(/^Average deal value/) as HTMLInputElement).value).toBe("");
    expect(screen.getByTestId("measured-average_deal_value").textContent).toMatch(/No data yet/);
    expect(screen.getByTestId("lever-script adherence").textContent).toMatch(/Not enough calls yet.*12 analyzed calls/);
    expect(await screen.findByTestId("projection")).toBeTruthy();
    expect(db.queries("scenario_projection", "rpc")[0].payload).toMatchObject({
      p_inputs: { agents: 2, calls_per_agent_per_day: 1.5, working_days_per_month: 20, conversion_rate: 0.4, script_adherence: 70 },
      p_window_days: 90,
    });
  });

  it("raising adherence shows the projection with its interval", async () => {
    db.on("rpc:scenario_baseline", () => ({ data: baseline(OK_LEVER), error: null }));
    db.on("rpc:scenario_projection", (q) => ({ data: projection((q.payload as { p_inputs: { script_adherence: number } }).p_inputs.script_adherence === 80), error: null }));
    renderScreen(<WhatIfPage />);
    expect((await screen.findByTestId("lever-script adherence")).textContent).toMatch(/\+10 conversion points.*95 % CI \+5 to \+15, n = 40 calls/);
    fireEvent.click(screen.getByRole("button", { name: "Adherence +10 points" }));
    expect((await screen.findByTestId("adherence-effect")).textContent).toMatch(/Adherence \+10 points → conversion 40% → 50%/);
    await waitFor(() => expect(screen.getByTestId("revenue-ci").textContent).toMatch(/4,000.*5,000/));
  });

  it("without the required figures it asks for them instead of projecting", async () => {
    const b = baseline(OK_LEVER);
    b.figures.conversion_rate = fig(null, 0);
    db.on("rpc:scenario_baseline", () => ({ data: b, error: null }));
    renderScreen(<WhatIfPage />);
    expect(await screen.findByText("Not enough to project yet")).toBeTruthy();
    expect(db.queries("scenario_projection", "rpc")).toHaveLength(0);
  });

  it("agents get an explanation, not an error", async () => {
    db.reset();
    db.signIn("u-a", "agent");
    renderScreen(<WhatIfPage />);
    expect(await screen.findByText(/for owners, admins and managers/)).toBeTruthy();
    expect(db.queries("scenario_baseline", "rpc")).toHaveLength(0);
  });
});

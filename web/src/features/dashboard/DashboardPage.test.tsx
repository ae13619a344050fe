import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fmtMoney } from "../../lib/format";
import { dashboardKpisQueryOptions, pipelineRefetchInterval } from "./api/getDashboardKpis";
import { trendRange } from "./api/getDashboardTrend";
import { DashboardPage } from "./components/DashboardPage";
import { addDays, parseDashboardFilters, todayIso } from "./filters";
import { renderScreen } from "../../testing/render";
import { fakeSupabase as db } from "../../testing/fakeSupabase";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

const ORG_ID = "00000000-0000-4000-8000-0000000000a1";
/** A manager (or `role`) of one organization whose currency is EUR. */
const signIn = (role: "manager" | "agent" = "manager") =>
  db.signIn("00000000-0000-4000-8000-0000000000b1", role, { org: { id: ORG_ID, name: "Acme", currency: "EUR" } });

const ANA = "11111111-1111-4111-8111-111111111111";
const BEN = "22222222-2222-4222-8222-222222222222";
const KPIS = {
  calls: 42, analyzed_calls: 40, in_pipeline: 0, failed: 1, converted_calls: 10,
  conversion_rate: 0.25, upsell_revenue: 1234.5, avg_sentiment: 0.42, avg_adherence: 87.5,
};
const TREND = [
  { day: "2026-11-01", calls: 3, analyzed: 3, converted: 1, upsell_revenue: 200, avg_sentiment: 0.5, avg_adherence: 90 },
  { day: "2026-11-02", calls: 0, analyzed: 0, converted: 0, upsell_revenue: 0, avg_sentiment: null, avg_adherence: null },
  { day: "2026-11-03", calls: 7, analyzed: 6, converted: 2, upsell_revenue: 1034.5, avg_sentiment: 0.1, avg_adherence: 80 },
];
const BOARD = [
  { agent_id: ANA, agent_name: "Ana Ortiz", calls: 30, analyzed: 29, converted: 8, conversion_rate: 0.2759, upsell_revenue: 1000, avg_sentiment: 0.5, avg_adherence: 91 },
  { agent_id: BEN, agent_name: "Ben Lee", calls: 12, analyzed: 11, converted: 2, conversion_rate: 0.1818, upsell_revenue: 234.5, avg_sentiment: -0.4, avg_adherence: null },
];

const rpcArgs = (name: string) => db.queries(name, "rpc").map((q) => q.payload);
const kpi = (key: string) => screen.getByTestId(`kpi-${key}`);

beforeEach(() => {
  db.reset();
  signIn();
  window.scrollTo = vi.fn() as unknown as typeof window.scrollTo;
  db.rows("agents", [{ id: ANA, org_id: ORG_ID, name: "Ana Ortiz", active: true }, { id: BEN, org_id: ORG_ID, name: "Ben Lee", active: false }]);
  db.on("rpc:dashboard_kpis", () => ({ data: KPIS, error: null }));
  db.on("rpc:dashboard_trend", () => ({ data: TREND, error: null }));
  db.on("rpc:agent_leaderboard", () => ({ data: BOARD, error: null }));
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe("DashboardPage", () => {
  it("an agent sees their own figures, without the team leaderboard or the agent filter", async () => {
    db.reset();
    signIn("agent");
    db.on("rpc:dashboard_kpis", () => ({ data: KPIS, error: null }));
    db.on("rpc:dashboard_trend", () => ({ data: TREND, error: null }));
    db.on("rpc:agent_leaderboard", () => ({ data: BOARD, error: null }));
    renderScreen(<DashboardPage />, { url: "/app" });
    await screen.findByTestId("kpi-calls");
    expect(screen.getByTestId("own-calls-note").textContent).toMatch(/Your own calls/);
    expect(screen.queryByRole("heading", { name: /leaderboard/i })).toBeNull();
    expect(screen.queryByLabelText("Agent")).toBeNull();
    expect(rpcArgs("agent_leaderboard")).toHaveLength(0);
  });

  it("a manager sees no 'own calls' note", async () => {
    renderScreen(<DashboardPage />, { url: "/app" });
    await screen.findByTestId("kpi-calls");
    expect(screen.queryByTestId("own-calls-note")).toBeNull();
    expect(await screen.findByRole("heading", { name: /leaderboard/i })).toBeTruthy();
  });

  it("shows the KPIs formatted in the organization's currency, with the raw numbers in data-value", async () => {
    renderScreen(<DashboardPage />, { url: "/app" });
    await screen.findByTestId("kpi-calls");
    expect(kpi("calls").getAttribute("data-value")).toBe("42");
    expect(kpi("calls").textContent).toContain("42");
    expect(kpi("analyzed_calls").getAttribute("data-value")).toBe("40");
    expect(kpi("analyzed_calls").textContent).toContain("95% of calls");
    expect(kpi("conversion_rate").getAttribute("data-value")).toBe("0.25");
    expect(kpi("conversion_rate").textContent).toContain("25%");
    expect(kpi("conversion_rate").textContent).toContain("10 of 40 converted");
    expect(kpi("upsell_revenue").getAttribute("data-value")).toBe("1234.5");
    expect(kpi("upsell_revenue").textContent).toContain(fmtMoney(1234.5, "EUR"));
    expect(kpi("upsell_revenue").textContent).toContain("€");
    expect(kpi("avg_sentiment").getAttribute("data-value")).toBe("0.42");
    expect(kpi("avg_sentiment").textContent).toContain("+0.42");
    expect(kpi("avg_sentiment").textContent).toContain("Positive");
    expect(kpi("avg_adherence").getAttribute("data-value")).toBe("87.5");
    expect(kpi("avg_adherence").textContent).toContain("88%");
    expect(kpi("in_pipeline").textContent).toBe("0 in pipeline");
    expect(kpi("failed").textContent).toBe("1 failed");
    // The failed count leads to those calls.
    expect(kpi("failed").getAttribute("href")).toMatch(/^\/app\/calls\?status=failed&from=/);

    // Default period: the last 30 days, all agents, one round trip per widget.
    const today = todayIso();
    expect(rpcArgs("dashboard_kpis")).toEqual([{ p_from: addDays(today, -29), p_to: today }]);
    expect(rpcArgs("dashboard_trend")).toEqual([{ p_from: addDays(today, -29), p_to: today }]);
    expect(rpcArgs("agent_leaderboard")).toEqual([{ p_from: addDays(today, -29), p_to: today }]);
    expect((screen.getByLabelText("Period") as HTMLSelectElement).value).toBe("30");
  });

  it("shows null averages as a dash (not zero) and negative sentiment with its label", async () => {
    db.on("rpc:dashboard_kpis", () => ({
      data: { ...KPIS, analyzed_calls: 0, converted_calls: 0, conversion_rate: null, avg_sentiment: null, avg_adherence: null, upsell_revenue: 0 },
      error: null,
    }));
    renderScreen(<DashboardPage />, { url: "/app" });
    await screen.findByTestId("kpi-calls");
    expect(kpi("conversion_rate").getAttribute("data-value")).toBe("");
    expect(kpi("conversion_rate").textContent).toContain("—");
    expect(kpi("conversion_rate").textContent).toContain("No analyzed calls");
    expect(kpi("avg_sentiment").textContent).toContain("—");
    expect(kpi("avg_adherence").textContent).toContain("—");
    expect(kpi("upsell_revenue").getAttribute("data-value")).toBe("0");

    cleanup();
    db.on("rpc:dashboard_kpis", () => ({ data: { ...KPIS, avg_sentiment: -0.35 }, error: null }));
    renderScreen(<DashboardPage />, { url: "/app" });
    await screen.findByTestId("kpi-calls");
    expect(kpi("avg_sentiment").textContent).toContain("−0.35");
    expect(kpi("avg_sentiment").textContent).toContain("Negative");
  });

  it("shows a loading state on every widget", async () => {
    const never = () => new Promise<never>(() => {});
    db.on("rpc:dashboard_kpis", never);
    db.on("rpc:dashboard_trend", never);
    db.on("rpc:agent_leaderboard", never);
    renderScreen(<DashboardPage />, { url: "/app" });
    expect(await screen.findByText("Loading key figures…")).toBeTruthy();
    expect(screen.getByText("Loading trend…")).toBeTruthy();
    expect(screen.getByText("Loading leaderboard…")).toBeTruthy();
    expect(screen.queryByTestId("kpi-calls")).toBeNull();
  });

  it("shows an error with a retry on each widget, and recovers", async () => {
    let fail = true;
    db.on("rpc:dashboard_kpis", () => (fail
      ? { data: null, error: { code: "42501", message: "permission denied for function dashboard_kpis" } }
      : { data: KPIS, error: null }));
    db.on("rpc:agent_leaderboard", () => ({ data: null, error: { message: "Failed to fetch" } }));
    renderScreen(<DashboardPage />, { url: "/app" });
    const alert = await screen.findByText("Couldn't load the key figures");
    const box = alert.closest("[role=alert]") as HTMLElement;
    expect(box.textContent).toContain("permission denied for function dashboard_kpis");
    const board = (await screen.findByText("Couldn't load the leaderboard")).closest("[role=alert]") as HTMLElement;
    expect(board.textContent).toContain("Can't reach SalesPulse");
    // The trend still renders: one widget's failure doesn't blank the page.
    expect(await screen.findByRole("img", { name: /Calls and upsell revenue per day/ })).toBeTruthy();

    fail = false;
    fireEvent.click(within(box).getByRole("button", { name: "Try again" }));
    await screen.findByTestId("kpi-calls");
    expect(kpi("calls").getAttribute("data-value")).toBe("42");
    expect(rpcArgs("dashboard_kpis")).toHaveLength(2);
  });

  it("shows empty states when the period has no calls and there are no agents", async () => {
    db.on("rpc:dashboard_kpis", () => ({
      data: { calls: 0, analyzed_calls: 0, in_pipeline: 0, failed: 0, converted_calls: 0, conversion_rate: null, upsell_revenue: 0, avg_sentiment: null, avg_adherence: null },
      error: null,
    }));
    db.on("rpc:dashboard_trend", () => ({ data: TREND.map((p) => ({ ...p, calls: 0, analyzed: 0, converted: 0, upsell_revenue: 0 })), error: null }));
    db.on("rpc:agent_leaderboard", () => ({ data: [], error: null }));
    renderScreen(<DashboardPage />, { url: "/app" });
    expect(await screen.findByText("No calls in this period")).toBeTruthy();
    expect(await screen.findByText("No agents yet")).toBeTruthy();
    expect(kpi("calls").getAttribute("data-value")).toBe("0");
    expect(screen.queryByRole("img")).toBeNull();
  });

  it("draws an accessible trend chart with a hidden data table", async () => {
    renderScreen(<DashboardPage />, { url: "/app" });
    const chart = await screen.findByRole("img", { name: /Calls and upsell revenue per day, Nov 1 – Nov 3/ });
    expect(chart.tagName.toLowerCase()).toBe("svg");
    expect(chart.querySelector("title")?.textContent).toMatch(/^Calls and upsell revenue per day/);
    const desc = document.getElementById(chart.getAttribute("aria-describedby")!)!;
    expect(desc.textContent).toContain("10 calls");
    expect(desc.textContent).toContain("Busiest day: Nov 3 with 7 calls");
    expect(chart.querySelectorAll(".dash-bar")).toHaveLength(3);
    expect(chart.querySelector(".dash-line")?.getAttribute("d")).toMatch(/^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+ L[\d.]+,[\d.]+$/);
    const table = screen.getByRole("table", { name: "Calls and upsell revenue per day" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(3);
    expect(rows[2].textContent).toContain("7");
    expect(rows[2].textContent).toContain(fmtMoney(1034.5, "EUR"));
  });

  it("renders the leaderboard in the order given, with formatted figures", async () => {
    renderScreen(<DashboardPage />, { url: "/app" });
    const rows = await screen.findAllByTestId("leaderboard-row");
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain("Ana Ortiz");
    expect(rows[0].textContent).toContain("28%");
    expect(rows[0].textContent).toContain(fmtMoney(1000, "EUR"));
    expect(rows[0].textContent).toContain("91%");
    expect(rows[1].textContent).toContain("−0.40");
    expect(rows[1].textContent).toContain("—");
  });

  it("a preset writes the period to the URL and refetches", async () => {
    renderScreen(<DashboardPage />, { url: "/app" });
    await screen.findByTestId("kpi-calls");
    fireEvent.change(screen.getByLabelText("Period"), { target: { value: "7" } });
    const today = todayIso();
    const params = new URLSearchParams(window.location.search);
    expect(window.location.pathname).toBe("/app");
    expect(params.get("from")).toBe(addDays(today, -6));
    expect(params.get("to")).toBe(today);
    await waitFor(() => expect(rpcArgs("dashboard_kpis")).toContainEqual({ p_from: addDays(today, -6), p_to: today }));
    expect((screen.getByLabelText("Period") as HTMLSelectElement).value).toBe("7");
  });

  it("reads a custom period and agent from the URL, and custom dates update it", async () => {
    const today = todayIso();
    const from = addDays(today, -120);
    const to = addDays(today, -90);
    renderScreen(<DashboardPage />, { url: `/app?from=${from}&to=${to}&agent=${ANA}` });
    await screen.findByTestId("kpi-calls");
    expect(rpcArgs("dashboard_kpis")).toEqual([{ p_from: from, p_to: to, p_agent_id: ANA }]);
    expect(rpcArgs("dashboard_trend")).toEqual([{ p_from: from, p_to: to, p_agent_id: ANA }]);
    expect(rpcArgs("agent_leaderboard")).toEqual([{ p_from: from, p_to: to }]);
    expect((screen.getByLabelText("Period") as HTMLSelectElement).value).toBe("custom");
    expect((screen.getByLabelText("From") as HTMLInputElement).value).toBe(from);
    await waitFor(() => expect((screen.getByLabelText("Agent") as HTMLSelectElement).value).toBe(ANA));

    const later = addDays(to, 15);
    fireEvent.change(screen.getByLabelText("To"), { target: { value: later } });
    expect(window.location.search).toBe(`?from=${from}&to=${later}&agent=${ANA}`);
    await waitFor(() => expect(rpcArgs("dashboard_kpis")).toContainEqual({ p_from: from, p_to: later, p_agent_id: ANA }));
  });

  it("keeps the trend within PostgREST's row cap on a very long period, drawn per week", async () => {
    const today = todayIso();
    db.on("rpc:dashboard_trend", (q) => {
      const a = q.payload as Record<string, unknown>;
      const out = [];
      for (let d = String(a.p_from); d <= String(a.p_to); d = addDays(d, 1)) {
        out.push({ day: d, calls: 1, analyzed: 1, converted: 0, upsell_revenue: 10, avg_sentiment: 0, avg_adherence: 50 });
      }
      return { data: out, error: null };
    });
    renderScreen(<DashboardPage />, { url: "/app?from=2000-01-01&to=2100-01-01" });
    await screen.findByTestId("kpi-calls");
    // KPIs and leaderboard cover the whole period; the daily series at most the last 366 days, through today.
    expect(rpcArgs("dashboard_kpis")).toEqual([{ p_from: "2000-01-01", p_to: "2100-01-01" }]);
    expect(rpcArgs("agent_leaderboard")).toEqual([{ p_from: "2000-01-01", p_to: "2100-01-01" }]);
    expect(rpcArgs("dashboard_trend")).toEqual([{ p_from: addDays(today, -365), p_to: today }]);
    expect(screen.getByText(/The chart shows the last 366 days of the period/)).toBeTruthy();
    const chart = await screen.findByRole("img", { name: /per week/ });
    expect(chart.querySelectorAll(".dash-bar")).toHaveLength(53);
    const rows = within(screen.getByRole("table", { name: "Calls and upsell revenue per week" })).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(53);
    expect(rows[0].textContent).toContain(fmtMoney(70, "EUR"));
  });

  it("the agent filter lists the organization's agents and writes the URL", async () => {
    renderScreen(<DashboardPage />, { url: "/app" });
    const select = await screen.findByLabelText("Agent") as HTMLSelectElement;
    await waitFor(() => expect(select.disabled).toBe(false));
    expect([...select.options].map((o) => o.textContent)).toEqual(["All agents", "Ana Ortiz", "Ben Lee (inactive)"]);
    expect(db.queries("agents")[0].filters).toContainEqual(["eq", "org_id", ORG_ID]);

    fireEvent.change(select, { target: { value: BEN } });
    expect(new URLSearchParams(window.location.search).get("agent")).toBe(BEN);
    await waitFor(() => expect(rpcArgs("dashboard_kpis").at(-1)).toMatchObject({ p_agent_id: BEN }));
    fireEvent.change(select, { target: { value: "" } });
    expect(new URLSearchParams(window.location.search).has("agent")).toBe(false);
  });

  it("clicking an agent in the leaderboard filters by that agent; clicking again clears it", async () => {
    renderScreen(<DashboardPage />, { url: "/app" });
    const ben = await screen.findByRole("button", { name: "Ben Lee" });
    expect(ben.getAttribute("aria-pressed")).toBe("false");
    fireEvent.click(ben);
    expect(new URLSearchParams(window.location.search).get("agent")).toBe(BEN);
    await waitFor(() => expect(rpcArgs("dashboard_kpis").at(-1)).toMatchObject({ p_agent_id: BEN }));
    await waitFor(() => expect(screen.getByRole("button", { name: "Ben Lee" }).getAttribute("aria-pressed")).toBe("true"));
    fireEvent.click(screen.getByRole("button", { name: "Ben Lee" }));
    expect(new URLSearchParams(window.location.search).has("agent")).toBe(false);
  });

  it("polls every widget every 15 s while calls are in the pipeline, and stops when they are done", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ["setInterval", "clearInterval", "setTimeout", "clearTimeout"] });
    let inPipeline = 2;
    db.on("rpc:dashboard_kpis", () => ({ data: { ...KPIS, in_pipeline: inPipeline }, error: null }));
    renderScreen(<DashboardPage />, { url: "/app" });
    await waitFor(() => expect(kpi("in_pipeline").textContent).toBe("2 in pipeline"));
    await screen.findAllByTestId("leaderboard-row");
    expect(screen.getByText(/updating every 15 s/)).toBeTruthy();
    const count = () => ({ kpis: rpcArgs("dashboard_kpis").length, trend: rpcArgs("dashboard_trend").length, board: rpcArgs("agent_leaderboard").length });
    const before = count();
    await act(async () => { await vi.advanceTimersByTimeAsync(15_100); });
    await waitFor(() => {
      const now = count();
      expect(now.kpis).toBeGreaterThan(before.kpis);
      expect(now.trend).toBeGreaterThan(before.trend);
      expect(now.board).toBeGreaterThan(before.board);
    });

    inPipeline = 0;
    await act(async () => { await vi.advanceTimersByTimeAsync(15_100); });
    await waitFor(() => expect(kpi("in_pipeline").textContent).toBe("0 in pipeline"));
    expect(screen.queryByText(/updating every 15 s/)).toBeNull();
    await act(async () => { await vi.advanceTimersByTimeAsync(1_000); });
    const settled = count();
    // Nothing left in the pipeline: no more polling.
    await act(async () => { await vi.advanceTimersByTimeAsync(45_000); });
    expect(count()).toEqual(settled);
  });

  it("refreshes the trend and leaderboard as soon as the pipeline drains", async () => {
    let drained = false;
    db.on("rpc:dashboard_kpis", () => ({ data: { ...KPIS, in_pipeline: drained ? 0 : 2 }, error: null }));
    db.on("rpc:dashboard_trend", () => ({ data: drained ? TREND.map((p) => ({ ...p, calls: p.calls + 1 })) : TREND, error: null }));
    db.on("rpc:agent_leaderboard", () => ({ data: drained ? BOARD.map((r) => ({ ...r, calls: r.calls + 1 })) : BOARD, error: null }));
    const { queryClient } = renderScreen(<DashboardPage />, { url: "/app" });
    const chart = await screen.findByRole("img", { name: /Calls and upsell revenue per day/ });
    const desc = () => document.getElementById(chart.getAttribute("aria-describedby")!)!.textContent;
    expect(desc()).toContain("10 calls");
    expect((await screen.findAllByTestId("leaderboard-row"))[0].textContent).toContain("30");

    // The KPIs learn first (their own poll) that the last calls were analyzed…
    drained = true;
    await act(async () => { await queryClient.refetchQueries({ queryKey: ["dashboard", ORG_ID, "kpis"] }); });
    await waitFor(() => expect(kpi("in_pipeline").textContent).toBe("0 in pipeline"));
    // …and the other widgets follow at once, although their polling has just stopped.
    await waitFor(() => expect(desc()).toContain("13 calls"));
    await waitFor(() => expect(screen.getAllByTestId("leaderboard-row")[0].textContent).toContain("31"));
  });
});

describe("DashboardPage talk metrics", () => {
  it("a manager sees talk metrics per agent for the period; empty and error states", async () => {
    db.on("rpc:agent_conversation_metrics", () => ({
      data: [{ agent_id: "a1", agent_name: "Ana Ortiz", calls: 4, talk_ratio: 0.58, longest_monologue_seconds: 75, interruptions_per_call: 1.5,
        questions_per_call: 6.25, silence_seconds: 12, agent_wpm: 148.6 }],
      error: null,
    }));
    renderScreen(<DashboardPage />, { url: "/app" });
    const table = await screen.findByTestId("conversation-metrics");
    const cells = within(table).getAllByRole("cell").map((c) => c.textContent);
    expect(cells).toEqual(["4", "58%", "1:15", "1.5", "6.3", "0:12", "149 wpm"]);
    expect(rpcArgs("agent_conversation_metrics")).toHaveLength(1);
    cleanup();
    db.on("rpc:agent_conversation_metrics", () => ({ data: [], error: null }));
    renderScreen(<DashboardPage />, { url: "/app" });
    expect(await screen.findByText("No talk metrics yet")).toBeTruthy();
    cleanup();
    db.on("rpc:agent_conversation_metrics", () => ({ data: null, error: { message: "Failed to fetch" } }));
    renderScreen(<DashboardPage />, { url: "/app" });
    expect(await screen.findByText("Can't reach SalesPulse", { exact: false })).toBeTruthy();
  });
});

describe("dashboard filters and polling rules", () => {
  it("parses the URL, falling back to the last 30 days and ignoring a malformed agent", () => {
    const today = "2026-11-22";
    expect(parseDashboardFilters(new URLSearchParams(""), today)).toEqual({ from: "2026-10-24", to: today, agentId: null });
    expect(parseDashboardFilters(new URLSearchParams("from=garbage&agent=1;drop"), today)).toEqual({ from: "2026-10-24", to: today, agentId: null });
    expect(parseDashboardFilters(new URLSearchParams("from=2026-02-30"), today).from).toBe("2026-10-24");
    expect(parseDashboardFilters(new URLSearchParams("from=2026-11-01"), today)).toEqual({ from: "2026-11-01", to: today, agentId: null });
    expect(parseDashboardFilters(new URLSearchParams("to=2026-03-31"), today)).toEqual({ from: "2026-03-02", to: "2026-03-31", agentId: null });
    // A reversed range is put the right way round.
    expect(parseDashboardFilters(new URLSearchParams("from=2026-05-10&to=2026-05-01"), today)).toEqual({ from: "2026-05-01", to: "2026-05-10", agentId: null });
  });

  it("limits the trend to the last 366 days, never past today", () => {
    const f = (from: string, to: string) => trendRange({ from, to, agentId: null }, "2026-11-22");
    expect(f("2026-11-01", "2026-11-22")).toEqual({ from: "2026-11-01", to: "2026-11-22", agentId: null, clamped: false });
    expect(f("2026-11-01", "2026-12-31")).toEqual({ from: "2026-11-01", to: "2026-11-22", agentId: null, clamped: false });
    expect(f("2020-01-01", "2026-11-22")).toEqual({ from: "2025-11-22", to: "2026-11-22", agentId: null, clamped: true });
    expect(f("2027-01-01", "2027-01-31")).toEqual({ from: "2027-01-01", to: "2027-01-31", agentId: null, clamped: false });
  });

  it("polls only while something is in the pipeline", () => {
    expect(pipelineRefetchInterval(0)).toBe(false);
    expect(pipelineRefetchInterval(undefined)).toBe(false);
    expect(pipelineRefetchInterval(3)).toBe(15_000);
    const opts = dashboardKpisQueryOptions(ORG_ID, { from: "2026-11-01", to: "2026-11-30", agentId: null });
    expect(opts.queryKey).toEqual(["dashboard", ORG_ID, "kpis", { from: "2026-11-01", to: "2026-11-30", agentId: null }]);
  });
});

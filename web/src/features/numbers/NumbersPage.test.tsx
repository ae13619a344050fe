// The numbers screen with supabase-js and the Edge Function call stood in for
// (third-party boundary): list, onboarding flow, plan limit.
import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { callFunction, FunctionError } from "../../lib/functions";
import { NumbersPage } from "./components/NumbersPage";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);
vi.mock("../../lib/functions", async (original) => (await import("../../testing/functions")).functionsModule(original));

const ORG = "org-1";
const fn = vi.mocked(callFunction);

const AGENTS = [
  { id: "ag-1", name: "Alex Agent", active: true },
  { id: "ag-2", name: "Jamie Agent", active: true },
  { id: "ag-3", name: "Old Agent", active: false },
];
const NUMBERS = [
  { id: "pn-1", org_id: ORG, e164: "+14155550100", friendly_name: "Sales line", agent_id: "ag-1", status: "active", provider_sid: "PN1", created_at: "2026-01-01" },
];
const AVAILABLE = [
  { e164: "+14155550101", friendly_name: "(415) 555-0101", locality: "San Francisco", region: "CA" },
  { e164: "+14155550102", friendly_name: "(415) 555-0102", locality: "San Francisco", region: "CA" },
];

const renderPage = () => renderScreen(<NumbersPage />, { url: "/app/numbers" });

let numbers = [...NUMBERS];
let used = 1;

beforeEach(() => {
  db.reset();
  fn.mockReset();
  numbers = [...NUMBERS];
  used = 1;
  db.signIn("user-1", "owner");
  db.on("agents", () => ({ data: AGENTS, error: null }));
  db.on("phone_numbers", (q) => {
    if (q.op === "update") {
      const id = q.filters.find((f) => f[0] === "eq" && f[1] === "id")?.[2];
      numbers = numbers.map((n) => (n.id === id ? { ...n, ...(q.payload as object) } : n));
      return { data: [{ id }], error: null };
    }
    return { data: numbers, error: null };
  });
  db.on("rpc:org_entitlements", () => ({
    data: {
      plan: "free", plan_name: "Free", status: "none", paid: false, seats: 3, features: [],
      limits: { analyzed_minutes_per_month: 60, phone_numbers: 3, sim_sessions_per_month: 10 },
      usage: { analyzed_minutes: 0, phone_numbers: used, members: 1, pending_invitations: 0 },
    },
    error: null,
  }));
});
afterEach(() => cleanup());

async function searchFor(areaCode: string) {
  fireEvent.change(await screen.findByLabelText(/area code/i), { target: { value: areaCode } });
  fireEvent.click(screen.getByRole("button", { name: /search/i }));
}

describe("NumbersPage", () => {
  it("lists the organization's numbers with their agent and plan usage", async () => {
    renderPage();
    const row = await screen.findByTestId("number-row");
    expect(within(row).getByText("+14155550100")).toBeTruthy();
    expect(within(row).getByText("Sales line")).toBeTruthy();
    expect((within(row).getByLabelText("Agent for +14155550100") as HTMLSelectElement).value).toBe("ag-1");
    expect(within(row).getByText("active")).toBeTruthy();
    expect((await screen.findByTestId("number-usage")).textContent).toContain("1 of 3 numbers used");
    expect(db.queries("phone_numbers")[0].filters).toContainEqual(["eq", "org_id", ORG]);
  });

  it("reassigns a number to another agent through PostgREST", async () => {
    renderPage();
    const select = await screen.findByLabelText("Agent for +14155550100");
    await waitFor(() => expect(within(select).getAllByRole("option").map((o) => o.textContent)).toContain("Jamie Agent"));
    expect(within(select).queryByText("Old Agent")).toBeNull();
    fireEvent.change(select, { target: { value: "ag-2" } });
    await waitFor(() => expect(db.queries("phone_numbers", "update")).toHaveLength(1));
    const update = db.queries("phone_numbers", "update")[0];
    expect(update.payload).toEqual({ agent_id: "ag-2" });
    expect(update.filters).toContainEqual(["eq", "id", "pn-1"]);
    await waitFor(() => expect((screen.getByLabelText("Agent for +14155550100") as HTMLSelectElement).value).toBe("ag-2"));
  });

  it("onboarding: search an area code, pick a number, choose the agent, buy → ready", async () => {
    fn.mockImplementation(async (_name, body) => {
      const b = body as Record<string, string>;
      if (b.action === "search") return AVAILABLE;
      if (b.action === "buy") {
        used = 2;
        const row = { id: "pn-2", org_id: ORG, e164: b.e164, friendly_name: b.friendly_name, agent_id: b.agent_id, status: "active", provider_sid: "PN2", created_at: "2026-01-02" };
        numbers = [...numbers, row];
        return row;
      }
      throw new Error(`unexpected ${b.action}`);
    });
    renderPage();
    await searchFor("415");
    const offered = await screen.findAllByTestId("available-number");
    expect(offered.map((o) => o.textContent)).toEqual([
      expect.stringContaining("+14155550101"),
      expect.stringContaining("+14155550102"),
    ]);
    expect(fn).toHaveBeenCalledWith("phone-numbers", { action: "search", org_id: ORG, area_code: "415" });
    expect(screen.queryByRole("button", { name: /^buy/i })).toBeNull();

    fireEvent.click(within(offered[1]).getByRole("radio"));
    const agent = await screen.findByLabelText(/calls ring/i) as HTMLSelectElement;
    expect(agent.value).toBe("ag-1");
    fireEvent.change(agent, { target: { value: "ag-2" } });
    fireEvent.change(screen.getByLabelText(/name \(optional\)/i), { target: { value: "  Upsell line " } });
    fireEvent.click(screen.getByRole("button", { name: /^buy \+14155550102/i }));

    const ready = await screen.findByText((_t, el) => el?.classList.contains("banner") === true && /now ring/i.test(el.textContent ?? ""));
    expect(ready.textContent).toBe("Calls to +14155550102 now ring Jamie Agent.");
    expect(fn).toHaveBeenCalledWith("phone-numbers", {
      action: "buy",
      org_id: ORG,
      e164: "+14155550102",
      agent_id: "ag-2",
      friendly_name: "Upsell line",
    });
    // The list and the usage are re-read.
    await waitFor(() => expect(screen.getAllByTestId("number-row")).toHaveLength(2));
    await waitFor(() => expect(screen.getByTestId("number-usage").textContent).toContain("2 of 3"));
  });

  it("a plan limit (402) explains it and links to billing; nothing is added", async () => {
    fn.mockImplementation(async (_name, body) => {
      if ((body as { action: string }).action === "search") return AVAILABLE;
      throw new FunctionError(402, "plan_limit", "Your Free plan includes 1 phone number and 1 is in use. Upgrade your plan on the billing page to add another number.");
    });
    renderPage();
    await searchFor("415");
    fireEvent.click(within((await screen.findAllByTestId("available-number"))[0]).getByRole("radio"));
    fireEvent.click(await screen.findByRole("button", { name: /^buy/i }));
    const banner = await screen.findByText(/Free plan includes 1 phone number/);
    const link = within(banner).getByRole("link", { name: /upgrade/i });
    expect(link.getAttribute("href")).toBe("/app/billing");
    expect(screen.queryByText(/now ring/i)).toBeNull();
    expect(screen.getAllByTestId("number-row")).toHaveLength(1);
  });

  it("at the limit already: says so up front and does not offer to buy", async () => {
    used = 3;
    fn.mockResolvedValue(AVAILABLE);
    renderPage();
    expect(await screen.findByText(/using all 3 numbers your Free plan includes/)).toBeTruthy();
    await searchFor("415");
    fireEvent.click(within((await screen.findAllByTestId("available-number"))[0]).getByRole("radio"));
    expect((await screen.findByRole("button", { name: /^buy/i }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("an invalid area code cannot be searched; no numbers is an empty state", async () => {
    fn.mockResolvedValue([]);
    renderPage();
    const input = await screen.findByLabelText(/area code/i);
    fireEvent.change(input, { target: { value: "12" } });
    expect((screen.getByRole("button", { name: /search/i }) as HTMLButtonElement).disabled).toBe(true);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    await act(async () => {
      fireEvent.change(input, { target: { value: "212" } });
      fireEvent.click(screen.getByRole("button", { name: /search/i }));
    });
    expect(await screen.findByText("No numbers available in 212")).toBeTruthy();
  });

  it("managers and agents are told to ask an owner", async () => {
    db.signIn("user-2", "manager");
    renderPage();
    expect(await screen.findByText("Owners and admins only")).toBeTruthy();
    expect(db.queries("phone_numbers")).toHaveLength(0);
  });
});

import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fmtMoney } from "../../lib/format";
import { callsQueryOptions, callsRefetchInterval } from "./api/searchCalls";
import { CallsPage } from "./components/CallsPage";
import { parseCallFilters, toSearch } from "./filters";
import { parseSnippet } from "./format";
import { renderScreen } from "../../testing/render";
import { fakeSupabase as db } from "../../testing/fakeSupabase";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

const ORG_ID = "00000000-0000-4000-8000-0000000000a1";
/** A manager (or `role`) of one organization whose currency is EUR. */
const signIn = (role: "manager" | "agent" = "manager") =>
  db.signIn("00000000-0000-4000-8000-0000000000b1", role, { org: { id: ORG_ID, name: "Acme", currency: "EUR" } });

const ANA = "11111111-1111-4111-8111-111111111111";
const TRACKER = "22222222-2222-4222-8222-222222222222";
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

function row(n: number, over: Record<string, unknown> = {}) {
  return {
    id: id(n), started_at: "2026-11-20T14:05:00Z", duration_seconds: 185, status: "analyzed", error: null,
    agent_id: ANA, agent_name: "Ana Ortiz", from_number: "+15550100", converted: true, upsell_amount: 150,
    sentiment_label: "positive", sentiment_score: 0.62, adherence_score: 92, summary: "Customer added the battery backup.",
    snippet: null, total_count: 1, ...over,
  };
}
const page = (rows: ReturnType<typeof row>[], total = rows.length) => rows.map((r) => ({ ...r, total_count: total }));

const searchArgs = () => db.queries("search_calls", "rpc").map((q) => q.payload as Record<string, unknown>);
const params = () => new URLSearchParams(window.location.search);

beforeEach(() => {
  db.reset();
  signIn();
  window.scrollTo = vi.fn() as unknown as typeof window.scrollTo;
  db.rows("agents", [{ id: ANA, org_id: ORG_ID, name: "Ana Ortiz", active: true }]);
  db.on("rpc:search_calls", () => ({ data: page([row(1)]), error: null }));
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe("CallsPage", () => {
  it("an agent gets no agent filter (RLS shows them only their own calls)", async () => {
    db.reset();
    signIn("agent");
    db.on("rpc:search_calls", () => ({ data: page([row(1)]), error: null }));
    renderScreen(<CallsPage />, { url: "/app/calls" });
    await screen.findAllByTestId("call-row");
    expect(screen.queryByLabelText("Agent")).toBeNull();
    expect(screen.getByLabelText("Outcome")).toBeTruthy();
  });

  it("lists calls with status and outcome badges, formatted figures and links to each call", async () => {
    db.on("rpc:search_calls", () => ({
      data: page([
        row(1),
        row(2, { status: "transcribing", converted: null, upsell_amount: null, sentiment_label: null, sentiment_score: null, adherence_score: null, summary: null }),
        row(3, { status: "failed", error: "Transcript provider returned 500", converted: null, upsell_amount: null, sentiment_label: null, sentiment_score: null, adherence_score: null, summary: null }),
        row(4, { converted: false, upsell_amount: 0, sentiment_label: "negative", sentiment_score: -0.5, agent_name: null, agent_id: null }),
      ]),
      error: null,
    }));
    renderScreen(<CallsPage />, { url: "/app/calls" });
    const rows = await screen.findAllByTestId("call-row");
    expect(rows).toHaveLength(4);

    const [analyzed, processing, failed, lost] = rows;
    const link = within(analyzed).getByRole("link");
    expect(link.getAttribute("href")).toBe(`/app/calls/${id(1)}`);
    expect(analyzed.textContent).toContain("Ana Ortiz");
    expect(analyzed.textContent).toContain("3:05");
    expect(analyzed.textContent).toContain("Analyzed");
    expect(analyzed.textContent).toContain("Converted");
    expect(analyzed.textContent).toContain(fmtMoney(150, "EUR"));
    expect(analyzed.textContent).toContain("Positive +0.62");
    expect(analyzed.textContent).toContain("92%");
    expect(analyzed.textContent).toContain("Customer added the battery backup.");

    const badge = processing.querySelector(".calls-status")!;
    expect(badge.textContent).toBe("Processing… transcribing");
    expect(processing.textContent).not.toContain("Converted");

    const failedBadge = failed.querySelector(".calls-status")!;
    expect(failedBadge.textContent).toContain("Failed");
    expect(failedBadge.getAttribute("title")).toBe("Transcript provider returned 500");

    expect(lost.textContent).toContain("Not converted");
    expect(lost.textContent).toContain("Unassigned");
    expect(lost.textContent).toContain("Negative −0.50");

    expect(screen.getByText("1–4 of 4")).toBeTruthy();
    expect((screen.getByRole("button", { name: "Prev" }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole("button", { name: "Next" }) as HTMLButtonElement).disabled).toBe(true);

    // A row opens the call without a page load.
    fireEvent.click(link);
    expect(window.location.pathname).toBe(`/app/calls/${id(1)}`);
  });

  it("renders snippet highlights as <mark> and markup in a transcript as text", async () => {
    const snippet = `…about the «refund» policy <img src=x onerror="alert(1)"> and «refunds» <b>bold</b>`;
    db.on("rpc:search_calls", () => ({ data: page([row(1, { snippet })]), error: null }));
    renderScreen(<CallsPage />, { url: "/app/calls?q=refund" });
    const [r] = await screen.findAllByTestId("call-row");
    const marks = r.querySelectorAll("mark");
    expect([...marks].map((m) => m.textContent)).toEqual(["refund", "refunds"]);
    expect(document.querySelector("img")).toBeNull();
    expect(document.querySelector("b")).toBeNull();
    const cell = r.querySelector(".calls-snippet")!;
    expect(cell.textContent).toBe(`…about the refund policy <img src=x onerror="alert(1)"> and refunds <b>bold</b>`);
    expect(searchArgs()[0]).toMatchObject({ p_query: "refund", p_limit: 25, p_offset: 0 });
    expect(screen.getByRole("columnheader", { name: "Match" })).toBeTruthy();
    expect((screen.getByPlaceholderText("Search transcripts…") as HTMLInputElement).value).toBe("refund");
  });

  it("submits the search on Enter and on the button, writing it to the URL and starting at page 1", async () => {
    renderScreen(<CallsPage />, { url: "/app/calls?page=3&outcome=converted" });
    await screen.findByText("Calls");
    const box = screen.getByRole("searchbox", { name: "Search transcripts" }) as HTMLInputElement;
    expect(box.placeholder).toBe("Search transcripts…");
    fireEvent.change(box, { target: { value: "  battery backup " } });
    expect(params().get("q")).toBeNull(); // not on every keystroke
    box.focus();
    fireEvent.submit(box.closest("form")!);
    expect(document.activeElement).toBe(box); // still typing in the same box
    expect(box.value).toBe("battery backup");
    expect(window.location.search).toBe("?q=battery+backup&outcome=converted");
    await waitFor(() => expect(searchArgs().at(-1)).toEqual({ p_query: "battery backup", p_outcome: "converted", p_limit: 25, p_offset: 0 }));

    fireEvent.change(box, { target: { value: "warranty" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(params().get("q")).toBe("warranty");
    // Emptying the box and searching removes the query.
    fireEvent.change(box, { target: { value: " " } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(params().has("q")).toBe(false);
  });

  it("filters write the URL and reach search_calls", async () => {
    renderScreen(<CallsPage />, { url: "/app/calls" });
    await screen.findAllByTestId("call-row");
    expect(searchArgs()[0]).toEqual({ p_limit: 25, p_offset: 0 });
    await waitFor(() => expect((screen.getByLabelText("Agent") as HTMLSelectElement).disabled).toBe(false));
    fireEvent.change(screen.getByLabelText("Agent"), { target: { value: ANA } });
    fireEvent.change(screen.getByLabelText("From"), { target: { value: "2026-11-01" } });
    fireEvent.change(screen.getByLabelText("To"), { target: { value: "2026-11-30" } });
    fireEvent.change(screen.getByLabelText("Outcome"), { target: { value: "not_converted" } });
    fireEvent.change(screen.getByLabelText("Sentiment"), { target: { value: "negative" } });
    fireEvent.change(screen.getByLabelText("Status"), { target: { value: "failed" } });
    expect(window.location.pathname).toBe("/app/calls");
    expect(Object.fromEntries(params())).toEqual({
      agent: ANA, from: "2026-11-01", to: "2026-11-30", outcome: "not_converted", sentiment: "negative", status: "failed",
    });
    await waitFor(() => expect(searchArgs().at(-1)).toEqual({
      p_agent_id: ANA, p_from: "2026-11-01", p_to: "2026-11-30", p_outcome: "not_converted", p_sentiment: "negative", p_status: "failed",
      p_limit: 25, p_offset: 0,
    }));
    fireEvent.change(screen.getByLabelText("Outcome"), { target: { value: "" } });
    expect(params().has("outcome")).toBe(false);
  });

  it("pages 25 at a time with '1–25 of N' from total_count", async () => {
    db.on("rpc:search_calls", (q) => {
      const a = q.payload as Record<string, unknown>;
      const offset = Number(a.p_offset);
      const n = Math.min(25, 60 - offset);
      return { data: page(Array.from({ length: n }, (_, i) => row(offset + i + 1)), 60), error: null };
    });
    renderScreen(<CallsPage />, { url: "/app/calls" });
    expect(await screen.findByText("1–25 of 60")).toBeTruthy();
    expect(screen.getAllByTestId("call-row")).toHaveLength(25);
    expect((screen.getByRole("button", { name: "Prev" }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    expect(params().get("page")).toBe("2");
    expect(await screen.findByText("26–50 of 60")).toBeTruthy();
    expect(searchArgs().at(-1)).toMatchObject({ p_offset: 25, p_limit: 25 });

    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    expect(await screen.findByText("51–60 of 60")).toBeTruthy();
    expect(screen.getAllByTestId("call-row")).toHaveLength(10);
    expect((screen.getByRole("button", { name: "Next" }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByRole("button", { name: "Prev" }));
    expect(params().get("page")).toBe("2");
    expect(await screen.findByText("26–50 of 60")).toBeTruthy();
  });

  it("says 'No calls yet' when there are none at all", async () => {
    db.on("rpc:search_calls", () => ({ data: [], error: null }));
    renderScreen(<CallsPage />, { url: "/app/calls" });
    expect(await screen.findByText("No calls yet")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Clear filters" })).toBeNull();
    expect(screen.queryByTestId("call-row")).toBeNull();
  });

  it("says 'No calls match these filters' under filters, and 'Clear filters' resets the URL", async () => {
    db.on("rpc:search_calls", (q) => ({ data: (q.payload as { p_query?: string }).p_query ? [] : page([row(1)]), error: null }));
    renderScreen(<CallsPage />, { url: "/app/calls?q=zebra&sentiment=negative" });
    expect(await screen.findByText("No calls match these filters")).toBeTruthy();
    expect(screen.queryByText("No calls yet")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(window.location.pathname).toBe("/app/calls");
    expect(window.location.search).toBe("");
    expect(await screen.findAllByTestId("call-row")).toHaveLength(1);
    expect(searchArgs().at(-1)).toEqual({ p_limit: 25, p_offset: 0 });
    expect((screen.getByRole("searchbox") as HTMLInputElement).value).toBe("");
    expect((screen.getByLabelText("Sentiment") as HTMLSelectElement).value).toBe("");
  });

  it("offers the first page when a page past the end is empty", async () => {
    db.on("rpc:search_calls", (q) => ({ data: Number((q.payload as { p_offset: number }).p_offset) > 0 ? [] : page([row(1)]), error: null }));
    renderScreen(<CallsPage />, { url: "/app/calls?status=analyzed&page=5" });
    expect(await screen.findByText("There is nothing on this page")).toBeTruthy();
    expect(searchArgs()[0]).toMatchObject({ p_status: "analyzed", p_offset: 100 });
    fireEvent.click(screen.getByRole("button", { name: "Go to the first page" }));
    expect(window.location.search).toBe("?status=analyzed");
    expect(await screen.findAllByTestId("call-row")).toHaveLength(1);
  });

  it("shows a loading state, then an error with a retry that recovers", async () => {
    let answer: "never" | "fail" | "ok" = "never";
    db.on("rpc:search_calls", () => {
      if (answer === "never") return new Promise(() => {});
      if (answer === "fail") return { data: null, error: { code: "57014", message: "canceling statement due to statement timeout" } };
      return { data: page([row(1)]), error: null };
    });
    renderScreen(<CallsPage />, { url: "/app/calls" });
    expect(await screen.findByText("Loading calls…")).toBeTruthy();
    cleanup();

    answer = "fail";
    renderScreen(<CallsPage />, { url: "/app/calls" });
    const alert = (await screen.findByText("Couldn't load calls")).closest("[role=alert]") as HTMLElement;
    expect(alert.textContent).toContain("canceling statement due to statement timeout");
    answer = "ok";
    fireEvent.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(await screen.findAllByTestId("call-row")).toHaveLength(1);
  });

  it("refreshes every 5 s while a listed call is processed, and stops once none is", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ["setInterval", "clearInterval", "setTimeout", "clearTimeout"] });
    let status = "analyzing";
    db.on("rpc:search_calls", () => ({ data: page([row(1, { status }), row(2)]), error: null }));
    renderScreen(<CallsPage />, { url: "/app/calls" });
    await screen.findByText("Processing…", { exact: false });
    expect(screen.getByText(/Refreshing every 5 s/)).toBeTruthy();
    const before = searchArgs().length;
    await act(async () => { await vi.advanceTimersByTimeAsync(5_100); });
    await waitFor(() => expect(searchArgs().length).toBe(before + 1));
    status = "analyzed";
    await act(async () => { await vi.advanceTimersByTimeAsync(5_100); });
    await waitFor(() => expect(screen.queryByText("Processing…", { exact: false })).toBeNull());
    const settled = searchArgs().length;
    await act(async () => { await vi.advanceTimersByTimeAsync(20_000); });
    expect(searchArgs().length).toBe(settled);
  });
});

describe("CallsPage tracker filter", () => {
  it("is hidden without trackers, and filters the list by the tracker chosen", async () => {
    renderScreen(<CallsPage />, { url: "/app/calls" });
    await screen.findAllByTestId("call-row");
    expect(screen.queryByLabelText("Tracker")).toBeNull();
    cleanup();
    db.rows("trackers", [{ id: TRACKER, org_id: ORG_ID, name: "Competitors", terms: ["Globex"], alert: true, created_at: "2026-11-01T00:00:00Z" }]);
    renderScreen(<CallsPage />, { url: "/app/calls" });
    fireEvent.change(await screen.findByLabelText("Tracker"), { target: { value: TRACKER } });
    await waitFor(() => expect(searchArgs().at(-1)?.p_tracker_id).toBe(TRACKER));
    expect(params().get("tracker")).toBe(TRACKER);
  });
});

describe("calls list helpers", () => {
  it("parses the URL and ignores malformed values", () => {
    expect(parseCallFilters(new URLSearchParams("q=%20refund%20&agent=nope&from=2026-13-01&to=2026-11-30&outcome=maybe&sentiment=neutral&status=failed&tracker=x&page=-2")))
      .toEqual({ q: "refund", agentId: null, from: null, to: "2026-11-30", outcome: null, sentiment: "neutral", status: "failed", trackerId: null, page: 1 });
    expect(toSearch({ q: "a b", agentId: ANA, from: null, to: null, outcome: "converted", sentiment: null, status: null, trackerId: TRACKER, page: 2 }))
      .toBe(`?q=a+b&agent=${ANA}&outcome=converted&tracker=${TRACKER}&page=2`);
  });

  it("splits snippets into text and matches without interpreting markup", () => {
    expect(parseSnippet("a «b» <i>c</i> «d»")).toEqual([
      { text: "a ", match: false }, { text: "b", match: true }, { text: " <i>c</i> ", match: false }, { text: "d", match: true },
    ]);
    expect(parseSnippet("unbalanced « marker")).toEqual([{ text: "unbalanced « marker", match: false }]);
  });

  it("polls only while a listed call is in the pipeline; keys are per organization", () => {
    const base = { id: "x", started_at: null, duration_seconds: null, error: null, agent_id: null, agent_name: null, from_number: null, converted: null, upsell_amount: null, sentiment_label: null, sentiment_score: null, adherence_score: null, summary: null, snippet: null };
    expect(callsRefetchInterval(undefined)).toBe(false);
    expect(callsRefetchInterval({ total: 1, rows: [{ ...base, status: "analyzed" }] })).toBe(false);
    expect(callsRefetchInterval({ total: 1, rows: [{ ...base, status: "failed" }] })).toBe(false);
    for (const s of ["in_progress", "received", "transcribing", "analyzing"] as const) {
      expect(callsRefetchInterval({ total: 1, rows: [{ ...base, status: s }] })).toBe(5_000);
    }
    const f = parseCallFilters(new URLSearchParams("q=x"));
    expect(callsQueryOptions(ORG_ID, f).queryKey).toEqual(["calls", ORG_ID, "list", f]);
  });
});

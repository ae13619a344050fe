import { describe, expect, it } from "vitest";
import { CALL_STATUSES, type CallFilters, hasActiveFilters, isIsoDate, parseCallFilters, PIPELINE_STATUSES, toSearch } from "./filters";

const AGENT = "0b7a6f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
const TRACKER = "1c8b7a4f-2d3e-4f5a-9b0c-1d2e3f4a5b6c";
const NONE: CallFilters = { q: null, agentId: null, from: null, to: null, outcome: null, sentiment: null, status: null, trackerId: null, page: 1 };
const parse = (s: string) => parseCallFilters(new URLSearchParams(s));

describe("call list filters", () => {
  it("reads every filter from the query string", () => {
    expect(parse(`q=%20refund%20&agent=${AGENT}&from=2026-11-01&to=2026-11-30&outcome=converted&sentiment=negative&status=analyzed&tracker=${TRACKER}&page=3`))
      .toEqual({ q: "refund", agentId: AGENT, from: "2026-11-01", to: "2026-11-30", outcome: "converted", sentiment: "negative", status: "analyzed", trackerId: TRACKER, page: 3 });
    expect(parse("")).toEqual(NONE);
  });
  it("ignores what is malformed", () => {
    expect(parse("q=%20%20&agent=nope&from=2026-02-30&to=26-11-01&outcome=maybe&sentiment=glad&status=done&tracker=x&page=0")).toEqual(NONE);
    expect(parse("page=-2").page).toBe(1);
    expect(parse("page=abc").page).toBe(1);
    expect(parse(`agent=${AGENT}x`).agentId).toBeNull();
    expect(parse(`tracker=x${TRACKER}`).trackerId).toBeNull();
    expect(parse(`q=${"a".repeat(250)}`).q).toBe("a".repeat(200));
  });
  it("dates are real calendar days", () => {
    expect(isIsoDate("2026-12-31")).toBe(true);
    expect(isIsoDate("2026-13-01")).toBe(false);
    expect(isIsoDate("2026-1-01")).toBe(false);
    expect(isIsoDate("x2026-01-01")).toBe(false);
    expect(isIsoDate("2026-01-01x")).toBe(false);
    expect(isIsoDate(null)).toBe(false);
    expect(isIsoDate("")).toBe(false);
  });
  it("knows when anything narrows the list (not the page)", () => {
    expect(hasActiveFilters(NONE)).toBe(false);
    expect(hasActiveFilters({ ...NONE, page: 4 })).toBe(false);
    for (const patch of [{ q: "x" }, { agentId: AGENT }, { from: "2026-01-01" }, { to: "2026-01-01" }, { outcome: "converted" as const },
      { sentiment: "neutral" as const }, { status: "failed" as const }, { trackerId: TRACKER }]) {
      expect(hasActiveFilters({ ...NONE, ...patch })).toBe(true);
    }
  });
  it("writes the query string back, the first page left out; it reads back the same", () => {
    expect(toSearch(NONE)).toBe("");
    expect(toSearch({ ...NONE, page: 1, q: "a b" })).toBe("?q=a+b");
    const all: CallFilters = { q: "refund", agentId: AGENT, from: "2026-11-01", to: "2026-11-30", outcome: "not_converted", sentiment: "positive", status: "received", trackerId: TRACKER, page: 2 };
    expect(toSearch(all)).toBe(`?q=refund&agent=${AGENT}&from=2026-11-01&to=2026-11-30&outcome=not_converted&sentiment=positive&status=received&tracker=${TRACKER}&page=2`);
    expect(parse(toSearch(all).slice(1))).toEqual(all);
  });
  it("statuses: every call status is offered; the pipeline ones are those still in progress", () => {
    expect(CALL_STATUSES.map((s) => s.value)).toEqual(["in_progress", "received", "transcribing", "analyzing", "analyzed", "failed", "not_analyzed", "orphaned"]);
    expect([...PIPELINE_STATUSES]).toEqual(["in_progress", "received", "transcribing", "analyzing"]);
  });
});

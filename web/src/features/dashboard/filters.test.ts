import { describe, expect, it } from "vitest";
import { addDays, DEFAULT_PRESET, isIsoDate, isUuid, parseDashboardFilters, PRESET_DAYS, presetOf, presetRange, todayIso } from "./filters";

const TODAY = "2026-12-02";
const AGENT = "0b7a6f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
const parse = (s: string) => parseDashboardFilters(new URLSearchParams(s), TODAY);

describe("dashboard filters", () => {
  it("days: across months and years, both ways", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays(TODAY, 0)).toBe(TODAY);
    expect(todayIso()).toBe(new Date().toISOString().slice(0, 10));
  });
  it("presets are the last n days up to today, inclusive", () => {
    expect(PRESET_DAYS).toEqual([7, 30, 90]);
    expect(DEFAULT_PRESET).toBe(30);
    expect(presetRange(7, TODAY)).toEqual({ from: "2026-11-26", to: TODAY });
    expect(presetOf({ from: "2026-11-26", to: TODAY }, TODAY)).toBe(7);
    expect(presetOf({ from: "2026-11-03", to: TODAY }, TODAY)).toBe(30);
    expect(presetOf({ from: "2026-09-04", to: TODAY }, TODAY)).toBe(90);
    expect(presetOf({ from: "2026-11-27", to: TODAY }, TODAY)).toBe("custom");
    expect(presetOf({ from: "2026-11-26", to: "2026-12-01" }, TODAY)).toBe("custom");
  });
  it("reads the period and agent; malformed or missing parts fall back", () => {
    expect(parse(`from=2026-11-01&to=2026-11-15&agent=${AGENT}`)).toEqual({ from: "2026-11-01", to: "2026-11-15", agentId: AGENT });
    expect(parse("")).toEqual({ from: "2026-11-03", to: TODAY, agentId: null });
    expect(parse("from=bad&to=2026-02-30&agent=nope")).toEqual({ from: "2026-11-03", to: TODAY, agentId: null });
    // Only a start: up to today, or to the start itself when it is later.
    expect(parse("from=2026-11-20")).toEqual({ from: "2026-11-20", to: TODAY, agentId: null });
    expect(parse("from=2026-12-10")).toEqual({ from: "2026-12-10", to: "2026-12-10", agentId: null });
    // Only an end: the 30 days before it.
    expect(parse("to=2026-10-31")).toEqual({ from: "2026-10-02", to: "2026-10-31", agentId: null });
    // Reversed: swapped.
    expect(parse("from=2026-11-15&to=2026-11-01")).toEqual({ from: "2026-11-01", to: "2026-11-15", agentId: null });
  });
  it("dates and ids are checked strictly", () => {
    expect(isIsoDate("2026-02-28")).toBe(true);
    expect(isIsoDate("2026-02-29")).toBe(false);
    expect(isIsoDate("2026-02-2")).toBe(false);
    expect(isIsoDate(" 2026-02-28")).toBe(false);
    expect(isIsoDate("2026-02-28 ")).toBe(false);
    expect(isIsoDate(undefined)).toBe(false);
    expect(isUuid(AGENT)).toBe(true);
    expect(isUuid(AGENT.toUpperCase())).toBe(true);
    expect(isUuid(`${AGENT}0`)).toBe(false);
    expect(isUuid(`0${AGENT}`)).toBe(false);
    expect(isUuid(null)).toBe(false);
  });
});

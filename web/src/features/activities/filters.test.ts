import { describe, expect, it } from "vitest";
import { hasFilters, parseActivityFilters } from "./filters";

const parse = (s: string) => parseActivityFilters(new URLSearchParams(s));
const NONE = { person: null, type: null, outcome: null, from: null, to: null };

describe("activity filters", () => {
  it("reads person, type, outcome and the days; malformed days and empty values are ignored", () => {
    expect(parse("person=u1&type=meeting&outcome=won&from=2026-11-01&to=2026-11-30"))
      .toEqual({ person: "u1", type: "meeting", outcome: "won", from: "2026-11-01", to: "2026-11-30" });
    expect(parse("person=&from=2026-11&to=yesterday")).toEqual(NONE);
    expect(parse("from=x2026-11-01&to=2026-11-01x")).toEqual(NONE);
    expect(parse(`type=${"t".repeat(80)}`).type).toBe("t".repeat(64));
  });
  it("knows when any filter is set", () => {
    expect(hasFilters(NONE)).toBe(false);
    for (const k of Object.keys(NONE)) expect(hasFilters({ ...NONE, [k]: "2026-11-01" })).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { fmtMoney, fmtNum, fmtPct } from "../../lib/format";
import { ACTIVITY_TYPES, fmtMetric, fmtPeriod, isLevelMetric, METRICS, metricLabel, PERIODS, STATUS } from "./metrics";

describe("goal metrics", () => {
  it("rates and averages are levels, counts and sums are paced", () => {
    expect(METRICS.filter((m) => isLevelMetric(m.value)).map((m) => m.value)).toEqual(["conversion_rate", "script_adherence", "sim_score"]);
  });
  it("labels metrics, and activities by their type", () => {
    expect(metricLabel("conversions")).toBe("Conversions");
    expect(metricLabel("sim_score")).toBe("Average SIM score");
    expect(metricLabel("activities", "demo")).toBe("Demos");
    expect(metricLabel("activities", "unknown")).toBe("Activities");
    expect(metricLabel("activities")).toBe("Activities");
    expect(metricLabel("nope" as never)).toBe("nope");
    expect(ACTIVITY_TYPES.map((t) => t.value)).toEqual(["call", "email", "meeting", "demo", "proposal", "follow_up", "sim", "referral"]);
    expect(PERIODS.map((p) => p.value)).toEqual(["week", "month", "quarter", "custom"]);
  });
  it("writes each metric's figures in its unit; nothing is a dash", () => {
    expect(fmtMetric("conversion_rate", 0.25, "USD")).toBe(fmtPct(0.25));
    expect(fmtMetric("upsell_revenue", 1200, "EUR")).toBe(fmtMoney(1200, "EUR"));
    expect(fmtMetric("script_adherence", 82.25, "USD")).toBe(`${fmtNum(82.25, 1)}/100`);
    expect(fmtMetric("sim_score", 70, "USD")).toBe("70/100");
    expect(fmtMetric("conversions", 12.34, "USD")).toBe(fmtNum(12.34, 1));
    expect(fmtMetric("conversions", null, "USD")).toBe("—");
    expect(fmtMetric("conversions", undefined, "USD")).toBe("—");
    expect(fmtMetric("conversions", 0, "USD")).toBe("0");
  });
  it("statuses have a label and a tone", () => {
    expect(STATUS.reached).toEqual({ label: "Reached", kind: "good" });
    expect(STATUS.on_track).toEqual({ label: "On track", kind: "info" });
    expect(STATUS.behind).toEqual({ label: "Behind", kind: "bad" });
    expect(STATUS.no_data).toEqual({ label: "No data yet", kind: "" });
    expect(STATUS.missed).toEqual({ label: "Missed", kind: "bad" });
  });
  it("periods read as calendar days, the year of the end", () => {
    const f = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
    const day = (s: string) => f.format(new Date(`${s}T00:00:00Z`));
    expect(fmtPeriod("2026-12-01", "2027-01-31")).toBe(`${day("2026-12-01")} – ${day("2027-01-31")}, 2027`);
  });
});

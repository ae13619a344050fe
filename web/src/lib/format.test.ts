import { describe, expect, it } from "vitest";
import { num, numOrNull } from "./coerce";
import { fmtAdherence, fmtDateTime, fmtDuration, fmtMoney, fmtNum, fmtPct, fmtSentiment, isoDate } from "./format";

describe("format", () => {
  it("money: whole units by default, the given fraction digits, 0 for nothing", () => {
    expect(fmtMoney(1234.56)).toBe("$1,235");
    expect(fmtMoney(1234.5, "USD", 2)).toBe("$1,234.50");
    expect(fmtMoney(null)).toBe("$0");
    expect(fmtMoney(5, "EUR")).toBe("€5");
  });
  it("percent and numbers keep null apart from 0", () => {
    expect(fmtPct(0.256)).toBe("26%");
    expect(fmtPct(0)).toBe("0%");
    expect(fmtPct(null)).toBe("—");
    expect(fmtNum(1234.567)).toBe("1,235");
    expect(fmtNum(1.256, 2)).toBe("1.26");
    expect(fmtNum(0)).toBe("0");
    expect(fmtNum(undefined)).toBe("—");
  });
  it("sentiment has an explicit sign, none at zero", () => {
    expect(fmtSentiment(0.421)).toBe("+0.42");
    expect(fmtSentiment(-0.1)).toBe("−0.10");
    expect(fmtSentiment(0.001)).toBe("0.00");
    expect(fmtSentiment(-0.004)).toBe("0.00");
    expect(fmtSentiment(null)).toBe("—");
  });
  it("adherence, durations, dates", () => {
    expect(fmtAdherence(87.4)).toBe("87%");
    expect(fmtAdherence(0)).toBe("0%");
    expect(fmtAdherence(null)).toBe("—");
    expect(fmtDuration(0)).toBe("0:00");
    expect(fmtDuration(65)).toBe("1:05");
    expect(fmtDuration(59.9)).toBe("0:59");
    expect(fmtDuration(3600)).toBe("60:00");
    expect(fmtDuration(null)).toBe("—");
    expect(fmtDateTime(null)).toBe("—");
    expect(fmtDateTime("2026-11-03T10:00:00Z")).toMatch(/2026/);
    expect(isoDate(new Date("2026-11-03T23:59:00Z"))).toBe("2026-11-03");
  });
});

describe("coerce", () => {
  it("numOrNull keeps null apart from 0 and refuses what is not a finite number", () => {
    expect(numOrNull(null)).toBeNull();
    expect(numOrNull(undefined)).toBeNull();
    expect(numOrNull("")).toBeNull();
    expect(numOrNull("abc")).toBeNull();
    expect(numOrNull(Infinity)).toBeNull();
    expect(numOrNull("0")).toBe(0);
    expect(numOrNull("12.5")).toBe(12.5);
    expect(num(null)).toBe(0);
    expect(num("7")).toBe(7);
  });
});

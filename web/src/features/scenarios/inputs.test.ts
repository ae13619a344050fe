import { describe, expect, it } from "vitest";
import { type Draft, fromDraft, INPUT_KEYS, INPUT_META, REQUIRED, toDraft, toField } from "./inputs";

const blank = Object.fromEntries(INPUT_KEYS.map((k) => [k, ""])) as Draft;

describe("what-if inputs", () => {
  it("fields show rates as percentages, rounded to two decimals; nothing is blank", () => {
    expect(toField("conversion_rate", 0.123456)).toBe("12.35");
    expect(toField("agents", 3.14159)).toBe("3.14");
    expect(toField("agents", 0)).toBe("0");
    expect(toField("agents", null)).toBe("");
    expect(toField("upsell_rate", undefined)).toBe("");
    expect(toDraft({ agents: 5, upsell_rate: 0.1 })).toEqual({ ...blank, agents: "5", upsell_rate: "10" });
  });
  it("the draft back as inputs: blanks left out, percentages as fractions", () => {
    expect(fromDraft({ ...blank, agents: " 5 ", conversion_rate: "12.5", average_deal_value: "0" }))
      .toEqual({ inputs: { agents: 5, conversion_rate: 0.125, average_deal_value: 0 }, invalid: null });
    expect(fromDraft({ ...blank, upsell_rate: "33.3333333" })).toEqual({ inputs: { upsell_rate: 0.333333 }, invalid: null });
    expect(fromDraft(blank)).toEqual({ inputs: {}, invalid: null });
  });
  it("the first field out of range, or not a number, is named", () => {
    expect(fromDraft({ ...blank, agents: "2", working_days_per_month: "32" })).toEqual({ inputs: { agents: 2 }, invalid: "working_days_per_month" });
    expect(fromDraft({ ...blank, working_days_per_month: "31" }).invalid).toBeNull();
    expect(fromDraft({ ...blank, agents: "-1" }).invalid).toBe("agents");
    expect(fromDraft({ ...blank, agents: "0" }).invalid).toBeNull();
    expect(fromDraft({ ...blank, conversion_rate: "abc" }).invalid).toBe("conversion_rate");
    expect(fromDraft({ ...blank, conversion_rate: "Infinity" }).invalid).toBe("conversion_rate");
    expect(fromDraft({ ...blank, conversion_rate: "100.01" }).invalid).toBe("conversion_rate");
    expect(fromDraft({ ...blank, conversion_rate: "100" })).toEqual({ inputs: { conversion_rate: 1 }, invalid: null });
  });
  it("the bounds and the required inputs", () => {
    expect(Object.fromEntries(INPUT_KEYS.map((k) => [k, INPUT_META[k].max]))).toEqual({
      agents: 100000, calls_per_agent_per_day: 1000, working_days_per_month: 31, conversion_rate: 100,
      average_deal_value: 1e9, upsell_rate: 100, upsell_amount: 1e9, script_adherence: 100,
    });
    expect(INPUT_KEYS.filter((k) => INPUT_META[k].percent)).toEqual(["conversion_rate", "upsell_rate"]);
    expect(REQUIRED).toEqual(["agents", "calls_per_agent_per_day", "working_days_per_month", "conversion_rate"]);
  });
});

import { describe, expect, it } from "vitest";
import { fmtDay, fmtMoneyCompact, SENTIMENT_THRESHOLD, sentimentLabel } from "./format";

describe("dashboard format", () => {
  it("labels sentiment with the analyzer's bands, edges included", () => {
    expect(SENTIMENT_THRESHOLD).toBe(0.3);
    expect(sentimentLabel(0.3)).toBe("Positive");
    expect(sentimentLabel(0.29)).toBe("Neutral");
    expect(sentimentLabel(-0.3)).toBe("Negative");
    expect(sentimentLabel(-0.29)).toBe("Neutral");
    expect(sentimentLabel(0)).toBe("Neutral");
    expect(sentimentLabel(null)).toBeNull();
  });
  it("shows a calendar day without shifting it into the viewer's time zone", () => {
    expect(fmtDay("2026-11-03")).toBe("Nov 3");
    expect(fmtDay("2026-01-01", { year: "numeric" })).toBe("2026");
  });
  it("compact money", () => {
    expect(fmtMoneyCompact(1500, "USD")).toBe("$1.5K");
    expect(fmtMoneyCompact(12, "USD")).toBe("$12");
  });
});

import { describe, expect, it } from "vitest";
import { MAX_NAME, MAX_TERM, MAX_TERMS, parseTerms, trackerProblem } from "./terms";

describe("tracker terms", () => {
  it("splits on commas and newlines, trims, squeezes spaces, keeps the first of each (any case)", () => {
    expect(parseTerms(" refund , money back\nRefund,\n\n  cancel   my   plan ,")).toEqual(["refund", "money back", "cancel my plan"]);
    expect(parseTerms("")).toEqual([]);
    expect(parseTerms(" , \n ")).toEqual([]);
  });
  it("names what is wrong, or null", () => {
    expect(trackerProblem("Refunds", ["refund"])).toBeNull();
    expect(trackerProblem("  ", ["refund"])).toBe("Give the tracker a name.");
    expect(trackerProblem("n".repeat(MAX_NAME + 1), ["refund"])).toBe(`The name is longer than ${MAX_NAME} characters.`);
    expect(trackerProblem(` ${"n".repeat(MAX_NAME)} `, ["refund"])).toBeNull();
    expect(trackerProblem("Refunds", [])).toBe("Add at least one word or phrase.");
    expect(trackerProblem("Refunds", Array.from({ length: MAX_TERMS + 1 }, (_, i) => `t${i}`))).toBe(`At most ${MAX_TERMS} words and phrases.`);
    expect(trackerProblem("Refunds", Array.from({ length: MAX_TERMS }, (_, i) => `t${i}`))).toBeNull();
    const long = "abcdefghijklmnopqrstuvwxyz".repeat(3);
    expect(trackerProblem("Refunds", ["ok", long])).toBe(`"abcdefghijklmnopqrst…" is longer than ${MAX_TERM} characters.`);
    expect(trackerProblem("Refunds", ["t".repeat(MAX_TERM)])).toBeNull();
  });
});

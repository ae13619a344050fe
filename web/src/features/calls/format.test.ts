import { describe, expect, it } from "vitest";
import { parseSnippet } from "./format";

describe("parseSnippet", () => {
  it("splits a headline into plain and matched parts", () => {
    expect(parseSnippet("the «refund» policy")).toEqual([
      { text: "the ", match: false },
      { text: "refund", match: true },
      { text: " policy", match: false },
    ]);
    expect(parseSnippet("«a»«b»")).toEqual([{ text: "a", match: true }, { text: "b", match: true }]);
    expect(parseSnippet("«»x")).toEqual([{ text: "x", match: false }]);
    expect(parseSnippet("no match <b>")).toEqual([{ text: "no match <b>", match: false }]);
    expect(parseSnippet("")).toEqual([]);
  });
});

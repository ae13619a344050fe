import { describe, expect, it } from "vitest";
import { type DraftItem, fromItems, MAX_DESCRIPTION, MAX_ITEMS, MAX_LABEL, move, problems, ScriptItem, slugify, toItems } from "./items";

const draft = (label: string, id: string | null = null, description = ""): DraftItem => ({ key: label, id, label, description });

describe("call script items", () => {
  it("slugs: lowercase ASCII words joined by underscores, accents folded, at most 48 characters", () => {
    expect(slugify("Ask for the sale!")).toBe("ask_for_the_sale");
    expect(slugify("  Crème brûlée — offer  ")).toBe("creme_brulee_offer");
    expect(slugify("__x__")).toBe("x");
    expect(slugify("!!!")).toBe("");
    expect(slugify("a".repeat(47) + " b")).toBe("a".repeat(47));
    expect(slugify("b".repeat(60))).toHaveLength(48);
  });
  it("new items get unique slugs, saved ids are kept, labels and descriptions trimmed", () => {
    expect(toItems([draft("Greet", "greet"), draft(" Greet "), draft("Greet"), draft("???"), draft("Close", null, "  ask  ")])).toEqual([
      { id: "greet", label: "Greet" },
      { id: "greet_2", label: "Greet" },
      { id: "greet_3", label: "Greet" },
      { id: "item", label: "???" },
      { id: "close", label: "Close", description: "ask" },
    ]);
    // A saved id further down is reserved before the new ones are named.
    expect(toItems([draft("Close"), draft("Other", "close")]).map((i) => i.id)).toEqual(["close_2", "close"]);
  });
  it("drafts from saved items key on the id and blank out a missing description", () => {
    expect(fromItems([{ id: "a", label: "A" }, { id: "b", label: "B", description: "d" }])).toEqual([
      { key: "a", id: "a", label: "A", description: "" },
      { key: "b", id: "b", label: "B", description: "d" },
    ]);
  });
  it("moves an item up or down; out of range leaves the list as it is", () => {
    const l = ["a", "b", "c"];
    expect(move(l, 2, -1)).toEqual(["a", "c", "b"]);
    expect(move(l, 0, 1)).toEqual(["b", "a", "c"]);
    expect(move(l, 0, 2)).toEqual(["b", "c", "a"]);
    expect(l).toEqual(["a", "b", "c"]);
    expect(move(l, 0, -1)).toBe(l);
    expect(move(l, 2, 1)).toBe(l);
    expect(move(l, -1, 1)).toBe(l);
    expect(move(l, 3, -1)).toBe(l);
  });
  it("names each problem of a draft; a good one has none", () => {
    expect(problems("Inbound", [draft("Greet")])).toEqual([]);
    expect(problems("  ", [])).toEqual(["Give the script a name."]);
    expect(problems("x".repeat(201), [])).toEqual(["The script's name is too long (200 characters at most)."]);
    expect(problems("x".repeat(200), [])).toEqual([]);
    expect(problems("S", Array.from({ length: MAX_ITEMS + 1 }, (_, i) => draft(`s${i}`)))).toEqual([`A script has at most ${MAX_ITEMS} items.`]);
    expect(problems("S", Array.from({ length: MAX_ITEMS }, (_, i) => draft(`s${i}`)))).toEqual([]);
    expect(problems("S", [draft("ok"), draft(" ")])).toEqual(["Item 2 needs a label."]);
    expect(problems("S", [draft("x".repeat(MAX_LABEL + 1))])).toEqual([`Item 1's label is too long (${MAX_LABEL} characters at most).`]);
    expect(problems("S", [draft("x".repeat(MAX_LABEL))])).toEqual([]);
    expect(problems("S", [draft("l", null, "d".repeat(MAX_DESCRIPTION + 1))]))
      .toEqual([`Item 1's description is too long (${MAX_DESCRIPTION} characters at most).`]);
    expect(problems("S", [draft("l", null, "d".repeat(MAX_DESCRIPTION))])).toEqual([]);
  });
  it("the saved items' schema: an id of 1 to 64 characters, a label, an optional description", () => {
    expect(ScriptItem.safeParse({ id: "a", label: "A" }).success).toBe(true);
    expect(ScriptItem.safeParse({ id: "a", label: "A", description: null }).success).toBe(true);
    expect(ScriptItem.safeParse({ id: "", label: "A" }).success).toBe(false);
    expect(ScriptItem.safeParse({ id: "x".repeat(64), label: "A" }).success).toBe(true);
    expect(ScriptItem.safeParse({ id: "x".repeat(65), label: "A" }).success).toBe(false);
  });
});

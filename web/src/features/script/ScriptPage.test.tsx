// The call-script editor with supabase-js stood in for (third-party boundary):
// reorder, edit, add, remove, save payload, unsaved-changes indicator.
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ScriptPage } from "./components/ScriptPage";
import { move, slugify, toItems } from "./items";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);
vi.mock("../../lib/functions", async (original) => (await import("../../testing/functions")).functionsModule(original));

const ORG = "org-1";
const SCRIPT = {
  id: "script-1",
  name: "Acme inbound sales",
  updated_at: "2026-01-01T00:00:00Z",
  items: [
    { id: "greet", label: "Greet and introduce yourself", description: "Say the company and your name." },
    { id: "needs", label: "Ask about needs" },
    { id: "close", label: "Ask for the sale" },
  ],
};

const renderPage = () => renderScreen(<ScriptPage />, { url: "/app/script" });

let stored: typeof SCRIPT | null;

beforeEach(() => {
  db.reset();
  db.signIn("u-1", "manager");
  stored = structuredClone(SCRIPT);
  db.on("call_scripts", (q) => {
    if (q.op === "update" || q.op === "insert") {
      const p = q.payload as { name: string; items: typeof SCRIPT.items };
      stored = { ...(stored ?? { id: "script-new", updated_at: "2026-02-01T00:00:00Z" }), name: p.name, items: p.items };
    }
    return { data: stored, error: null };
  });
});
afterEach(() => cleanup());

const labels = () => screen.getAllByTestId("script-item").map((li) => (within(li).getByLabelText(/^Step \d+$/) as HTMLInputElement).value);

describe("script items", () => {
  it("slugs labels; keeps existing ids; makes new ids unique", () => {
    expect(slugify("Ask for the sale!")).toBe("ask_for_the_sale");
    expect(slugify("  Überprüfen — Café  ")).toBe("uberprufen_cafe");
    expect(toItems([
      { key: "a", id: "greet", label: "Greet (renamed)", description: "" },
      { key: "b", id: null, label: "Greet", description: " hi " },
      { key: "c", id: null, label: "Greet", description: "" },
      { key: "d", id: null, label: "!!!", description: "" },
    ])).toEqual([
      { id: "greet", label: "Greet (renamed)" },
      { id: "greet_2", label: "Greet", description: "hi" },
      { id: "greet_3", label: "Greet" },
      { id: "item", label: "!!!" },
    ]);
    expect(move([1, 2, 3], 0, -1)).toEqual([1, 2, 3]);
    expect(move([1, 2, 3], 2, -1)).toEqual([1, 3, 2]);
  });
});

describe("ScriptPage", () => {
  it("shows the default script; reorders, edits, adds and removes; saves the ordered items", async () => {
    renderPage();
    expect(await screen.findByDisplayValue("Acme inbound sales")).toBeTruthy();
    expect(labels()).toEqual(["Greet and introduce yourself", "Ask about needs", "Ask for the sale"]);
    expect(screen.getByRole("status", { name: "" }).textContent).toBe("No changes");
    expect((screen.getByRole("button", { name: "Save script" }) as HTMLButtonElement).disabled).toBe(true);
    expect(db.queries("call_scripts")[0].filters).toEqual(expect.arrayContaining([["eq", "org_id", ORG], ["eq", "is_default", true]]));

    fireEvent.click(screen.getByRole("button", { name: "Move “Ask for the sale” up" }));
    expect(labels()).toEqual(["Greet and introduce yourself", "Ask for the sale", "Ask about needs"]);
    expect(document.activeElement?.getAttribute("aria-label")).toBe("Move “Ask for the sale” up");
    expect(screen.getByText("Unsaved changes")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Move “Greet and introduce yourself” down" }));
    expect(labels()).toEqual(["Ask for the sale", "Greet and introduce yourself", "Ask about needs"]);
    fireEvent.change(screen.getByLabelText("Step 3"), { target: { value: "Ask about the customer's needs" } });
    fireEvent.click(screen.getByRole("button", { name: "Remove “Ask for the sale”" }));
    fireEvent.change(screen.getByLabelText("Label"), { target: { value: "Offer an add-on" } });
    fireEvent.change(screen.getByLabelText("Description (optional)"), { target: { value: "Battery or warranty." } });
    fireEvent.click(screen.getByRole("button", { name: "Add step" }));
    expect(labels()).toEqual(["Greet and introduce yourself", "Ask about the customer's needs", "Offer an add-on"]);

    fireEvent.click(screen.getByRole("button", { name: "Save script" }));
    await waitFor(() => expect(db.queries("call_scripts", "update")).toHaveLength(1));
    const update = db.queries("call_scripts", "update")[0];
    expect(update.filters).toContainEqual(["eq", "id", "script-1"]);
    expect(update.payload).toEqual({
      name: "Acme inbound sales",
      items: [
        { id: "greet", label: "Greet and introduce yourself", description: "Say the company and your name." },
        { id: "needs", label: "Ask about the customer's needs" },
        { id: "offer_an_add_on", label: "Offer an add-on", description: "Battery or warranty." },
      ],
    });
    expect(await screen.findByText(/Script saved/)).toBeTruthy();
    expect(screen.getByText(/re-analyze them/i)).toBeTruthy();
    expect(screen.getByText("All changes saved")).toBeTruthy();

    // The new item's id is fixed now: renaming it keeps it.
    fireEvent.change(screen.getByLabelText("Step 3"), { target: { value: "Offer an extended warranty" } });
    expect(screen.getByText("Unsaved changes")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Save script" }));
    await waitFor(() => expect(db.queries("call_scripts", "update")).toHaveLength(2));
    const second = db.queries("call_scripts", "update")[1].payload as { items: { id: string; label: string }[] };
    expect(second.items[2]).toEqual({ id: "offer_an_add_on", label: "Offer an extended warranty", description: "Battery or warranty." });
  });

  it("an empty label cannot be saved; discard restores the saved script", async () => {
    renderPage();
    await screen.findByDisplayValue("Acme inbound sales");
    fireEvent.change(screen.getByLabelText("Step 2"), { target: { value: "  " } });
    fireEvent.click(screen.getByRole("button", { name: "Save script" }));
    expect(await screen.findByText("Item 2 needs a label.")).toBeTruthy();
    expect(db.queries("call_scripts", "update")).toHaveLength(0);
    fireEvent.click(screen.getByRole("button", { name: "Discard changes" }));
    expect(labels()).toEqual(["Greet and introduce yourself", "Ask about needs", "Ask for the sale"]);
    expect(screen.getByText("No changes")).toBeTruthy();
  });

  it("an organization without a script creates its default one", async () => {
    stored = null;
    renderPage();
    expect(await screen.findByText(/no call script yet/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Script name"), { target: { value: "Inbound" } });
    fireEvent.change(screen.getByLabelText("Label"), { target: { value: "Greet" } });
    fireEvent.keyDown(screen.getByLabelText("Label"), { key: "Enter" });
    fireEvent.click(screen.getByRole("button", { name: "Save script" }));
    await waitFor(() => expect(db.queries("call_scripts", "insert")).toHaveLength(1));
    expect(db.queries("call_scripts", "insert")[0].payload).toEqual({
      name: "Inbound",
      items: [{ id: "greet", label: "Greet" }],
      org_id: ORG,
      is_default: true,
    });
  });

  it("a failed save says why and keeps the edits", async () => {
    db.on("call_scripts", (q) =>
      q.op === "update" ? { data: null, error: { code: "42501", message: "permission denied" } } : { data: stored, error: null });
    renderPage();
    await screen.findByDisplayValue("Acme inbound sales");
    fireEvent.change(screen.getByLabelText("Script name"), { target: { value: "Renamed" } });
    fireEvent.click(screen.getByRole("button", { name: "Save script" }));
    expect(await screen.findByText("permission denied")).toBeTruthy();
    expect(screen.getByText("Unsaved changes")).toBeTruthy();
  });
});

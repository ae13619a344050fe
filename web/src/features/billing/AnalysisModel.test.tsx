// The analysis model control on the billing screen: loading, error, the
// plan's default, choosing a model (set_analysis_model) and a refused change.
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AnalysisModel } from "./components/AnalysisModel";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

const ORG = "org-1";
let selected: string | null = null;

beforeEach(() => {
  db.reset();
  db.signIn("u-1", "owner");
  selected = null;
  db.on("rpc:analysis_model_options", () => ({ data: { models: ["gpt-4o-mini", "gpt-4o"], plan_default: "gpt-4o-mini", selected }, error: null }));
  db.on("rpc:set_analysis_model", (q) => {
    selected = (q.payload as { p_model: string | null }).p_model;
    return { data: null, error: null };
  });
});
afterEach(cleanup);

const render = () => renderScreen(<AnalysisModel orgId={ORG} />, { url: "/app/billing" });

describe("AnalysisModel", () => {
  it("shows a loading state while the settings load", async () => {
    db.on("rpc:analysis_model_options", () => new Promise(() => {}));
    render();
    expect((await screen.findByText(/Loading the analysis model/)).closest("[role=status]")).toBeTruthy();
  });

  it("shows the plan's default as the choice, and the models", async () => {
    render();
    const select = await screen.findByLabelText<HTMLSelectElement>("Model for call analysis");
    expect(select.value).toBe("");
    expect(select.options[select.selectedIndex].textContent).toBe("Plan default (gpt-4o-mini)");
    expect([...select.options].map((o) => o.value)).toEqual(["", "gpt-4o-mini", "gpt-4o"]);
  });

  it("saves a chosen model for the organization and shows it", async () => {
    render();
    fireEvent.change(await screen.findByLabelText("Model for call analysis"), { target: { value: "gpt-4o" } });
    await waitFor(() => expect(db.queries("set_analysis_model", "rpc").length).toBe(1));
    expect(db.queries("set_analysis_model", "rpc")[0].payload).toEqual({ p_org_id: ORG, p_model: "gpt-4o" });
    await waitFor(() => expect(screen.getByLabelText<HTMLSelectElement>("Model for call analysis").value).toBe("gpt-4o"));
  });

  it("going back to the plan's default clears the setting", async () => {
    selected = "gpt-4o";
    render();
    fireEvent.change(await screen.findByLabelText("Model for call analysis"), { target: { value: "" } });
    await waitFor(() => expect(db.queries("set_analysis_model", "rpc")[0]?.payload).toEqual({ p_org_id: ORG, p_model: null }));
  });

  it("says why a change was refused", async () => {
    db.on("rpc:set_analysis_model", () => ({ data: null, error: { message: "only owners and admins choose the analysis model", code: "SP403" } }));
    render();
    fireEvent.change(await screen.findByLabelText("Model for call analysis"), { target: { value: "gpt-4o" } });
    expect((await screen.findByRole("alert")).textContent).toMatch(/owners and admins/);
  });

  it("shows an error state with a retry when the settings cannot be read", async () => {
    db.on("rpc:analysis_model_options", () => ({ data: null, error: { message: "boom" } }));
    render();
    expect((await screen.findByRole("alert")).textContent).toContain("Couldn't load the analysis model");
  });
});

// The messages screen with supabase-js stood in for: its states, unread
// counts, a thread with delivery status, and the follow-up composer
// pre-filled from a call's draft.
import { cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";
import { callFunction } from "../../lib/functions";
import { MessagesPage } from "./components/MessagesPage";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);
vi.mock("../../lib/functions", async (original) => (await import("../../testing/functions")).functionsModule(original));
const fn = vi.mocked(callFunction);

const thread = (over: Record<string, unknown> = {}) => ({
  id: "t1", subject: "Following up", contact_email: "pat@example.test", contact_name: null, unmatched: false, source_type: null,
  source_id: null, created_by: "u-me", last_message_at: "2026-12-01T10:00:00Z", message_count: 2, unread: 1,
  last_direction: "inbound", last_status: "received", last_snippet: "Sounds good", ...over,
});

beforeEach(() => {
  db.reset();
  db.signIn("u-me", "manager");
});
afterEach(() => cleanup());

describe("MessagesPage", () => {
  it("loading, empty, error", async () => {
    db.on("rpc:list_threads", () => new Promise(() => {}));
    const a = renderScreen(<MessagesPage />, { url: "/app/messages" });
    expect(await screen.findByText("Loading conversations…")).toBeTruthy();
    a.unmount();
    db.on("rpc:list_threads", () => ({ data: [], error: null }));
    const b = renderScreen(<MessagesPage />, { url: "/app/messages" });
    expect(await screen.findByText("No conversations yet")).toBeTruthy();
    b.unmount();
    db.on("rpc:list_threads", () => ({ data: null, error: { message: "down" } }));
    renderScreen(<MessagesPage />, { url: "/app/messages" });
    expect(await screen.findByText("Couldn't load this")).toBeTruthy();
  });

  it("lists threads with unread counts and shows a thread with delivery status", async () => {
    db.on("rpc:list_threads", () => ({ data: [thread()], error: null }));
    db.rows("threads", [{ id: "t1", subject: "Following up", contact_email: "pat@example.test", contact_name: null, unmatched: false }]);
    db.rows("messages", [
      { id: "m1", thread_id: "t1", direction: "outbound", status: "delivered", from_address: "Acme", to_address: "pat@example.test", subject: "Following up",
        body_text: "Hello Pat", stripped_text: null, attachments: [], created_at: "2026-12-01T09:00:00Z", sent_at: "2026-12-01T09:00:01Z", error: null },
      { id: "m2", thread_id: "t1", direction: "inbound", status: "received", from_address: "Pat <pat@example.test>", to_address: "reply+x@mg.test",
        subject: "Re: Following up", body_text: "Sounds good\n> Hello", stripped_text: "Sounds good",
        attachments: [{ name: "a.pdf", type: "application/pdf", size: 2048 }], created_at: "2026-12-01T10:00:00Z", sent_at: null, error: null },
    ]);
    db.on("rpc:mark_thread_read", () => ({ data: null, error: null }));
    renderScreen(<MessagesPage />, { url: "/app/messages" });
    const row = await screen.findByTestId("thread-row");
    expect(within(row).getByTestId("unread").textContent).toBe("1");
    fireEvent.click(row);
    const view = await screen.findByRole("region", { name: "Conversation: Following up" });
    expect((await within(view).findAllByTestId("message-status")).map((s) => s.textContent)).toEqual(["Delivered", "Received"]);
    expect(within(view).getByText("a.pdf (2 KB)")).toBeTruthy();
    await vi.waitFor(() => expect(db.queries("mark_thread_read", "rpc").length).toBeGreaterThan(0));
  });

  it("pre-fills the follow-up of a call and sends it", async () => {
    db.on("rpc:list_threads", () => ({ data: [], error: null }));
    fn.mockResolvedValue({
      subject: "Following up on our call", text: "Summary: panels ordered", template_key: "call_follow_up", source_type: "call",
      source_id: "c1", to: null, drafted_by: "llm",
    });
    db.on("rpc:send_email_message", () => ({ data: { thread_id: "t9", message_id: "m9" }, error: null }));
    renderScreen(<MessagesPage />, { url: "/app/messages?compose=call&call=c1" });
    const form = await screen.findByRole("form", { name: "New email" });
    expect((within(form).getByLabelText("Message") as HTMLTextAreaElement).value).toBe("Summary: panels ordered");
    expect(fn).toHaveBeenCalledWith("email-draft", { kind: "call", id: "c1" });
    expect(within(form).getByTestId("drafted-by").textContent).toMatch(/Drafted by AI/);
    fireEvent.change(within(form).getByLabelText("To"), { target: { value: "pat@example.test" } });
    fireEvent.click(within(form).getByRole("button", { name: "Send email" }));
    await vi.waitFor(() => expect(db.queries("send_email_message", "rpc").map((q) => q.payload)).toEqual([{
      p_org_id: "org-1", p_to: "pat@example.test", p_subject: "Following up on our call", p_body: "Summary: panels ordered",
      p_template_key: "call_follow_up", p_source_type: "call", p_source_id: "c1",
    }]));
  });

  it("managers preview and save templates; a placeholder the template lacks is refused", async () => {
    db.on("rpc:list_threads", () => ({ data: [], error: null }));
    db.rows("email_templates", [{
      org_id: "org-1", key: "goal_reached", name: "Goal reached", subject: "Goal reached: {{goal_name}}", body_text: "Well done {{member_name}}",
      body_html: null, variables: ["member_name", "goal_name"], late_variables: [],
    }]);
    db.on("rpc:email_template_preview", () => ({ data: { subject: "Goal reached: [goal_name]", text: "Well done [member_name]", html: null }, error: null }));
    let saves = 0;
    db.on("rpc:save_email_template", () => (++saves === 1
      ? { data: null, error: { code: "SP400", message: "the template uses variables it does not have" } }
      : { data: null, error: null }));
    renderScreen(<MessagesPage />, { url: "/app/messages?templates=1" });
    const form = await screen.findByRole("form", { name: "Template: Goal reached" });
    expect(within(form).getByText(/\{\{member_name\}\}, \{\{goal_name\}\}/)).toBeTruthy();
    fireEvent.click(within(form).getByRole("button", { name: "Preview saved template" }));
    expect((await within(form).findByTestId("template-preview")).textContent).toContain("Goal reached: [goal_name]");
    expect(db.queries("email_template_preview", "rpc")[0].payload).toEqual({
      p_org_id: "org-1", p_key: "goal_reached", p_variables: { member_name: "[member_name]", goal_name: "[goal_name]" },
    });
    fireEvent.change(within(form).getByLabelText("Text"), { target: { value: "Hi {{nope}}" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save template" }));
    expect(await within(form).findByText(/does not have/)).toBeTruthy();
    fireEvent.change(within(form).getByLabelText("Text"), { target: { value: "Bravo {{member_name}}" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save template" }));
    expect(await within(form).findByText("Template saved.")).toBeTruthy();
    expect(db.queries("save_email_template", "rpc").at(-1)!.payload).toEqual({
      p_org_id: "org-1", p_key: "goal_reached", p_subject: "Goal reached: {{goal_name}}", p_body_text: "Bravo {{member_name}}",
    });
  });

  it("agents get no templates screen", async () => {
    db.signIn("u-me", "agent");
    db.on("rpc:list_threads", () => ({ data: [], error: null }));
    renderScreen(<MessagesPage />, { url: "/app/messages?templates=1" });
    expect(await screen.findByText("No conversations yet")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Templates" })).toBeNull();
    expect(screen.queryByText("Email templates")).toBeNull();
  });
});

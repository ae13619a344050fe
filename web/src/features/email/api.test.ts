// @vitest-environment node
// Email's data layer on the test stack, as a manager (and an agent) of an
// organization of the test's own: sending a new email and a reply, the thread
// list with unread counts and the unmatched inbox, one thread, marking read,
// the templates (list, save, preview) and a referral's draft.
import { admin, addMember, createOrg, signIn, type User } from "../../testing/stack";
import { beforeAll, describe, expect, it } from "vitest";
import { draftQueryOptions, fetchDraft } from "./api/getDraft";
import { fetchThread, threadQueryOptions } from "./api/getThread";
import { fetchThreads, threadsQueryOptions } from "./api/listThreads";
import { markRead } from "./api/markRead";
import { sendMessage } from "./api/sendMessage";
import { fetchTemplates, previewTemplate, saveTemplate, templatesQueryOptions } from "./api/templates";

let org: Awaited<ReturnType<typeof createOrg>>;
let manager: User;
let agent: User;
let threadId: string;
const to = `casey.${Math.random().toString(36).slice(2, 8)}@customer.test`;

beforeAll(async () => {
  org = await createOrg();
  agent = await addMember(org.id, "agent");
  manager = await addMember(org.id, "manager");
  await signIn(manager);
}, 60_000);

describe("email api on the stack", () => {
  it("sends a new email and a reply in its thread; both are queued outbound messages of one thread", async () => {
    const first = await sendMessage(org.id, { to, subject: "Your quote", body: "Here is the quote.", contactName: "Casey" });
    threadId = first.thread_id;
    const reply = await sendMessage(org.id, { threadId, body: "One more thing." });
    expect(reply.thread_id).toBe(threadId);
    expect(reply.message_id).not.toBe(first.message_id);
    const rows = await admin<{ direction: string; status: string; to_address: string; body_text: string }[]>(
      `messages?select=direction,status,to_address,body_text&thread_id=eq.${threadId}&order=created_at`,
    );
    expect(rows.map((m) => [m.direction, m.status, m.to_address, m.body_text])).toEqual([
      ["outbound", "queued", to, "Here is the quote."], ["outbound", "queued", to, "One more thing."],
    ]);
    await expect(sendMessage(org.id, { to: "not an address", subject: "x", body: "y" })).rejects.toBeTruthy();
  });
  it("lists the conversations with the caller's unread count; marking the thread read clears it", async () => {
    await admin("messages", { method: "POST", body: JSON.stringify({
      org_id: org.id, thread_id: threadId, direction: "inbound", status: "received", from_address: to, to_address: "reply@vitest.test",
      subject: "Re: Your quote", body_text: "Thanks, looks good.",
    }) });
    const [t] = await fetchThreads(org.id, false);
    expect(t).toMatchObject({ id: threadId, subject: "Your quote", contact_email: to, message_count: 3, unread: 1, last_direction: "inbound", unmatched: false });
    expect(await fetchThreads(org.id, true)).toEqual([]);
    await markRead(threadId);
    expect((await fetchThreads(org.id, false))[0].unread).toBe(0);
    expect(threadsQueryOptions(org.id).queryKey).toEqual(["email", org.id]);
    expect(threadsQueryOptions(org.id, true).queryKey).toEqual(["email", org.id, "threads", true]);
    expect(threadsQueryOptions(org.id, false).refetchInterval).toBe(5000);
  });
  it("one thread with its messages in order; an unknown one is null", async () => {
    const d = (await fetchThread(threadId))!;
    expect(d.thread).toMatchObject({ id: threadId, org_id: org.id, subject: "Your quote" });
    expect(d.messages.map((m) => [m.direction, m.body_text])).toEqual([
      ["outbound", "Here is the quote."], ["outbound", "One more thing."], ["inbound", "Thanks, looks good."],
    ]);
    expect(Object.keys(d.messages[0]).sort()).toEqual(
      ["attachments", "body_text", "created_at", "direction", "error", "from_address", "id", "sent_at", "status", "stripped_text", "subject", "to_address"],
    );
    expect(await fetchThread(crypto.randomUUID())).toBeNull();
    expect(threadQueryOptions(org.id, threadId).queryKey).toEqual(["email", org.id, "thread", threadId]);
  });
  it("the unmatched inbox is the managers': an agent reads neither it nor a manager's thread", async () => {
    const [stray] = await admin<{ id: string }[]>("threads", { method: "POST", body: JSON.stringify({ org_id: org.id, subject: "Stray", contact_email: "x@stray.test", unmatched: true }) });
    expect((await fetchThreads(org.id, true)).map((t) => t.id)).toEqual([stray.id]);
    await signIn(agent);
    try {
      expect(await fetchThreads(org.id, true)).toEqual([]);
      expect(await fetchThreads(org.id, false)).toEqual([]);
      expect(await fetchThread(threadId)).toBeNull();
    } finally {
      await signIn(manager);
    }
  });
  it("templates: listed by name, saved, previewed with variables; a placeholder the template lacks is refused", async () => {
    const list = await fetchTemplates(org.id);
    expect(list.map((t) => t.key)).toContain("call_follow_up");
    expect(list.map((t) => t.name)).toEqual([...list.map((t) => t.name)].sort());
    await saveTemplate(org.id, { key: "call_follow_up", subject: "About our call, {{contact_name}}", body_text: "Hi {{contact_name}}, {{summary}}" });
    expect(await admin(`email_templates?select=subject,body_text&org_id=eq.${org.id}&key=eq.call_follow_up`))
      .toEqual([{ subject: "About our call, {{contact_name}}", body_text: "Hi {{contact_name}}, {{summary}}" }]);
    const p = await previewTemplate(org.id, "call_follow_up", { contact_name: "Casey", summary: "the battery", next_steps: "-", sender_name: "Mo" });
    await expect(previewTemplate(org.id, "call_follow_up", { contact_name: "Casey" })).rejects.toThrow("missing template variables: next_steps, sender_name, summary");
    expect(p).toMatchObject({ subject: "About our call, Casey", text: "Hi Casey, the battery" });
    await expect(saveTemplate(org.id, { key: "call_follow_up", subject: "{{coupon}}", body_text: "x" })).rejects.toBeTruthy();
    expect(templatesQueryOptions(org.id).queryKey).toEqual(["email-templates", org.id]);
  });
  it("drafts the introduction to a referral, addressed to them", async () => {
    const [ref] = await admin<{ id: string }[]>("referrals", { method: "POST", body: JSON.stringify({
      org_id: org.id, referrer_kind: "customer", referrer_name: "Rae Referrer", referred_name: "Rory Lead", referred_email: "rory@lead.test",
    }) });
    const d = await fetchDraft({ kind: "referral", id: ref.id });
    expect(d).toMatchObject({ to: "rory@lead.test", source_type: "referral", source_id: ref.id, template_key: "referral_introduction" });
    expect(d.subject).toContain("Rae Referrer");
    expect(d.text).toContain("Rory Lead");
    expect(draftQueryOptions({ kind: "referral", id: ref.id }).queryKey).toEqual(["email-draft", "referral", ref.id]);
    await expect(fetchDraft({ kind: "referral", id: crypto.randomUUID() })).rejects.toBeTruthy();
  });
});

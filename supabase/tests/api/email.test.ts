// Email through the gateway and the Mailgun stand-in: a member sends, the
// send_email job delivers through Mailgun (retried after a 5xx without a
// duplicate), the recipient's reply is forwarded by the stand-in as Mailgun
// would (signed) and lands in the same thread and as an activity; forged,
// stale, replayed, malformed and oversized posts change nothing; threading by
// headers stays within the recipient's organization; delivery events update
// the message.
import assert from "node:assert/strict";
import { instance, type InstanceName, SANDBOX_MAILGUN_DOMAIN, SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY } from "../../local/config.ts";
import { accessToken, ANON_KEY, API_URL, kickWorker, poll, rpcAs as rpc } from "../../local/tests/helpers.ts";
import { mailgunSignature } from "../../functions/_shared/providers/mailgun.ts";
import { addMember, createAgent, createCall, createOrg, type Org, withDb } from "./fixtures.ts";

const inst = instance((Deno.env.get("SALESPULSE_INSTANCE") ?? "test") as InstanceName);
const MAILGUN = `http://127.0.0.1:${inst.ports.mailgun}/_sandbox`;
const INBOUND = `${API_URL}/functions/v1/mailgun-inbound`;
const OPENAI = `http://127.0.0.1:${inst.ports.openai}/_sandbox`;
type Json = Record<string, any>;

async function control(path: string, body: unknown): Promise<Json> {
  const res = await fetch(`${MAILGUN}${path}`, { method: "POST", body: JSON.stringify(body) });
  const out = await res.json();
  assert.ok(res.ok, `${path}: ${res.status} ${JSON.stringify(out)}`);
  return out;
}

async function sentTo(to: string): Promise<Json[]> {
  return (await (await fetch(`${MAILGUN}/messages?to=${encodeURIComponent(to)}`)).json()).items;
}

/** A member's message, sent: waits for the job (kicking the worker) and returns the stand-in's copy. */
async function sendAndDeliver(org: Org, user: string, to: string, subject = "Following up") {
  const sent = await rpc(user, "send_email_message", { p_org_id: org.id, p_to: to, p_subject: subject, p_body: "Hello there" });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  const [copy] = await poll("the email at Mailgun", async () => {
    const m = await sentTo(to);
    if (!m.length) await kickWorker();
    return m.length ? m : null;
  }, 30_000, 500);
  return { ...sent.body as { thread_id: string; message_id: string }, copy };
}

const messagesOf = (thread: string) =>
  withDb((sql) => sql`select direction, status, matched_by, attachments from public.messages where thread_id = ${thread} order by created_at`);
const totalMessages = () => withDb(async (sql) => Number((await sql`select count(*) from public.messages`)[0].count));

/** A Mailgun-style forward, signed unless told otherwise. */
function forward(fields: Record<string, string>, sig: { timestamp?: string; token?: string; signature?: string } = {}) {
  const timestamp = sig.timestamp ?? String(Math.floor(Date.now() / 1000));
  const token = sig.token ?? crypto.randomUUID().replaceAll("-", "");
  return new URLSearchParams({
    timestamp,
    token,
    signature: sig.signature ?? mailgunSignature(SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY, timestamp, token),
    ...fields,
  });
}
const post = async (body: BodyInit) => {
  const res = await fetch(INBOUND, { method: "POST", body });
  return { status: res.status, body: await res.json().catch(() => null) };
};

Deno.test("email: sent through Mailgun with reply headers; the reply threads back and is an activity", async () => {
  const org = await createOrg();
  const agentUser = await addMember(org, "agent");
  await createAgent(org, { user: agentUser });
  const to = `pat.${crypto.randomUUID().slice(0, 6)}@customer.test`;
  const { thread_id, message_id, copy } = await sendAndDeliver(org, agentUser.id, to);
  assert.match(copy.headers["Reply-To"], new RegExp(`^reply\\+[0-9a-f]{24}@${SANDBOX_MAILGUN_DOMAIN.replaceAll(".", "\\.")}$`));
  assert.match(copy.headers["Message-Id"], /^<m-[0-9a-f]{32}@/);
  await poll("the message marked sent", async () => (await messagesOf(thread_id))[0]?.status === "sent");

  const reply = await control("/inbound", { reply_to_message_id: copy.id, from: `Pat <${to}>`, text: "Sounds good!\n\nOn Mon wrote:\n> Hello" });
  assert.equal(reply.status, 200, reply.body);
  assert.equal(JSON.parse(reply.body).matched_by, "token");
  const msgs = await messagesOf(thread_id);
  assert.deepEqual(msgs.map((m) => [m.direction, m.status]), [["outbound", "sent"], ["inbound", "received"]]);
  const list = await rpc(agentUser.id, "list_threads", { p_org_id: org.id });
  assert.equal(list.body.find((t: Json) => t.id === thread_id).unread, 1, "the reply is unread");
  const acts = await rpc(agentUser.id, "list_activities", { p_type: "email" });
  assert.deepEqual(acts.body.map((a: Json) => a.source_type).sort(), ["email_received", "email_sent"]);

  // The same forward again (same token): refused for good, nothing stored.
  const again = await post(forward({ recipient: copy.headers["Reply-To"], from: to, "Message-Id": "<x1@c.test>" }, { token: reply.token }));
  assert.equal(again.status, 406);
  // Threading by In-Reply-To when mailed to the organization's address.
  const byHeader = await post(forward({
    recipient: `${org.slug}@${SANDBOX_MAILGUN_DOMAIN}`, from: to, subject: "Re: Following up", "body-plain": "one more",
    "Message-Id": `<h-${crypto.randomUUID()}@c.test>`, "In-Reply-To": copy.headers["Message-Id"],
  }));
  assert.equal(byHeader.status, 200, JSON.stringify(byHeader.body));
  assert.deepEqual([byHeader.body.matched_by, byHeader.body.thread_id], ["in_reply_to", thread_id]);
  const byRefs = await post(forward({
    recipient: `${org.slug}@${SANDBOX_MAILGUN_DOMAIN}`, from: to, "Message-Id": `<r-${crypto.randomUUID()}@c.test>`,
    References: `<nothing@else.test> ${copy.headers["Message-Id"]}`,
  }));
  assert.deepEqual([byRefs.body.matched_by, byRefs.body.thread_id], ["references", thread_id]);

  // Delivery events, signed by the stand-in.
  const ev = await control("/events", { message_id: copy.id, event: "delivered" });
  assert.equal(ev.status, 200, ev.body);
  assert.equal((await messagesOf(thread_id))[0].status, "delivered");
  await control("/events", { message_id: copy.id, event: "failed", severity: "permanent", reason: "bounce" });
  assert.equal((await messagesOf(thread_id))[0].status, "bounced");
  assert.ok(message_id);
});

Deno.test("email: forged, absent, stale and malformed posts are refused and change nothing", async () => {
  const org = await createOrg();
  const recipient = `${org.slug}@${SANDBOX_MAILGUN_DOMAIN}`;
  const fields = { recipient, from: "x@c.test", "body-plain": "hi", "Message-Id": `<f-${crypto.randomUUID()}@c.test>` };
  const before = await totalMessages();
  const forged = await post(forward(fields, { signature: "0".repeat(64) }));
  assert.equal(forged.status, 401);
  const absent = await post(new URLSearchParams(fields));
  assert.equal(absent.status, 401);
  const stale = String(Math.floor(Date.now() / 1000) - 3600);
  assert.equal((await post(forward(fields, { timestamp: stale }))).status, 401, "an hour-old timestamp");
  const wrongKey = forward(fields);
  wrongKey.set("signature", mailgunSignature("another-key", wrongKey.get("timestamp")!, wrongKey.get("token")!));
  assert.equal((await post(wrongKey)).status, 401);
  const noMessageId = await post(forward({ recipient, from: "x@c.test", "body-plain": "hi" }));
  assert.equal(noMessageId.status, 406, "signed but without a Message-Id: refused for good");
  const nobody = await post(forward({ ...fields, recipient: `no-such-org-${crypto.randomUUID().slice(0, 6)}@${SANDBOX_MAILGUN_DOMAIN}` }));
  assert.equal(nobody.status, 406);
  const notForm = await fetch(INBOUND, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  assert.equal(notForm.status, 415);
  await notForm.body?.cancel();
  const huge = await fetch(INBOUND, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=" + "x".repeat(11 * 1024 * 1024) });
  assert.equal(huge.status, 413);
  await huge.body?.cancel();
  const events = await fetch(`${INBOUND}/events`, {
    method: "POST",
    body: JSON.stringify({ signature: { timestamp: "1", token: "t".repeat(20), signature: "0".repeat(64) }, "event-data": {} }),
  });
  assert.equal(events.status, 401);
  await events.body?.cancel();
  assert.equal(await totalMessages(), before, "nothing was stored");
});

Deno.test("email: multipart forwards record attachments; oversized attachments are refused", async () => {
  const org = await createOrg();
  const recipient = `${org.slug}@${SANDBOX_MAILGUN_DOMAIN}`;
  const ok = await control(`/inbound?route=${encodeURIComponent(INBOUND)}`, {
    to: recipient, from: "Quinn <quinn@c.test>", subject: "Contract", text: "Attached.",
    attachments: [{ name: "contract.pdf", type: "application/pdf", size: 2048 }],
  });
  assert.equal(ok.status, 200, ok.body);
  const stored = JSON.parse(ok.body);
  assert.equal(stored.matched_by, "unmatched");
  const [m] = await messagesOf(stored.thread_id);
  assert.deepEqual(m.attachments, [{ name: "contract.pdf", type: "application/pdf", size: 2048 }]);
  const big = await control("/inbound", {
    to: recipient, from: "quinn@c.test", text: "Big one", attachments: [{ name: "video.mov", type: "video/quicktime", size: 6 * 1024 * 1024 }],
  });
  assert.equal(big.status, 406);
});

Deno.test("email: a forward with characters Postgres cannot store (NUL) is stored without them", async () => {
  const org = await createOrg();
  const res = await post(forward({
    recipient: `${org.slug}@${SANDBOX_MAILGUN_DOMAIN}`, from: "nul@c.test", subject: "Odd\u0000bytes",
    "body-plain": "before\u0000after", "Message-Id": `<nul-${crypto.randomUUID()}@c.test>`,
  }));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const [m] = await withDb((sql) => sql`select subject, body_text from public.messages where id = ${res.body.message_id}`);
  assert.deepEqual({ ...m }, { subject: "Oddbytes", body_text: "beforeafter" });
});

Deno.test("email: threads and the unmatched inbox never cross tenants", async () => {
  const a = await createOrg();
  const b = await createOrg();
  const to = `lee.${crypto.randomUUID().slice(0, 6)}@customer.test`;
  const { thread_id, copy } = await sendAndDeliver(a, a.owner.id, to);
  // Mail to B that names A's message in its headers goes to B's unmatched inbox.
  const cross = await control("/inbound", {
    to: `${b.slug}@${SANDBOX_MAILGUN_DOMAIN}`, from: to, text: "hi", in_reply_to: copy.headers["Message-Id"],
  });
  const r = JSON.parse(cross.body);
  assert.equal(r.matched_by, "unmatched");
  assert.notEqual(r.thread_id, thread_id);
  assert.equal(r.org_id, b.id);
  const bInbox = await rpc(b.owner.id, "list_threads", { p_org_id: b.id, p_unmatched: true });
  assert.deepEqual(bInbox.body.map((t: Json) => t.id), [r.thread_id]);
  const aInbox = await rpc(a.owner.id, "list_threads", { p_org_id: a.id, p_unmatched: true });
  assert.deepEqual(aInbox.body, []);
  const aReadsB = await rpc(a.owner.id, "list_threads", { p_org_id: b.id, p_unmatched: true });
  assert.deepEqual(aReadsB.body, [], "A's owner reads nothing of B's inbox");
  const bReadsA = await rpc(b.owner.id, "mark_thread_read", { p_thread_id: thread_id });
  assert.equal(bReadsA.body.code, "SP404");
  // A removed member of A reads none of A's threads.
  const manager = await addMember(a, "manager");
  assert.equal((await rpc(manager.id, "list_threads", { p_org_id: a.id })).body.length, 1);
  await withDb((sql) => sql`delete from public.memberships where user_id = ${manager.id}`);
  assert.deepEqual((await rpc(manager.id, "list_threads", { p_org_id: a.id })).body, []);
});

Deno.test("email: a Mailgun 5xx is retried by the queue and sends exactly one message", async () => {
  const org = await createOrg();
  await control("/faults", { kind: "500", count: 1, path: "/v3/*" });
  const to = `retry.${crypto.randomUUID().slice(0, 6)}@customer.test`;
  const { message_id } = await sendAndDeliver(org, org.owner.id, to);
  await poll("the retry to settle", async () => {
    const [j] = await withDb((sql) => sql`select status from public.jobs where payload ->> 'message_id' = ${message_id}`);
    return j.status === "succeeded";
  }, 20_000, 250);
  const [job] = await withDb((sql) => sql`select attempts from public.jobs where payload ->> 'message_id' = ${message_id}`);
  assert.equal(job.attempts, 2, "the first attempt met the 500");
  assert.equal((await sentTo(to)).length, 1, "one message at Mailgun");
  const [m] = await withDb((sql) => sql`select status, mailgun_id from public.messages where id = ${message_id}`);
  assert.equal(m.status, "sent");
  assert.ok(m.mailgun_id);
});

async function draft(user: string, body: unknown) {
  const res = await fetch(`${API_URL}/functions/v1/email-draft`, {
    method: "POST",
    headers: { apikey: ANON_KEY, authorization: `Bearer ${await accessToken(user)}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

Deno.test("email-draft: a call's follow-up is written by the model, or from the template when it fails; other tenants get 404", async () => {
  const org = await createOrg();
  const call = await createCall(org, { status: "analyzed" });
  const byModel = await draft(org.owner.id, { kind: "call", id: call.id });
  assert.equal(byModel.status, 200, JSON.stringify(byModel.body));
  assert.equal(byModel.body.drafted_by, "llm");
  assert.ok(byModel.body.text.length > 0 && byModel.body.subject.length > 0);
  assert.deepEqual([byModel.body.source_type, byModel.body.source_id], ["call", call.id]);

  const fault = await (await fetch(`${OPENAI}/faults`, {
    method: "POST", body: JSON.stringify({ kind: "server_error", path: "/v1/chat/completions" }),
  })).json();
  try {
    const byTemplate = await draft(org.owner.id, { kind: "call", id: call.id });
    assert.equal(byTemplate.body.drafted_by, "template");
    assert.equal(byTemplate.body.subject, "Following up on our call");
    assert.match(byTemplate.body.text, /Next steps:/);
  } finally {
    for (const f of fault.faults ?? []) await fetch(`${OPENAI}/faults/${f.id}`, { method: "DELETE" }).then((r) => r.body?.cancel());
  }
  const other = await createOrg();
  const cross = await draft(other.owner.id, { kind: "call", id: call.id });
  assert.equal(cross.status, 404, JSON.stringify(cross.body));
  const bad = await draft(org.owner.id, { kind: "sim", id: call.id });
  assert.equal(bad.status, 400);
});

// Invitations end to end on the test stack: invite_member (PostgREST, real
// JWT) queues the email → process-jobs sends it through Mailgun (stand-in)
// with a single-use link → the invitee accepts with the token from the email.
import assert from "node:assert/strict";
import { instance, type InstanceName } from "../../local/config.ts";
import { createAuthUser, db, kickWorker as kick, poll, rpcAs as rpc } from "../../local/tests/helpers.ts";
import { createOrg } from "./fixtures.ts";

const inst = instance((Deno.env.get("SALESPULSE_INSTANCE") ?? "test") as InstanceName);
const MAILGUN = `http://127.0.0.1:${inst.ports.mailgun}/_sandbox`;

async function inbox(to: string) {
  return (await (await fetch(`${MAILGUN}/messages?to=${encodeURIComponent(to)}`)).json()).items as { subject: string; text: string }[];
}

Deno.test("an invitation is emailed with a single-use link that lets the invitee join", async () => {
  const org = await createOrg({ name: `Invite Co ${crypto.randomUUID().slice(0, 6)}` });
  const email = `invitee.${crypto.randomUUID().slice(0, 8)}@example.test`;
  // A transient Mailgun failure (on this invitee's email, not whichever comes first) is retried by the queue.
  const fault = await fetch(`${MAILGUN}/faults`, { method: "POST", body: JSON.stringify({ kind: "500", count: 1, match: email }) });
  assert.equal(fault.status, 201);
  await fault.body?.cancel();
  const invite = await rpc(org.owner.id, "invite_member", { p_org_id: org.id, p_email: email, p_role: "agent" });
  assert.equal(invite.status, 200, JSON.stringify(invite.body));
  await kick();
  const [message] = await poll("the invitation email", async () => {
    const m = await inbox(email);
    if (!m.length) await kick();
    return m.length ? m : null;
  }, 30_000, 500);
  assert.ok(message.subject.includes(`invited to join ${org.name}`), message.subject);
  const token = /accept-invite\?token=([0-9a-f]+)/.exec(message.text)?.[1];
  assert.ok(token, "the email carries the join link");

  const sql = db();
  try {
    const [job] = await sql`select status, attempts from public.jobs where dedupe_key = ${"invitation:" + invite.body}`;
    assert.deepEqual({ ...job }, { status: "succeeded", attempts: 2 }, "sent on the retry after Mailgun's 500");
    // The invitee creates an account (through Auth) with the invited address.
    const { id: user } = await createAuthUser(email);
    const accepted = await rpc(user, "accept_invitation", { p_token: token });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body, org.id);
    const [m] = await sql`select role from public.memberships where org_id = ${org.id} and user_id = ${user}`;
    assert.equal(m.role, "agent");
    const again = await rpc(user, "accept_invitation", { p_token: token });
    assert.equal(again.body.code, "SP410", "the link works once");
  } finally {
    await sql.end();
  }
});

// send_email: sends one stored outbound message through Mailgun — the one
// path every email of the product takes (invitations, conversations, notices).
// The message's Message-Id, Reply-To, In-Reply-To and References are fixed on
// its row before the first attempt, so a retry sends the same message; a
// message already sent is not sent again. 429/5xx/network failures are
// retried by the queue (backoff, then dead letter: the message is marked
// failed); other 4xx fail it at once. An invitation's single-use link is
// issued only now (its token is never stored), filling the template's
// {{accept_link}}.
import { MailgunError, sendEmail } from "../_shared/providers/mailgun.ts";
import { type Job, type JobContext, PermanentError } from "./worker.ts";

interface Outgoing {
  id: string;
  status: string;
  from: string;
  to: string;
  reply_to: string | null;
  subject: string;
  text: string;
  html: string | null;
  message_id: string;
  in_reply_to: string | null;
  references: string | null;
  template_key: string | null;
  payload: { invitation_id?: string };
}

const bracket = (id: string | null) => id ? `<${id}>` : null;
const fill = (s: string | null, vars: Record<string, string>) =>
  s === null ? null : Object.entries(vars).reduce((t, [k, v]) => t.replaceAll(new RegExp(`\\{\\{\\s*${k}\\s*\\}\\}`, "g"), v), s);

async function invitationLink(job: Job, ctx: JobContext, invitationId: string): Promise<string | null> {
  const { data: inv, error } = await ctx.db.from("invitations")
    .select("id, expires_at, accepted_at, revoked_at").eq("id", invitationId).maybeSingle();
  if (error) throw new Error(`loading the invitation failed: ${error.message}`);
  if (!inv || inv.accepted_at || inv.revoked_at || new Date(inv.expires_at) <= ctx.now()) return null;
  const [{ token }] = await ctx.sql<{ token: string }[]>`select private.issue_invitation_token(${inv.id}) as token`;
  return `${ctx.siteUrl()}/accept-invite?token=${encodeURIComponent(token)}`;
}

export async function sendEmailJob(job: Job, ctx: JobContext) {
  const id = (job.payload as { message_id?: string })?.message_id;
  if (!id) throw new PermanentError("payload.message_id is missing");
  const env = ctx.mailgun();
  const { sql } = ctx;
  const [{ m }] = await sql<{ m: Outgoing }[]>`select public.email_for_sending(${id}, ${env.domain}) as m`;
  if (m.status !== "queued") return { message_id: id, skipped: `already ${m.status}` };
  // Late variables: filled in here, not by the sender — the SPA's address, and
  // an invitation's single-use link.
  const late: Record<string, string> = { site_url: ctx.siteUrl() };
  if (m.payload?.invitation_id) {
    const link = await invitationLink(job, ctx, m.payload.invitation_id);
    if (!link) {
      await sql`select public.record_email_result(${id}, 'canceled', null, 'the invitation is no longer pending')`;
      return { message_id: id, skipped: "no longer pending" };
    }
    late.accept_link = link;
  }
  try {
    const mailgunId = await sendEmail(env, {
      from: m.from,
      to: m.to,
      subject: fill(m.subject, late)!,
      text: fill(m.text, late)!,
      html: fill(m.html, late),
      tags: m.template_key ? [m.template_key] : [],
      headers: {
        "Message-Id": bracket(m.message_id),
        "Reply-To": m.reply_to,
        "In-Reply-To": bracket(m.in_reply_to),
        "References": m.references?.split(" ").map(bracket).join(" ") || null,
      },
    });
    await sql`select public.record_email_result(${id}, 'sent', ${mailgunId})`;
    return { message_id: id, mailgun_id: mailgunId };
  } catch (err) {
    const permanent = err instanceof MailgunError && !err.retryable;
    if (permanent || job.attempts >= job.max_attempts) {
      await sql`select public.record_email_result(${id}, 'failed', null, ${(err as Error).message})`;
    }
    if (permanent) throw new PermanentError((err as Error).message);
    throw err;
  }
}

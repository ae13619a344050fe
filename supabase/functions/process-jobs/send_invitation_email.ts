// send_invitation_email: emails a pending invitation its join link through
// Mailgun. The single-use token is issued now (only its hash is stored), so a
// re-run issues a fresh link and the older one stops working.
import { MailgunError, sendEmail } from "../_shared/providers/mailgun.ts";
import { type Job, type JobContext, PermanentError } from "./worker.ts";

export async function sendInvitationEmail(job: Job, { db, sql, mailgun, siteUrl, now }: JobContext) {
  const id = (job.payload as { invitation_id?: string })?.invitation_id;
  if (!id) throw new PermanentError("payload.invitation_id is missing");
  const { data: inv, error } = await db.from("invitations")
    .select("id, email, role, expires_at, accepted_at, revoked_at, organization:organizations(name)")
    .eq("id", id).maybeSingle();
  if (error) throw new Error(`loading the invitation failed: ${error.message}`);
  if (!inv) throw new PermanentError(`invitation ${id} does not exist`);
  if (inv.accepted_at || inv.revoked_at || new Date(inv.expires_at) <= now()) {
    return { invitation_id: id, skipped: "no longer pending" };
  }
  const [{ token }] = await sql<{ token: string }[]>`select private.issue_invitation_token(${id}) as token`;
  const org = (inv.organization as unknown as { name: string } | null)?.name ?? "your team";
  const link = `${siteUrl()}/accept-invite?token=${encodeURIComponent(token)}`;
  const env = mailgun();
  try {
    const messageId = await sendEmail(
      env,
      {
        from: `SalesPulse <no-reply@${env.domain}>`,
        to: inv.email,
        subject: `You're invited to join ${org} on SalesPulse`,
        text: `You've been invited to join ${org} on SalesPulse as ${inv.role}.\n\n` +
          `Accept the invitation: ${link}\n\nThe link works once and expires on ${new Date(inv.expires_at).toUTCString()}.`,
        tags: ["invitation"],
      },
    );
    return { invitation_id: id, message_id: messageId };
  } catch (err) {
    if (err instanceof MailgunError && !err.retryable) throw new PermanentError(err.message);
    throw err;
  }
}

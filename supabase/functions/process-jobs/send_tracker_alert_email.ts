// send_tracker_alert_email: tells an organization's managers (owners, admins
// and managers) that a tracker with alerts fired on a call, with the terms
// and times it was heard and a link to the call. Queued once per tracker and
// call by the database (private.enqueue_tracker_alert_email).
import { MailgunError, sendEmail } from "../_shared/providers/mailgun.ts";
import { type Job, type JobContext, PermanentError } from "./worker.ts";

const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

export async function sendTrackerAlertEmail(job: Job, { db, sql, mailgun, siteUrl }: JobContext) {
  const { tracker_id: trackerId, call_id: callId } = (job.payload ?? {}) as { tracker_id?: string; call_id?: string };
  if (!trackerId || !callId) throw new PermanentError("payload.tracker_id and payload.call_id are required");
  const { data: tracker, error } = await db.from("trackers").select("id, org_id, name, organization:organizations(name)")
    .eq("id", trackerId).maybeSingle();
  if (error) throw new Error(`loading the tracker failed: ${error.message}`);
  if (!tracker) return { tracker_id: trackerId, skipped: "the tracker was removed" };
  const { data: hits, error: hitsError } = await db.from("tracker_hits").select("term, time_seconds, speaker")
    .eq("tracker_id", trackerId).eq("call_id", callId).order("time_seconds").limit(20);
  if (hitsError) throw new Error(`loading the hits failed: ${hitsError.message}`);
  const managers = await sql<{ email: string }[]>`
    select distinct p.email from public.memberships m join public.profiles p on p.id = m.user_id
     where m.org_id = ${tracker.org_id} and m.role in ('owner', 'admin', 'manager') and p.email is not null
     order by p.email`;
  const to = managers.map((m) => m.email);
  if (!to.length) return { tracker_id: trackerId, call_id: callId, skipped: "no manager to tell" };
  const org = (tracker.organization as unknown as { name: string } | null)?.name ?? "your organization";
  const link = `${siteUrl()}/app/calls/${callId}`;
  const lines = (hits ?? []).map((h) => `  ${clock(Number(h.time_seconds))}  ${h.speaker}: "${h.term}"`);
  const env = mailgun();
  try {
    const messageId = await sendEmail(env, {
      from: `SalesPulse <no-reply@${env.domain}>`,
      to: to.join(", "),
      subject: `Tracker "${tracker.name}" fired on a call`,
      text: `The tracker "${tracker.name}" of ${org} was heard on a new call:\n\n${lines.join("\n")}\n\n` +
        `Open the call: ${link}`,
      tags: ["tracker-alert"],
    });
    return { tracker_id: trackerId, call_id: callId, recipients: to.length, message_id: messageId };
  } catch (err) {
    if (err instanceof MailgunError && !err.retryable) throw new PermanentError(err.message);
    throw err;
  }
}

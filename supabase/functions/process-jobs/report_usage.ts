// report_usage: sends an organization's unreported billable usage to Stripe
// as billing meter events. Each usage record is its own meter event whose
// `identifier` is the record id, so Stripe counts it once even when this job
// runs again after a crash between sending and marking; records are marked
// reported only after Stripe accepted them.
import { type Job, type JobContext, PermanentError } from "./worker.ts";

function isDuplicate(err: unknown) {
  const e = err as { statusCode?: number; code?: string; message?: string };
  return e?.statusCode === 400 && /already|duplicate|identifier/i.test(`${e.code ?? ""} ${e.message ?? ""}`);
}

export async function reportUsage(job: Job, { db, stripe }: JobContext) {
  const orgId = (job.payload as { org_id?: string })?.org_id ?? job.org_id;
  if (!orgId) throw new PermanentError("payload.org_id is missing");
  const client = stripe();
  let reported = 0;
  let minutes = 0;
  for (;;) {
    const { data: rows, error } = await db.rpc("unreported_usage", { p_org_id: orgId, p_limit: 200 });
    if (error) throw new Error(`unreported_usage failed: ${error.message}`);
    if (!rows?.length) break;
    const sent: string[] = [];
    for (const u of rows) {
      // Stripe meters count whole units: every started minute is billed.
      const value = Math.max(1, Math.ceil(Number(u.quantity)));
      try {
        await client.billing.meterEvents.create({
          event_name: u.meter_event,
          identifier: u.id,
          timestamp: Math.floor(new Date(u.occurred_at).getTime() / 1000),
          payload: { stripe_customer_id: u.customer, value: String(value) },
        });
      } catch (err) {
        if (!isDuplicate(err)) {
          if (sent.length) await db.rpc("mark_usage_reported", { p_ids: sent });
          throw err;
        }
      }
      sent.push(u.id);
      minutes += value;
    }
    const { error: e } = await db.rpc("mark_usage_reported", { p_ids: sent });
    if (e) throw new Error(`mark_usage_reported failed: ${e.message}`);
    reported += sent.length;
  }
  return { org_id: orgId, reported, minutes };
}

// Privacy jobs: recordings deleted at Twilio (the retention purge and
// deletion requests queue them) and the erasure of a person on request.
//
// delete_recording {recording_sid}: DELETE the recording through the `twilio`
// SDK; a recording Twilio no longer has (404) counts as deleted, so a retry
// after a crash is harmless.
// erase_person {request_id}: public.erase_person erases the rows (SQL, every
// table of the data registry) and returns the recordings still to delete; this
// job deletes them at Twilio and reports them with finish_deletion_request,
// which completes the request and its receipt. Each step can be re-run.
import { type Job, type JobContext, PermanentError } from "./worker.ts";

const RECORDING_SID = /^RE[0-9a-fA-F]{32}$/;

/** Deletes one recording at Twilio; true when it is gone (deleted now or before). */
export async function deleteTwilioRecording(ctx: JobContext, sid: string): Promise<boolean> {
  if (!RECORDING_SID.test(sid)) throw new PermanentError(`not a recording SID: ${sid}`);
  try {
    await ctx.twilio().client.recordings(sid).remove();
    return true;
  } catch (e) {
    const status = (e as { status?: number }).status;
    if (status === 404) return true;
    if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
      throw new PermanentError(`Twilio refused to delete ${sid}: HTTP ${status}`);
    }
    throw new Error(`Twilio recording delete ${sid}: ${(e as Error).message}`);
  }
}

export async function deleteRecording(job: Job, ctx: JobContext) {
  const sid = (job.payload as { recording_sid?: string })?.recording_sid;
  if (!sid) throw new PermanentError("payload.recording_sid is missing");
  await deleteTwilioRecording(ctx, sid);
  return { recording_sid: sid, deleted: true };
}

export async function erasePerson(job: Job, ctx: JobContext) {
  const requestId = (job.payload as { request_id?: string })?.request_id;
  if (!requestId) throw new PermanentError("payload.request_id is missing");
  const [{ result }] = await ctx.sql<{ result: { status: string; recording_sids: string[] } }[]>`
    select public.erase_person(${requestId}::uuid) as result`;
  const deleted: string[] = [];
  try {
    for (const sid of result.recording_sids ?? []) {
      if (await deleteTwilioRecording(ctx, sid)) deleted.push(sid);
    }
  } finally {
    // What was deleted is recorded even when a later delete fails (the retry resumes).
    await ctx.sql`select public.finish_deletion_request(${requestId}::uuid, ${deleted}::text[])`;
  }
  return { request_id: requestId, recordings_deleted: deleted.length };
}

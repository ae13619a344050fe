// twilio-recording: Twilio's recording-status callback. Verifies the
// signature on the raw body, then ONE RPC upserts the call (idempotent on the
// SIDs; Twilio retries) and enqueues analyze_call; answers 200 at once and
// wakes the worker in the background. Nothing else happens on the ack path.
import { z } from "zod";
import { supabaseEnv } from "../_shared/env.ts";
import { backendSql } from "../_shared/sql.ts";
import { twiml, verifyTwilioWebhook } from "../_shared/twilio_webhook.ts";

export const RecordingParams = z.object({
  AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/),
  CallSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/),
  RecordingSid: z.string().regex(/^RE[0-9a-fA-F]{32}$/),
  RecordingUrl: z.url(),
  RecordingStatus: z.enum(["in-progress", "completed", "absent", "failed"]),
  RecordingDuration: z.string().regex(/^\d{1,6}$/).optional(),
  RecordingChannels: z.enum(["1", "2"]).optional(),
  RecordingStartTime: z.string().max(64).optional(),
  RecordingSource: z.string().max(64).optional(),
}).loose();

declare const EdgeRuntime: { waitUntil(p: Promise<unknown>): void } | undefined;

let kickInFlight = false;

/** Wakes process-jobs (at most one wake-up in flight per isolate). */
export async function kickWorker(): Promise<void> {
  if (kickInFlight) return;
  kickInFlight = true;
  try {
    const env = supabaseEnv();
    const res = await fetch(`${env.SUPABASE_URL}/functions/v1/process-jobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${env.SUPABASE_SERVICE_ROLE_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ source: "twilio-recording" }),
    });
    await res.body?.cancel();
  } catch (e) {
    console.warn("twilio-recording: could not wake process-jobs (the cron sweep will):", (e as Error).message);
  } finally {
    kickInFlight = false;
  }
}

export async function handler(req: Request): Promise<Response> {
  const auth = await verifyTwilioWebhook(req, "twilio-recording");
  if (!auth.ok) return auth.response;
  const parsed = RecordingParams.safeParse(auth.params);
  if (!parsed.success) {
    return new Response(`Bad Request: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`, { status: 400 });
  }
  const p = parsed.data;
  const started = p.RecordingStartTime ? new Date(p.RecordingStartTime) : null;
  const payload = { ...p, started_at: started && !isNaN(started.getTime()) ? started.toISOString() : null };
  let result: { call_id: string; job_id: number | null };
  try {
    // The ack path's one statement: a direct connection, not a REST hop.
    const sql = backendSql();
    [{ result }] = await sql<{ result: typeof result }[]>`select public.ingest_recording(${sql.json(payload)}) as result`;
  } catch (error) {
    // 500 makes Twilio retry the callback later: nothing is lost.
    console.error("twilio-recording: ingest failed", error);
    return new Response("Internal Server Error", { status: 500 });
  }
  if (result.job_id && typeof EdgeRuntime !== "undefined") {
    EdgeRuntime.waitUntil(kickWorker());
  }
  return twiml("<Response/>");
}

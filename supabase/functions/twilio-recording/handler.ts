// twilio-recording: Twilio's recording-status callback. Verifies the
// signature on the raw body, then ONE SQL statement (no explicit transaction)
// upserts the call (idempotent on the SIDs; Twilio retries) and enqueues
// analyze_call; answers 200 once that committed, with a Server-Timing header
// (verify, sql), and wakes the worker in the background. Nothing else
// happens on the ack path.
import type postgres from "postgres";
import { z } from "zod";
import { supabaseEnv } from "../_shared/env.ts";
import { backendSql } from "../_shared/sql.ts";
import { jsonError } from "../_shared/http.ts";
import { currentRequestId, log } from "../_shared/log.ts";
import { readTwilioWebhook, twiml, type TwilioWebhookDeps, twilioWebhookDeps } from "../_shared/twilio_webhook.ts";

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
    log("warn", "could not wake process-jobs (the cron sweep will)", { error: (e as Error).message });
  } finally {
    kickInFlight = false;
  }
}

export interface Deps extends TwilioWebhookDeps {
  /** The backend's direct connection: the ack path's one statement, not a REST hop. */
  sql(): postgres.Sql;
  /** Wakes process-jobs without delaying the answer. */
  wakeWorker(): void;
}

export function makeHandler(deps: Deps): (req: Request) => Promise<Response> {
  return async (req) => {
    const t0 = performance.now();
    const p = await readTwilioWebhook(deps, req, "twilio-recording", RecordingParams);
    if (p instanceof Response) return p;
    const t1 = performance.now();
    const started = p.RecordingStartTime ? new Date(p.RecordingStartTime) : null;
    const payload = { ...p, started_at: started && !isNaN(started.getTime()) ? started.toISOString() : null };
    let result: { call_id: string; job_id: number | null };
    try {
      // One statement, its own implicit transaction: the call and its job are
      // committed when the result arrives, i.e. before the 200. The job keeps
      // the request id (set inside the same statement).
      const sql = deps.sql();
      [{ result }] = await sql<{ result: typeof result }[]>`
        select public.ingest_recording(${sql.json(payload)}, ${currentRequestId() ?? null}) as result`;
    } catch (error) {
      // 500 makes Twilio retry the callback later: nothing is lost.
      log("error", "ingest failed", { error: (error as Error)?.message });
      return jsonError(500, "internal_error", "Something went wrong on our side");
    }
    const t2 = performance.now();
    log("info", "recording ingested", { call_id: result.call_id, job_id: result.job_id, call_sid: p.CallSid });
    if (result.job_id) deps.wakeWorker();
    // Where the ack's time went (the bench reads it; harmless to Twilio):
    // reading + signature + field validation, then the one SQL statement with its commit.
    const res = twiml("<Response/>");
    res.headers.set("server-timing", `verify;dur=${(t1 - t0).toFixed(2)}, sql;dur=${(t2 - t1).toFixed(2)}`);
    return res;
  };
}

export function realDeps(): Deps {
  return {
    ...twilioWebhookDeps(),
    sql: backendSql,
    // After the response where the runtime keeps the isolate for it; the cron sweep otherwise.
    wakeWorker: () => {
      if (typeof EdgeRuntime !== "undefined") EdgeRuntime.waitUntil(kickWorker());
    },
  };
}

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());

// process-jobs: the backend worker (service role only). Woken by the
// recording webhook and by the pg_cron sweep; drains runnable jobs within a
// time budget.
import { z } from "zod";
import { jwtRole, serviceClient } from "../_shared/clients.ts";
import { handleCors, json, jsonError } from "../_shared/http.ts";
import { backendSql } from "../_shared/sql.ts";
import { analyzeCall } from "./analyze_call.ts";
import { reportUsage } from "./report_usage.ts";
import { sendInvitationEmail } from "./send_invitation_email.ts";
import { type JobHandler, runWorker } from "./worker.ts";

export const HANDLERS: Record<string, JobHandler> = {
  analyze_call: analyzeCall,
  report_usage: reportUsage,
  send_invitation_email: sendInvitationEmail,
};

const Body = z.object({
  source: z.string().max(64).optional(),
  max_jobs: z.number().int().min(1).max(1000).optional(),
}).strict();

// Wake-ups are hints (webhooks, the cron sweep): a few concurrent runs per
// isolate drain the queue; more would only compete for the same CPU.
const MAX_CONCURRENT_RUNS = 2;
let running = 0;

export async function handler(req: Request): Promise<Response> {
  const cors = handleCors(req);
  if (cors) return cors;
  if (req.method !== "POST") return jsonError(405, "method_not_allowed", "Use POST");
  if (jwtRole(req) !== "service_role") {
    return jsonError(403, "forbidden", "process-jobs is for the backend (service role) only");
  }
  let body: unknown = {};
  const text = await req.text();
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      return jsonError(400, "invalid_json", "The request body is not valid JSON");
    }
  }
  const parsed = Body.safeParse(body);
  if (!parsed.success) return jsonError(400, "invalid_body", "Unexpected request body", parsed.error.issues);
  if (running >= MAX_CONCURRENT_RUNS) {
    return json({ skipped: true, reason: "enough workers are running" }, { status: 202 });
  }
  running++;
  try {
    return json(
      await runWorker({ db: serviceClient(), sql: backendSql(), handlers: HANDLERS, maxJobs: parsed.data.max_jobs }),
    );
  } finally {
    running--;
  }
}

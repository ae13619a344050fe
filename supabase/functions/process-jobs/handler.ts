// process-jobs: the backend worker (service role only). Woken by the
// recording webhook and by the pg_cron sweep; drains runnable jobs within a
// time budget.
import type postgres from "postgres";
import { z } from "zod";
import { jwtRole } from "../_shared/auth.ts";
import { type Db, serviceClient } from "../_shared/clients.ts";
import { mailgunConfig, openaiEnv, siteUrl, stripeConfig, twilioConfig } from "../_shared/env.ts";
import { handleCors, json, jsonError, readBody } from "../_shared/http.ts";
import { openaiClient } from "../_shared/providers/openai.ts";
import { stripeClient } from "../_shared/providers/stripe.ts";
import { twilioClient } from "../_shared/providers/twilio.ts";
import { backendSql } from "../_shared/sql.ts";
import { analyzeCall } from "./insights.ts";
import { deleteRecording, erasePerson } from "./privacy.ts";
import { reportUsage } from "./report_usage.ts";
import { sendEmailJob } from "./send_email.ts";
import { type JobContext, type JobHandler, runWorker } from "./worker.ts";

export const HANDLERS: Record<string, JobHandler> = {
  analyze_call: analyzeCall,
  delete_recording: deleteRecording,
  erase_person: erasePerson,
  report_usage: reportUsage,
  send_email: sendEmailJob,
};

const Body = z.object({
  source: z.string().max(64).optional(),
  max_jobs: z.number().int().min(1).max(1000).optional(),
}).strict();

// Wake-ups are hints (webhooks, the cron sweep): a few concurrent runs per
// isolate drain the queue; more would only compete for the same CPU.
const MAX_CONCURRENT_RUNS = 2;

export interface Deps extends Omit<JobContext, "db" | "sql"> {
  db(): Db;
  sql(): postgres.Sql;
  handlers: Record<string, JobHandler>;
}

export function makeHandler(deps: Deps): (req: Request) => Promise<Response> {
  let running = 0;
  return async (req) => {
    const cors = handleCors(req);
    if (cors) return cors;
    if (req.method !== "POST") return jsonError(405, "method_not_allowed", "Use POST");
    if (jwtRole(req) !== "service_role") {
      return jsonError(403, "forbidden", "process-jobs is for the backend (service role) only");
    }
    const body = await readBody(req, Body, { emptyAsObject: true });
    if (body instanceof Response) return body;
    if (running >= MAX_CONCURRENT_RUNS) {
      return json({ skipped: true, reason: "enough workers are running" }, { status: 202 });
    }
    running++;
    try {
      const { db, sql, handlers, ...providers } = deps;
      const ctx: JobContext = { ...providers, db: db(), sql: sql() };
      return json(await runWorker({ ctx, handlers, maxJobs: body.max_jobs }));
    } finally {
      running--;
    }
  };
}

export function realDeps(): Deps {
  return {
    db: serviceClient,
    sql: backendSql,
    handlers: HANDLERS,
    twilio: () => {
      const credentials = twilioConfig();
      return { credentials, client: twilioClient({ ...credentials, timeoutMs: 15_000 }) };
    },
    openai: () => {
      const env = openaiEnv();
      if (!env.OPENAI_API_KEY) return null;
      return { model: env.OPENAI_MODEL, client: openaiClient({ apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL, timeoutMs: env.OPENAI_TIMEOUT_MS }) };
    },
    stripe: () => stripeClient(stripeConfig()),
    mailgun: mailgunConfig,
    siteUrl,
    now: () => new Date(),
  };
}

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());

// process-jobs: the backend worker (service role only). Woken by the
// recording webhook and by the pg_cron sweep; drains runnable jobs within a
// time budget, up to PROCESS_JOBS_CONCURRENCY (default 128) at once per
// isolate, shared by its runs (see worker.ts).
import type postgres from "postgres";
import { z } from "zod";
import { jwtRole } from "../_shared/auth.ts";
import { type Db, serviceClient } from "../_shared/clients.ts";
import { mailgunConfig, openaiEnv, siteUrl, stripeConfig, twilioConfig, workerEnv } from "../_shared/env.ts";
import { handleCors, json, jsonError, readBody } from "../_shared/http.ts";
import { openaiClient } from "../_shared/providers/openai.ts";
import { stripeClient } from "../_shared/providers/stripe.ts";
import { twilioClient } from "../_shared/providers/twilio.ts";
import { backendSql } from "../_shared/sql.ts";
import { analyzeCall } from "./insights.ts";
import { deleteRecording, erasePerson } from "./privacy.ts";
import { reportUsage } from "./report_usage.ts";
import { sendEmailJob } from "./send_email.ts";
import { type JobContext, type JobHandler, runWorker, Slots } from "./worker.ts";

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
// isolate drain the queue (sharing its job slots); a wake-up beyond them
// tells the running ones to look at the queue now.
const MAX_CONCURRENT_RUNS = 2;

export interface Deps extends Omit<JobContext, "db" | "sql"> {
  db(): Db;
  sql(): postgres.Sql;
  handlers: Record<string, JobHandler>;
  /** Jobs running at once in this isolate. */
  concurrency: number;
}

export function makeHandler(deps: Deps): (req: Request) => Promise<Response> {
  let running = 0;
  const slots = new Slots(deps.concurrency);
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
      slots.nudge();
      return json({ skipped: true, reason: "enough workers are running; they were told to look at the queue" }, { status: 202 });
    }
    running++;
    try {
      const { db, sql, handlers, concurrency: _, ...providers } = deps;
      const ctx: JobContext = { ...providers, db: db(), sql: sql() };
      return json(await runWorker({ ctx, handlers, slots, maxJobs: body.max_jobs }));
    } finally {
      running--;
    }
  };
}

/**
 * The last value made for `key`, made again only when the key changes: one
 * provider client per isolate (and per configuration), so its connections stay
 * alive across jobs instead of a new agent and TLS handshake per job.
 */
function reused<T>(make: (key: string) => T): (key: string) => T {
  let last: { key: string; value: T } | undefined;
  return (key) => {
    if (last?.key !== key) last = { key, value: make(key) };
    return last.value;
  };
}

export function realDeps(): Deps {
  const twilioFor = reused((key) => twilioClient({ ...JSON.parse(key), timeoutMs: 15_000 }));
  const openaiFor = reused((key) => openaiClient(JSON.parse(key)));
  return {
    db: serviceClient,
    sql: backendSql,
    handlers: HANDLERS,
    concurrency: workerEnv().PROCESS_JOBS_CONCURRENCY,
    twilio: () => {
      const credentials = twilioConfig();
      return { credentials, client: twilioFor(JSON.stringify(credentials)) };
    },
    openai: () => {
      const env = openaiEnv();
      if (!env.OPENAI_API_KEY) return null;
      return {
        model: env.OPENAI_MODEL,
        client: openaiFor(JSON.stringify({ apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL, timeoutMs: env.OPENAI_TIMEOUT_MS })),
      };
    },
    stripe: () => stripeClient(stripeConfig()),
    mailgun: mailgunConfig,
    siteUrl,
    now: () => new Date(),
  };
}

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());

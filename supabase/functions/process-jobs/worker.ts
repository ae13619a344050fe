// The job worker: claims leased batches from public.jobs, dispatches each job
// to the handler of its kind, and completes or fails it (retry with backoff,
// dead-letter after max attempts — decided in SQL). Stays within a time
// budget so an invocation ends well before the platform's limit.
import type postgres from "postgres";
import type Stripe from "stripe";
import type { Db } from "../_shared/clients.ts";
import type { Database } from "../_shared/database.types.ts";
import type { MailgunEnv } from "../_shared/providers/mailgun.ts";
import type { OpenAI } from "../_shared/providers/openai.ts";
import type { TwilioClient, TwilioEnv } from "../_shared/providers/twilio.ts";
import { currentRequestId, isRequestId, log, withContext } from "../_shared/log.ts";

export type Job = Database["public"]["Tables"]["jobs"]["Row"];

/** A failure that retrying cannot fix: the job is dead-lettered at once. */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentError";
  }
}

/**
 * What a job runs on: process-jobs' deps. Provider clients are created on
 * use, so a missing setting fails only the jobs that need it.
 */
export interface JobContext {
  /** Service role, for job handlers (PostgREST, typed). */
  db: Db;
  /** Service role, direct SQL: the queue itself and backend-only functions. */
  sql: postgres.Sql;
  twilio(): { client: TwilioClient; credentials: TwilioEnv };
  /** null without OPENAI_API_KEY: the offline analyzer runs instead. */
  openai(): { client: OpenAI; model: string } | null;
  stripe(): Stripe;
  mailgun(): MailgunEnv;
  /** The SPA's base URL (links in emails). */
  siteUrl(): string;
  now(): Date;
}

export type JobHandler = (job: Job, ctx: JobContext) => Promise<unknown>;

export interface WorkerOptions {
  ctx: JobContext;
  handlers: Record<string, JobHandler>;
  workerId?: string;
  batchSize?: number;
  leaseSeconds?: number;
  budgetMs?: number;
  maxJobs?: number;
}

export interface WorkerReport {
  worker: string;
  claimed: number;
  succeeded: number;
  retried: number;
  dead: number;
  lost: number;
  elapsedMs: number;
}

export async function runWorker(o: WorkerOptions): Promise<WorkerReport> {
  const { ctx } = o;
  const { sql } = ctx;
  const t0 = ctx.now().getTime();
  const elapsed = () => ctx.now().getTime() - t0;
  const worker = o.workerId ?? `process-jobs:${crypto.randomUUID().slice(0, 8)}`;
  const budget = o.budgetMs ?? 25_000;
  const report: WorkerReport = { worker, claimed: 0, succeeded: 0, retried: 0, dead: 0, lost: 0, elapsedMs: 0 };
  while (elapsed() < budget && report.claimed < (o.maxJobs ?? Infinity)) {
    const limit = Math.min(o.batchSize ?? 5, (o.maxJobs ?? Infinity) - report.claimed);
    // Only kinds this worker knows: others wait for the worker that does.
    const jobs = await sql<Job[]>`
      select * from public.claim_jobs(${worker}, ${limit}, ${o.leaseSeconds ?? 120}, ${Object.keys(o.handlers)})`;
    if (jobs.length === 0) break;
    report.claimed += jobs.length;
    for (const job of jobs) {
      // A job runs under the id of the request that enqueued it (its log
      // lines and its PostgREST calls carry it, so its insight keeps it).
      const requestId = isRequestId(job.request_id) ? job.request_id : currentRequestId() ?? `job-${job.id}`;
      await withContext({ request_id: requestId, function: "process-jobs", org_id: job.org_id }, () => runOne(job));
    }
  }
  report.elapsedMs = elapsed();
  return report;

  async function runOne(job: Job) {
    const handler = o.handlers[job.kind];
    const started = performance.now();
    const fields = () => ({ job_id: job.id, kind: job.kind, attempt: job.attempts, duration_ms: Math.round(performance.now() - started) });
    try {
      if (!handler) throw new PermanentError(`no handler for job kind "${job.kind}"`);
      const result = await handler(job, ctx);
      const [{ ok }] = await sql<{ ok: boolean }[]>`
        select public.complete_job(${job.id}, ${worker}, ${sql.json((result ?? null) as postgres.JSONValue)}) as ok`;
      if (ok) report.succeeded++;
      else report.lost++;
      log(ok ? "info" : "warn", ok ? "job succeeded" : "job lease lost", fields());
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      let state: string | null = null;
      try {
        [{ state }] = await sql<{ state: string | null }[]>`
          select public.fail_job(${job.id}, ${worker}, ${message}, ${!(err instanceof PermanentError)})::text as state`;
      } catch (e) {
        log("error", "fail_job failed", { job_id: job.id, error: (e as Error).message });
      }
      if (state === "dead") report.dead++;
      else if (state === "queued") report.retried++;
      else report.lost++;
      log(state === "dead" ? "error" : "warn", "job failed", { ...fields(), error: message.slice(0, 500), outcome: state ?? "lease lost" });
    }
  }
}

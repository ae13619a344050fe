// The job worker: runs up to `concurrency` jobs at once, each on its own (a
// slow provider call holds only its own slot), claiming in batches only as
// many jobs as it has free slots (back-pressure: the rest stay queued for
// another worker, not leased and waiting here). Each job goes to the handler
// of its kind and is completed or failed (retry with backoff, dead-letter
// after max attempts — decided in SQL), or deferred to when its provider
// asked to be called again (RetryLaterError: 429 + Retry-After). Stays within
// a time budget so an invocation ends well before the platform's limit.
import type postgres from "postgres";
import type Stripe from "stripe";
import type { Db } from "../_shared/clients.ts";
import type { Database } from "../_shared/database.types.ts";
import type { MailgunEnv } from "../_shared/providers/mailgun.ts";
import type { OpenAI } from "../_shared/providers/openai.ts";
import type { TwilioClient, TwilioEnv } from "../_shared/providers/twilio.ts";
import { currentRequestId, isRequestId, log, withContext } from "../_shared/log.ts";
import { PROCESS_JOBS_DEFAULT_CONCURRENCY } from "../_shared/env.ts";

export type Job = Database["public"]["Tables"]["jobs"]["Row"];

/** A failure that retrying cannot fix: the job is dead-lettered at once. */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentError";
  }
}

/**
 * A provider asked us to come back later (429 with Retry-After): the job is
 * queued again to run after `delayMs` (public.defer_job), not retried sooner.
 */
export class RetryLaterError extends Error {
  constructor(message: string, readonly delayMs: number) {
    super(message);
    this.name = "RetryLaterError";
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

/**
 * The job slots of one isolate, shared by the worker runs in it (a webhook's
 * wake-up and the cron sweep's may overlap): together they never run more
 * than `size` jobs. Runs waiting for a slot are told when one frees up, or
 * when new work is announced (`nudge`).
 */
export class Slots {
  used = 0;
  peak = 0;
  readonly #listeners = new Set<() => void>();
  constructor(readonly size: number) {}
  get free(): number {
    return Math.max(0, this.size - this.used);
  }
  take(n: number): void {
    this.used += n;
    this.peak = Math.max(this.peak, this.used);
  }
  release(): void {
    this.used--;
    this.nudge();
  }
  /** Wakes every waiting run (a slot is free, or jobs were enqueued). */
  nudge(): void {
    for (const l of [...this.#listeners]) l();
  }
  /** Resolves on the next release or nudge, or after `ms`. */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.#listeners.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.#listeners.add(done);
    });
  }
}

export interface WorkerOptions {
  ctx: JobContext;
  handlers: Record<string, JobHandler>;
  workerId?: string;
  /** Jobs running at once (default DEFAULT_CONCURRENCY), unless `slots` (shared with other runs) is given. */
  concurrency?: number;
  slots?: Slots;
  /** Most jobs one claim leases (default: the free slots, at most 10). */
  batchSize?: number;
  leaseSeconds?: number;
  budgetMs?: number;
  maxJobs?: number;
  /** While slots are free and jobs run, the queue is looked at again this often (ms; default 200). */
  pollMs?: number;
}

export interface WorkerReport {
  worker: string;
  claimed: number;
  succeeded: number;
  retried: number;
  deferred: number;
  dead: number;
  lost: number;
  /** Most jobs that ran at the same time. */
  peakConcurrency: number;
  elapsedMs: number;
}

export const DEFAULT_CONCURRENCY = PROCESS_JOBS_DEFAULT_CONCURRENCY;

export async function runWorker(o: WorkerOptions): Promise<WorkerReport> {
  const { ctx } = o;
  const { sql } = ctx;
  const t0 = ctx.now().getTime();
  const elapsed = () => ctx.now().getTime() - t0;
  const worker = o.workerId ?? `process-jobs:${crypto.randomUUID().slice(0, 8)}`;
  const budget = o.budgetMs ?? 25_000;
  const slots = o.slots ?? new Slots(Math.max(1, o.concurrency ?? DEFAULT_CONCURRENCY));
  const maxJobs = o.maxJobs ?? Infinity;
  const report: WorkerReport = {
    worker, claimed: 0, succeeded: 0, retried: 0, deferred: 0, dead: 0, lost: 0, peakConcurrency: 0, elapsedMs: 0,
  };
  const running = new Set<Promise<void>>();
  // When the latest job this run deferred (RetryLaterError) may run again (epoch ms; 0: none).
  let deferredUntil = 0;
  while (elapsed() < budget && report.claimed < maxJobs) {
    const free = slots.free;
    if (free > 0) {
      const limit = Math.min(o.batchSize ?? 10, free, maxJobs - report.claimed);
      slots.take(limit); // held while claiming, so a parallel run cannot claim the same slots
      let jobs: Job[];
      try {
        // Only kinds this worker knows: others wait for the worker that does.
        jobs = await sql<Job[]>`
          select * from public.claim_jobs(${worker}, ${limit}, ${o.leaseSeconds ?? 120}, ${Object.keys(o.handlers)})`;
      } finally {
        slots.used -= limit;
      }
      slots.take(jobs.length);
      report.claimed += jobs.length;
      for (const job of jobs) {
        // A job runs under the id of the request that enqueued it (its log
        // lines and its PostgREST calls carry it, so its insight keeps it).
        const requestId = isRequestId(job.request_id) ? job.request_id : currentRequestId() ?? `job-${job.id}`;
        const p: Promise<void> = withContext({ request_id: requestId, function: "process-jobs", org_id: job.org_id }, () => runOne(job))
          .finally(() => {
            running.delete(p);
            slots.release();
          });
        running.add(p);
      }
      report.peakConcurrency = Math.max(report.peakConcurrency, slots.used);
      if (jobs.length === 0 && running.size === 0) {
        // Nothing to do now; a job this run deferred and due within the budget is waited for here
        // (its Retry-After honoured) rather than left to the next wake-up.
        const due = deferredUntil - ctx.now().getTime();
        if (due <= 0 || elapsed() + due >= budget) break;
        // (A nudge may end the wait early: the queue is looked at, and the wait resumed while the job is not due.)
        await slots.next(Math.min(due + 50, budget - elapsed()));
        continue;
      }
      if (jobs.length === limit && slots.free > 0) continue; // more may be waiting
    }
    // Back-pressure: no free slot → wait for one; slots free but the queue
    // empty → look again when a job ends, work is announced, or after pollMs.
    await slots.next(slots.free > 0 ? o.pollMs ?? 200 : 60_000);
  }
  // The budget is spent: no more claims; the jobs in flight finish (their leases outlast the budget).
  await Promise.all(running);
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
        [{ state }] = err instanceof RetryLaterError
          ? await sql<{ state: string | null }[]>`
              select public.defer_job(${job.id}, ${worker}, ${message}, ${Math.ceil(err.delayMs)})::text as state`
          : await sql<{ state: string | null }[]>`
              select public.fail_job(${job.id}, ${worker}, ${message}, ${!(err instanceof PermanentError)})::text as state`;
      } catch (e) {
        log("error", "fail_job failed", { job_id: job.id, error: (e as Error).message });
      }
      if (state === "dead") report.dead++;
      else if (state === "queued" && err instanceof RetryLaterError) {
        report.deferred++;
        deferredUntil = Math.max(deferredUntil, ctx.now().getTime() + err.delayMs * 1.1);
      }
      else if (state === "queued") report.retried++;
      else report.lost++;
      log(state === "dead" ? "error" : "warn", "job failed", {
        ...fields(),
        error: message.slice(0, 500),
        outcome: state === "queued" && err instanceof RetryLaterError ? `deferred ${Math.ceil(err.delayMs)} ms` : state ?? "lease lost",
      });
    }
  }
}

// The job worker: claims leased batches from public.jobs, dispatches each job
// to the handler of its kind, and completes or fails it (retry with backoff,
// dead-letter after max attempts — decided in SQL). Stays within a time
// budget so an invocation ends well before the platform's limit.
import type { Db } from "../_shared/clients.ts";
import type { Database } from "../_shared/database.types.ts";

export type Job = Database["public"]["Tables"]["jobs"]["Row"];

/** A failure that retrying cannot fix: the job is dead-lettered at once. */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentError";
  }
}

export type JobHandler = (job: Job, ctx: { db: Db }) => Promise<unknown>;

export interface WorkerOptions {
  db: Db;
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
  const t0 = Date.now();
  const worker = o.workerId ?? `process-jobs:${crypto.randomUUID().slice(0, 8)}`;
  const budget = o.budgetMs ?? 25_000;
  const report: WorkerReport = { worker, claimed: 0, succeeded: 0, retried: 0, dead: 0, lost: 0, elapsedMs: 0 };
  while (Date.now() - t0 < budget && report.claimed < (o.maxJobs ?? Infinity)) {
    const { data: jobs, error } = await o.db.rpc("claim_jobs", {
      p_worker: worker,
      p_limit: Math.min(o.batchSize ?? 5, (o.maxJobs ?? Infinity) - report.claimed),
      p_lease_seconds: o.leaseSeconds ?? 120,
      // Only kinds this worker knows: others wait for the worker that does.
      p_kinds: Object.keys(o.handlers),
    });
    if (error) throw new Error(`claim_jobs failed: ${error.message}`);
    if (!jobs || jobs.length === 0) break;
    report.claimed += jobs.length;
    for (const job of jobs) {
      const handler = o.handlers[job.kind];
      try {
        if (!handler) throw new PermanentError(`no handler for job kind "${job.kind}"`);
        const result = await handler(job, { db: o.db });
        const { data: ok, error: e } = await o.db.rpc("complete_job", {
          p_job_id: job.id,
          p_worker: worker,
          p_result: (result ?? null) as never,
        });
        if (e) throw new Error(`complete_job failed: ${e.message}`);
        if (ok) report.succeeded++;
        else report.lost++;
      } catch (err) {
        const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        const { data: state, error: e } = await o.db.rpc("fail_job", {
          p_job_id: job.id,
          p_worker: worker,
          p_error: message,
          p_retryable: !(err instanceof PermanentError),
        });
        if (e) console.error(`fail_job ${job.id} failed:`, e.message);
        if (state === "dead") report.dead++;
        else if (state === "queued") report.retried++;
        else report.lost++;
        console.warn(`job ${job.id} (${job.kind}) attempt ${job.attempts}: ${message} -> ${state ?? "lease lost"}`);
      }
    }
  }
  report.elapsedMs = Date.now() - t0;
  return report;
}

// The worker (process-jobs/worker.ts) on the real queue: jobs run side by
// side so a slow one holds only its own slot, the concurrency bound holds
// (also across two runs sharing an isolate's slots), claims take only what
// free slots can run (the rest stay queued for another worker), and a job
// whose provider asked to wait is deferred to then. Each test's jobs are of a
// kind of its own, which the stack's process-jobs has no handler for, so only
// the worker under test claims them; their handlers are the test's, and
// everything else — claim, lease, complete, fail, defer — is the product's.
import assert from "node:assert/strict";
import postgres from "postgres";
import { type Job, type JobContext, type JobHandler, RetryLaterError, runWorker, Slots } from "../../functions/process-jobs/worker.ts";
import { DB_URL, poll } from "../../local/tests/helpers.ts";

// Each test's own connection (test() opens and closes it).
let sql: postgres.Sql;
function test(name: string, fn: () => Promise<void>) {
  Deno.test(name, async () => {
    sql = postgres(DB_URL, { max: 6, onnotice: () => {} });
    try {
      await fn();
    } finally {
      await sql.end();
    }
  });
}

/** What these jobs run on: the queue's connection; no job here calls a provider. */
function context(): JobContext {
  const none = () => {
    throw new Error("not used by the queue tests' jobs");
  };
  return { sql, db: none as never, twilio: none, openai: none, stripe: none, mailgun: none, siteUrl: none, now: () => new Date() };
}

function kindOf(name: string) {
  return `test_${name}_${crypto.randomUUID().replace(/-/g, "").slice(0, 8)}`;
}

/** `n` jobs of `kind`, in order (the first is claimed first). */
async function enqueue(kind: string, payloads: Record<string, unknown>[]) {
  for (const [i, p] of payloads.entries()) {
    await sql`insert into public.jobs (kind, payload, run_after) values (${kind}, ${sql.json({ ...p, i } as postgres.JSONValue)},
              now() - interval '1 minute' + ${i} * interval '1 millisecond')`;
  }
}

async function statuses(kind: string): Promise<Record<string, number>> {
  const rows = await sql<{ status: string; n: number }[]>`
    select status::text, count(*)::int as n from public.jobs where kind = ${kind} group by 1`;
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** A handler whose jobs wait until the test lets them go, counting how many run at once. */
function heldJobs() {
  const waiting = new Map<number, () => void>();
  let now = 0;
  let peak = 0;
  const handler: JobHandler = async (job: Job) => {
    now++;
    peak = Math.max(peak, now);
    try {
      if ((job.payload as { hold?: boolean }).hold !== false) {
        await new Promise<void>((resolve) => waiting.set(job.id, resolve));
      }
      return { ok: true };
    } finally {
      now--;
    }
  };
  return {
    handler,
    get running() {
      return now;
    },
    get peak() {
      return peak;
    },
    held: () => [...waiting.keys()],
    release(id?: number) {
      for (const [k, r] of waiting) {
        if (id === undefined || k === id) {
          waiting.delete(k);
          r();
        }
      }
    },
  };
}

async function cleanup(kind: string) {
  await sql`delete from public.jobs where kind = ${kind}`;
}

test("a slow job holds only its own slot: the jobs claimed with it finish while it still runs", async () => {
  const kind = kindOf("slow");
  const jobs = heldJobs();
  // The slow one first (claimed in the same batch as the others), then five that finish at once.
  await enqueue(kind, [{ hold: true }, ...Array.from({ length: 5 }, () => ({ hold: false }))]);
  try {
    const run = runWorker({ ctx: context(), handlers: { [kind]: jobs.handler }, concurrency: 4, budgetMs: 60_000 });
    const done = await poll("the five quick jobs to succeed", async () => {
      const s = await statuses(kind);
      return s.succeeded === 5 ? s : null;
    }, 30_000);
    assert.deepEqual(done, { succeeded: 5, running: 1 }, "the slow job is still running, the others are done");
    assert.equal(jobs.held().length, 1);
    jobs.release();
    const report = await run;
    assert.equal(report.succeeded, 6);
    assert.deepEqual(await statuses(kind), { succeeded: 6 });
  } finally {
    jobs.release();
    await cleanup(kind);
  }
});

test("at most `concurrency` jobs run at once, and the rest stay queued (not leased) until a slot frees", async () => {
  const kind = kindOf("bound");
  const jobs = heldJobs();
  await enqueue(kind, Array.from({ length: 7 }, () => ({ hold: true })));
  try {
    const run = runWorker({ ctx: context(), handlers: { [kind]: jobs.handler }, concurrency: 3, budgetMs: 60_000 });
    await poll("three jobs to be running", () => Promise.resolve(jobs.running === 3 || null), 30_000);
    // Give the worker every chance to over-claim: it has polled the queue again by now.
    await poll("the worker to look at the queue again", async () => {
      const [{ n }] = await sql`select count(*)::int as n from public.jobs where kind = ${kind} and status = 'running'`;
      return n === 3 ? n : null;
    });
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(await statuses(kind), { running: 3, queued: 4 }, "back-pressure: nothing claimed beyond the free slots");
    assert.equal(jobs.running, 3);
    // One slot frees: one more job is claimed, not more.
    jobs.release(jobs.held()[0]);
    await poll("the next job to start", async () => jobs.held().length === 3 && (await statuses(kind)).succeeded === 1 || null, 30_000);
    assert.deepEqual(await statuses(kind), { succeeded: 1, running: 3, queued: 3 });
    // Let everything go as it comes.
    const drain = setInterval(() => jobs.release(), 20);
    const report = await run.finally(() => clearInterval(drain));
    assert.equal(report.succeeded, 7);
    assert.equal(jobs.peak, 3, "never more than three at once");
    assert.equal(report.peakConcurrency, 3);
  } finally {
    jobs.release();
    await cleanup(kind);
  }
});

test("two runs sharing an isolate's slots run no more jobs together than the slots", async () => {
  const kind = kindOf("shared");
  const jobs = heldJobs();
  await enqueue(kind, Array.from({ length: 6 }, () => ({ hold: true })));
  const slots = new Slots(2);
  try {
    const runs = [1, 2].map(() => runWorker({ ctx: context(), handlers: { [kind]: jobs.handler }, slots, budgetMs: 60_000 }));
    await poll("two jobs to be running", () => Promise.resolve(jobs.running === 2 || null), 30_000);
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(await statuses(kind), { running: 2, queued: 4 });
    const drain = setInterval(() => jobs.release(), 20);
    const reports = await Promise.all(runs).finally(() => clearInterval(drain));
    assert.equal(reports[0].succeeded + reports[1].succeeded, 6);
    assert.equal(jobs.peak, 2, "never more than the two slots at once");
  } finally {
    jobs.release();
    await cleanup(kind);
  }
});

test("a job whose provider asked to wait is queued again for then, its slot freed at once", async () => {
  const kind = kindOf("defer");
  await enqueue(kind, [{}]);
  try {
    const handler: JobHandler = () => Promise.reject(new RetryLaterError("rate limited (429), retry after 45000 ms", 45_000));
    const report = await runWorker({ ctx: context(), handlers: { [kind]: handler }, concurrency: 2, budgetMs: 10_000 });
    assert.equal(report.deferred, 1);
    assert.equal(report.retried, 0);
    const [job] = await sql`
      select status::text, attempts, locked_by, last_error,
             extract(epoch from run_after - now())::float as wait_s from public.jobs where kind = ${kind}`;
    assert.equal(job.status, "queued");
    assert.equal(job.attempts, 1);
    assert.equal(job.locked_by, null, "the lease is released");
    assert.match(job.last_error, /RetryLaterError: rate limited/);
    assert.ok(job.wait_s > 40 && job.wait_s <= 45 * 1.1, `runs again after the provider's 45 s (+ jitter), not the backoff: ${job.wait_s}`);
  } finally {
    await cleanup(kind);
  }
});

test("a job deferred for less than the run's remaining budget is run again by the same run, once its wait is over", async () => {
  const kind = kindOf("comeback");
  await enqueue(kind, [{}]);
  try {
    const starts: number[] = [];
    const handler: JobHandler = () => {
      starts.push(Date.now());
      return starts.length === 1
        ? Promise.reject(new RetryLaterError("rate limited (429), retry after 1500 ms", 1500))
        : Promise.resolve({ ok: true });
    };
    const report = await runWorker({ ctx: context(), handlers: { [kind]: handler }, concurrency: 2, budgetMs: 20_000 });
    assert.deepEqual([report.deferred, report.succeeded], [1, 1]);
    assert.ok(starts[1] - starts[0] >= 1500, `run again ${starts[1] - starts[0]} ms later, inside the provider's 1.5 s`);
    const [job] = await sql`select status::text, attempts from public.jobs where kind = ${kind}`;
    assert.deepEqual({ ...job }, { status: "succeeded", attempts: 2 });
  } finally {
    await cleanup(kind);
  }
});

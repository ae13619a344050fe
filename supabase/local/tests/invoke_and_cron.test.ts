// SQL reaches Edge Functions through private.invoke_function (the pg_notify
// path here, pg_net on Supabase), and pg_cron really runs jobs.
import assert from "node:assert/strict";
import { db, poll } from "./helpers.ts";

interface Invocation {
  id: string;
  status_code: number | null;
  response: string | null;
  error: string | null;
  transport: string;
}

Deno.test("private.invoke_function reaches the function through the notify path", async () => {
  const sql = db();
  try {
    const probe = `invoke-${crypto.randomUUID()}`;
    const [{ id }] = await sql`select private.invoke_function('health', ${sql.json({ probe })}) as id`;
    const row = await poll("the invocation to complete", async () => {
      const [r] = await sql<Invocation[]>`
        select id, status_code, response, error, transport from private.function_invocations
         where id = ${id} and completed_at is not null`;
      return r;
    });
    assert.equal(row.transport, "notify");
    assert.equal(row.error, null);
    assert.equal(row.status_code, 200);
    assert.equal(JSON.parse(row.response!).probe, probe);
  } finally {
    await sql.end();
  }
});

Deno.test("private.invoke_function refuses a malformed function name", async () => {
  const sql = db();
  try {
    await assert.rejects(
      sql`select private.invoke_function('../etc/passwd', '{}'::jsonb)`,
      (e: { code?: string }) => e.code === "SP400",
    );
  } finally {
    await sql.end();
  }
});

Deno.test({
  name: "a pg_cron job actually runs (and reaches a function)",
  // pg_cron 1.4 (Debian) schedules by the minute: allow one full minute.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const sql = db();
    const probe = `cron-${crypto.randomUUID()}`;
    const job = `stack-test-${probe}`;
    try {
      await sql`select cron.schedule(${job}, '* * * * *',
        ${`select private.invoke_function('health', jsonb_build_object('probe', '${probe}'))`})`;
      const row = await poll("the cron job's invocation", async () => {
        const [r] = await sql<Invocation[]>`
          select id, status_code, response, error, transport from private.function_invocations
           where body->>'probe' = ${probe} and completed_at is not null`;
        return r;
      }, 75_000, 500);
      assert.equal(row.status_code, 200);
      const [run] = await sql`
        select d.status from cron.job_run_details d join cron.job j using (jobid)
         where j.jobname = ${job} order by d.start_time desc limit 1`;
      assert.equal(run.status, "succeeded");
    } finally {
      await sql`select cron.unschedule(jobid) from cron.job where jobname = ${job}`;
      await sql.end();
    }
  },
});

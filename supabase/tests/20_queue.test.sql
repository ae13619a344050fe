-- The job queue: claim/lease, completion, backoff with jitter, dead-letter,
-- dedupe, lease expiry; backend-only grants.
begin;
select plan(24);

select function_privs_are('public', 'claim_jobs', array['text', 'integer', 'integer', 'text[]'], 'authenticated', array[]::text[]);
select function_privs_are('public', 'claim_jobs', array['text', 'integer', 'integer', 'text[]'], 'anon', array[]::text[]);
select function_privs_are('public', 'claim_jobs', array['text', 'integer', 'integer', 'text[]'], 'service_role', array['EXECUTE']);
select function_privs_are('public', 'ingest_recording', array['jsonb'], 'authenticated', array[]::text[]);
select function_privs_are('public', 'ingest_recording', array['jsonb'], 'service_role', array['EXECUTE']);

-- Keep the pg_cron sweep's worker away from this transaction's jobs: they are
-- invisible to it until commit, and we roll back.
delete from public.jobs;

-- dedupe
select is(public.enqueue_job('test_kind', null, '{"n":1}', 'k1'), public.enqueue_job('test_kind', null, '{"n":2}', 'k1'),
  'the same dedupe key enqueues once');
select is((select count(*)::int from public.jobs where dedupe_key = 'k1'), 1, 'one row for a deduplicated job');

-- claim: lease, attempts
select is((select count(*)::int from public.claim_jobs('w1', 10, 60)), 1, 'w1 claims the runnable job');
select is((select attempts from public.jobs where dedupe_key = 'k1'), 1, 'a claim counts an attempt');
select is((select count(*)::int from public.claim_jobs('w2', 10, 60)), 0, 'a leased job is not claimed twice');
select ok(not public.complete_job((select id from public.jobs where dedupe_key = 'k1'), 'w2'), 'only the lease holder completes');

-- fail → backoff with jitter: attempt 1 waits 2 s × [0.5, 1]
select is(public.fail_job((select id from public.jobs where dedupe_key = 'k1'), 'w1', 'boom'), 'queued'::public.job_status, 'a failure is retried');
select ok((select run_after - now() between interval '1 second' and interval '2 seconds' from public.jobs where dedupe_key = 'k1'),
  'first retry after 1–2 s');
select is((select last_error from public.jobs where dedupe_key = 'k1'), 'boom', 'the error is kept');
update public.jobs set run_after = now() where dedupe_key = 'k1';
select is((select count(*)::int from public.claim_jobs('w1', 10, 60)), 1, 'claimed again when due');
select is(public.fail_job((select id from public.jobs where dedupe_key = 'k1'), 'w1', 'boom 2'), 'queued'::public.job_status, 'second failure retried');
select ok((select run_after - now() between interval '2 seconds' and interval '4 seconds' from public.jobs where dedupe_key = 'k1'),
  'second retry after 2–4 s (exponential)');

-- dead-letter after max attempts
select public.enqueue_job('test_kind', null, '{}', 'k2', now(), 2);
select from public.claim_jobs('w1', 10, 60) where dedupe_key = 'k2';
select is(public.fail_job((select id from public.jobs where dedupe_key = 'k2'), 'w1', 'e1'), 'queued'::public.job_status, 'attempt 1 of 2 retried');
update public.jobs set run_after = now() where dedupe_key = 'k2';
select from public.claim_jobs('w1', 10, 60) where dedupe_key = 'k2';
select is(public.fail_job((select id from public.jobs where dedupe_key = 'k2'), 'w1', 'e2'), 'dead'::public.job_status, 'attempt 2 of 2 dead-letters');

-- permanent failures dead-letter at once
select public.enqueue_job('test_kind', null, '{}', 'k3');
select from public.claim_jobs('w1', 10, 60) where dedupe_key = 'k3';
select is(public.fail_job((select id from public.jobs where dedupe_key = 'k3'), 'w1', 'bad payload', false), 'dead'::public.job_status, 'non-retryable failures are dead at once');

-- an expired lease (crashed worker) is requeued and claimed again
select public.enqueue_job('test_kind', null, '{}', 'k4');
select from public.claim_jobs('w-crashed', 10, 60) where dedupe_key = 'k4';
update public.jobs set locked_until = now() - interval '1 second' where dedupe_key = 'k4';
select is((select locked_by from public.claim_jobs('w-new', 10, 60) where dedupe_key = 'k4'), 'w-new', 'another worker takes over after the lease expires');
select is((select attempts from public.jobs where dedupe_key = 'k4'), 2, 'the crashed attempt counts');
select ok(not public.complete_job((select id from public.jobs where dedupe_key = 'k4'), 'w-crashed'), 'the crashed worker can no longer complete it');
select ok(public.complete_job((select id from public.jobs where dedupe_key = 'k4'), 'w-new', '{"ok":true}'), 'the new holder completes');

select * from finish();
rollback;

-- The ack path's one statement (ingest_recording under a request id) and the
-- worker's deferral when a provider asks to wait (defer_job): backend-only
-- grants, what they write, bad input refused.
begin;
\ir fixtures.sql
select plan(19);
select tests.create_tenants();

select function_privs_are('public', 'ingest_recording', array['jsonb', 'text'], 'anon', array[]::text[]);
select function_privs_are('public', 'ingest_recording', array['jsonb', 'text'], 'authenticated', array[]::text[]);
select function_privs_are('public', 'ingest_recording', array['jsonb', 'text'], 'service_role', array['EXECUTE']);
select function_privs_are('public', 'defer_job', array['bigint', 'text', 'text', 'integer'], 'anon', array[]::text[]);
select function_privs_are('public', 'defer_job', array['bigint', 'text', 'text', 'integer'], 'authenticated', array[]::text[]);
select function_privs_are('public', 'defer_job', array['bigint', 'text', 'text', 'integer'], 'service_role', array['EXECUTE']);

-- Keep the pg_cron sweep's worker away from this transaction's jobs.
delete from public.jobs;

-- ingest_recording(p, request id): the call and its job, the job under the request id.
create temp table ack as
select public.ingest_recording(jsonb_build_object(
  'CallSid', 'CA52000000000000000000000000000001', 'RecordingSid', 'RE52000000000000000000000000000001',
  'RecordingUrl', 'https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE52000000000000000000000000000001',
  'RecordingStatus', 'completed', 'RecordingDuration', '61', 'RecordingChannels', '2'), 'req-ack-52-0001') as r;
select is((select status::text from public.calls where twilio_call_sid = 'CA52000000000000000000000000000001'), 'received',
  'the call is stored');
select is((select request_id from public.jobs where id = ((select r from ack) ->> 'job_id')::bigint), 'req-ack-52-0001',
  'its analyze_call job keeps the request id');
do $$ begin perform set_config('request.id', '', true); end $$;
select is(public.ingest_recording(jsonb_build_object(
  'CallSid', 'CA52000000000000000000000000000001', 'RecordingSid', 'RE52000000000000000000000000000001',
  'RecordingUrl', 'https://api.twilio.com/x', 'RecordingStatus', 'completed'), null) ->> 'job_id',
  (select r from ack) ->> 'job_id', 'a retried callback (no request id) returns the same job');
select is((select count(*)::int from public.jobs where kind = 'analyze_call'), 1, 'and enqueues nothing more');
do $$ begin perform set_config('request.id', '', true); end $$;

-- defer_job: queued again after the provider's delay (+ ≤ 10 % jitter), an attempt spent.
select public.enqueue_job('test_defer', null, '{}', 'd1', now(), 2);
select from public.claim_jobs('w1', 10, 60, array['test_defer']);
select is(public.defer_job((select id from public.jobs where dedupe_key = 'd1'), 'w2', 'rate limited', 5000), null,
  'only the lease holder defers');
select is(public.defer_job((select id from public.jobs where dedupe_key = 'd1'), 'w1', 'rate limited', 5000),
  'queued'::public.job_status, 'a deferred job is queued again');
select ok((select run_after - now() between interval '5 seconds' and interval '5.5 seconds' from public.jobs where dedupe_key = 'd1'),
  'to run after the provider''s delay, not the backoff');
select is((select (status, locked_by, last_error)::text from public.jobs where dedupe_key = 'd1'),
  '(queued,,"rate limited")', 'its lease is released and the reason kept');
update public.jobs set run_after = now() where dedupe_key = 'd1';
select from public.claim_jobs('w1', 10, 60, array['test_defer']);
select is(public.defer_job((select id from public.jobs where dedupe_key = 'd1'), 'w1', 'rate limited again', 5000),
  'dead'::public.job_status, 'out of attempts: dead-lettered, like any failure');
select throws_ok($$ select public.defer_job(1, 'w1', 'x', 'soon') $$, '22P02', null, 'a delay that is not a number is refused');

-- A step within the pipeline (received → transcribing → analyzing, as the
-- ack and the analyzer make) leaves the agent's aggregate row alone: no row
-- lock for concurrent writers to wait on. Leaving the pipeline moves it.
select tests.create_call('ack52', 'acme', 'agent_acme1', 'received', now(), 60);
create temp table before_step as
select ctid::text as x, in_pipeline from public.call_stats_daily
 where org_id = tests.id('acme') and agent_id = tests.id('agent_acme1') and day = (now() at time zone 'UTC')::date;
update public.calls set status = 'transcribing' where id = tests.id('ack52');
update public.calls set status = 'analyzing', recording_status = 'completed' where id = tests.id('ack52');
select is((select ctid::text from public.call_stats_daily
            where org_id = tests.id('acme') and agent_id = tests.id('agent_acme1') and day = (now() at time zone 'UTC')::date),
  (select x from before_step), 'pipeline steps do not rewrite (or lock) the aggregate row');
update public.calls set status = 'failed' where id = tests.id('ack52');
select is((select (in_pipeline, failed)::text from public.call_stats_daily
            where org_id = tests.id('acme') and agent_id = tests.id('agent_acme1') and day = (now() at time zone 'UTC')::date),
  (select ((select in_pipeline from before_step) - 1, 1)::text), 'a call leaving the pipeline still moves its counts');
update public.calls set started_at = started_at - interval '1 day', status = 'received' where id = tests.id('ack52');
select is((select count(*)::int from public.call_stats_daily
            where org_id = tests.id('acme') and agent_id = tests.id('agent_acme1') and day = (now() at time zone 'UTC')::date - 1
              and calls = 1 and in_pipeline = 1),
  1, 'and a call moved to another day with the same status too');

select * from finish();
rollback;

-- Observability: the request id reaches SQL (set_config or PostgREST's
-- x-request-id header) and is stored on the jobs enqueued under it and on
-- insights; the metrics behind the `metrics` function are for staff only.
begin;
\ir fixtures.sql
select plan(12);
select tests.create_tenants();

-- The request id, from either source.
select is(private.request_id(), null, 'no request: no id');
do $$ begin perform set_config('request.id', 'req-sql-0001', true); end $$;
select is(private.request_id(), 'req-sql-0001', 'set_config(''request.id'') is read');
do $$ begin perform set_config('request.id', '', true); end $$;
do $$ begin perform set_config('request.headers', '{"x-request-id": "req-header-0002"}', true); end $$;
select is(private.request_id(), 'req-header-0002', 'PostgREST''s x-request-id header is read');
do $$ begin perform set_config('request.headers', '', true); end $$;

-- A job enqueued under a request keeps its id; one without stays null.
do $$ begin perform set_config('request.id', 'req-job-0003', true); end $$;
do $$ begin perform public.enqueue_job('observability_probe', tests.id('acme'), '{}'::jsonb, 'observability:probe:1'); end $$;
do $$ begin perform set_config('request.id', '', true); end $$;
do $$ begin perform public.enqueue_job('observability_probe', tests.id('acme'), '{}'::jsonb, 'observability:probe:2'); end $$;
select is((select request_id from public.jobs where dedupe_key = 'observability:probe:1'), 'req-job-0003', 'the job keeps the request id');
select is((select request_id from public.jobs where dedupe_key = 'observability:probe:2'), null, 'no request, no id');
select throws_ok($$ update public.jobs set request_id = repeat('x', 129) where dedupe_key = 'observability:probe:2' $$,
  '23514', null, 'request ids are bounded');

-- Metrics: staff only, checked live.
select function_privs_are('public', 'staff_metrics', array[]::text[], 'anon', array[]::text[]);
select tests.authenticate_as('acme_owner');
select throws_ok($$ select * from public.staff_metrics() $$, 'SP403', null, 'an owner is not staff');
select tests.authenticate_as('staff');
select ok((select count(*) from public.staff_metrics()) > 0, 'staff read the metrics');
select is(
  (select value from public.staff_metrics()
    where metric = 'salespulse_jobs' and labels = '{"kind": "observability_probe", "status": "queued"}'::jsonb),
  2::double precision, 'queue depth by kind and status counts the jobs');
select ok(
  (select bool_and(metric ~ '^salespulse_[a-z_]+$' and value is not null) from public.staff_metrics()),
  'every sample has a Prometheus name and a value');
select tests.clear_authentication();
delete from public.platform_admins where user_id = tests.id('staff');
select tests.authenticate_as('staff');
select throws_ok($$ select * from public.staff_metrics() $$, 'SP403', null, 'a staff member removed from staff reads nothing');

select * from finish();
rollback;

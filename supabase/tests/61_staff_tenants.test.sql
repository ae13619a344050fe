-- Staff tenant management: search, a tenant's page (usage per provider, cost,
-- revenue, margin, dead letters), suspend (members read, create nothing;
-- the service role still stores), reactivate (waiting calls queued), retry a
-- dead-lettered job; every action logged; refused to tenants.
begin;
select plan(16);
\ir fixtures.sql

select tests.create_tenants();
select tests.create_user('staff_t');
select tests.make_staff('staff_t');
select tests.create_call('waiting', 'acme', null, 'received');
insert into public.provider_costs (org_id, provider, item, quantity, unit_price_usd, cost_usd, source_type, source_id)
values (tests.id('acme'), 'openai', 'gpt-4o:input_tokens', 1000, 0.0000025, 0.0025, 'test', gen_random_uuid()),
       (tests.id('acme'), 'twilio', 'voice_minutes', 10, 0.0085, 0.085, 'test', gen_random_uuid());
insert into public.jobs (kind, org_id, status, attempts, last_error, finished_at)
values ('analyze_call', tests.id('acme'), 'dead', 5, 'boom', now());

select tests.authenticate_as('acme_owner');
select throws_ok($$ select * from public.staff_search_tenants() $$, 'SP403', null, 'tenants cannot search tenants');
select throws_ok($$ select public.staff_suspend_tenant(tests.id('acme'), 'nope') $$, 'SP403', null, 'or suspend one');

select tests.authenticate_as('staff_t');
select ok((select count(*) from public.staff_search_tenants('acme') where org_id = tests.id('acme')) = 1, 'staff find a tenant by name');
select throws_ok($$ select * from public.staff_search_tenants(repeat('x', 101)) $$, 'SP400', null, 'the search is bounded');
select is((public.staff_tenant_detail(tests.id('acme')) -> 'usage' -> 0 ->> 'provider'), 'openai', 'usage per provider');
select is((public.staff_tenant_detail(tests.id('acme')) ->> 'cost_usd')::numeric, 0.0875, 'the cost of the period');
select is(jsonb_array_length(public.staff_tenant_detail(tests.id('acme')) -> 'dead_jobs'), 1, 'dead-lettered jobs are listed');
select lives_ok($$ select public.staff_retry_job((select id from public.jobs where org_id = tests.id('acme') and status = 'dead' limit 1)) $$,
  'staff retry a dead job');
select is((select status::text from public.jobs where org_id = tests.id('acme') and last_error = 'boom'), 'queued', 'it is queued again');
select lives_ok($$ select public.staff_suspend_tenant(tests.id('acme'), 'unpaid invoices') $$, 'staff suspend a tenant');

select tests.authenticate_as('acme_manager');
select ok((select count(*) from public.calls where org_id = tests.id('acme')) > 0, 'members of a suspended tenant still read');
select throws_ok($$ insert into public.activities (org_id, type, title) values (tests.id('acme'), 'note', 'x') $$, 'SP403', null,
  'but create nothing');

select tests.authenticate_as_service_role();
select lives_ok($$ select public.ingest_recording(jsonb_build_object('CallSid', 'CA' || md5('s1'), 'RecordingSid', 'RE' || md5('s1'),
  'RecordingStatus', 'completed', 'RecordingUrl', 'https://api.twilio.com/x', 'RecordingDuration', '10')) $$,
  'webhooks are still stored');

select tests.authenticate_as('staff_t');
select ok(public.staff_reactivate_tenant(tests.id('acme')) >= 1, 'reactivation queues the waiting calls');
select tests.clear_authentication();
select is((select array_agg(action order by id) from public.staff_actions where org_id = tests.id('acme') and action <> 'view_tenant'),
  array['retry_job', 'suspend', 'reactivate'], 'every staff action is logged');
select ok(exists (select 1 from public.audit_logs where table_name = 'organizations' and row_id = tests.id('acme')::text
                  and new_values ? 'suspended_at'), 'the suspension is in the audit log');

select * from finish();
rollback;

-- Calls and jobs under RLS: managers read their organization's calls, agents
-- only their own, other tenants nothing, orphaned calls only staff; jobs are
-- for admins to read and for the backend to run.
begin;
\ir fixtures.sql
select plan(12);
select tests.create_tenants();

select tests.create_call('call_acme1', 'acme', 'agent_acme1');
select tests.create_call('call_acme2', 'acme', 'agent_acme2');
select tests.create_call('call_globex', 'globex', 'agent_globex');
select tests.create_call('call_orphaned', null, null, 'orphaned');
select public.enqueue_job('analyze_call', tests.id('acme'), '{}', 'rls-job-acme', now() + interval '1 hour');
-- Every call there is (the fixtures' and any others), as the table owner sees them.
select count(*) as all_calls, count(*) filter (where status = 'orphaned') as orphaned_calls from public.calls \gset

select tests.authenticate_as('acme_manager');
select is((select count(*)::int from public.calls), 2, 'a manager reads the organization''s calls');
select is((select count(*)::int from public.jobs), 0, 'a manager does not read jobs');
select throws_ok($$insert into public.calls (org_id, twilio_call_sid) values (tests.id('acme'), 'CA' || md5('x'))$$, '42501', null, 'calls are written by the backend only');
select tests.clear_authentication();

select tests.authenticate_as('acme_agent1');
select is((select count(*)::int from public.calls), 1, 'an agent reads only their own calls');
select is((select agent_id from public.calls), tests.id('agent_acme1')::uuid, 'the right one');
select tests.clear_authentication();

select tests.authenticate_as('acme_admin');
select is((select count(*)::int from public.jobs), 1, 'an admin reads the organization''s jobs');
select tests.clear_authentication();

select tests.authenticate_as('globex_manager');
select is((select count(*)::int from public.calls), 1, 'the other tenant''s manager reads only their call');
select is((select count(*)::int from public.jobs), 0, 'and no jobs');
select tests.clear_authentication();

select tests.authenticate_as('staff');
select is((select count(*)::int from public.calls), :all_calls, 'staff read every call, orphaned ones included');
select is((select count(*)::int from public.calls where status = 'orphaned'), :orphaned_calls, 'orphaned calls are visible to staff');
select tests.clear_authentication();

select tests.authenticate_as('acme_owner');
select is((select count(*)::int from public.calls where org_id is null), 0, 'tenants never see orphaned calls');
select throws_ok($$select public.claim_jobs('me', 1, 60)$$, '42501', null, 'tenants cannot run the queue');
select tests.clear_authentication();

select * from finish();
rollback;

-- Calls, agents, numbers and jobs under RLS: managers read their
-- organization's calls, agents only their own, other tenants nothing,
-- orphaned calls only staff.
begin;
\ir fixtures.sql
select plan(22);
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
select is((select count(*)::int from public.agents), 2, 'a manager reads the organization''s agents');
select is((select count(*)::int from public.phone_numbers), 2, 'a manager reads the organization''s numbers');
select is((select count(*)::int from public.jobs), 0, 'a manager does not read jobs');
select lives_ok($$insert into public.agents (org_id, name, phone) values (tests.id('acme'), 'New Agent', '+15555550199')$$, 'a manager adds an agent');
select throws_ok($$insert into public.agents (org_id, name) values (tests.id('globex'), 'Spy')$$, '42501', null, 'not into another organization');
update public.phone_numbers set friendly_name = 'by manager' where org_id = tests.id('acme');
select throws_ok($$insert into public.calls (org_id, twilio_call_sid) values (tests.id('acme'), 'CA' || md5('x'))$$, '42501', null, 'calls are written by the backend only');
select tests.clear_authentication();
select is((select count(*)::int from public.phone_numbers where friendly_name = 'by manager'), 0, 'managers cannot reassign numbers');

select tests.authenticate_as('acme_agent1');
select is((select count(*)::int from public.calls), 1, 'an agent reads only their own calls');
select is((select agent_id from public.calls), tests.id('agent_acme1')::uuid, 'the right one');
select throws_ok($$insert into public.agents (org_id, name) values (tests.id('acme'), 'Me too')$$, '42501', null, 'agents cannot add agents');
select tests.clear_authentication();

select tests.authenticate_as('acme_admin');
update public.phone_numbers set agent_id = tests.id('agent_acme2') where id = tests.id('number_acme1');
select is((select count(*)::int from public.jobs), 1, 'an admin reads the organization''s jobs');
select throws_ok($$update public.phone_numbers set agent_id = tests.id('agent_globex') where id = tests.id('number_acme1')$$, 'SP400', null, 'a number cannot ring another tenant''s agent');
select throws_ok($$insert into public.agents (org_id, name, user_id) values (tests.id('acme'), 'Outsider', tests.id('globex_manager'))$$, 'SP400', null, 'an agent links only to a member');
select tests.clear_authentication();
select is((select agent_id from public.phone_numbers where id = tests.id('number_acme1')), tests.id('agent_acme2')::uuid, 'admins reassign numbers');

select tests.authenticate_as('globex_manager');
select is((select count(*)::int from public.calls), 1, 'the other tenant''s manager reads only their call');
select is((select count(*)::int from public.agents where org_id = tests.id('acme')), 0, 'and no Acme agents');
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

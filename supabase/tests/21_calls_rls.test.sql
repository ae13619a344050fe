-- Calls, agents, numbers and jobs under RLS: managers read their
-- organization's calls, agents only their own, other tenants nothing,
-- orphaned calls only staff.
begin;
select plan(22);

\set owner '''{"sub":"a0000000-0000-4000-8000-000000000001","role":"authenticated"}'''
\set admin '''{"sub":"a0000000-0000-4000-8000-000000000002","role":"authenticated"}'''
\set manager '''{"sub":"a0000000-0000-4000-8000-000000000003","role":"authenticated"}'''
\set agent '''{"sub":"a0000000-0000-4000-8000-000000000004","role":"authenticated"}'''
\set gmanager '''{"sub":"b0000000-0000-4000-8000-000000000002","role":"authenticated"}'''
\set staff '''{"sub":"c0000000-0000-4000-8000-000000000001","role":"authenticated"}'''

insert into public.calls (org_id, agent_id, twilio_call_sid, status) values
  ('0a000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000001', 'CA' || md5('c1'), 'analyzed'),
  ('0a000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000002', 'CA' || md5('c2'), 'analyzed'),
  ('0b000000-0000-4000-8000-000000000001', '1b000000-0000-4000-8000-000000000001', 'CA' || md5('c3'), 'analyzed'),
  (null, null, 'CA' || md5('c4'), 'orphaned');
select public.enqueue_job('analyze_call', '0a000000-0000-4000-8000-000000000001', '{}', 'rls-job-acme', now() + interval '1 hour');

select set_config('request.jwt.claims', :manager, true);
set local role authenticated;
select is((select count(*)::int from public.calls), 2, 'a manager reads the organization''s calls');
select is((select count(*)::int from public.agents), 2, 'a manager reads the organization''s agents');
select is((select count(*)::int from public.phone_numbers), 2, 'a manager reads the organization''s numbers');
select is((select count(*)::int from public.jobs), 0, 'a manager does not read jobs');
select lives_ok($$insert into public.agents (org_id, name, phone) values ('0a000000-0000-4000-8000-000000000001', 'New Agent', '+15555550199')$$, 'a manager adds an agent');
select throws_ok($$insert into public.agents (org_id, name) values ('0b000000-0000-4000-8000-000000000001', 'Spy')$$, '42501', null, 'not into another organization');
update public.phone_numbers set friendly_name = 'by manager' where org_id = '0a000000-0000-4000-8000-000000000001';
select throws_ok($$insert into public.calls (org_id, twilio_call_sid) values ('0a000000-0000-4000-8000-000000000001', 'CA' || md5('x'))$$, '42501', null, 'calls are written by the backend only');
reset role;
select is((select count(*)::int from public.phone_numbers where friendly_name = 'by manager'), 0, 'managers cannot reassign numbers');

select set_config('request.jwt.claims', :agent, true);
set local role authenticated;
select is((select count(*)::int from public.calls), 1, 'an agent reads only their own calls');
select is((select agent_id from public.calls), '1a000000-0000-4000-8000-000000000001'::uuid, 'the right one');
select throws_ok($$insert into public.agents (org_id, name) values ('0a000000-0000-4000-8000-000000000001', 'Me too')$$, '42501', null, 'agents cannot add agents');
reset role;

select set_config('request.jwt.claims', :admin, true);
set local role authenticated;
update public.phone_numbers set agent_id = '1a000000-0000-4000-8000-000000000002' where e164 = '+14155550100';
select is((select count(*)::int from public.jobs), 1, 'an admin reads the organization''s jobs');
select throws_ok($$update public.phone_numbers set agent_id = '1b000000-0000-4000-8000-000000000001' where e164 = '+14155550100'$$, 'SP400', null, 'a number cannot ring another tenant''s agent');
select throws_ok($$insert into public.agents (org_id, name, user_id) values ('0a000000-0000-4000-8000-000000000001', 'Outsider', 'b0000000-0000-4000-8000-000000000002')$$, 'SP400', null, 'an agent links only to a member');
reset role;
select is((select agent_id from public.phone_numbers where e164 = '+14155550100'), '1a000000-0000-4000-8000-000000000002'::uuid, 'admins reassign numbers');

select set_config('request.jwt.claims', :gmanager, true);
set local role authenticated;
select is((select count(*)::int from public.calls), 1, 'the other tenant''s manager reads only their call');
select is((select count(*)::int from public.agents where org_id = '0a000000-0000-4000-8000-000000000001'), 0, 'and no Acme agents');
select is((select count(*)::int from public.jobs), 0, 'and no jobs');
reset role;

select set_config('request.jwt.claims', :staff, true);
set local role authenticated;
select is((select count(*)::int from public.calls), 4, 'staff read every call, orphaned ones included');
select is((select count(*)::int from public.calls where status = 'orphaned'), 1, 'orphaned calls are visible to staff');
reset role;

select set_config('request.jwt.claims', :owner, true);
set local role authenticated;
select is((select count(*)::int from public.calls where org_id is null), 0, 'tenants never see orphaned calls');
select throws_ok($$select public.claim_jobs('me', 1, 60)$$, '42501', null, 'tenants cannot run the queue');
reset role;

select * from finish();
rollback;

-- Audit log: changes to critical tables are recorded (actor, table,
-- operation, row, changed columns old -> new) and cannot be altered.
begin;
select plan(10);

\set owner '''{"sub":"a0000000-0000-4000-8000-000000000001","role":"authenticated"}'''

select set_config('request.jwt.claims', :owner, true);
set local role authenticated;
update public.organizations set recording_notice = 'Calls are recorded.' where slug = 'acme';
select public.change_member_role('0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000004', 'manager');
reset role;

select is(
  (select jsonb_build_object('actor', actor_id, 'role', actor_role, 'op', operation, 'old', old_values, 'new', new_values)
     from public.audit_logs where table_name = 'organizations' and operation = 'UPDATE' order by id desc limit 1),
  jsonb_build_object('actor', 'a0000000-0000-4000-8000-000000000001', 'role', 'authenticated', 'op', 'UPDATE',
    'old', jsonb_build_object('recording_notice', 'This call may be recorded for quality and training purposes.'),
    'new', jsonb_build_object('recording_notice', 'Calls are recorded.')),
  'an organization update records only the changed column, old and new, with the actor');
select is(
  (select old_values ->> 'role' || ' -> ' || (new_values ->> 'role') from public.audit_logs
    where table_name = 'memberships' and operation = 'UPDATE' order by id desc limit 1),
  'agent -> manager', 'a role change is recorded');
select is(
  (select row_id from public.audit_logs where table_name = 'memberships' and operation = 'UPDATE' order by id desc limit 1),
  (select id::text from public.memberships where user_id = 'a0000000-0000-4000-8000-000000000004'),
  'the row id is recorded');
select ok(exists (select 1 from public.audit_logs where table_name = 'invitations' and operation = 'INSERT'), 'invitation inserts are recorded');

-- A change of nothing but updated_at is not noise in the log.
select is((select count(*)::int from public.audit_logs where table_name = 'organizations'), 3, 'two inserts (seed) and one update so far');
update public.organizations set updated_at = now() where slug = 'acme';
select is((select count(*)::int from public.audit_logs where table_name = 'organizations'), 3, 'a timestamp-only update adds no row');

-- Immutable for everyone but the table owner.
select throws_ok('update public.audit_logs set actor_role = ''x''', 'SP403', null, 'even the owner role hits the append-only trigger');
select throws_ok('delete from public.audit_logs', 'SP403', null, 'deletes are refused');
select throws_ok('truncate public.audit_logs', 'SP403', null, 'truncate is refused');
set local role service_role;
select throws_ok('update public.audit_logs set actor_role = ''x''', '42501', null, 'service_role has no update privilege');
reset role;

select * from finish();
rollback;

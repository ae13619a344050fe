-- Audit log: changes to critical tables are recorded (actor, table,
-- operation, row, changed columns old -> new) and cannot be altered.
begin;
\ir fixtures.sql
select plan(10);
select tests.create_tenants();

select tests.authenticate_as('acme_owner');
update public.organizations set recording_notice = 'Calls are recorded.' where id = tests.id('acme');
select public.change_member_role(tests.id('acme'), tests.id('acme_agent1'), 'manager');
select tests.clear_authentication();

select is(
  (select jsonb_build_object('actor', actor_id, 'role', actor_role, 'op', operation, 'old', old_values, 'new', new_values)
     from public.audit_logs where table_name = 'organizations' and operation = 'UPDATE' order by id desc limit 1),
  jsonb_build_object('actor', tests.id('acme_owner'), 'role', 'authenticated', 'op', 'UPDATE',
    'old', jsonb_build_object('recording_notice', 'This call may be recorded.'),
    'new', jsonb_build_object('recording_notice', 'Calls are recorded.')),
  'an organization update records only the changed column, old and new, with the actor');
select is(
  (select old_values ->> 'role' || ' -> ' || (new_values ->> 'role') from public.audit_logs
    where table_name = 'memberships' and operation = 'UPDATE' order by id desc limit 1),
  'agent -> manager', 'a role change is recorded');
select is(
  (select row_id from public.audit_logs where table_name = 'memberships' and operation = 'UPDATE' order by id desc limit 1),
  (select id::text from public.memberships where user_id = tests.id('acme_agent1') and org_id = tests.id('acme')),
  'the row id is recorded');
select ok(exists (select 1 from public.audit_logs where table_name = 'invitations' and operation = 'INSERT'), 'invitation inserts are recorded');

-- A change of nothing but updated_at is not noise in the log.
select is((select count(*)::int from public.audit_logs where table_name = 'organizations' and row_id = tests.id('acme')::text), 2,
  'Acme''s insert and one update so far');
update public.organizations set updated_at = now() where id = tests.id('acme');
select is((select count(*)::int from public.audit_logs where table_name = 'organizations' and row_id = tests.id('acme')::text), 2,
  'a timestamp-only update adds no row');

-- Immutable for everyone but the table owner.
select throws_ok('update public.audit_logs set actor_role = ''x''', 'SP403', null, 'even the owner role hits the append-only trigger');
select throws_ok('delete from public.audit_logs', 'SP403', null, 'deletes are refused');
select throws_ok('truncate public.audit_logs', 'SP403', null, 'truncate is refused');
select tests.authenticate_as_service_role();
select throws_ok('update public.audit_logs set actor_role = ''x''', '42501', null, 'service_role has no update privilege');
select tests.clear_authentication();

select * from finish();
rollback;

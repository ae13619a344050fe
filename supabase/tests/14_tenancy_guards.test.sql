-- Re-invitations of one address are throttled (one a minute, five a day:
-- SP429, nothing changed, no second email); only the audit trigger writes
-- audit rows.
begin;
\ir fixtures.sql
select plan(7);
select tests.create_user('owner');
select tests.create_org('hco', 'owner');

select tests.authenticate_as('owner');
select lives_ok(format('select public.invite_member(%L, %L, %L)', tests.id('hco'), 'new.hire@guards.test', 'agent'),
  'an address is invited');
select throws_ok(format('select public.invite_member(%L, %L, %L)', tests.id('hco'), 'new.hire@guards.test', 'agent'),
  'SP429', null, 'invited again the same minute: SP429');
select tests.clear_authentication();
select is((select count(*)::int from public.invitations where email = 'new.hire@guards.test' and revoked_at is null), 1,
  'the refused re-invitation changed nothing (the first stays pending)');
select is((select count(*)::int from public.jobs where kind = 'send_email'
            and dedupe_key in (select 'invitation:' || id::text from public.invitations where email = 'new.hire@guards.test')), 1,
  'and queued no second email');
-- Five a day: move the earlier ones back past the minute and try again.
update public.invitations set created_at = now() - interval '2 minutes' where email = 'new.hire@guards.test';
select tests.authenticate_as('owner');
select lives_ok(format('select public.invite_member(%L, %L, %L)', tests.id('hco'), 'new.hire@guards.test', 'agent'),
  'a minute later the address can be invited again');
select tests.clear_authentication();
update public.invitations set created_at = now() - interval '2 minutes' where email = 'new.hire@guards.test';
insert into public.invitations (org_id, email, role, created_at, revoked_at)
  select tests.id('hco'), 'new.hire@guards.test', 'agent', now() - interval '3 hours', now()
    from generate_series(1, 3);
select tests.authenticate_as('owner');
select throws_ok(format('select public.invite_member(%L, %L, %L)', tests.id('hco'), 'new.hire@guards.test', 'agent'),
  'SP429', null, 'the sixth invitation in a day is refused');
select tests.clear_authentication();

-- Audit rows come only from the trigger.
select tests.authenticate_as_service_role();
select throws_ok(format('insert into public.audit_logs (org_id, table_name, operation) values (%L, %L, %L)', tests.id('hco'), 'forged', 'INSERT'),
  '42501', null, 'service_role cannot forge audit rows');
select tests.clear_authentication();

select * from finish();
rollback;

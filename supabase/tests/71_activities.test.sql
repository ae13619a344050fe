-- Activities: members log manual entries as themselves, edit and delete only
-- their own manual ones; automatic rows stay read-only; the log RPC filters
-- and pages; text is bounded (SP400). Self-contained.
begin;
\ir fixtures.sql
select plan(22);

select tests.create_user('manager', p_email => 'manager@activities.test', p_id => 'e7100000-0000-4000-8000-000000000001');
select tests.create_user('agent1', p_email => 'agent1@activities.test', p_id => 'e7100000-0000-4000-8000-000000000002');
select tests.create_user('agent2', p_email => 'agent2@activities.test', p_id => 'e7100000-0000-4000-8000-000000000003');
select tests.create_user('outsider', p_email => 'outsider@activities.test', p_id => 'e7100000-0000-4000-8000-000000000004');
select tests.create_org('activity_co', 'manager', false, 'e7100000-0000-4000-8000-0000000000aa');
select tests.add_member('activity_co', 'agent1', 'agent');
select tests.add_member('activity_co', 'agent2', 'agent');
insert into public.agents (id, org_id, name, user_id) values
  ('e7100000-0000-4000-8000-0000000000a1', 'e7100000-0000-4000-8000-0000000000aa', 'Ann', 'e7100000-0000-4000-8000-000000000002');
-- An automatic activity of Ann's (as the call bookkeeping writes it).
insert into public.activities (id, org_id, agent_id, user_id, type, value, occurred_at, source_type, source_id) values
  ('e7100000-0000-4000-8000-0000000000f1', 'e7100000-0000-4000-8000-0000000000aa', 'e7100000-0000-4000-8000-0000000000a1',
   'e7100000-0000-4000-8000-000000000002', 'call', 120, now() - interval '3 days', 'call', gen_random_uuid());

create function pg_temp.as_user(p_uid text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_uid, 'role', 'authenticated')::text, true);
$$;

-- Ann logs entries ------------------------------------------------------------------
select pg_temp.as_user('e7100000-0000-4000-8000-000000000002');
set local role authenticated;
select lives_ok($$insert into public.activities (org_id, type, outcome, value, contact, title, occurred_at)
                  values ('e7100000-0000-4000-8000-0000000000aa', 'meeting', 'completed', 0, 'Pat Prospect', 'Site visit', now() - interval '1 day'),
                         ('e7100000-0000-4000-8000-0000000000aa', 'proposal', 'won', 5000, 'Pat Prospect', 'Solar proposal', now() - interval '2 hours'),
                         ('e7100000-0000-4000-8000-0000000000aa', 'follow_up', null, 0, 'Quinn', 'Call back', now() - interval '1 hour')$$,
  'an agent logs a meeting, a proposal and a follow-up');
select is((select array_agg(distinct user_id::text) || array_agg(distinct agent_id::text) from public.activities where source_type is null),
  array['e7100000-0000-4000-8000-000000000002', 'e7100000-0000-4000-8000-0000000000a1'], 'as herself, with her agent');
select throws_ok($$insert into public.activities (org_id, type, user_id) values ('e7100000-0000-4000-8000-0000000000aa', 'note', 'e7100000-0000-4000-8000-000000000003')$$,
  '42501', null, 'she cannot write user_id (column not granted)');
select throws_ok($$insert into public.activities (org_id, type) values ('e7100000-0000-4000-8000-0000000000aa', 'sim')$$,
  'SP400', null, 'nor write an automatic type');
select throws_ok($$insert into public.activities (org_id, type, notes) values ('e7100000-0000-4000-8000-0000000000aa', 'note', repeat('x', 4001))$$,
  'SP400', null, 'notes over 4000 characters: SP400');
select throws_ok($$insert into public.activities (org_id, type, outcome) values ('e7100000-0000-4000-8000-0000000000aa', 'note', 'maybe')$$,
  'SP400', null, 'an unknown outcome: SP400');
select throws_ok($$insert into public.activities (org_id, type) values ('e7100000-0000-4000-8000-0000000000bb', 'note')$$,
  '42501', null, 'nor log into an organization she is not in');
update public.activities set value = 999 where id = 'e7100000-0000-4000-8000-0000000000f1';
update public.activities set title = 'Site visit (rescheduled)' where title = 'Site visit';
reset role;
select is((select value from public.activities where id = 'e7100000-0000-4000-8000-0000000000f1'), 120.00,
  'the automatic call activity is read-only');
select is((select count(*)::int from public.activities where title = 'Site visit (rescheduled)'), 1, 'her own manual entry is editable');

-- Bob, another agent, cannot touch Ann's entries ---------------------------------------
select pg_temp.as_user('e7100000-0000-4000-8000-000000000003');
set local role authenticated;
update public.activities set title = 'hijacked' where org_id = 'e7100000-0000-4000-8000-0000000000aa';
delete from public.activities where org_id = 'e7100000-0000-4000-8000-0000000000aa';
select is((select count(*)::int from public.list_activities()), 0, 'Bob sees none of Ann''s activities');
reset role;
select is((select count(*)::int from public.activities where org_id = 'e7100000-0000-4000-8000-0000000000aa'), 4,
  'and changed or deleted none of them');

-- The log RPC ---------------------------------------------------------------------------
select pg_temp.as_user('e7100000-0000-4000-8000-000000000001');
set local role authenticated;
select is((select array_agg(type order by occurred_at desc) from public.list_activities()),
  array['follow_up', 'proposal', 'meeting', 'call'], 'the owner reads the whole log, newest first');
select is((select array_agg(type) from public.list_activities(p_type => 'proposal', p_outcome => 'won')), array['proposal'],
  'filtered by type and outcome');
select is((select count(*)::int from public.list_activities(p_user_id => 'e7100000-0000-4000-8000-000000000002', p_from => current_date - 1)), 3,
  'a person''s timeline since yesterday');
select is((select array_agg(type order by occurred_at desc) from public.list_activities(
            p_before_at => (select occurred_at from public.activities where type = 'proposal' and org_id = 'e7100000-0000-4000-8000-0000000000aa'),
            p_before_id => (select id from public.activities where type = 'proposal' and org_id = 'e7100000-0000-4000-8000-0000000000aa'),
            p_limit => 1)),
  array['meeting'], 'keyset paging continues after the last row of the previous page');
select is((select bool_or(can_edit) from public.list_activities()), false, 'the owner may edit none of Ann''s entries');
select throws_ok($$select * from public.list_activities(p_type => repeat('x', 33))$$, 'SP400', null, 'filters are bounded');
delete from public.activities where org_id = 'e7100000-0000-4000-8000-0000000000aa';
reset role;
select is((select count(*)::int from public.activities where org_id = 'e7100000-0000-4000-8000-0000000000aa'), 4,
  'not even the owner deletes someone else''s entries');
select is((select count(*)::int from public.audit_logs where table_name = 'activities' and org_id = 'e7100000-0000-4000-8000-0000000000aa'), 4,
  'manual entries are audited (three inserts, one edit); automatic ones are not');

-- Removed and outside ------------------------------------------------------------------
select pg_temp.as_user('e7100000-0000-4000-8000-000000000004');
set local role authenticated;
select is((select count(*)::int from public.activities where org_id = 'e7100000-0000-4000-8000-0000000000aa'), 0, 'a non-member reads nothing');
reset role;
delete from public.memberships where user_id = 'e7100000-0000-4000-8000-000000000002';
select pg_temp.as_user('e7100000-0000-4000-8000-000000000002');
set local role authenticated;
select is((select count(*)::int from public.activities), 0, 'a removed member reads none of their own activities');
delete from public.activities;
reset role;
select is((select count(*)::int from public.activities where org_id = 'e7100000-0000-4000-8000-0000000000aa'), 4, 'nor deletes them');

select * from finish();
rollback;

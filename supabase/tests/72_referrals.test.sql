-- Referrals: submission by members, duplicates (normalised phone / email)
-- refused with SP409, valid status transitions only (SP422), a timestamp
-- and an activity per step (counting toward a referrals_won goal), reward
-- and owner for managers only, visibility per role. Self-contained.
begin;
\ir fixtures.sql
select plan(27);

select tests.create_user('manager', p_email => 'manager@referrals.test', p_id => 'e7200000-0000-4000-8000-000000000001');
select tests.create_user('agent1', p_email => 'agent1@referrals.test', p_id => 'e7200000-0000-4000-8000-000000000002');
select tests.create_user('agent2', p_email => 'agent2@referrals.test', p_id => 'e7200000-0000-4000-8000-000000000003');
select tests.create_user('outsider', p_email => 'outsider@referrals.test', p_id => 'e7200000-0000-4000-8000-000000000004');
select tests.create_org('referral_co', 'manager', false, 'e7200000-0000-4000-8000-0000000000aa');
select tests.create_org('elsewhere_referral_co', 'outsider', false, 'e7200000-0000-4000-8000-0000000000bb');
select tests.add_member('referral_co', 'agent1', 'agent');
select tests.add_member('referral_co', 'agent2', 'agent');
insert into public.agents (id, org_id, name, user_id) values
  ('e7200000-0000-4000-8000-0000000000a1', 'e7200000-0000-4000-8000-0000000000aa', 'Ann', 'e7200000-0000-4000-8000-000000000002');
insert into public.goals (org_id, name, metric, scope, agent_id, target, period, period_start) values
  ('e7200000-0000-4000-8000-0000000000aa', 'Ann wins referrals', 'referrals_won', 'member', 'e7200000-0000-4000-8000-0000000000a1', 2, 'month', current_date);

create function pg_temp.as_user(p_uid text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_uid, 'role', 'authenticated')::text, true);
$$;
create temp table ids (name text primary key, id uuid);
grant all on ids to authenticated;

-- Submitting -------------------------------------------------------------------------
select pg_temp.as_user('e7200000-0000-4000-8000-000000000002');
set local role authenticated;
select lives_ok($$insert into ids select 'pat', public.submit_referral('e7200000-0000-4000-8000-0000000000aa', 'customer', 'Carla Customer',
                  'Pat Prospect', '+1 (415) 555-0199', 'Pat@Example.com', 12000)$$, 'an agent submits a referral');
select is((select array[status::text, owner_id::text] from public.referrals where id = (select id from ids where name = 'pat')),
  array['submitted', 'e7200000-0000-4000-8000-000000000002'], 'submitted, owned by the submitter');
select throws_ok($$select public.submit_referral('e7200000-0000-4000-8000-0000000000aa', 'partner', 'Paul Partner', 'P. Prospect', '14155550199')$$,
  'SP409', null, 'the same phone number, written differently: SP409');
select throws_ok($$select public.submit_referral('e7200000-0000-4000-8000-0000000000aa', 'partner', 'Paul Partner', 'P. Prospect', null, '  pat@example.COM ')$$,
  'SP409', null, 'the same email address, other case and spaces: SP409');
select throws_ok($$select public.submit_referral('e7200000-0000-4000-8000-0000000000aa', 'partner', 'Paul', repeat('x', 201), '+14155550000')$$,
  'SP400', null, 'a name over 200 characters: SP400');
select throws_ok($$select public.submit_referral('e7200000-0000-4000-8000-0000000000aa', 'partner', 'Paul', 'Nobody')$$,
  'SP400', null, 'no phone and no email: SP400');
select throws_ok($$select public.submit_referral('e7200000-0000-4000-8000-0000000000bb', 'partner', 'Paul', 'Nobody', '+15550001111')$$,
  'SP403', null, 'not into another organization');
select throws_ok($$update public.referrals set reward_status = 'paid'$$, 'SP403', null, 'an agent does not set the reward');
reset role;
-- Another organization may hold the same person.
select pg_temp.as_user('e7200000-0000-4000-8000-000000000004');
set local role authenticated;
select lives_ok($$select public.submit_referral('e7200000-0000-4000-8000-0000000000bb', 'employee', 'Erin', 'Pat Prospect', '+14155550199')$$,
  'duplicates are per organization');
reset role;

-- Moving along the path -----------------------------------------------------------------
select pg_temp.as_user('e7200000-0000-4000-8000-000000000002');
set local role authenticated;
select throws_ok($$select public.set_referral_status((select id from ids where name = 'pat'), 'won')$$, 'SP422', null,
  'submitted cannot jump to won: SP422');
select lives_ok($$select public.set_referral_status((select id from ids where name = 'pat'), 'contacted')$$, 'submitted → contacted');
select lives_ok($$select public.set_referral_status((select id from ids where name = 'pat'), 'qualified')$$, 'contacted → qualified');
select throws_ok($$select public.set_referral_status((select id from ids where name = 'pat'), 'submitted')$$, 'SP422', null, 'no way back');
select lives_ok($$select public.set_referral_status((select id from ids where name = 'pat'), 'won', 15000)$$, 'qualified → won with the deal value');
select throws_ok($$select public.set_referral_status((select id from ids where name = 'pat'), 'lost')$$, 'SP422', null, 'won is final');
reset role;
select ok((select submitted_at <= contacted_at and contacted_at <= qualified_at and qualified_at <= won_at and lost_at is null
             from public.referrals where id = (select id from ids where name = 'pat')), 'a timestamp per step');
select is((select array_agg(metadata ->> 'to_status' order by source_type) from public.activities
            where source_id = (select id from ids where name = 'pat')),
  array['contacted', 'qualified', 'submitted', 'won'], 'each step is an activity');
select is((select array[value::text, outcome, user_id::text] from public.activities where source_type = 'referral_won'
            and source_id = (select id from ids where name = 'pat')),
  array['15000.00', 'won', 'e7200000-0000-4000-8000-000000000002'], 'the win is valued at the deal and credited to the mover');

select pg_temp.as_user('e7200000-0000-4000-8000-000000000002');
set local role authenticated;
select is((select actual from public.goal_progress() where name = 'Ann wins referrals'), 1::numeric, 'and counts toward her referrals_won goal');
reset role;

-- Visibility and managers ---------------------------------------------------------------
select pg_temp.as_user('e7200000-0000-4000-8000-000000000003');
set local role authenticated;
select is((select count(*)::int from public.list_referrals()), 0, 'another agent does not see Ann''s referral');
select throws_ok($$select public.set_referral_status((select id from ids where name = 'pat'), 'lost')$$, 'SP404', null, 'nor move it');
reset role;
select pg_temp.as_user('e7200000-0000-4000-8000-000000000001');
set local role authenticated;
select is((select array[referred_name, status::text, (status_counts ->> 'won')] from public.list_referrals()),
  array['Pat Prospect', 'won', '1'], 'the owner lists it, with the pipeline counts');
select lives_ok($$update public.referrals set reward_status = 'pending' where id = (select id from ids where name = 'pat')$$, 'and sets the reward');
select is((select next_statuses from public.list_referrals(p_query => 'pat')), '{}'::public.referral_status[], 'a won referral has no next step');
reset role;
select pg_temp.as_user('e7200000-0000-4000-8000-000000000004');
set local role authenticated;
select is((select count(*)::int from public.referrals where org_id = 'e7200000-0000-4000-8000-0000000000aa'), 0, 'a non-member reads none');
reset role;
delete from public.memberships where user_id = 'e7200000-0000-4000-8000-000000000002';
select pg_temp.as_user('e7200000-0000-4000-8000-000000000002');
set local role authenticated;
select is((select count(*)::int from public.referrals), 0, 'a removed member reads none of the referrals they own');
reset role;
select is((select count(*)::int from public.audit_logs where table_name = 'referrals' and org_id = 'e7200000-0000-4000-8000-0000000000aa'), 5,
  'referrals are audited (insert, three steps, reward)');

select * from finish();
rollback;

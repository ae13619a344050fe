-- Goals: who may set and read them (per role, non-member, removed member,
-- anon), progress and pace on fixed data, period snapping, and the cron
-- close-out (snapshots, rollover of recurring goals, idempotence).
-- Self-contained: it makes its own organization, members, calls and rows.
begin;
\ir fixtures.sql
select plan(53);

-- Fixtures -------------------------------------------------------------------------
select tests.create_user('owner', p_email => 'owner@goals.test', p_id => 'e7000000-0000-4000-8000-000000000001');
select tests.create_user('manager', p_email => 'manager@goals.test', p_id => 'e7000000-0000-4000-8000-000000000002');
select tests.create_user('agent1', p_email => 'agent1@goals.test', p_id => 'e7000000-0000-4000-8000-000000000003');
select tests.create_user('agent2', p_email => 'agent2@goals.test', p_id => 'e7000000-0000-4000-8000-000000000004');
select tests.create_user('outsider', p_email => 'outsider@goals.test', p_id => 'e7000000-0000-4000-8000-000000000005');
select tests.create_org('goal_co', 'owner', false, 'e7000000-0000-4000-8000-0000000000aa');
insert into public.feature_flags (org_id, key, limit_value) values ('e7000000-0000-4000-8000-0000000000aa', 'seats', 25);
select tests.create_org('other_goal_co', 'outsider', false, 'e7000000-0000-4000-8000-0000000000bb');
select tests.add_member('goal_co', 'manager', 'manager');
select tests.add_member('goal_co', 'agent1', 'agent');
select tests.add_member('goal_co', 'agent2', 'agent');
insert into public.agents (id, org_id, name, user_id) values
  ('e7000000-0000-4000-8000-0000000000a1', 'e7000000-0000-4000-8000-0000000000aa', 'Ann Agent', 'e7000000-0000-4000-8000-000000000003'),
  ('e7000000-0000-4000-8000-0000000000a2', 'e7000000-0000-4000-8000-0000000000aa', 'Bob Agent', 'e7000000-0000-4000-8000-000000000004');

-- January 2025: Ann takes 4 calls (3 analyzed: converted, converted, not; upsell 100, 50, 0; adherence 80, 60, 40)
-- and one in February; Bob takes 2 (converted with 200 upsell, adherence 90; not converted, adherence 70).
insert into public.calls (id, org_id, agent_id, twilio_call_sid, status, started_at, duration_seconds)
select ('e7000000-0000-4000-8000-0000000000c' || n)::uuid, 'e7000000-0000-4000-8000-0000000000aa',
       ('e7000000-0000-4000-8000-0000000000a' || a)::uuid, 'CA' || md5('goals' || n), 'analyzed', t::timestamptz, 60
  from (values (1, 1, '2025-01-03 10:00Z'), (2, 1, '2025-01-05 10:00Z'), (3, 1, '2025-01-10 10:00Z'), (4, 1, '2025-01-20 10:00Z'),
               (5, 2, '2025-01-04 10:00Z'), (6, 2, '2025-01-12 10:00Z'), (7, 1, '2025-02-01 10:00Z')) v(n, a, t);
insert into public.insights (org_id, call_id, run_key, analyzer, model, prompt_version, sentiment_score, sentiment_label,
                             converted, upsell_amount, adherence_score, summary, data)
select 'e7000000-0000-4000-8000-0000000000aa', ('e7000000-0000-4000-8000-0000000000c' || n)::uuid, 'r', 'offline', 'm', 'v',
       0, 'neutral', conv, up, adh, 's', '{}'
  from (values (1, true, 100, 80), (2, true, 50, 60), (3, false, 0, 40), (5, true, 200, 90), (6, false, 0, 70), (7, true, 999, 100)) v(n, conv, up, adh);
-- Ann's manual meetings and two scored SIM sessions (automatic, with a source).
insert into public.activities (org_id, agent_id, user_id, type, occurred_at) values
  ('e7000000-0000-4000-8000-0000000000aa', 'e7000000-0000-4000-8000-0000000000a1', 'e7000000-0000-4000-8000-000000000003', 'meeting', '2025-01-06 09:00Z'),
  ('e7000000-0000-4000-8000-0000000000aa', 'e7000000-0000-4000-8000-0000000000a1', 'e7000000-0000-4000-8000-000000000003', 'meeting', '2025-01-15 09:00Z');
insert into public.activities (org_id, agent_id, user_id, type, occurred_at, source_type, source_id, metadata) values
  ('e7000000-0000-4000-8000-0000000000aa', 'e7000000-0000-4000-8000-0000000000a1', 'e7000000-0000-4000-8000-000000000003', 'sim', '2025-01-07 09:00Z', 'sim_session', gen_random_uuid(), '{"score": 70}'),
  ('e7000000-0000-4000-8000-0000000000aa', 'e7000000-0000-4000-8000-0000000000a1', 'e7000000-0000-4000-8000-000000000003', 'sim', '2025-01-08 09:00Z', 'sim_session', gen_random_uuid(), '{"score": 90}');

create function pg_temp.as_user(p_uid text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_uid, 'role', 'authenticated')::text, true);
$$;
create function pg_temp.goal_names(p_uid text) returns text[] language plpgsql as $$
declare r text[];
begin
  perform pg_temp.as_user(p_uid);
  execute 'set local role authenticated';
  select coalesce(array_agg(name order by name), '{}') into r from public.goal_progress('2025-01-31', null, true);
  execute 'reset role';
  return r;
end $$;
create function pg_temp.progress(p_name text, p_as_of date) returns record language plpgsql as $$
declare r record;
begin
  perform pg_temp.as_user('e7000000-0000-4000-8000-000000000002');
  execute 'set local role authenticated';
  select actual, sample_size, expected, status into r from public.goal_progress(p_as_of, null, true) where name = p_name;
  execute 'reset role';
  return r;
end $$;

-- Setting goals ---------------------------------------------------------------------
select pg_temp.as_user('e7000000-0000-4000-8000-000000000002');
set local role authenticated;
select lives_ok($$
  insert into public.goals (org_id, name, metric, activity_type, scope, user_id, agent_id, target, period, period_start, recurring) values
    ('e7000000-0000-4000-8000-0000000000aa', 'G1 Ann conversions', 'conversions', null, 'member', null, 'e7000000-0000-4000-8000-0000000000a1', 4, 'month', '2025-01-15', false),
    ('e7000000-0000-4000-8000-0000000000aa', 'G2 Team upsell', 'upsell_revenue', null, 'team', null, null, 300, 'month', '2025-01-01', false),
    ('e7000000-0000-4000-8000-0000000000aa', 'G3 Org calls', 'calls_handled', null, 'organization', null, null, 6, 'month', '2025-01-01', true),
    ('e7000000-0000-4000-8000-0000000000aa', 'G4 Ann meetings', 'activities', 'meeting', 'member', 'e7000000-0000-4000-8000-000000000003', null, 2, 'month', '2025-01-01', false),
    ('e7000000-0000-4000-8000-0000000000aa', 'G5 Ann SIM score', 'sim_score', null, 'member', null, 'e7000000-0000-4000-8000-0000000000a1', 75, 'month', '2025-01-01', false),
    ('e7000000-0000-4000-8000-0000000000aa', 'G6 Org conversion rate', 'conversion_rate', null, 'organization', null, null, 0.5, 'month', '2025-01-01', false),
    ('e7000000-0000-4000-8000-0000000000aa', 'G7 Bob adherence', 'script_adherence', null, 'member', null, 'e7000000-0000-4000-8000-0000000000a2', 85, 'month', '2025-01-01', false),
    ('e7000000-0000-4000-8000-0000000000aa', 'G8 Bob conversions', 'conversions', null, 'member', 'e7000000-0000-4000-8000-000000000004', null, 1, 'month', '2025-01-01', false)
$$, 'a manager sets goals');
select lives_ok($$
  insert into public.goal_members (goal_id, agent_id)
  select id, a from public.goals, unnest(array['e7000000-0000-4000-8000-0000000000a1', 'e7000000-0000-4000-8000-0000000000a2']::uuid[]) a
   where name = 'G2 Team upsell'
$$, 'and puts both agents on the team goal');
select is((select array[period_start, period_end] from public.goals where name = 'G1 Ann conversions'),
  array['2025-01-01', '2025-01-31']::date[], 'a month goal snaps to the calendar month');
select throws_ok($$insert into public.goals (org_id, name, metric, scope, target, period, period_start)
                  values ('e7000000-0000-4000-8000-0000000000aa', repeat('x', 201), 'conversions', 'organization', 1, 'month', '2025-01-01')$$,
  'SP400', null, 'a name over 200 characters: SP400');
select throws_ok($$insert into public.goals (org_id, name, metric, scope, target, period, period_start)
                  values ('e7000000-0000-4000-8000-0000000000aa', 'bad rate', 'conversion_rate', 'organization', 2, 'month', '2025-01-01')$$,
  'SP400', null, 'a conversion-rate target above 1: SP400');
select throws_ok($$insert into public.goals (org_id, name, metric, scope, user_id, target, period, period_start)
                  values ('e7000000-0000-4000-8000-0000000000aa', 'outsider', 'conversions', 'member', 'e7000000-0000-4000-8000-000000000005', 1, 'month', '2025-01-01')$$,
  'SP422', null, 'a member goal for someone outside the organization: SP422');
select throws_ok($$insert into public.goals (org_id, name, metric, scope, target, period, period_start, period_end, recurring)
                  values ('e7000000-0000-4000-8000-0000000000aa', 'custom', 'conversions', 'organization', 1, 'custom', '2025-01-01', '2025-01-10', true)$$,
  'SP400', null, 'custom periods do not recur: SP400');
select throws_ok($$insert into public.goals (org_id, name, metric, scope, target, period, period_start)
                  values ('e7000000-0000-4000-8000-0000000000bb', 'elsewhere', 'conversions', 'organization', 1, 'month', '2025-01-01')$$,
  '42501', null, 'not in another organization');
reset role;

select pg_temp.as_user('e7000000-0000-4000-8000-000000000003');
set local role authenticated;
select throws_ok($$insert into public.goals (org_id, name, metric, scope, target, period, period_start)
                  values ('e7000000-0000-4000-8000-0000000000aa', 'mine', 'conversions', 'organization', 1, 'month', '2025-01-01')$$,
  '42501', null, 'agents do not set goals');
update public.goals set target = 1 where name = 'G1 Ann conversions';
reset role;
select is((select target from public.goals where name = 'G1 Ann conversions'), 4.0000, 'nor edit them');

-- Period snapping --------------------------------------------------------------------
insert into public.goals (org_id, name, metric, scope, target, period, period_start) values
  ('e7000000-0000-4000-8000-0000000000bb', 'week', 'conversions', 'organization', 1, 'week', '2025-01-08'),
  ('e7000000-0000-4000-8000-0000000000bb', 'quarter', 'conversions', 'organization', 1, 'quarter', '2025-02-15');
select is((select array[period_start, period_end] from public.goals where name = 'week' and org_id = 'e7000000-0000-4000-8000-0000000000bb'),
  array['2025-01-06', '2025-01-12']::date[], 'a week goal runs Monday to Sunday');
select is((select array[period_start, period_end] from public.goals where name = 'quarter' and org_id = 'e7000000-0000-4000-8000-0000000000bb'),
  array['2025-01-01', '2025-03-31']::date[], 'a quarter goal covers its calendar quarter');
delete from public.goals where org_id = 'e7000000-0000-4000-8000-0000000000bb';

-- Who reads what ---------------------------------------------------------------------
select is(pg_temp.goal_names('e7000000-0000-4000-8000-000000000002'),
  array['G1 Ann conversions', 'G2 Team upsell', 'G3 Org calls', 'G4 Ann meetings', 'G5 Ann SIM score',
        'G6 Org conversion rate', 'G7 Bob adherence', 'G8 Bob conversions'], 'the manager reads every goal');
select is(pg_temp.goal_names('e7000000-0000-4000-8000-000000000001'), pg_temp.goal_names('e7000000-0000-4000-8000-000000000002'),
  'so does the owner');
select is(pg_temp.goal_names('e7000000-0000-4000-8000-000000000003'),
  array['G1 Ann conversions', 'G2 Team upsell', 'G3 Org calls', 'G4 Ann meetings', 'G5 Ann SIM score', 'G6 Org conversion rate'],
  'Ann reads her goals, her team''s and the organization''s — not Bob''s');
select is(pg_temp.goal_names('e7000000-0000-4000-8000-000000000004'),
  array['G2 Team upsell', 'G3 Org calls', 'G6 Org conversion rate', 'G7 Bob adherence', 'G8 Bob conversions'],
  'Bob reads his');
select is(pg_temp.goal_names('e7000000-0000-4000-8000-000000000005'), '{}'::text[], 'a non-member reads none');
select pg_temp.as_user('e7000000-0000-4000-8000-000000000005');
set local role authenticated;
select is((select count(*)::int from public.goals where org_id = 'e7000000-0000-4000-8000-0000000000aa'), 0, 'not even through the table');
select is((select count(*)::int from private.goal_measure((select id from public.goals where name = 'G3 Org calls'), '2025-01-31')), 0,
  'and the measuring helper answers nothing for a goal they cannot read');
reset role;
set local role anon;
select throws_ok($$select * from public.goal_progress()$$, '42501', null, 'anon cannot call goal_progress');
select throws_ok($$select * from public.goals$$, '42501', null, 'nor read goals');
reset role;

-- Progress and pace ------------------------------------------------------------------
select is(pg_temp.progress('G1 Ann conversions', '2025-01-31')::text, '(2,3,4.00,behind)', 'Ann converted 2 of 3 analyzed calls: behind 4 at month end');
select is(pg_temp.progress('G1 Ann conversions', '2025-01-10')::text, '(2,3,1.29,on_track)', 'on 10 January 2 conversions beat the expected 1.29 (4 × 10/31)');
select is(pg_temp.progress('G1 Ann conversions', '2025-01-16')::text, '(2,3,2.06,behind)', 'on 16 January the expected 2.06 is ahead of 2');
select is(pg_temp.progress('G1 Ann conversions', '2024-12-20')::text, '(0,0,0.00,on_track)', 'before the period: nothing expected yet');
select is(pg_temp.progress('G2 Team upsell', '2025-01-31')::text, '(350.00,5,300.00,reached)', 'the team upsold 100 + 50 + 200: reached');
select is(pg_temp.progress('G3 Org calls', '2025-01-31')::text, '(6,6,6.00,reached)', 'six January calls (the February one not counted)');
select is(pg_temp.progress('G4 Ann meetings', '2025-01-31')::text, '(2,2,2.00,reached)', 'two meetings');
select is(pg_temp.progress('G5 Ann SIM score', '2025-01-31')::text, '(80.0,2,75.0000,reached)', 'SIM score: mean of 70 and 90 from sim activities');
select is(pg_temp.progress('G6 Org conversion rate', '2025-01-31')::text, '(0.6000,5,0.5000,reached)', 'conversion rate 3 of 5 analyzed');
select is(pg_temp.progress('G7 Bob adherence', '2025-01-31')::text, '(80.0,2,85.0000,behind)', 'Bob''s adherence 80 against 85');
select is(pg_temp.progress('G8 Bob conversions', '2025-01-31')::text, '(1,2,1.00,reached)', 'a goal by user counts the user''s agent');

select pg_temp.as_user('e7000000-0000-4000-8000-000000000003');
set local role authenticated;
select is((select actual from public.goal_progress('2025-01-31') where name = 'G2 Team upsell'), 350.00,
  'Ann sees the team''s total, Bob''s calls included, though she cannot read his calls');
select is((select count(*)::int from public.calls where agent_id = 'e7000000-0000-4000-8000-0000000000a2'), 0, '(she cannot)');
select is((select percent from public.goal_progress('2025-01-10') where name = 'G1 Ann conversions'), 50.0, 'percent of target');
select is((select projected from public.goal_progress('2025-01-10') where name = 'G1 Ann conversions'), 6.20, 'projected to month end (2 × 31/10)');
reset role;

select pg_temp.as_user('e7000000-0000-4000-8000-000000000002');
set local role authenticated;
select is((select array[(s ->> 'total')::int, (s ->> 'reached')::int, (s ->> 'behind')::int] from public.goal_summary() s),
  array[8, 6, 2], 'the dashboard widget counts the open goals by status');
select is((select s #>> '{goals,0,status}' from public.goal_summary(1) s), 'behind', 'and lists the most urgent first');
reset role;

-- Audit --------------------------------------------------------------------------------
select is((select count(*)::int from public.audit_logs where table_name = 'goals' and operation = 'INSERT'
            and org_id = 'e7000000-0000-4000-8000-0000000000aa'), 8, 'setting goals is audited');

-- Closing periods (the cron job's procedure, called directly) --------------------------
select is(private.close_goal_periods('2025-01-31'), 0, 'nothing closes while January runs');
select is(private.close_goal_periods('2025-02-01'), 8, 'on 1 February all eight January periods close');
select is(private.close_goal_periods('2025-02-01'), 0, 'running again closes nothing (idempotent)');
select is((select count(*)::int from public.goal_snapshots where org_id = 'e7000000-0000-4000-8000-0000000000aa'), 8, 'one snapshot per goal');
select is((select array[actual::text, status, target::text] from public.goal_snapshots where name = 'G1 Ann conversions'),
  array['2', 'missed', '4.0000'], 'G1''s snapshot: 2 of 4, missed');
select is((select array[period_start, period_end] from public.goals where name = 'G3 Org calls'),
  array['2025-02-01', '2025-02-28']::date[], 'the recurring goal rolled over to February');
select ok((select closed_at is not null from public.goals where name = 'G1 Ann conversions'), 'a one-off goal is closed');
update public.goals set target = 1, name = 'G1 renamed' where name = 'G1 Ann conversions';
select is((select array[name, target::text] from public.goal_snapshots where goal_id = (select id from public.goals where name = 'G1 renamed')),
  array['G1 Ann conversions', '4.0000'], 'editing the goal afterwards leaves its history alone');
select is(private.close_goal_periods('2025-04-02'), 2, 'missed runs: February and March close at once');
select is((select array_agg(actual order by period_start)::text from public.goal_snapshots where name = 'G3 Org calls'),
  '{6,1,0}', 'with their own figures (6 in January, 1 in February, 0 in March)');
select is((select period_start from public.goals where name = 'G3 Org calls'), '2025-04-01'::date, 'and the goal is now in April');

-- A removed member reads nothing -----------------------------------------------------
select pg_temp.as_user('e7000000-0000-4000-8000-000000000001');
set local role authenticated;
select lives_ok($$select public.remove_member('e7000000-0000-4000-8000-0000000000aa', 'e7000000-0000-4000-8000-000000000003')$$, 'Ann is removed');
reset role;
select is(pg_temp.goal_names('e7000000-0000-4000-8000-000000000003'), '{}'::text[], 'and reads no goal any more');
select pg_temp.as_user('e7000000-0000-4000-8000-000000000003');
set local role authenticated;
select is((select count(*)::int from public.goal_snapshots), 0, 'nor any snapshot');
reset role;

select * from finish();
rollback;

-- What-if scenarios: measured figures with sample sizes (null without data),
-- the adherence lever's fit and interval on fixed data, insufficient data
-- below the minimum, projection math, saving and comparing, access per role.
-- Self-contained.
begin;
\ir fixtures.sql
select plan(22);

select tests.create_user('manager', p_email => 'manager@scenarios.test', p_id => 'e7300000-0000-4000-8000-000000000001');
select tests.create_user('agent', p_email => 'agent@scenarios.test', p_id => 'e7300000-0000-4000-8000-000000000002');
select tests.create_user('small', p_email => 'small@scenarios.test', p_id => 'e7300000-0000-4000-8000-000000000003');
select tests.create_user('empty', p_email => 'empty@scenarios.test', p_id => 'e7300000-0000-4000-8000-000000000004');
select tests.create_org('scenario_co', 'manager', false, 'e7300000-0000-4000-8000-0000000000aa');
select tests.create_org('small_scenario_co', 'small', false, 'e7300000-0000-4000-8000-0000000000bb');
select tests.create_org('empty_scenario_co', null, false, 'e7300000-0000-4000-8000-0000000000cc');
select tests.add_member('scenario_co', 'agent', 'agent');
select tests.add_member('empty_scenario_co', 'empty', 'manager');
insert into public.agents (id, org_id, name) values
  ('e7300000-0000-4000-8000-0000000000a1', 'e7300000-0000-4000-8000-0000000000aa', 'A1'),
  ('e7300000-0000-4000-8000-0000000000a2', 'e7300000-0000-4000-8000-0000000000aa', 'A2'),
  ('e7300000-0000-4000-8000-0000000000a3', 'e7300000-0000-4000-8000-0000000000bb', 'B1');

-- Scenario Co: 40 analyzed calls over the last 10 days, 2 per agent per day.
-- Adherence 40 on half (5 of 20 converted), 80 on the other half (15 of 20):
-- slope 0.5 / 40 = 0.0125 per point. Ten calls carry an upsell of 100.
insert into public.calls (id, org_id, agent_id, twilio_call_sid, status, started_at, duration_seconds)
select ('e7300000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 'e7300000-0000-4000-8000-0000000000aa',
       case when ((g - 1) / 10) % 2 = 0 then 'e7300000-0000-4000-8000-0000000000a1'::uuid else 'e7300000-0000-4000-8000-0000000000a2'::uuid end,
       'CA' || md5('scenario' || g), 'analyzed', date_trunc('day', now()) - ((g % 10) + 1) * interval '1 day' + interval '10 hours', 60
  from generate_series(1, 40) g;
insert into public.insights (org_id, call_id, run_key, analyzer, model, prompt_version, sentiment_score, sentiment_label,
                             converted, upsell_amount, adherence_score, summary, data)
select 'e7300000-0000-4000-8000-0000000000aa', ('e7300000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 'r', 'offline', 'm', 'v',
       0, 'neutral',
       case when g <= 20 then g <= 5 else g <= 35 end,
       case when g % 4 = 0 then 100 else 0 end,
       case when g <= 20 then 40 else 80 end, 's', '{}'
  from generate_series(1, 40) g;
insert into public.activities (org_id, type, outcome, value, occurred_at) values
  ('e7300000-0000-4000-8000-0000000000aa', 'proposal', 'won', 1000, now() - interval '2 days');
-- Small Co: 10 analyzed calls — below the minimum.
insert into public.calls (id, org_id, agent_id, twilio_call_sid, status, started_at)
select ('e7300000-0000-4000-8000-1' || lpad(g::text, 11, '0'))::uuid, 'e7300000-0000-4000-8000-0000000000bb',
       'e7300000-0000-4000-8000-0000000000a3', 'CA' || md5('small' || g), 'analyzed', now() - g * interval '1 hour'
  from generate_series(1, 10) g;
insert into public.insights (org_id, call_id, run_key, analyzer, model, prompt_version, sentiment_score, sentiment_label,
                             converted, upsell_amount, adherence_score, summary, data)
select 'e7300000-0000-4000-8000-0000000000bb', ('e7300000-0000-4000-8000-1' || lpad(g::text, 11, '0'))::uuid, 'r', 'offline', 'm', 'v',
       0, 'neutral', g % 2 = 0, 0, g * 10, 's', '{}'
  from generate_series(1, 10) g;

create function pg_temp.as_user(p_uid text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_uid, 'role', 'authenticated')::text, true);
$$;

-- Measured figures ------------------------------------------------------------------
select pg_temp.as_user('e7300000-0000-4000-8000-000000000001');
set local role authenticated;
create temp table b as select public.scenario_baseline(30) as v;
select is((select (v #> '{figures,conversion_rate}') - 'how' from b), '{"value": 0.5000, "n": 40}'::jsonb, 'conversion rate 20/40 with n');
select is((select (v #> '{figures,calls_per_agent_per_day}') - 'how' from b), '{"value": 2.00, "n": 20}'::jsonb,
  'two calls per agent-day over 20 agent-days');
select is((select (v #> '{figures,working_days_per_month}') - 'how' from b), '{"value": 27.7, "n": 10}'::jsonb,
  '10 days with calls in the 11 since the first: 27.7 a month');
select is((select (v #> '{figures,agents}') - 'how' from b), '{"value": 2, "n": 40}'::jsonb, 'two agents took calls');
select is((select array[v #>> '{figures,upsell_rate,value}', v #>> '{figures,upsell_amount,value}', v #>> '{figures,average_deal_value,value}',
                        v #>> '{figures,average_deal_value,n}', v #>> '{figures,script_adherence,value}'] from b),
  array['0.2500', '100.00', '1000.00', '1', '60.0'], 'upsell rate and amount, average deal value (n = 1), adherence');

-- The lever: converted ~ adherence on 40 calls
select is((select v #>> '{levers,script_adherence,status}' from b), 'ok', 'the adherence lever is estimated');
select is((select v #>> '{levers,script_adherence,slope}' from b)::numeric, 0.0125, 'slope 0.0125 per point');
select is((select v #>> '{levers,script_adherence,conversion_points_per_unit}' from b)::numeric, 12.5, '+12.5 conversion points per 10 adherence points');
select is((select v #> '{levers,script_adherence,slope_ci95}' from b), '[0.005616, 0.019384]'::jsonb,
  '95 % CI from the HC1 robust SE (sqrt(40/38 · 3000) / 16000 = 0.003512)');
select is((select (v #>> '{levers,script_adherence,n}')::int from b), 40, 'with n');
select is((select v #>> '{levers,customer_sentiment,status}' from b), 'insufficient_data', 'sentiment without spread: insufficient data, not a number');

-- Projection ---------------------------------------------------------------------------
insert into public.goals (org_id, name, metric, scope, target, period, period_start) values
  ('e7300000-0000-4000-8000-0000000000aa', 'Org conversions', 'conversions', 'organization', 100, 'month', current_date);
create temp table p as select public.scenario_projection('{"agents": 2, "calls_per_agent_per_day": 2, "working_days_per_month": 20,
  "conversion_rate": 0.5, "average_deal_value": 1000, "upsell_rate": 0.25, "upsell_amount": 100}', 30) as v;
select is((select v -> 'revenue' from p), '{"week": 9692.31, "month": 42000.00, "quarter": 126000.00}'::jsonb,
  '80 calls × (0.5 × 1000 + 0.25 × 100) = 42,000 a month');
select is((select v ->> 'adherence_effect' from p), null, 'no adherence change, no lever applied');
select is((select (v #>> '{goal_gaps,0,gap}')::numeric from p),
  (select round(100 - 80 * 0.5 * (period_end - period_start + 1) / (365.25 / 12), 2) from public.goals where name = 'Org conversions'),
  'the gap to the monthly conversions goal');
create temp table p2 as select public.scenario_projection('{"agents": 2, "calls_per_agent_per_day": 2, "working_days_per_month": 20,
  "conversion_rate": 0.5, "average_deal_value": 1000, "upsell_rate": 0.25, "upsell_amount": 100, "script_adherence": 70}', 30) as v;
select is((select array[v #>> '{revenue,month}', v #>> '{revenue_ci95,month,0}', v #>> '{revenue_ci95,month,1}'] from p2),
  array['52000.00', '46492.80', '57507.20'], 'adherence 60 → 70 lifts conversion to 0.625: 52,000 a month (CI 46,493–57,507)');
select throws_ok($$select public.scenario_projection('{"agents": 2, "calls_per_agent_per_day": 2, "working_days_per_month": 20, "conversion_rate": 1.5}')$$,
  'SP400', null, 'a conversion rate above 1: SP400');
select throws_ok($$select public.scenario_projection('{"agents": 2, "bogus": 1}')$$, 'SP400', null, 'unknown inputs: SP400');

-- Save and compare ---------------------------------------------------------------------
insert into public.what_if_scenarios (org_id, name, inputs) values
  ('e7300000-0000-4000-8000-0000000000aa', 'Today', '{"agents": 2, "calls_per_agent_per_day": 2, "working_days_per_month": 20, "conversion_rate": 0.5, "average_deal_value": 1000}'),
  ('e7300000-0000-4000-8000-0000000000aa', 'Hire two', '{"agents": 4, "calls_per_agent_per_day": 2, "working_days_per_month": 20, "conversion_rate": 0.5, "average_deal_value": 1000}');
select is((select array_agg(name || ':' || (projection #>> '{revenue,month}') order by ord)
             from (select c.*, row_number() over () as ord from public.scenario_compare(array(
                     select id from public.what_if_scenarios where org_id = 'e7300000-0000-4000-8000-0000000000aa' order by name)) c) x),
  array['Hire two:80000.00', 'Today:40000.00'], 'two saved scenarios side by side, in the order asked');
reset role;

select pg_temp.as_user('e7300000-0000-4000-8000-000000000002');
set local role authenticated;
select throws_ok($$select public.scenario_baseline()$$, 'SP403', null, 'agents get no what-if: SP403');
select is((select count(*)::int from public.what_if_scenarios), 0, 'nor read saved scenarios');
reset role;

select pg_temp.as_user('e7300000-0000-4000-8000-000000000003');
set local role authenticated;
select is((select (public.scenario_baseline() #> '{levers,script_adherence}') - 'reason'),
  '{"status": "insufficient_data", "n": 10, "conversions": 5, "min_n": 30}'::jsonb, '10 calls: insufficient data, with n and the minimum');
reset role;
select pg_temp.as_user('e7300000-0000-4000-8000-000000000004');
set local role authenticated;
select is((select (public.scenario_baseline() #> '{figures,conversion_rate}') - 'how'), '{"value": null, "n": 0}'::jsonb,
  'no calls: null, never an invented number');
reset role;

select * from finish();
rollback;

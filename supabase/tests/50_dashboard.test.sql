-- Dashboard RPCs count exactly the rows the caller may see in the current
-- organization; comments follow the call's visibility.
begin;
select plan(12);

\set manager '''{"sub":"a0000000-0000-4000-8000-000000000003","role":"authenticated"}'''
\set agent '''{"sub":"a0000000-0000-4000-8000-000000000004","role":"authenticated"}'''
\set gmanager '''{"sub":"b0000000-0000-4000-8000-000000000002","role":"authenticated"}'''

insert into public.calls (id, org_id, agent_id, twilio_call_sid, status, started_at, duration_seconds) values
  ('5a000000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000001', 'CA' || md5('d1'), 'analyzed', now() - interval '1 day', 60),
  ('5a000000-0000-4000-8000-000000000002', '0a000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000002', 'CA' || md5('d2'), 'analyzed', now() - interval '2 days', 120),
  ('5a000000-0000-4000-8000-000000000003', '0a000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000002', 'CA' || md5('d3'), 'transcribing', now() - interval '2 days', 30),
  ('5b000000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-000000000001', '1b000000-0000-4000-8000-000000000001', 'CA' || md5('d4'), 'analyzed', now() - interval '1 day', 60);
insert into public.insights (org_id, call_id, run_key, analyzer, model, prompt_version, sentiment_score, sentiment_label, converted, upsell_amount, adherence_score, summary, data) values
  ('0a000000-0000-4000-8000-000000000001', '5a000000-0000-4000-8000-000000000001', 'r', 'offline', 'm', 'v', 0.5, 'positive', true, 300, 80, 's', '{}'),
  ('0a000000-0000-4000-8000-000000000001', '5a000000-0000-4000-8000-000000000002', 'r', 'offline', 'm', 'v', -0.5, 'negative', false, 0, 40, 's', '{}'),
  ('0b000000-0000-4000-8000-000000000001', '5b000000-0000-4000-8000-000000000001', 'r', 'offline', 'm', 'v', 1, 'positive', true, 999, 100, 's', '{}');

select set_config('request.jwt.claims', :manager, true);
set local role authenticated;
select is(public.dashboard_kpis(current_date - 7, current_date) - 'avg_sentiment',
  '{"calls": 3, "failed": 0, "in_pipeline": 1, "avg_adherence": 60.0, "analyzed_calls": 2, "upsell_revenue": 300.00, "conversion_rate": 0.5000, "converted_calls": 1}'::jsonb,
  'KPIs match the rows');
select is((public.dashboard_kpis(current_date - 7, current_date) ->> 'avg_sentiment')::numeric, 0.000, 'average sentiment');
select is((public.dashboard_kpis(current_date - 7, current_date, '1a000000-0000-4000-8000-000000000001') ->> 'calls')::int, 1, 'agent filter');
select is((select sum(calls)::int from public.dashboard_trend(current_date - 7, current_date)), 3, 'the trend adds up to the KPIs');
select is((select upsell_revenue from public.agent_leaderboard(current_date - 7, current_date) limit 1), 300.00, 'leaderboard best first');
select is((select count(*)::int from public.search_calls(null, current_date - 7, current_date, null, 'converted')), 1, 'search by outcome');
select lives_ok($$insert into public.call_comments (org_id, call_id, at_seconds, body) values ('0a000000-0000-4000-8000-000000000001', '5a000000-0000-4000-8000-000000000001', 12.5, 'Nice close')$$, 'managers comment');
select is((select author_id from public.call_comments where body = 'Nice close'), 'a0000000-0000-4000-8000-000000000003'::uuid, 'as themselves');
select throws_ok($$insert into public.call_comments (org_id, call_id, at_seconds, body) values ('0a000000-0000-4000-8000-000000000001', '5b000000-0000-4000-8000-000000000001', 1, 'x')$$, '42501', null, 'not on another tenant''s call');
reset role;

select set_config('request.jwt.claims', :agent, true);
set local role authenticated;
select throws_ok($$insert into public.call_comments (org_id, call_id, at_seconds, body) values ('0a000000-0000-4000-8000-000000000001', '5a000000-0000-4000-8000-000000000001', 1, 'x')$$, '42501', null, 'agents do not comment');
select is((select count(*)::int from public.call_comments), 1, 'the call''s agent reads its comments');
reset role;

select set_config('request.jwt.claims', :gmanager, true);
set local role authenticated;
select is((public.dashboard_kpis(current_date - 7, current_date) ->> 'upsell_revenue')::numeric, 999.00, 'another tenant sees only its own');
reset role;

select * from finish();
rollback;

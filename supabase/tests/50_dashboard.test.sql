-- Dashboard RPCs count exactly the rows the caller may see in the current
-- organization; comments follow the call's visibility.
begin;
\ir fixtures.sql
select plan(12);
select tests.create_tenants();

select tests.create_call('call_d1', 'acme', 'agent_acme1', 'analyzed', now() - interval '1 day', 60);
select tests.create_call('call_d2', 'acme', 'agent_acme2', 'analyzed', now() - interval '2 days', 120);
select tests.create_call('call_d3', 'acme', 'agent_acme2', 'transcribing', now() - interval '2 days', 30);
select tests.create_call('call_d4', 'globex', 'agent_globex', 'analyzed', now() - interval '1 day', 60);
insert into public.insights (org_id, call_id, run_key, analyzer, model, prompt_version, sentiment_score, sentiment_label, converted, upsell_amount, adherence_score, summary, data) values
  (tests.id('acme'), tests.id('call_d1'), 'r', 'offline', 'm', 'v', 0.5, 'positive', true, 300, 80, 's', '{}'),
  (tests.id('acme'), tests.id('call_d2'), 'r', 'offline', 'm', 'v', -0.5, 'negative', false, 0, 40, 's', '{}'),
  (tests.id('globex'), tests.id('call_d4'), 'r', 'offline', 'm', 'v', 1, 'positive', true, 999, 100, 's', '{}');

select tests.authenticate_as('acme_manager');
select is(public.dashboard_kpis(current_date - 7, current_date) - 'avg_sentiment',
  '{"calls": 3, "failed": 0, "in_pipeline": 1, "avg_adherence": 60.0, "analyzed_calls": 2, "upsell_revenue": 300.00, "conversion_rate": 0.5000, "converted_calls": 1}'::jsonb,
  'KPIs match the rows');
select is((public.dashboard_kpis(current_date - 7, current_date) ->> 'avg_sentiment')::numeric, 0.000, 'average sentiment');
select is((public.dashboard_kpis(current_date - 7, current_date, tests.id('agent_acme1')) ->> 'calls')::int, 1, 'agent filter');
select is((select sum(calls)::int from public.dashboard_trend(current_date - 7, current_date)), 3, 'the trend adds up to the KPIs');
select is((select upsell_revenue from public.agent_leaderboard(current_date - 7, current_date) limit 1), 300.00, 'leaderboard best first');
select is((select count(*)::int from public.search_calls(null, current_date - 7, current_date, null, 'converted')), 1, 'search by outcome');
select lives_ok($$insert into public.call_comments (org_id, call_id, at_seconds, body) values (tests.id('acme'), tests.id('call_d1'), 12.5, 'Nice close')$$, 'managers comment');
select is((select author_id from public.call_comments where body = 'Nice close'), tests.id('acme_manager')::uuid, 'as themselves');
select throws_ok($$insert into public.call_comments (org_id, call_id, at_seconds, body) values (tests.id('acme'), tests.id('call_d4'), 1, 'x')$$, '42501', null, 'not on another tenant''s call');
select tests.clear_authentication();

select tests.authenticate_as('acme_agent1');
select throws_ok($$insert into public.call_comments (org_id, call_id, at_seconds, body) values (tests.id('acme'), tests.id('call_d1'), 1, 'x')$$, '42501', null, 'agents do not comment');
select is((select count(*)::int from public.call_comments), 1, 'the call''s agent reads its comments');
select tests.clear_authentication();

select tests.authenticate_as('globex_manager');
select is((public.dashboard_kpis(current_date - 7, current_date) ->> 'upsell_revenue')::numeric, 999.00, 'another tenant sees only its own');
select tests.clear_authentication();

select * from finish();
rollback;

-- The practice ↔ real loop: an agent's weakest call-script items on their last
-- real calls (with n), "practice this" (managers for anyone, members for
-- themselves only), and each targeted item's hit rate before and after the
-- practice, with the number of calls behind each.
begin;
select plan(12);
\ir fixtures.sql
select tests.create_tenants();

create function pg_temp.analyzed_call(p_key text, p_at timestamptz, p_greet boolean, p_needs boolean, p_close boolean) returns void
language plpgsql as $$
begin
  perform tests.create_call(p_key, 'acme', 'agent_acme1', 'analyzing', p_at);
  perform public.record_insight(tests.id(p_key), 'run', jsonb_build_object('analyzer', 'offline', 'model', 'offline', 'prompt_version', 'v1',
    'script_id', (select id from public.call_scripts where org_id = tests.id('acme') and is_default),
    'insight', jsonb_build_object('summary', 's', 'sentiment', jsonb_build_object('score', 0, 'label', 'neutral'), 'converted', jsonb_build_object('value', false), 'script_adherence', jsonb_build_object('score', 0, 'checklist', jsonb_build_array(
      jsonb_build_object('item_id', 'greet', 'done', p_greet, 'evidence', null),
      jsonb_build_object('item_id', 'needs', 'done', p_needs, 'evidence', null),
      jsonb_build_object('item_id', 'close', 'done', p_close, 'evidence', null))))));
end;
$$;
select pg_temp.analyzed_call('c1', now() - interval '3 days', true, true, false);
select pg_temp.analyzed_call('c2', now() - interval '2 days', true, false, false);
select pg_temp.analyzed_call('c3', now() - interval '1 day', true, true, false);

select tests.authenticate_as('acme_manager');
select is((select array_agg(item_key || ':' || calls || ':' || hit_rate order by hit_rate, item_key)
             from public.weak_scorecard_items(tests.id('acme'), tests.id('acme_agent1'))),
          array['close:3:0.000', 'needs:3:0.667', 'greet:3:1.000'], 'weakest items first, each with its hit rate and number of calls');
select is((select count(*)::int from public.weak_scorecard_items(tests.id('acme'), tests.id('acme_agent1'), 2)), 3, 'over the last N calls');
select is((select calls from public.weak_scorecard_items(tests.id('acme'), tests.id('acme_agent1'), 2) where item_key = 'close'), 2::bigint, 'N bounds the calls counted');
select throws_ok($$select * from public.weak_scorecard_items(tests.id('acme'), null, 0)$$, 'SP400', null, 'N is bounded');

select tests.authenticate_as('acme_agent2');
select is((select count(*)::int from public.weak_scorecard_items(tests.id('acme'), tests.id('acme_agent1'))), 0, 'another agent sees nothing of a colleague''s calls');
select throws_ok($$select public.practice_weak_items(tests.id('acme'), tests.id('acme_agent1'), array['close'])$$, 'SP403', null,
  'and cannot assign them practice');

select tests.authenticate_as('acme_agent1');
select is((select item_key from public.weak_scorecard_items(tests.id('acme')) limit 1), 'close', 'an agent sees their own weak spots');
create temp table ids(name text primary key, id uuid);
grant all on ids to authenticated, service_role;
insert into ids values ('sim', public.practice_weak_items(tests.id('acme'), tests.id('acme_agent1'), array['close']));
select is((select array[focus_keys::text, (select scorecard_id::text from public.sim_templates t where t.id = s.template_id)] from public.sims s
            where s.id = (select id from ids where name = 'sim')),
          array['{close}', (select s.id::text from public.scorecards s join public.call_scripts c on c.id = s.source_script_id where s.org_id = tests.id('acme'))],
          '"practice this" assigns a SIM targeting the item, judged on the call-script scorecard');
select throws_ok($$select public.practice_weak_items(tests.id('acme'), tests.id('acme_agent1'), array['nope'])$$, 'SP400', null, 'only real items');

select is((select array[before_calls::text, before_rate::text, after_calls::text, coalesce(after_rate::text, 'null')]
             from public.practice_effect(tests.id('acme')) where item_key = 'close'),
          array['3', '0.000', '0', 'null'], 'before: the hit rate on the calls before, with n; no after yet');

-- A scored practice session, then two better real calls.
insert into ids select 's', (public.start_sim_session(s.template_id, s.id)).id from public.sims s where s.id = (select id from ids where name = 'sim');
select tests.authenticate_as_service_role();
select public.record_sim_turn((select id from ids where name = 's'), 'rep', 'Shall we go ahead with the order?');
select public.end_sim_session((select id from ids where name = 's'));
select public.record_sim_score((select id from ids where name = 's'), jsonb_build_object('scorer', 'offline',
  'items', (select jsonb_agg(jsonb_build_object('item_id', i.id, 'answer', 'yes')) from public.scorecard_items i
             where i.scorecard_id = (select scorecard_id from public.user_sims where id = (select id from ids where name = 's')) and not i.archived)));
select tests.clear_authentication();
select pg_temp.analyzed_call('c4', now() + interval '1 day', true, true, true);
select pg_temp.analyzed_call('c5', now() + interval '2 days', true, true, false);

select tests.authenticate_as('acme_manager');
select is((select array[before_calls::text, before_rate::text, after_calls::text, after_rate::text, practice_sessions::text]
             from public.practice_effect(tests.id('acme'), tests.id('acme_agent1')) where item_key = 'close'),
          array['3', '0.000', '2', '0.500', '1'], 'after: the hit rate on the calls since the practice, with n');
select tests.authenticate_as('globex_manager');
select is((select count(*)::int from public.practice_effect(tests.id('acme'), tests.id('acme_agent1'))), 0, 'other tenants see nothing');

select * from finish();
rollback;

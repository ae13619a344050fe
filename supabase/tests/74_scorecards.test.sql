-- Scorecards: the default call script becomes the organization's first
-- scorecard and follows it; a call's AI answers come from its insight's
-- checklist (adherence unchanged); managers override an item with the AI's
-- answer kept as history; agents read their own calls' scorecards only.
begin;
select plan(21);
\ir fixtures.sql
select tests.create_tenants();

select function_privs_are('public', 'override_call_scorecard_item', array['uuid', 'uuid', 'text', 'text'], 'anon', array[]::text[]);

-- The call script, mirrored --------------------------------------------------------
select is((select array_agg(i.key order by i.position) from public.scorecard_items i join public.scorecards s on s.id = i.scorecard_id
            where s.org_id = tests.id('acme') and s.source_script_id is not null),
          array['greet', 'needs', 'close'], 'the default call script is the organization''s first scorecard, item for item');
update public.call_scripts set items = '[{"id": "greet", "label": "Greet warmly"}, {"id": "budget", "label": "Ask about the budget"}]'
 where org_id = tests.id('acme') and is_default;
select is((select array_agg(i.key || ':' || i.archived order by i.key) from public.scorecard_items i join public.scorecards s on s.id = i.scorecard_id
            where s.org_id = tests.id('acme') and s.source_script_id is not null),
          array['budget:false', 'close:true', 'greet:false', 'needs:true'], 'editing the script adds items and archives removed ones');
select is((select question from public.scorecard_items i join public.scorecards s on s.id = i.scorecard_id
            where s.org_id = tests.id('acme') and s.source_script_id is not null and i.key = 'greet'), 'Greet warmly', 'labels follow');
select is((select count(*)::int from public.scorecards where org_id = tests.id('acme') and is_builtin), 1, 'and the built-in practice scorecard');

-- A call's AI answers ------------------------------------------------------------------
select tests.create_call('call', 'acme', 'agent_acme1', 'analyzing');
create temp table ins(p jsonb);
insert into ins select jsonb_build_object('analyzer', 'offline', 'model', 'offline', 'prompt_version', 'v1',
  'script_id', (select id from public.call_scripts where org_id = tests.id('acme') and is_default),
  'insight', '{"summary":"s","sentiment":{"score":0,"label":"neutral","evidence":[]},"converted":{"value":false,"evidence":null},
    "upsell":{"amount":0,"currency":"USD","items":[]},"script_adherence":{"score":50,"checklist":[
      {"item_id":"greet","done":true,"evidence":{"quote":"Hello, thanks for calling","time":1.5,"speaker":"agent"}},
      {"item_id":"budget","done":false,"evidence":null}]},"objections":[],"next_steps":[],"key_moments":[]}'::jsonb);
select public.record_insight(tests.id('call'), 'run-1', (select p from ins));
select is((select adherence_score from public.insights where call_id = tests.id('call')), 50, 'the adherence KPI keeps its meaning');

select tests.authenticate_as('acme_manager');
select is((select jsonb_path_query_array(public.call_scorecard(tests.id('call')) -> 'items', '$[*].answer')),
          '["yes", "no"]'::jsonb, 'the AI answered each item from the checklist');
select is((select public.call_scorecard(tests.id('call')) #>> '{items,0,evidence_quote}'), 'Hello, thanks for calling', 'with its evidence quote');
select is((select public.call_scorecard(tests.id('call')) #>> '{items,0,evidence_time}'), '1.50', 'and its time');
select is((select (public.call_scorecard(tests.id('call')) ->> 'total')::int), 50, 'weighted total');

-- Overrides ------------------------------------------------------------------------------
create temp table budget(id uuid);
grant all on budget to authenticated;
insert into budget select (public.call_scorecard(tests.id('call')) #>> '{items,1,item_id}')::uuid;
select lives_ok($$select public.override_call_scorecard_item(tests.id('call'), (select id from budget), 'yes', 'Asked at 2:10, the AI missed it')$$,
  'a manager overrides an item');
select is((select public.call_scorecard(tests.id('call')) #>> '{items,1,source}'), 'manager', 'the override is the current answer');
select is((select public.call_scorecard(tests.id('call')) #>> '{items,1,answered_by_name}'), 'Maya Manager', 'who overrode it is kept');
select is((select public.call_scorecard(tests.id('call')) #> '{items,1,history}' -> 0 ->> 'source'), 'ai', 'the AI''s answer stays in the history');
select is((select (public.call_scorecard(tests.id('call')) ->> 'total')::int), 100, 'the total follows the override');
select throws_ok($$select public.override_call_scorecard_item(tests.id('call'), (select id from budget), 'partial')$$,
  'SP400', null, 'partial only where the item allows it');

select tests.clear_authentication();
select public.record_insight(tests.id('call'), 'run-2', (select p from ins));
select tests.authenticate_as('acme_manager');
select is((select public.call_scorecard(tests.id('call')) #>> '{items,1,source}'), 'manager', 're-analysis keeps the manager''s override current');

-- Agents -----------------------------------------------------------------------------------
select tests.authenticate_as('acme_agent1');
select is((select (public.call_scorecard(tests.id('call')) ->> 'can_override')::boolean), false, 'the call''s agent reads its scorecard, without override');
select throws_ok($$select public.override_call_scorecard_item(tests.id('call'), (select id from budget), 'no')$$,
  'SP404', null, 'agents cannot override');
select tests.authenticate_as('acme_agent2');
select throws_ok($$select public.call_scorecard(tests.id('call'))$$, 'SP404', null, 'another agent does not see the call''s scorecard');
select tests.authenticate_as('globex_manager');
select is((select count(*)::int from public.scorecard_answers where call_id = tests.id('call')), 0, 'other tenants read no answers');

select * from finish();
rollback;

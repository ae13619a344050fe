-- SIMs: the built-in library, who reads and writes templates, assignments and
-- sessions per role (agents only their own sessions, managers their
-- organization's, other tenants and removed members nothing), the backend-only
-- turn and score RPCs, whole-or-nothing scores, attempts, and assignment status.
begin;
select plan(33);
\ir fixtures.sql
select tests.create_tenants();

select function_privs_are('public', 'record_sim_turn', array['uuid', 'text', 'text', 'integer', 'integer', 'text', 'text'], 'authenticated', array[]::text[]);
select function_privs_are('public', 'record_sim_score', array['uuid', 'jsonb'], 'authenticated', array[]::text[]);
select function_privs_are('public', 'start_sim_session', array['uuid', 'uuid'], 'anon', array[]::text[]);

create temp table ids(name text primary key, id uuid);
grant all on ids to authenticated, service_role;
insert into ids select 'tpl', id from public.sim_templates where org_id = tests.id('acme') and name like 'Discovery%';

-- Templates -------------------------------------------------------------------------
select is((select count(*)::int from public.sim_templates where org_id = tests.id('acme') and is_builtin), 3, 'every organization has the built-in library');
select tests.authenticate_as('acme_agent1');
select is((select count(*)::int from public.sim_templates), 3, 'an agent reads the organization''s templates');
select throws_ok($$insert into public.sim_templates (org_id, name, persona_name, persona_role, company, scenario, scorecard_id)
  select org_id, 'Mine', 'P', 'R', 'C', 'S', scorecard_id from public.sim_templates limit 1$$, '42501', null, 'agents cannot create templates');
select tests.authenticate_as('acme_manager');
update public.sim_templates set name = 'Renamed' where id = (select id from ids where name = 'tpl');
select is((select name from public.sim_templates where id = (select id from ids where name = 'tpl')) like 'Discovery%', true, 'built-ins are read-only');
insert into ids select 'copy', public.duplicate_sim_template((select id from ids where name = 'tpl'));
select is((select is_builtin from public.sim_templates where id = (select id from ids where name = 'copy')), false, 'a manager duplicates one');
update public.sim_templates set name = 'Our discovery', difficulty = 5, max_attempts = 1 where id = (select id from ids where name = 'copy');
select is((select name || difficulty from public.sim_templates where id = (select id from ids where name = 'copy')), 'Our discovery5', 'and edits the copy');
select throws_ok($$update public.sim_templates set objections = '[{"text": ""}]' where id = (select id from ids where name = 'copy')$$,
  'SP400', null, 'objections are checked');
select tests.authenticate_as('globex_manager');
select is((select count(*)::int from public.sim_templates where org_id = tests.id('acme')), 0, 'other tenants see none');

-- Assignments ----------------------------------------------------------------------------
select tests.authenticate_as('acme_manager');
insert into public.sims (org_id, template_id, user_id, due_at, min_attempts)
values (tests.id('acme'), (select id from ids where name = 'tpl'), tests.id('acme_agent1'), now() + interval '7 days', 1);
select is((select status from public.sim_assignments(tests.id('acme'))), 'not_started', 'a new assignment is not started');
select is((select assigned_by from public.sims), tests.id('acme_manager')::uuid, 'assigned_by is the manager');
select tests.clear_authentication();
select is((select count(*)::int from public.messages m
            where m.template_key = 'sim_assignment' and m.to_address = tests.email('acme_agent1')
              and m.subject like 'New practice session: %' and m.body_text like '%{{site_url}}/app/sims%'),
          1, 'the assignee is emailed a notice through the email path');
select tests.authenticate_as('acme_agent2');
select is((select count(*)::int from public.sims), 0, 'another agent does not see it');
select throws_ok($$insert into public.sims (org_id, template_id, user_id) values (tests.id('acme'), (select id from ids where name = 'tpl'), tests.id('acme_agent2'))$$,
  '42501', null, 'agents cannot assign');

-- Sessions ----------------------------------------------------------------------------------
select tests.authenticate_as('acme_agent1');
insert into ids select 'sim', id from public.sims;
insert into ids select 's1', (public.start_sim_session((select id from ids where name = 'tpl'), (select id from ids where name = 'sim'))).id;
select is((select status from public.sim_assignments(tests.id('acme'))), 'in_progress', 'a started session puts it in progress');
select is((select count(*)::int from public.usage_records where source_id = (select id from ids where name = 's1')), 0, 'members read no usage rows (RLS)');
select throws_ok($$insert into public.user_sims (org_id, user_id, template_id, scorecard_id, attempt, time_limit_minutes)
  select org_id, user_id, template_id, scorecard_id, 9, 10 from public.user_sims$$, '42501', null, 'sessions are written through the RPCs only');
select throws_ok($$select public.record_sim_turn((select id from ids where name = 's1'), 'rep', 'hi')$$, '42501', null, 'turns only by the backend');

select tests.authenticate_as_service_role();
select public.record_sim_turn((select id from ids where name = 's1'), 'rep', 'Hi, this is Alex. What budget do you have?');
select public.record_sim_turn((select id from ids where name = 's1'), 'buyer', 'We have not set one.', 10, 5, 'openai', 'gpt-4o');
select public.end_sim_session((select id from ids where name = 's1'));
select throws_ok($$select public.record_sim_score((select id from ids where name = 's1'),
  jsonb_build_object('scorer', 'offline', 'items', (select jsonb_agg(jsonb_build_object('item_id', id, 'answer', 'yes')) from (select id from public.scorecard_items
    where scorecard_id = (select scorecard_id from public.user_sims where id = (select id from ids where name = 's1')) limit 2) x)))$$,
  'SP422', null, 'half a score is refused');
select is((select count(*)::int from public.scorecard_answers where user_sim_id = (select id from ids where name = 's1')), 0, 'and nothing is written');
select is((select score from public.record_sim_score((select id from ids where name = 's1'),
  jsonb_build_object('scorer', 'openai', 'model', 'gpt-4o', 'tokens_in', 100, 'tokens_out', 20, 'tips', '["Ask for the meeting"]'::jsonb,
    'items', (select jsonb_agg(jsonb_build_object('item_id', id, 'answer', case when key in ('budget', 'needs', 'objection', 'next_step') then 'yes' else 'no' end,
                'evidence_quote', 'What budget do you have?', 'evidence_time', 1))
              from public.scorecard_items where scorecard_id = (select scorecard_id from public.user_sims where id = (select id from ids where name = 's1')))))),
  91, 'a whole score: weighted total (10 of 11)');
select is((select array[passed::text, tokens_in::text, (select count(*)::text from public.provider_costs where source_id = (select id from ids where name = 's1'))]
             from public.user_sims where id = (select id from ids where name = 's1')),
          array['true', '110', '2'], 'passed, buyer + scorer tokens, their provider costs');
select is((select (metadata ->> 'score')::int from public.activities where source_type = 'user_sim' and source_id = (select id from ids where name = 's1')),
  91, 'the session is a sim activity with its score (goals'' SIM score)');

select tests.authenticate_as('acme_agent1');
select is((select status from public.sim_assignments(tests.id('acme'))), 'completed', 'a passed attempt completes the assignment');
select is((select jsonb_array_length(public.sim_session((select id from ids where name = 's1')) -> 'turns')), 2, 'the rep reads the session back');
select tests.authenticate_as('acme_agent2');
select is((select count(*)::int from public.user_sims), 0, 'another agent sees no session');
select is((select count(*)::int from public.user_sim_turns), 0, 'nor its turns');
select tests.authenticate_as('acme_manager');
select is((select count(*)::int from public.user_sim_turns where user_sim_id = (select id from ids where name = 's1')), 2, 'the manager reads the organization''s sessions');
select tests.authenticate_as('globex_manager');
select is((select count(*)::int from public.user_sims), 0, 'other tenants see none');

-- Attempts; a removed member -------------------------------------------------------------------
select tests.authenticate_as('acme_agent2');
select public.start_sim_session((select id from ids where name = 'copy'));
select throws_ok($$select public.start_sim_session((select id from ids where name = 'copy'))$$, 'SP422', null, 'no attempts beyond the maximum');
select tests.clear_authentication();
delete from public.memberships where org_id = tests.id('acme') and user_id = tests.id('acme_agent1');
select tests.authenticate_as('acme_agent1');
select is((select count(*)::int from public.user_sims), 0, 'a removed member reads none of their sessions');

select * from finish();
rollback;

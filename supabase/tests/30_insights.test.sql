-- Insights: idempotent recording, history, bookkeeping triggers (activities,
-- usage, provider costs), and who reads what.
begin;
\ir fixtures.sql
select plan(28);
select tests.create_tenants();

select function_privs_are('public', 'record_insight', array['uuid', 'text', 'jsonb'], 'authenticated', array[]::text[]);
select function_privs_are('public', 'save_transcript', array['uuid', 'jsonb'], 'authenticated', array[]::text[]);
select function_privs_are('public', 'reanalyze_call', array['uuid'], 'anon', array[]::text[]);

select tests.create_call('call', 'acme', 'agent_acme1', 'analyzing', now() - interval '1 hour', 150);
select public.save_transcript(tests.id('call'),
  '{"source":"twilio","language":"en","full_text":"Agent: Hello there.\nCustomer: I want the battery backup.","segments":[{"start":0,"end":2,"speaker":"agent","text":"Hello there."},{"start":2,"end":5,"speaker":"customer","text":"I want the battery backup."}],"redactions":{"CARD":1}}');

create temp table ins(n int, p jsonb);
insert into ins values (1, '{"analyzer":"openai","model":"gpt-4o","prompt_version":"v1","tokens_in":1000,"tokens_out":200,
  "insight":{"summary":"Bought a battery.","sentiment":{"score":0.7,"label":"positive","evidence":[]},"converted":{"value":true,"evidence":null},
  "upsell":{"amount":300,"currency":"USD","items":[]},"script_adherence":{"score":80,"checklist":[]},"objections":[],"next_steps":[],"key_moments":[]}}');
grant select on ins to authenticated;

select ok(public.record_insight(tests.id('call'), 'run-1', (select p from ins)) is not null, 'an insight is recorded');
select is(public.record_insight(tests.id('call'), 'run-1', (select p from ins)),
          (select id from public.insights where run_key = 'run-1'), 'the same run again returns the same insight');
select is((select count(*)::int from public.insights where call_id = tests.id('call')), 1, 'no duplicate for a re-run');
select is((select status::text from public.calls where id = tests.id('call')), 'analyzed', 'the call is analyzed');
select is((select cost_usd from public.insights where run_key = 'run-1'), 0.0045::numeric(12,6), 'LLM cost from list prices: 1000 × $2.50/M + 200 × $10/M');

-- bookkeeping
select is((select value from public.activities where source_id = tests.id('call')), 300.00, 'the call becomes an activity worth the upsell');
select is((select user_id from public.activities where source_id = tests.id('call')), tests.id('acme_agent1')::uuid, 'credited to the agent''s member');
select is((select quantity from public.usage_records where source_id = (select id from public.insights where run_key = 'run-1')), 2.500, '2.5 billable analyzed minutes');
select is((select count(*)::int from public.provider_costs where source_id = tests.id('call')), 3, 'voice, recording and transcription minutes costed');
select is((select cost_usd from public.provider_costs where source_id = tests.id('call') and item = 'transcription_minutes'), 0.0875::numeric(14,6), '2.5 min × $0.035');

-- re-analysis: history and one current row; activity updated, not duplicated
update ins set p = jsonb_set(p, '{insight,upsell,amount}', '450');
select lives_ok($$select public.record_insight(tests.id('call'), 'run-2', (select p from ins))$$, 'a second analysis');
select is((select count(*)::int from public.insights where call_id = tests.id('call')), 2, 'history is kept');
select is((select run_key from public.insights where call_id = tests.id('call') and is_current), 'run-2', 'the newest is current');
select is((select count(*)::int from public.activities where source_id = tests.id('call')), 1, 'still one activity');
select is((select value from public.activities where source_id = tests.id('call')), 450.00, 'with the new value');
select is((select count(*)::int from public.provider_costs where source_id = tests.id('call')), 3, 'telephony costed once per call');

-- who reads what
select tests.authenticate_as('acme_agent1');
select is((select count(*)::int from public.insights where call_id = tests.id('call')), 2, 'the call''s agent reads its insights');
select is((select count(*)::int from public.transcripts where call_id = tests.id('call')), 1, 'and its transcript');
select is((select count(*)::int from public.provider_costs), 0, 'tenants never see provider costs');
select throws_ok($$select public.reanalyze_call(tests.id('call'))$$, 'SP404', null, 'agents cannot re-analyze');
select tests.clear_authentication();
select tests.authenticate_as('acme_agent2');
select is((select count(*)::int from public.insights where call_id = tests.id('call')), 0, 'another agent does not read it');
select tests.clear_authentication();
select tests.authenticate_as('globex_manager');
select is((select count(*)::int from public.transcripts where call_id = tests.id('call')), 0, 'another tenant does not read the transcript');
select tests.clear_authentication();
select tests.authenticate_as('acme_manager');
select ok(public.reanalyze_call(tests.id('call')) > 0, 'a manager re-analyzes');
select throws_ok($$select public.reanalyze_call(tests.id('call'))$$, 'SP409', null, 'not while it is being processed');
select tests.clear_authentication();
select tests.authenticate_as('staff');
select ok((select count(*) from public.provider_costs) >= 5, 'staff read provider costs');
select tests.clear_authentication();

select * from finish();
rollback;

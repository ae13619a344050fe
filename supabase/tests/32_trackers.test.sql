-- Conversation metrics and trackers: hits with times when a transcript is
-- saved, one alert (activity + queued email) per tracker and call, who reads what.
begin;
\ir fixtures.sql
select plan(22);
select tests.create_tenants();
select tests.create_call('call', 'acme', 'agent_acme1', 'analyzing', now() - interval '1 hour', 150);
select tests.create_call('other', 'acme', 'agent_acme2', 'analyzing', now() - interval '1 hour', 60);

select function_privs_are('public', 'record_call_metrics', array['uuid', 'jsonb'], 'authenticated', array[]::text[]);

-- trackers are managed by managers and up
select tests.authenticate_as('acme_agent1');
select throws_ok($$insert into public.trackers (org_id, name, terms) values (tests.id('acme'), 'Competitors', array['globex'])$$,
                 '42501', null, 'an agent cannot add a tracker');
select tests.authenticate_as('acme_manager');
insert into public.trackers (org_id, name, terms, alert)
values (tests.id('acme'), 'Competitors', array['Globex', 'Initech', 'other company'], true),
       (tests.id('acme'), 'Pricing', array['price', 'expensive'], false);
select is((select count(*)::int from public.trackers where org_id = tests.id('acme')), 2, 'a manager adds trackers');
select throws_ok($$insert into public.trackers (org_id, name, terms) values (tests.id('acme'), 'Empty', array[' '])$$,
                 '23514', null, 'terms must not be blank');
select throws_ok($$insert into public.trackers (org_id, name, terms) values (tests.id('globex'), 'Theirs', array['x'])$$,
                 '42501', null, 'nor add one to another organization');

-- a saved transcript is matched: whole words, any case, with times
select tests.clear_authentication();
select public.save_transcript(tests.id('call'), jsonb_build_object('source', 'twilio', 'language', 'en',
  'full_text', '', 'redactions', '{}'::jsonb, 'segments', jsonb_build_array(
    jsonb_build_object('start', 0, 'end', 4, 'speaker', 'agent', 'text', 'Hi, what can I do for you?'),
    jsonb_build_object('start', 4.5, 'end', 9, 'speaker', 'customer', 'text', 'GLOBEX quoted a lower price.'),
    jsonb_build_object('start', 9.5, 'end', 14, 'speaker', 'customer', 'text', 'The other  company is cheaper, and Globexx is not a word.'),
    jsonb_build_object('start', 15, 'end', 18, 'speaker', 'agent', 'text', 'Our price includes installation.'))));
select is((select count(*)::int from public.tracker_hits where call_id = tests.id('call')), 4, 'four hits');
select is((select array_agg(time_seconds order by time_seconds) from public.tracker_hits h join public.trackers t on t.id = h.tracker_id
            where h.call_id = tests.id('call') and t.name = 'Competitors'), array[4.5, 9.5]::numeric[], 'competitor hits with their times');
select is((select term from public.tracker_hits where call_id = tests.id('call') and segment = 2), 'other company', 'a phrase matches across spaces');
select is((select count(*)::int from public.tracker_alerts where call_id = tests.id('call')), 1, 'one alert: only the alerting tracker');
select is((select metadata ->> 'tracker' from public.activities where source_type = 'tracker_alert'), 'Competitors', 'the alert is an activity');
select is((select agent_id from public.activities where source_type = 'tracker_alert'), tests.id('agent_acme1'), 'of the call''s agent');
select is((select count(*)::int from public.messages where template_key = 'tracker_alert' and payload = '{}'::jsonb
              and subject = 'Tracker "Competitors" fired on a call' and body_text like '%/app/calls/' || tests.id('call') || '%'),
          (select count(distinct p.email)::int from public.memberships m join public.profiles p on p.id = m.user_id
            where m.org_id = tests.id('acme') and m.role in ('owner', 'admin', 'manager')),
          'an email to each of the managers is queued through the email path');

-- saving again replaces the hits and does not alert twice
select public.save_transcript(tests.id('call'), jsonb_build_object('source', 'twilio', 'language', 'en',
  'full_text', '', 'redactions', '{}'::jsonb, 'segments', jsonb_build_array(
    jsonb_build_object('start', 2, 'end', 4, 'speaker', 'customer', 'text', 'Initech called me too.'))));
select is((select count(*)::int from public.tracker_hits where call_id = tests.id('call')), 1, 'hits replaced');
select is((select count(*)::int from public.messages where template_key = 'tracker_alert'),
          (select count(distinct p.email)::int from public.memberships m join public.profiles p on p.id = m.user_id
            where m.org_id = tests.id('acme') and m.role in ('owner', 'admin', 'manager')),
          'no second email for the same tracker and call');

-- metrics
select tests.authenticate_as_service_role();
select public.record_call_metrics(tests.id('call'), '{"talk_ratio":0.62,"longest_monologue_seconds":41.5,"interruptions":2,"agent_questions":5,"silence_seconds":12,"agent_wpm":150,"customer_wpm":130}');
select public.record_call_metrics(tests.id('call'), '{"talk_ratio":0.6,"longest_monologue_seconds":40,"interruptions":1,"agent_questions":4,"silence_seconds":10,"agent_wpm":140,"customer_wpm":120}');
select tests.clear_authentication();
select is((select talk_ratio from public.call_metrics where call_id = tests.id('call')), 0.6000::numeric(5,4), 'metrics replaced on a re-run');

-- who reads what
select tests.authenticate_as('acme_agent1');
select is((select count(*)::int from public.tracker_hits), 1, 'the agent reads the hits of their call');
select is((select count(*)::int from public.call_metrics), 1, 'and its metrics');
select tests.authenticate_as('acme_agent2');
select is((select count(*)::int from public.tracker_hits) + (select count(*)::int from public.call_metrics), 0, 'another agent reads neither');
select tests.authenticate_as('globex_owner');
select is((select count(*)::int from public.trackers) + (select count(*)::int from public.tracker_alerts), 0, 'another organization sees no trackers or alerts');
select tests.authenticate_as('acme_manager');
select is((select count(*)::int from public.search_calls(p_tracker_id => (select id from public.trackers where name = 'Competitors'))),
          1, 'the calls list filters by tracker');
select is((select count(*)::int from public.search_calls(p_tracker_id => (select id from public.trackers where name = 'Pricing'))),
          0, 'a tracker heard on no call lists none');
select is((select talk_ratio from public.agent_conversation_metrics(current_date - 1, current_date) where agent_id = tests.id('agent_acme1')),
          0.600::numeric, 'per-agent dashboard figures');

select * from finish();
rollback;

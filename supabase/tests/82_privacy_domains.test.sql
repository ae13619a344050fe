-- The data registry covers the domains beside data protection: a caller's
-- email threads and tracker hits, a member's practice sessions, assignments
-- and read marks are erased on request so that a search of every text column
-- of every public table finds nothing of them; old messages, practice turns
-- and tracker quotes go with the retention window.
begin;
select plan(8);
\ir fixtures.sql

select tests.create_user('owner_d', 'Dora Owner');
select tests.create_user('rep_d', 'Zebulon Zappa', 'zebulon.zappa@domains.test');
select tests.create_org('domains', 'owner_d');
select tests.add_member('domains', 'rep_d', 'agent');
select tests.create_agent('agent_d', 'domains', 'rep_d');
select tests.create_call('call_d', 'domains', 'agent_d', 'analyzed', now() - interval '1 day');
update public.calls set from_number = '+15558880001' where id = tests.id('call_d');

-- A caller: an email conversation with them and a tracker that heard them.
select tests.authenticate_as_service_role();
select private.send_email(tests.id('domains'), 'yolanda.yarrow@caller.test', 'call_follow_up',
  '{"contact_name": "Yolanda Yarrow", "summary": "Panels", "next_steps": "Quote", "sender_name": "Dora"}',
  p_threaded => true);
select tests.clear_authentication();
insert into public.trackers (org_id, name, terms) values (tests.id('domains'), 'Budget', '{budget}');
insert into public.tracker_hits (org_id, call_id, tracker_id, term, segment, time_seconds, speaker, quote)
select tests.id('domains'), tests.id('call_d'), t.id, 'budget', 0, 1, 'customer', 'Yolanda Yarrow here, my budget is small'
  from public.trackers t where t.org_id = tests.id('domains');

-- A member: an assignment, a practice session with turns, a read mark.
insert into public.sims (org_id, template_id, user_id, note)
select tests.id('domains'), t.id, tests.id('rep_d'), 'For Zebulon Zappa' from public.sim_templates t
 where t.org_id = tests.id('domains') and t.is_builtin limit 1;
insert into public.user_sims (org_id, user_id, template_id, scorecard_id, attempt, time_limit_minutes)
select tests.id('domains'), tests.id('rep_d'), t.id, t.scorecard_id, 1, 10 from public.sim_templates t
 where t.org_id = tests.id('domains') and t.is_builtin limit 1;
insert into public.user_sim_turns (org_id, user_sim_id, user_id, seq, role, content, at_seconds)
select tests.id('domains'), s.id, tests.id('rep_d'), 1, 'rep', 'Hi, Zebulon Zappa from Domains.', 0 from public.user_sims s
 where s.user_id = tests.id('rep_d');
insert into public.thread_reads (thread_id, org_id, user_id)
select id, org_id, tests.id('rep_d') from public.threads where org_id = tests.id('domains');

select ok((select count(distinct table_name) from tests.traces('yolanda.yarrow@caller.test')) >= 2,
  'before: the search finds the caller in threads and messages');
select tests.request_deletion('req_caller', 'owner_d', 'domains', 'email', 'yolanda.yarrow@caller.test');
select tests.authenticate_as_service_role();
select public.erase_person(tests.id('req_caller'));
select tests.clear_authentication();
select is((select count(*)::int from tests.traces('yolanda.yarrow@caller.test')), 0, 'nothing holds the caller''s email');
select is((select count(*)::int from public.threads where org_id = tests.id('domains')), 0, 'their conversation is gone');

select ok((select count(distinct table_name) from tests.traces('Zebulon Zappa')) >= 2,
  'before: the search finds the member in their practice and assignment');
select tests.request_deletion('req_member', 'owner_d', 'domains', 'member', tests.id('rep_d')::text);
select tests.authenticate_as_service_role();
select public.erase_person(tests.id('req_member'));
select tests.clear_authentication();
select is((select count(*)::int from tests.traces('Zebulon Zappa')), 0, 'nothing holds the member''s name');
select is((select count(*)::int from public.user_sims where user_id = tests.id('rep_d'))
          + (select count(*)::int from public.sims where user_id = tests.id('rep_d')), 0,
  'their practice sessions and assignments are gone');

-- Retention: a message and practice turns older than the window go.
select tests.authenticate_as_service_role();
select private.send_email(tests.id('domains'), 'old.contact@caller.test', 'call_follow_up',
  '{"contact_name": "Old", "summary": "s", "next_steps": "n", "sender_name": "Dora"}');
select tests.clear_authentication();
update public.messages set created_at = now() - interval '13 months' where to_address = 'old.contact@caller.test';
select private.purge_expired(500);
select is((select count(*)::int from public.messages where to_address = 'old.contact@caller.test'), 0,
  'a message past the window is purged');
select is((select count(*)::int from private.data_rules
            where table_name in ('messages', 'threads', 'user_sim_turns', 'user_sims', 'sims', 'tracker_hits', 'scorecard_answers')), 7,
  'the email, practice, tracker and scorecard tables are registered');

select * from finish();
rollback;

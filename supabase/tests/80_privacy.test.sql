-- Privacy: the retention purge respects each organization's window and legal
-- holds (org-wide and per call), runs in batches, is idempotent and logged;
-- deletion requests erase a caller (by phone or email) or a member so that a
-- search of every text column of every public table finds nothing of them,
-- and leave a receipt without personal data. Refusals by role and input.
begin;
select plan(48);
\ir fixtures.sql


select tests.create_user('owner_p', 'Olive Owner');
select tests.create_user('agent_p', 'Quentin Quagmire', 'quentin.quagmire@privacy.test');
select tests.create_user('manager_p');
select tests.create_user('owner_h');
select tests.create_user('staff_p');
select tests.make_staff('staff_p');
select tests.create_org('privacy', 'owner_p');
select tests.create_org('held', 'owner_h');
select tests.add_member('privacy', 'agent_p', 'agent');
select tests.add_member('privacy', 'manager_p', 'manager');
select tests.create_agent('agent_row', 'privacy', 'agent_p');

-- Calls: two past the 12-month window, one inside it, one past it but on hold; one in a held org.
select tests.create_call('old1', 'privacy', 'agent_row', 'analyzed', now() - interval '14 months');
select tests.create_call('old2', 'privacy', 'agent_row', 'analyzed', now() - interval '13 months');
select tests.create_call('fresh', 'privacy', 'agent_row', 'analyzed', now() - interval '1 month');
select tests.create_call('old_held', 'privacy', 'agent_row', 'analyzed', now() - interval '15 months');
select tests.create_call('org_held_old', 'held', null, 'analyzed', now() - interval '20 months');
update public.calls set created_at = started_at, recording_url = 'https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/' || twilio_recording_sid;
insert into public.transcripts (org_id, call_id, source, full_text, segments, created_at)
select c.org_id, c.id, 'openai', 'hello there', '[]', c.created_at from public.calls c
 where c.id in (tests.id('old1'), tests.id('old2'), tests.id('fresh'), tests.id('old_held'), tests.id('org_held_old'));
insert into public.insights (org_id, call_id, run_key, analyzer, model, prompt_version, sentiment_score, sentiment_label,
                             converted, upsell_amount, adherence_score, summary, data, created_at)
select c.org_id, c.id, 'r', 'offline', 'm', 'v', 0.5, 'positive', true, 0, 80, 'A summary',
       '{"converted": {"value": true, "evidence": {"quote": "let us do it", "time": 3}}}', c.created_at
  from public.calls c where c.id in (tests.id('old1'), tests.id('fresh'));
insert into public.call_comments (org_id, call_id, author_id, at_seconds, body, created_at)
select c.org_id, c.id, tests.id('manager_p'), 1, 'nice opener', c.created_at from public.calls c
 where c.id in (tests.id('old1'), tests.id('fresh'));

select tests.authenticate_as('owner_p');
select lives_ok($$ select public.place_legal_hold(tests.id('privacy'), 'litigation: case 42', tests.id('old_held')) $$,
  'an owner places a legal hold on one call');
select tests.authenticate_as('owner_h');
select lives_ok($$ select public.place_legal_hold(tests.id('held'), 'regulator inquiry') $$,
  'an owner places a legal hold on the whole organization');
select tests.authenticate_as('agent_p');
select throws_ok($$ select public.place_legal_hold(tests.id('privacy'), 'because') $$, 'SP403', null, 'an agent cannot place a hold');
select tests.authenticate_as('owner_p');
select throws_ok($$ select public.place_legal_hold(tests.id('privacy'), 'x') $$, 'SP400', null, 'a hold needs a reason');
select tests.clear_authentication();
select is((select count(*)::int from public.audit_logs where table_name = 'legal_holds' and operation = 'INSERT'
             and actor_id = tests.id('owner_p') and new_values ->> 'reason' = 'litigation: case 42'), 1,
  'placing a hold is audited with who and why');

-- One row per table per run: a batch of 1.
select ok(private.purge_expired(1) > 0, 'the purge removes something');
select is((select count(*)::int from public.transcripts where call_id in (tests.id('old1'), tests.id('old2'))), 1,
  'a batch of 1 removes one expired transcript per run');
select ok(private.purge_expired(500) > 0, 'the next run continues');
select is((select count(*)::int from public.transcripts where call_id in (tests.id('old1'), tests.id('old2'))), 0,
  'expired transcripts are gone');
select is((select count(*)::int from public.transcripts where call_id = tests.id('fresh')), 1, 'a transcript inside the window stays');
select is((select count(*)::int from public.transcripts where call_id = tests.id('old_held')), 1, 'a transcript of a held call stays');
select is((select count(*)::int from public.transcripts where call_id = tests.id('org_held_old')), 1,
  'an organization on hold keeps everything');
select is((select summary from public.insights where call_id = tests.id('old1')), '[removed under the retention policy]',
  'an expired insight loses its summary');
select is((select data::text from public.insights where call_id = tests.id('old1')), '{"converted": {"value": true, "evidence": {"time": 3}}}',
  'and its quotes, keeping its figures');
select is((select data #>> '{converted,evidence,quote}' from public.insights where call_id = tests.id('fresh')), 'let us do it',
  'a fresh insight keeps its quotes');
select is((select count(*)::int from public.call_comments where call_id = tests.id('old1')), 0, 'expired comments are gone');
select is((select count(*)::int from public.call_comments where call_id = tests.id('fresh')), 1, 'fresh comments stay');
select is((select count(*)::int from public.calls where id in (tests.id('old1'), tests.id('old2')) and recording_url is null), 2,
  'expired calls lose their recording (the call row and its figures stay)');
select is((select count(*)::int from public.jobs j join public.calls c on j.payload ->> 'recording_sid' = c.twilio_recording_sid
            where j.kind = 'delete_recording' and c.id in (tests.id('old1'), tests.id('old2'))), 2,
  'a delete_recording job is queued for each expired recording');
select is((select count(*)::int from public.jobs j join public.calls c on j.payload ->> 'recording_sid' = c.twilio_recording_sid
            where j.kind = 'delete_recording' and c.id in (tests.id('fresh'), tests.id('old_held'), tests.id('org_held_old'))), 0,
  'none for fresh or held recordings');
select ok((select count(*) from public.purge_runs where org_id = tests.id('privacy') and table_name = 'transcripts') >= 2,
  'each run is logged per table');
select is(private.purge_expired(500), 0, 'a further run finds nothing: the purge is idempotent');

-- The owner's view of the policy.
select tests.authenticate_as('owner_p');
select is((public.retention_policy(tests.id('privacy')) ->> 'retention_months')::int, 12, 'the default window is 12 months');
select ok((public.retention_policy(tests.id('privacy')) ->> 'next_purge_at')::timestamptz > now(), 'the next purge date is ahead');
select is(jsonb_array_length(public.retention_policy(tests.id('privacy')) -> 'holds'), 1, 'the active hold is listed');
select throws_ok($$ select public.set_retention_months(tests.id('privacy'), 0) $$, 'SP400', null, 'the window is bounded below');
select throws_ok($$ select public.set_retention_months(tests.id('privacy'), 121) $$, 'SP400', null, 'and above');
select lives_ok($$ select public.set_retention_months(tests.id('privacy'), 24) $$, 'an owner sets 24 months');
select tests.authenticate_as('agent_p');
select throws_ok($$ select public.retention_policy(tests.id('privacy')) $$, 'SP403', null, 'agents do not see the policy');

-- Releasing the call's hold lets the purge take it (24 months now: 15 months is inside; back to 12).
select tests.authenticate_as('owner_p');
select public.set_retention_months(tests.id('privacy'), 12);
select public.release_legal_hold((select id from public.legal_holds where call_id = tests.id('old_held')), 'case closed');
select tests.clear_authentication();
select private.purge_expired(500);
select is((select count(*)::int from public.transcripts where call_id = tests.id('old_held')), 0, 'a released call is purged');

-- Deletion on request: a caller by phone. ------------------------------------------
update public.calls set from_number = '+15557770001' where id in (tests.id('fresh'), tests.id('old1'));
update public.calls set from_number = '+15557770002' where id = tests.id('old2');
insert into public.referrals (org_id, referrer_kind, referrer_name, referred_name, referred_phone)
values (tests.id('privacy'), 'customer', 'Someone Else', 'Phil Caller', '+1 (555) 777-0001');

select ok((select count(*) from tests.traces('5557770001')) >= 2, 'before: the search finds the caller in calls and referrals');
select tests.authenticate_as('agent_p');
select throws_ok($$ select public.request_deletion(tests.id('privacy'), 'phone', '+15557770001') $$, 'SP403', null,
  'agents cannot file deletion requests');
select tests.authenticate_as('owner_p');
select throws_ok($$ select public.request_deletion(tests.id('privacy'), 'phone', '555-777') $$, 'SP400', null, 'a phone must be E.164');
select throws_ok($$ select public.request_deletion(tests.id('privacy'), 'member', tests.id('owner_p')::text) $$, 'SP422', null,
  'an owner cannot be erased');
select tests.authenticate_as('owner_h');
select throws_ok($$ select public.request_deletion(tests.id('held'), 'phone', '+15557770001') $$, 'SP409', null,
  'an organization on hold cannot erase');
select tests.request_deletion('req_phone', 'owner_p', 'privacy', 'phone', '+15557770001');
select tests.clear_authentication();
select is((select count(*)::int from public.jobs where kind = 'erase_person' and payload ->> 'request_id' = tests.id('req_phone')::text), 1,
  'the request queues an erase_person job');
select tests.authenticate_as_service_role();
select is(jsonb_array_length(public.erase_person(tests.id('req_phone')) -> 'recording_sids'), 2,
  'erasing returns both of the caller''s recordings to delete at the provider');
select tests.clear_authentication();
select is((select count(*)::int from tests.traces('5557770001')), 0, 'no column of any public table holds the caller''s number');
select is((select count(*)::int from public.calls where id = tests.id('old2')), 1, 'another caller''s call stays');
select tests.authenticate_as_service_role();
select is(public.finish_deletion_request(tests.id('req_phone'),
            (select pending_recording_sids from public.deletion_requests where id = tests.id('req_phone'))) ->> 'status',
  'completed', 'the request completes once the recordings are deleted');
select tests.clear_authentication();
select is((select receipt -> 'rows' ->> 'calls' from public.deletion_requests where id = tests.id('req_phone')), '2',
  'the receipt counts the calls removed');
select is((select (receipt ->> 'recordings_deleted')::int from public.deletion_requests where id = tests.id('req_phone')), 2,
  'and the recordings deleted');

-- A member, with a comment, a manual activity and an agent row.
insert into public.call_comments (org_id, call_id, author_id, at_seconds, body)
values (tests.id('privacy'), tests.id('old2'), tests.id('agent_p'), 2, 'Quentin Quagmire here');
insert into public.activities (org_id, user_id, type, title, contact)
values (tests.id('privacy'), tests.id('agent_p'), 'meeting', 'Lunch', 'quentin.quagmire@privacy.test');
select ok((select count(*) from tests.traces('quentin.quagmire@privacy.test')) >= 2, 'before: the search finds the member''s email');
select tests.request_deletion('req_member', 'owner_p', 'privacy', 'member', tests.id('agent_p')::text);
select tests.authenticate_as_service_role();
select public.erase_person(tests.id('req_member'));
select public.finish_deletion_request(tests.id('req_member'), '{}');
select tests.clear_authentication();
select is((select count(*)::int from tests.traces('quentin.quagmire@privacy.test')), 0, 'nothing holds the member''s email');
select is((select count(*)::int from tests.traces('Quentin Quagmire')), 0, 'or their name');
select is((select count(*)::int from tests.traces(tests.id('agent_p')::text)), 0, 'or their user id');
select is((select status from public.deletion_requests where id = tests.id('req_member')), 'completed', 'the request is completed');
select ok((select receipt::text not ilike '%quagmire%' from public.deletion_requests where id = tests.id('req_member'))
          and not exists (select 1 from private.deletion_subjects where request_id = tests.id('req_member')),
  'its receipt keeps no personal data, and the subject is gone');

select * from finish();
rollback;

-- Email: templates (seeded per organization, previews validating variables),
-- sending (threads, queued messages and send_email jobs; invitations on the
-- same path), visibility per role and tenant (a removed member reads
-- nothing), inbound threading by token, In-Reply-To and References within
-- the recipient's organization only, the unmatched inbox, replayed tokens,
-- idempotence on Message-Id, delivery events, and activities / email goals.
begin;
select plan(43);
\ir fixtures.sql

select tests.create_user('owner_a');
select tests.create_user('manager_a');
select tests.create_user('agent_a');
select tests.create_user('agent_a2');
select tests.create_user('removed_a');
select tests.create_user('owner_b');
select tests.create_org('acme', 'owner_a');
select tests.create_org('globex', 'owner_b');
select tests.add_member('acme', 'manager_a', 'manager');
select tests.add_member('acme', 'agent_a', 'agent');
select tests.add_member('acme', 'agent_a2', 'agent');
select tests.add_member('acme', 'removed_a', 'manager');
select tests.create_agent('ann', 'acme', 'agent_a');
insert into public.goals (org_id, name, metric, activity_type, scope, agent_id, target, period, period_start)
values (tests.id('acme'), 'Ann emails', 'activities', 'email', 'member', tests.id('ann'), 10, 'month', current_date);
create temp table ids (name text primary key, id uuid);
create temp table results (name text primary key, r jsonb);
grant all on ids, results to authenticated, service_role;

-- Templates --------------------------------------------------------------------------
select is((select array_agg(key order by key) from public.email_templates where org_id = tests.id('acme')),
  array['call_follow_up', 'goal_reached', 'invitation', 'referral_introduction', 'sim_assignment', 'tracker_alert'],
  'a new organization starts with the default templates');
select tests.authenticate_as('agent_a');
select is(public.email_template_preview(tests.id('acme'), 'goal_reached',
  '{"member_name":"Ann","goal_name":"Q4","actual":"12","target":"10"}') ->> 'subject', 'Goal reached: Q4',
  'a preview renders the variables');
select throws_ok($$select public.email_template_preview(tests.id('acme'), 'goal_reached', '{"member_name":"Ann"}')$$,
  'SP400', null, 'a preview with missing variables: SP400');
select throws_ok($$select public.email_template_preview(tests.id('acme'), 'goal_reached',
  '{"member_name":"Ann","goal_name":"Q4","actual":"1","target":"2","extra":"x"}')$$, 'SP400', null, 'unknown variables: SP400');
select throws_ok($$select public.email_template_preview(tests.id('globex'), 'goal_reached', '{}')$$,
  'SP403', null, 'another organization''s templates: SP403');
select throws_ok($$select public.save_email_template(tests.id('acme'), 'goal_reached', 'Hi', 'Body')$$,
  'SP403', null, 'agents do not edit templates');
select tests.authenticate_as('manager_a');
select throws_ok($$select public.save_email_template(tests.id('acme'), 'goal_reached', 'Hi {{nope}}', 'Body')$$,
  'SP400', null, 'a template may use only its own variables');
select lives_ok($$select public.save_email_template(tests.id('acme'), 'goal_reached', 'Well done {{member_name}}', 'Body {{goal_name}}')$$,
  'managers edit templates');
select tests.clear_authentication();

-- Sending ------------------------------------------------------------------------------
select tests.authenticate_as('agent_a');
insert into results select 'sent', public.send_email_message(tests.id('acme'), 'Pat <Pat@Example.com>', 'Hello', 'Hi Pat');
select tests.clear_authentication();
insert into ids select 'thread', (r ->> 'thread_id')::uuid from results where name = 'sent';
insert into ids select 'msg', (r ->> 'message_id')::uuid from results where name = 'sent';
select is((select array[status::text, to_address, thread_id::text] from public.messages where id = (select id from ids where name = 'msg')),
  array['queued', 'pat@example.com', (select id::text from ids where name = 'thread')], 'the message is stored, queued, in its thread');
select is((select count(*)::int from public.jobs where kind = 'send_email' and payload ->> 'message_id' = (select id::text from ids where name = 'msg')),
  1, 'and one send_email job is queued');
select tests.authenticate_as('agent_a');
select throws_ok($$select public.send_email_message(tests.id('acme'), 'not an address', 'Hello', 'Hi')$$, 'SP400', null, 'a bad address: SP400');
select throws_ok($$select public.send_email_message(tests.id('acme'), 'a@b.test', 'Hello', repeat('x', 20001))$$, 'SP400', null, 'an overlong body: SP400');
select throws_ok($$select public.send_email_message(tests.id('globex'), 'a@b.test', 'Hello', 'Hi')$$, 'SP403', null, 'another organization: SP403');
select tests.clear_authentication();

-- Visibility ---------------------------------------------------------------------------
select tests.authenticate_as('agent_a');
select is((select count(*)::int from public.messages where thread_id = (select id from ids where name = 'thread')), 1, 'the sender reads the thread');
select tests.authenticate_as('agent_a2');
select is((select count(*)::int from public.threads where id = (select id from ids where name = 'thread')), 0, 'another agent does not');
select throws_ok(format($$select public.send_email_message(%L, null, null, 'me too', %L)$$, tests.id('acme'), (select id from ids where name = 'thread')),
  'SP404', null, 'nor replies in it');
select tests.authenticate_as('manager_a');
select is((select count(*)::int from public.messages where thread_id = (select id from ids where name = 'thread')), 1, 'a manager reads it');
select tests.authenticate_as('owner_b');
select is((select count(*)::int from public.threads where org_id = tests.id('acme')), 0, 'another organization reads nothing');
select tests.clear_authentication();
delete from public.memberships where user_id = tests.id('removed_a');
select tests.authenticate_as('removed_a');
select is((select count(*)::int from public.threads), 0, 'a removed member reads nothing');
select tests.clear_authentication();

-- The send job's view, and the activity of a sent message -----------------------------
select tests.authenticate_as_service_role();
insert into results select 'out', public.email_for_sending((select id from ids where name = 'msg'), 'mg.test');
select public.record_email_result((select id from ids where name = 'msg'), 'sent', '<m-1@mg.test>');
select tests.clear_authentication();
select is((select r ->> 'reply_to' from results where name = 'out'),
  'reply+' || (select reply_token from public.threads where id = (select id from ids where name = 'thread')) || '@mg.test',
  'replies go to the thread''s reply address');
select is((select count(*)::int from public.activities where source_type = 'email_sent' and source_id = (select id from ids where name = 'msg')
            and user_id = tests.id('agent_a') and type = 'email'), 1, 'the sent message is an email activity of its sender');

-- Inbound ----------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
insert into results select 'by_token', public.ingest_inbound_email(jsonb_build_object('token', 'tok-000000000001', 'domain', 'mg.test',
  'recipient', (select r ->> 'reply_to' from results where name = 'out'), 'from', 'Pat <pat@example.com>', 'subject', 'Re: Hello',
  'body_plain', 'Sounds good', 'message_id', '<r1@example.com>'));
select throws_ok($$select public.ingest_inbound_email(jsonb_build_object('token', 'tok-000000000001', 'domain', 'mg.test',
  'recipient', 'x@mg.test', 'from', 'p@example.com', 'message_id', '<r2@example.com>'))$$, 'SP409', null, 'a reused token: SP409');
insert into results select 'dup', public.ingest_inbound_email(jsonb_build_object('token', 'tok-000000000002', 'domain', 'mg.test',
  'recipient', (select r ->> 'reply_to' from results where name = 'out'), 'from', 'pat@example.com', 'message_id', 'r1@example.com'));
insert into results select 'by_header', public.ingest_inbound_email(jsonb_build_object('token', 'tok-000000000003', 'domain', 'mg.test',
  'recipient', (select slug from public.organizations where id = tests.id('acme')) || '@mg.test', 'from', 'pat@example.com',
  'subject', 'Re: Hello', 'body_plain', 'One more thing', 'message_id', '<r3@example.com>', 'in_reply_to', '<m-' || replace((select id::text from ids where name = 'msg'), '-', '') || '@mg.test>'));
insert into results select 'by_refs', public.ingest_inbound_email(jsonb_build_object('token', 'tok-000000000004', 'domain', 'mg.test',
  'recipient', (select slug from public.organizations where id = tests.id('acme')) || '@mg.test', 'from', 'pat@example.com',
  'message_id', '<r4@example.com>', 'in_reply_to', '<unknown@x>', 'references', '<zzz@x> <r1@example.com>'));
insert into results select 'cross', public.ingest_inbound_email(jsonb_build_object('token', 'tok-000000000005', 'domain', 'mg.test',
  'recipient', (select slug from public.organizations where id = tests.id('globex')) || '@mg.test', 'from', 'mallory@example.com',
  'subject', 'Re: Hello', 'message_id', '<r5@example.com>', 'in_reply_to', '<r1@example.com>'));
select throws_ok($$select public.ingest_inbound_email(jsonb_build_object('token', 'tok-000000000006', 'domain', 'mg.test',
  'recipient', 'reply+000000000000000000000000@mg.test', 'from', 'p@example.com', 'message_id', '<r6@example.com>'))$$,
  'SP404', null, 'an unknown reply token: SP404');
select throws_ok($$select public.ingest_inbound_email(jsonb_build_object('token', 'tok-000000000007', 'domain', 'mg.test',
  'recipient', 'nobody-here@mg.test', 'from', 'p@example.com', 'message_id', '<r7@example.com>'))$$,
  'SP404', null, 'an address of no organization: SP404');
select tests.clear_authentication();
select is((select array[r ->> 'outcome', r ->> 'matched_by', r ->> 'thread_id'] from results where name = 'by_token'),
  array['stored', 'token', (select id::text from ids where name = 'thread')], 'a reply to the reply address lands in its thread');
select is((select r ->> 'outcome' from results where name = 'dup'), 'duplicate', 'the same Message-Id again is stored once');
select is((select array[r ->> 'matched_by', r ->> 'thread_id'] from results where name = 'by_header'),
  array['in_reply_to', (select id::text from ids where name = 'thread')], 'mail to the organization threads by In-Reply-To');
select is((select array[r ->> 'matched_by', r ->> 'thread_id'] from results where name = 'by_refs'),
  array['references', (select id::text from ids where name = 'thread')], 'and by References');
select is((select array[r ->> 'matched_by', r ->> 'org_id'] from results where name = 'cross'),
  array['unmatched', tests.id('globex')::text], 'headers never thread into another organization: its unmatched inbox');
select is((select count(*)::int from public.activities where source_type = 'email_received' and user_id = tests.id('agent_a')), 3,
  'each received message is an activity of the thread''s member');
select tests.authenticate_as('owner_a');
select is((select actual from public.goal_progress() where name = 'Ann emails'), 4::numeric,
  'and sent plus received messages count toward her email goal');
select tests.clear_authentication();

-- Unread and the unmatched inbox ----------------------------------------------------------
-- (one transaction has one now(): the sender's read mark goes back to before the replies)
update public.thread_reads set read_at = now() - interval '1 minute';
select tests.authenticate_as('agent_a');
select is((select unread from public.list_threads(tests.id('acme')) where id = (select id from ids where name = 'thread')), 3,
  'three unread replies');
select public.mark_thread_read((select id from ids where name = 'thread'));
select is((select unread from public.list_threads(tests.id('acme')) where id = (select id from ids where name = 'thread')), 0,
  'none once read');
select tests.authenticate_as('owner_b');
select is((select count(*)::int from public.list_threads(tests.id('globex'), true)), 1, 'Globex''s unmatched inbox has the mail');
select tests.authenticate_as('owner_a');
select is((select count(*)::int from public.list_threads(tests.id('acme'), true)), 0, 'Acme''s has none of it');
select tests.clear_authentication();

-- Delivery events -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select public.apply_email_event(jsonb_build_object('token', 'tok-000000000010', 'event_id', 'ev1', 'event', 'delivered',
  'message_id', 'm-' || replace((select id::text from ids where name = 'msg'), '-', '') || '@mg.test'));
select is((select status::text from public.messages where id = (select id from ids where name = 'msg')), 'delivered', 'delivered');
select public.apply_email_event(jsonb_build_object('token', 'tok-000000000011', 'event_id', 'ev2', 'event', 'failed',
  'severity', 'temporary', 'message_id', 'm-1@mg.test'));
select is((select status::text from public.messages where id = (select id from ids where name = 'msg')), 'delivered',
  'a temporary failure changes nothing');
select public.apply_email_event(jsonb_build_object('token', 'tok-000000000012', 'event_id', 'ev3', 'event', 'complained',
  'message_id', 'm-1@mg.test'));
select is((select status::text from public.messages where id = (select id from ids where name = 'msg')), 'complained',
  'a complaint (found by the Mailgun id)');
select is(public.apply_email_event(jsonb_build_object('token', 'tok-000000000013', 'event_id', 'ev3', 'event', 'complained',
  'message_id', 'm-1@mg.test')) ->> 'outcome', 'duplicate', 'an event id is applied once');
select tests.clear_authentication();

-- Invitations and the backend entry point ------------------------------------------------------
select tests.authenticate_as('owner_a');
insert into ids select 'inv', public.invite_member(tests.id('acme'), 'new.hire@email.test', 'agent');
select tests.clear_authentication();
select is((select array[m.template_key, m.subject, (m.thread_id is null)::text] from public.messages m
            where m.payload ->> 'invitation_id' = (select id::text from ids where name = 'inv')),
  array['invitation', 'You''re invited to join Acme on SalesPulse', 'true'], 'an invitation is a templated system email');
select is((select count(*)::int from public.jobs where kind = 'send_email' and dedupe_key = 'invitation:' || (select id::text from ids where name = 'inv')),
  1, 'queued once on the send_email path');
select tests.authenticate_as_service_role();
insert into ids select 'sim', private.send_email(tests.id('acme'), 'agent@acme.test', 'sim_assignment',
  '{"assignee_name":"Ann","assigner_name":"Mia","sim_name":"Discovery","due_date":"Friday"}');
select tests.clear_authentication();
select is((select subject from public.messages where id = (select id from ids where name = 'sim')), 'New practice session: Discovery',
  'the SIM domain can send a sim_assignment notice through private.send_email');

-- A member's mailbox is no bulk sender: 100 an hour.
insert into public.messages (org_id, direction, status, from_address, to_address, subject, body_text, sent_by)
select tests.id('acme'), 'outbound', 'sent', 'x@mg.test', 'y@example.com', 'Bulk', 'Hi', tests.id('agent_a2') from generate_series(1, 100);
select tests.authenticate_as('agent_a2');
select throws_ok($$select public.send_email_message(tests.id('acme'), 'a@b.test', 'One more', 'Hi')$$, 'SP429', null,
  'the 101st email within the hour: SP429');
select tests.clear_authentication();

select * from finish();
rollback;

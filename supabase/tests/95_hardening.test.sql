-- Fixes from the security review, each shown failing before its fix: a removed
-- member reads nothing of the calls they took and edits none of their
-- comments; search_calls bounds its query; re-invitations are throttled per
-- address; only the audit trigger writes audit rows; one plans policy per role.
-- Self-contained: it makes its own organization, members, call and rows.
begin;
select plan(28);

-- Fixtures -------------------------------------------------------------------------
insert into auth.users (id, email, aud, role) values
  ('e1000000-0000-4000-8000-000000000001', 'owner@hardening.test', 'authenticated', 'authenticated'),
  ('e1000000-0000-4000-8000-000000000002', 'agent@hardening.test', 'authenticated', 'authenticated'),
  ('e1000000-0000-4000-8000-000000000003', 'manager@hardening.test', 'authenticated', 'authenticated');
insert into public.organizations (id, name, slug) values ('e1000000-0000-4000-8000-0000000000aa', 'Hardening Co', 'hardening-co');
insert into public.feature_flags (org_id, key, enabled, note) values ('e1000000-0000-4000-8000-0000000000aa', 'coaching', true, 'tests');
insert into public.memberships (org_id, user_id, role) values
  ('e1000000-0000-4000-8000-0000000000aa', 'e1000000-0000-4000-8000-000000000001', 'owner'),
  ('e1000000-0000-4000-8000-0000000000aa', 'e1000000-0000-4000-8000-000000000002', 'agent'),
  ('e1000000-0000-4000-8000-0000000000aa', 'e1000000-0000-4000-8000-000000000003', 'manager');
insert into public.agents (id, org_id, name, user_id) values
  ('e1000000-0000-4000-8000-0000000000a1', 'e1000000-0000-4000-8000-0000000000aa', 'Hal Agent', 'e1000000-0000-4000-8000-000000000002');
insert into public.calls (id, org_id, agent_id, twilio_call_sid, status, started_at) values
  ('e1000000-0000-4000-8000-0000000000c1', 'e1000000-0000-4000-8000-0000000000aa', 'e1000000-0000-4000-8000-0000000000a1',
   'CA' || repeat('e1', 16), 'analyzed', now() - interval '1 hour');
insert into public.transcripts (org_id, call_id, source, full_text, segments) values
  ('e1000000-0000-4000-8000-0000000000aa', 'e1000000-0000-4000-8000-0000000000c1', 'twilio', 'we talked about solar panels', '[]');
insert into public.insights (org_id, call_id, run_key, analyzer, model, prompt_version, sentiment_score, sentiment_label, converted, upsell_amount, adherence_score, summary, data) values
  ('e1000000-0000-4000-8000-0000000000aa', 'e1000000-0000-4000-8000-0000000000c1', 'hardening', 'offline', 'offline', 'v1', 0.5, 'positive', true, 0, 50, 'Solar', '{}');
insert into public.call_comments (org_id, call_id, author_id, at_seconds, body) values
  ('e1000000-0000-4000-8000-0000000000aa', 'e1000000-0000-4000-8000-0000000000c1', 'e1000000-0000-4000-8000-000000000003', 1, 'Good opener');
insert into public.activities (org_id, agent_id, user_id, type, source_type, source_id) values
  ('e1000000-0000-4000-8000-0000000000aa', 'e1000000-0000-4000-8000-0000000000a1', 'e1000000-0000-4000-8000-000000000002', 'note', 'hardening', gen_random_uuid());

create function pg_temp.as_user(p_uid text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_uid, 'role', 'authenticated')::text, true);
$$;
create function pg_temp.visible(p_uid text) returns int[] language plpgsql as $$
declare r int[];
begin
  perform pg_temp.as_user(p_uid);
  execute 'set local role authenticated';
  select array[(select count(*)::int from public.calls where org_id = 'e1000000-0000-4000-8000-0000000000aa'),
               (select count(*)::int from public.transcripts where org_id = 'e1000000-0000-4000-8000-0000000000aa'),
               (select count(*)::int from public.insights where org_id = 'e1000000-0000-4000-8000-0000000000aa'),
               (select count(*)::int from public.call_comments where org_id = 'e1000000-0000-4000-8000-0000000000aa'),
               (select count(*)::int from public.activities where org_id = 'e1000000-0000-4000-8000-0000000000aa')] into r;
  execute 'reset role';
  return r;
end $$;

-- A removed member ---------------------------------------------------------------
-- (two activities: the note, and the one the insight's bookkeeping wrote for the call)
select is(pg_temp.visible('e1000000-0000-4000-8000-000000000002'), array[1, 1, 1, 1, 2],
  'an agent reads their call, its transcript, insight and comments, and their activities');
select is(pg_temp.visible('e1000000-0000-4000-8000-000000000003'), array[1, 1, 1, 1, 2], 'so does a manager');

select pg_temp.as_user('e1000000-0000-4000-8000-000000000001');
set local role authenticated;
select lives_ok($$select public.remove_member('e1000000-0000-4000-8000-0000000000aa', 'e1000000-0000-4000-8000-000000000002')$$,
  'the owner removes the agent');
select lives_ok($$select public.remove_member('e1000000-0000-4000-8000-0000000000aa', 'e1000000-0000-4000-8000-000000000003')$$,
  'and the manager');
reset role;

select is(pg_temp.visible('e1000000-0000-4000-8000-000000000002'), array[0, 0, 0, 0, 0],
  'the removed agent reads none of it: not the call, transcript, insight, comments or activity');
select is(pg_temp.visible('e1000000-0000-4000-8000-000000000003'), array[0, 0, 0, 0, 0], 'nor does the removed manager');
select is((select user_id from public.agents where id = 'e1000000-0000-4000-8000-0000000000a1'), null,
  'removal unlinks the member''s agent');

select pg_temp.as_user('e1000000-0000-4000-8000-000000000003');
set local role authenticated;
update public.call_comments set body = 'edited after removal' where org_id = 'e1000000-0000-4000-8000-0000000000aa';
delete from public.call_comments where org_id = 'e1000000-0000-4000-8000-0000000000aa';
reset role;
select is((select body from public.call_comments where org_id = 'e1000000-0000-4000-8000-0000000000aa'), 'Good opener',
  'the removed manager can neither edit nor delete their comment');

-- Re-linking an agent to someone who is not a member is still refused.
select throws_ok($$update public.agents set user_id = 'e1000000-0000-4000-8000-000000000002' where id = 'e1000000-0000-4000-8000-0000000000a1'$$,
  null, null, 'an agent cannot be linked to a non-member');

-- The owner still sees everything.
select is(pg_temp.visible('e1000000-0000-4000-8000-000000000001'), array[1, 1, 1, 1, 2], 'the owner still reads all of it');

-- search_calls bounds its query -------------------------------------------------------
select pg_temp.as_user('e1000000-0000-4000-8000-000000000001');
set local role authenticated;
select is((select count(*)::int from public.search_calls(p_query => 'solar')), 1, 'a search finds the call');
select is((select count(*)::int from public.search_calls(p_query => repeat('a', 200))), 0, 'a 200-character query is answered');
select throws_ok($$select * from public.search_calls(p_query => repeat('a ', 101))$$, 'SP400', null,
  'a 202-character query is refused with SP400');
select throws_ok($$select * from public.search_calls(p_query => repeat('word ', 40000))$$, 'SP400', null,
  'so is a 200 KB one, before any text search runs');
select throws_ok($$select * from public.search_calls(p_outcome => repeat('x', 33))$$, 'SP400', null, 'filters are bounded too');
reset role;
select function_privs_are('private', 'search_calls_unbounded',
  array['text', 'date', 'date', 'uuid', 'text', 'text', 'text', 'integer', 'integer'], 'anon', array[]::text[]);

-- Re-invitations are throttled per address ---------------------------------------------
select pg_temp.as_user('e1000000-0000-4000-8000-000000000001');
set local role authenticated;
select lives_ok($$select public.invite_member('e1000000-0000-4000-8000-0000000000aa', 'new.hire@hardening.test', 'agent')$$,
  'an address is invited');
select throws_ok($$select public.invite_member('e1000000-0000-4000-8000-0000000000aa', 'new.hire@hardening.test', 'agent')$$,
  'SP429', null, 'invited again the same minute: SP429');
reset role;
select is((select count(*)::int from public.invitations where email = 'new.hire@hardening.test' and revoked_at is null), 1,
  'the refused re-invitation changed nothing (the first stays pending)');
select is((select count(*)::int from public.jobs where kind = 'send_email'
            and dedupe_key in (select 'invitation:' || id::text from public.invitations where email = 'new.hire@hardening.test')), 1,
  'and queued no second email');
-- Five a day: move the earlier ones back past the minute and try again.
update public.invitations set created_at = now() - interval '2 minutes' where email = 'new.hire@hardening.test';
select pg_temp.as_user('e1000000-0000-4000-8000-000000000001');
set local role authenticated;
select lives_ok($$select public.invite_member('e1000000-0000-4000-8000-0000000000aa', 'new.hire@hardening.test', 'agent')$$,
  'a minute later the address can be invited again');
reset role;
update public.invitations set created_at = now() - interval '2 minutes' where email = 'new.hire@hardening.test';
insert into public.invitations (org_id, email, role, created_at, revoked_at)
  select 'e1000000-0000-4000-8000-0000000000aa', 'new.hire@hardening.test', 'agent', now() - interval '3 hours', now()
    from generate_series(1, 3);
select pg_temp.as_user('e1000000-0000-4000-8000-000000000001');
set local role authenticated;
select throws_ok($$select public.invite_member('e1000000-0000-4000-8000-0000000000aa', 'new.hire@hardening.test', 'agent')$$,
  'SP429', null, 'the sixth invitation in a day is refused');
reset role;

-- Audit rows come only from the trigger -------------------------------------------------
set local role service_role;
select throws_ok($$insert into public.audit_logs (org_id, table_name, operation) values ('e1000000-0000-4000-8000-0000000000aa', 'forged', 'INSERT')$$,
  '42501', null, 'service_role cannot forge audit rows');
reset role;

-- Plans: one permissive SELECT policy per role ------------------------------------------
select is((select count(*)::int from pg_policies where schemaname = 'public' and tablename = 'plans' and cmd = 'SELECT'
            and 'authenticated' = any (roles)), 1, 'plans has one SELECT policy for authenticated');
select is((select count(*)::int from pg_policies where schemaname = 'public' and tablename = 'plans' and cmd = 'SELECT'
            and 'anon' = any (roles)), 1, 'and one for anon');

-- Defence in depth: were an agent left linked to a former member (its unlink
-- trigger not run), the former member still reads none of the calls it took:
-- private.agent_call_ids (the transcripts', insights' and comments' policies)
-- checks the membership live.
insert into auth.users (id, email, aud, role) values
  ('e1000000-0000-4000-8000-000000000004', 'agent2@hardening.test', 'authenticated', 'authenticated');
insert into public.memberships (org_id, user_id, role) values
  ('e1000000-0000-4000-8000-0000000000aa', 'e1000000-0000-4000-8000-000000000004', 'agent');
insert into public.agents (id, org_id, name, user_id) values
  ('e1000000-0000-4000-8000-0000000000a2', 'e1000000-0000-4000-8000-0000000000aa', 'Kit Agent', 'e1000000-0000-4000-8000-000000000004');
insert into public.calls (id, org_id, agent_id, twilio_call_sid, status, started_at) values
  ('e1000000-0000-4000-8000-0000000000c2', 'e1000000-0000-4000-8000-0000000000aa', 'e1000000-0000-4000-8000-0000000000a2',
   'CA' || repeat('e2', 16), 'analyzed', now());
insert into public.transcripts (org_id, call_id, source, full_text, segments) values
  ('e1000000-0000-4000-8000-0000000000aa', 'e1000000-0000-4000-8000-0000000000c2', 'twilio', 'a second call', '[]');
select is((pg_temp.visible('e1000000-0000-4000-8000-000000000004'))[1:2], array[1, 1], 'a linked agent reads the call they took and its transcript');
set local session_replication_role = replica;
delete from public.memberships where org_id = 'e1000000-0000-4000-8000-0000000000aa' and user_id = 'e1000000-0000-4000-8000-000000000004';
set local session_replication_role = origin;
select is((select user_id::text from public.agents where id = 'e1000000-0000-4000-8000-0000000000a2'), 'e1000000-0000-4000-8000-000000000004',
  'the agent is still linked (its unlink trigger did not run)');
select is((pg_temp.visible('e1000000-0000-4000-8000-000000000004'))[1:2], array[0, 0],
  'yet its former member reads neither the call nor its transcript');

select * from finish();
rollback;

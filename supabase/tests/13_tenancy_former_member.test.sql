-- A removed member reads nothing of the calls they took (the call, its
-- transcript, insight, comments, their activities) and edits none of their
-- comments; leaving unlinks their agent; and, were an agent left linked, the
-- membership is still checked live (private.agent_call_ids).
begin;
\ir fixtures.sql
select plan(13);
select tests.create_user('owner');
select tests.create_user('agent');
select tests.create_user('manager');
select tests.create_org('hco', 'owner');
select tests.add_member('hco', 'agent', 'agent');
select tests.add_member('hco', 'manager', 'manager');
select tests.create_agent('hal', 'hco', 'agent');
select tests.create_call('c1', 'hco', 'hal', 'analyzed', now() - interval '1 hour');
insert into public.transcripts (org_id, call_id, source, full_text, segments) values
  (tests.id('hco'), tests.id('c1'), 'twilio', 'we talked about solar panels', '[]');
insert into public.insights (org_id, call_id, run_key, analyzer, model, prompt_version, sentiment_score, sentiment_label, converted, upsell_amount, adherence_score, summary, data) values
  (tests.id('hco'), tests.id('c1'), 'former-member', 'offline', 'offline', 'v1', 0.5, 'positive', true, 0, 50, 'Solar', '{}');
insert into public.call_comments (org_id, call_id, author_id, at_seconds, body) values
  (tests.id('hco'), tests.id('c1'), tests.id('manager'), 1, 'Good opener');
insert into public.activities (org_id, agent_id, user_id, type, source_type, source_id) values
  (tests.id('hco'), tests.id('hal'), tests.id('agent'), 'note', 'former-member', gen_random_uuid());

-- What a user reads of the organization: calls, transcripts, insights, comments, activities.
create function pg_temp.visible(p_user text) returns int[] language plpgsql as $$
declare r int[];
begin
  perform tests.authenticate_as(p_user);
  select array[(select count(*)::int from public.calls where org_id = tests.id('hco')),
               (select count(*)::int from public.transcripts where org_id = tests.id('hco')),
               (select count(*)::int from public.insights where org_id = tests.id('hco')),
               (select count(*)::int from public.call_comments where org_id = tests.id('hco')),
               (select count(*)::int from public.activities where org_id = tests.id('hco'))] into r;
  perform tests.clear_authentication();
  return r;
end $$;

-- (two activities: the note, and the one the insight's bookkeeping wrote for the call)
select is(pg_temp.visible('agent'), array[1, 1, 1, 1, 2],
  'an agent reads their call, its transcript, insight and comments, and their activities');
select is(pg_temp.visible('manager'), array[1, 1, 1, 1, 2], 'so does a manager');

select tests.authenticate_as('owner');
select lives_ok(format('select public.remove_member(%L, %L)', tests.id('hco'), tests.id('agent')), 'the owner removes the agent');
select lives_ok(format('select public.remove_member(%L, %L)', tests.id('hco'), tests.id('manager')), 'and the manager');
select tests.clear_authentication();

select is(pg_temp.visible('agent'), array[0, 0, 0, 0, 0],
  'the removed agent reads none of it: not the call, transcript, insight, comments or activity');
select is(pg_temp.visible('manager'), array[0, 0, 0, 0, 0], 'nor does the removed manager');
select is((select user_id from public.agents where id = tests.id('hal')), null, 'removal unlinks the member''s agent');

select tests.authenticate_as('manager');
update public.call_comments set body = 'edited after removal' where org_id = tests.id('hco');
delete from public.call_comments where org_id = tests.id('hco');
select tests.clear_authentication();
select is((select body from public.call_comments where org_id = tests.id('hco')), 'Good opener',
  'the removed manager can neither edit nor delete their comment');

-- Re-linking an agent to someone who is not a member is still refused.
select throws_ok(format('update public.agents set user_id = %L where id = %L', tests.id('agent'), tests.id('hal')),
  null, null, 'an agent cannot be linked to a non-member');

-- The owner still sees everything.
select is(pg_temp.visible('owner'), array[1, 1, 1, 1, 2], 'the owner still reads all of it');

-- Defence in depth: were an agent left linked to a former member (its unlink
-- trigger not run), the former member still reads none of the calls it took:
-- private.agent_call_ids (the transcripts', insights' and comments' policies)
-- checks the membership live.
select tests.create_user('agent2');
select tests.add_member('hco', 'agent2', 'agent');
select tests.create_agent('kit', 'hco', 'agent2');
select tests.create_call('c2', 'hco', 'kit');
insert into public.transcripts (org_id, call_id, source, full_text, segments) values
  (tests.id('hco'), tests.id('c2'), 'twilio', 'a second call', '[]');
select is((pg_temp.visible('agent2'))[1:2], array[1, 1], 'a linked agent reads the call they took and its transcript');
set local session_replication_role = replica;
delete from public.memberships where org_id = tests.id('hco') and user_id = tests.id('agent2');
set local session_replication_role = origin;
select is((select user_id from public.agents where id = tests.id('kit')), tests.id('agent2'),
  'the agent is still linked (its unlink trigger did not run)');
select is((pg_temp.visible('agent2'))[1:2], array[0, 0],
  'yet its former member reads neither the call nor its transcript');

select * from finish();
rollback;

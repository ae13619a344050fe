-- Voice usage while the session runs (public.voice_meter): a usage row per stretch at the price
-- in force, rows adding up exactly to the end-of-session cost, nothing billed twice by ending or
-- metering again, the seconds left under the session's maximum and the plan's minutes; and voice
-- recordings: WAVs only, tied to a turn, not readable through the API, gone with the retention
-- job, the registry's window, a deletion request and the user.
begin;
\ir fixtures.sql
select plan(26);
select tests.create_tenants();

insert into public.feature_flags (org_id, key, enabled, note) values (tests.id('acme'), 'voice_ai', true, 'tests');
insert into public.feature_flags (org_id, key, limit_value, note) values (tests.id('acme'), 'voice_minutes_per_month', 10, 'tests');
insert into public.voice_prices (org_id, price_per_minute, effective_from) values
  (tests.id('acme'), 0.10, '2026-06-01T00:00:00Z'),
  (tests.id('acme'), 0.20, '2026-06-01T00:05:00Z');
insert into public.voice_sessions (id, org_id, user_id, started_at, max_seconds)
values ('00000000-0000-4000-8000-00000000b001', tests.id('acme'), tests.id('acme_agent1'), '2026-06-01T00:00:00Z', 600);
create function pg_temp.billed() returns table (n int, seconds numeric, cost numeric) language sql as $$
  select count(*)::int, sum(audio_seconds), sum(cost_usd) from public.voice_usage_records
   where session_id = '00000000-0000-4000-8000-00000000b001' and kind = 'session';
$$;

-- Metering ---------------------------------------------------------------------------------------
select tests.authenticate_as('acme_agent1');
select throws_ok($$select public.voice_meter('00000000-0000-4000-8000-00000000b001', now())$$,
  '42501', null, 'members cannot meter (the stream does)');
select tests.clear_authentication();

select is((public.voice_meter('00000000-0000-4000-8000-00000000b001', '2026-06-01T00:00:30Z') ->> 'cost_usd')::numeric, 0.0500,
  'after 30 seconds: 0.05 at 0.10 a minute');
select results_eq($$select n, seconds, cost from pg_temp.billed()$$, $$values (1, 30.000::numeric, 0.0500::numeric)$$,
  'one usage row for the first stretch');
select is((public.voice_meter('00000000-0000-4000-8000-00000000b001', '2026-06-01T00:00:30.400Z') ->> 'seconds')::numeric, 30.000,
  'less than a second later: nothing new billed');
select is((select n from pg_temp.billed()), 1, 'and no row for it');
select public.voice_meter('00000000-0000-4000-8000-00000000b001', '2026-06-01T00:04:50.250Z');
select results_eq(
  $$select public.voice_meter('00000000-0000-4000-8000-00000000b001', '2026-06-01T00:05:10Z') - 'seconds_left'$$,
  $$values ('{"ended": false, "limit": "session", "seconds": 310.000, "cost_usd": 0.5333, "billable_minutes": 6, "price_per_minute": 0.2000}'::jsonb)$$,
  'across the price change: 5 minutes at 0.10 and 10 seconds at 0.20, 6 billable minutes, the price now');
select results_eq(
  $$select billed_from, billed_to, price_per_minute from public.voice_usage_records
     where session_id = '00000000-0000-4000-8000-00000000b001' and kind = 'session' order by billed_from$$,
  $$values ('2026-06-01T00:00:00Z'::timestamptz, '2026-06-01T00:00:30Z'::timestamptz, 0.1000::numeric),
           ('2026-06-01T00:00:30Z', '2026-06-01T00:04:50.250Z', 0.1000),
           ('2026-06-01T00:04:50.250Z', '2026-06-01T00:05:10Z', 0.2000)$$,
  'the stretches follow each other, each with the price in force at its end');
select is((public.voice_meter('00000000-0000-4000-8000-00000000b001', '2026-06-01T00:05:10Z') ->> 'seconds_left')::numeric, 290.000,
  'seconds left under the session''s maximum');
select throws_ok($$insert into public.voice_usage_records (session_id, org_id, kind, provider, billed_from, billed_to)
  values ('00000000-0000-4000-8000-00000000b001', tests.id('acme'), 'session', 'x', '2026-06-01T00:00:00Z', '2026-06-01T00:00:10Z')$$,
  '23505', null, 'a stretch cannot be billed twice');

-- Ending: the last stretch, the sum of the rows, exactly once ------------------------------------
select results_eq(
  $$select seconds, cost_usd, billable_minutes from public.voice_end_session('00000000-0000-4000-8000-00000000b001', '2026-06-01T00:07:00Z')$$,
  $$values (420.000::numeric(10,3), 0.9000::numeric(12,4), 7)$$,
  'ended after 7 minutes: 5 at 0.10 + 2 at 0.20');
select results_eq($$select n, seconds, cost from pg_temp.billed()$$, $$values (4, 420.000::numeric, 0.9000::numeric)$$,
  'the last stretch is billed at the end; the rows add up to the session''s seconds and cost');
select is((select cost_usd from public.voice_sessions where id = '00000000-0000-4000-8000-00000000b001'),
  private.voice_cost(tests.id('acme'), '2026-06-01T00:00:00Z', '2026-06-01T00:07:00Z'), 'the cost over the whole session, to the cent fraction');
select public.voice_end_session('00000000-0000-4000-8000-00000000b001', '2026-06-01T00:09:00Z');
select is(public.voice_meter('00000000-0000-4000-8000-00000000b001', '2026-06-01T00:09:00Z') ->> 'ended', 'true', 'the meter says it ended');
select results_eq($$select n, cost from pg_temp.billed()$$, $$values (4, 0.9000::numeric)$$,
  'ending again or metering after the end bills nothing');
select is((select count(*)::int from public.usage_records where source_type = 'voice_session'
            and source_id = '00000000-0000-4000-8000-00000000b001'), 1, 'one billable usage record');

-- A stream ahead of the end time: the end never goes back before what was billed.
insert into public.voice_sessions (id, org_id, user_id, started_at, max_seconds)
values ('00000000-0000-4000-8000-00000000b002', tests.id('acme'), tests.id('acme_agent2'), '2026-06-01T01:00:00Z', 600);
select public.voice_meter('00000000-0000-4000-8000-00000000b002', '2026-06-01T01:01:00Z');
select results_eq(
  $$select seconds, cost_usd from public.voice_end_session('00000000-0000-4000-8000-00000000b002', '2026-06-01T01:00:59Z')$$,
  $$values (60.000::numeric(10,3), 0.2000::numeric(12,4))$$, 'ended at the last billed instant, billed once');

-- The plan's minutes: every session of the organization counts -----------------------------------
insert into public.voice_sessions (org_id, user_id, started_at, ended_at, seconds, max_seconds, status)
values (tests.id('acme'), tests.id('acme_agent2'), now() - interval '20 minutes', now() - interval '10 minutes', 570, 900, 'ended');
insert into public.voice_sessions (id, org_id, user_id, started_at, max_seconds)
values ('00000000-0000-4000-8000-00000000b003', tests.id('acme'), tests.id('acme_agent1'), now() - interval '10 seconds', 900);
select ok((select (m ->> 'seconds_left')::numeric between 19 and 20.001 and m ->> 'limit' = 'plan'
             from public.voice_meter('00000000-0000-4000-8000-00000000b003', now()) m),
  '9.5 of 10 minutes used by another session: 20 seconds left, the plan''s limit');
update public.feature_flags set limit_value = 5 where org_id = tests.id('acme') and key = 'voice_minutes_per_month';
select is((public.voice_meter('00000000-0000-4000-8000-00000000b003', now()) ->> 'seconds_left')::numeric, 0.000,
  'the plan lowered mid-session: no time left');

select tests.authenticate_as('acme_admin');
select is((select count(*)::int from public.voice_provider_comparison(tests.id('acme')) where kind = 'session'), 0,
  'the providers'' comparison leaves the session''s own time out');
select tests.clear_authentication();

-- Recordings ---------------------------------------------------------------------------------------
create function pg_temp.wav(n int) returns bytea language sql as $$
  select '\x52494646'::bytea || decode(repeat('00', 40 + n), 'hex');
$$;
insert into public.voice_turns (session_id, seq, speaker, text) values
  ('00000000-0000-4000-8000-00000000b001', 1, 'rep', 'Hello.'),
  ('00000000-0000-4000-8000-00000000b001', 2, 'buyer', 'Hi.'),
  ('00000000-0000-4000-8000-00000000b002', 1, 'rep', 'Hello again.');
select throws_ok($$insert into public.voice_recordings (session_id, seq, org_id, speaker, sample_rate, seconds, audio)
  values ('00000000-0000-4000-8000-00000000b001', 1, tests.id('acme'), 'rep', 16000, 1, decode(repeat('00', 100), 'hex'))$$,
  '23514', null, 'only a WAV is kept');
select throws_ok($$insert into public.voice_recordings (session_id, seq, org_id, speaker, sample_rate, seconds, audio)
  values ('00000000-0000-4000-8000-00000000b001', 9, tests.id('acme'), 'rep', 16000, 1, pg_temp.wav(100))$$,
  '23503', null, 'a recording belongs to a stored turn');
insert into public.voice_recordings (session_id, seq, org_id, speaker, sample_rate, seconds, audio) values
  ('00000000-0000-4000-8000-00000000b001', 1, tests.id('acme'), 'rep', 16000, 1, pg_temp.wav(100)),
  ('00000000-0000-4000-8000-00000000b001', 2, tests.id('acme'), 'buyer', 24000, 1, pg_temp.wav(100)),
  ('00000000-0000-4000-8000-00000000b002', 1, tests.id('acme'), 'rep', 16000, 1, pg_temp.wav(100));
select tests.authenticate_as('acme_agent1');
select throws_ok($$select count(*) from public.voice_recordings$$, '42501', null,
  'not even the owner reads recordings through the API (voice-recording serves them)');
select tests.clear_authentication();

update public.voice_recordings set created_at = now() - interval '13 months' where session_id = '00000000-0000-4000-8000-00000000b001' and seq = 2;
select private.purge_expired(500);
select is((select count(*)::int from public.voice_recordings where session_id = '00000000-0000-4000-8000-00000000b001'), 1,
  'the registry''s retention window purges old audio');

select tests.authenticate_as('acme_owner');
select set_config('voice.req', public.request_deletion(tests.id('acme'), 'member', tests.id('acme_agent2')::text)::text, true);
select tests.clear_authentication();
select tests.authenticate_as_service_role();
select public.erase_person(current_setting('voice.req')::uuid);
select tests.clear_authentication();
select is((select count(*)::int from public.voice_recordings where session_id = '00000000-0000-4000-8000-00000000b002'), 0,
  'a deletion request for the member removes their recordings');

update public.voice_sessions set ended_at = now() - interval '400 days', started_at = now() - interval '401 days'
 where id = '00000000-0000-4000-8000-00000000b001';
select private.purge_voice_data();
select is((select count(*)::int from public.voice_recordings where session_id = '00000000-0000-4000-8000-00000000b001'), 0,
  'the voice retention job removes a session''s recordings with it');

insert into public.voice_turns (session_id, seq, speaker, text) values ('00000000-0000-4000-8000-00000000b003', 1, 'rep', 'Hi.');
insert into public.voice_recordings (session_id, seq, org_id, speaker, sample_rate, seconds, audio)
values ('00000000-0000-4000-8000-00000000b003', 1, tests.id('acme'), 'rep', 16000, 1, pg_temp.wav(10));
delete from auth.users where id = tests.id('acme_agent1');
select is((select count(*)::int from public.voice_recordings where org_id = tests.id('acme')), 0,
  'deleting the user removes their recordings');

select * from finish();
rollback;

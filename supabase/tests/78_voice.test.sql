-- Voice practice in SQL: the voice_ai feature and the plan's voice minutes (SP402), the cost
-- over a price change, ending a session (billable minutes, usage, idempotent), RLS per role,
-- settings and the append-only price history, the retention purge and deletion of a user.
begin;
\ir fixtures.sql
select plan(33);
select tests.create_tenants();

-- Feature and plan limits --------------------------------------------------------------
select ok(not (private.entitlements(tests.id('globex')) -> 'features') ? 'voice_ai', 'the free plan lacks voice_ai');
select ok((select features @> '{voice_ai}' and not features @> '{voice}' from public.plans where key = 'pro') or not exists (select 1 from public.plans where key = 'pro'),
  'plans name the feature voice_ai');

select tests.authenticate_as('acme_agent1');
select throws_ok($$select public.voice_start_session(tests.id('acme'))$$,
  'SP402', 'plan feature required: voice_ai', 'without voice_ai a session does not start');
select tests.clear_authentication();

insert into public.feature_flags (org_id, key, enabled, note) values (tests.id('acme'), 'voice_ai', true, 'tests');
select tests.authenticate_as('acme_agent1');
select throws_ok($$select public.voice_start_session(tests.id('acme'))$$,
  'SP402', null, 'the feature without voice minutes in the plan: refused');
select tests.clear_authentication();

insert into public.feature_flags (org_id, key, limit_value, note) values (tests.id('acme'), 'voice_minutes_per_month', 10, 'tests');
insert into public.voice_settings (org_id, max_session_seconds) values (tests.id('acme'), 300);
select tests.authenticate_as('acme_agent1');
select is((select max_seconds from public.voice_start_session(tests.id('acme'))), 300,
  'a session starts, as long as the settings allow');
select tests.authenticate_as('globex_manager');
select throws_ok($$select public.voice_start_session(tests.id('acme'))$$, 'SP404', null, 'not for another organization');
select tests.clear_authentication();

-- 9 minutes used: one minute left caps the next session at 60 seconds.
update public.voice_sessions set started_at = now() - interval '9 minutes', max_seconds = 900 where org_id = tests.id('acme');
select tests.authenticate_as('acme_agent2');
select is((select max_seconds from public.voice_start_session(tests.id('acme'))), 60, 'the minutes left cap the length');
select tests.clear_authentication();
update public.voice_sessions set started_at = now() - interval '10 minutes' where user_id = tests.id('acme_agent2');
select tests.authenticate_as('acme_agent2');
select throws_ok($$select public.voice_start_session(tests.id('acme'))$$,
  'SP402', null, 'voice minutes used up: refused');
select tests.clear_authentication();

-- Cost over a price change ------------------------------------------------------------------
insert into public.voice_prices (org_id, price_per_minute, effective_from) values
  (tests.id('acme'), 0.10, '2026-06-01T00:00:00Z'),
  (tests.id('acme'), 0.20, '2026-06-01T00:05:00Z');
select is(private.voice_cost(tests.id('acme'), '2026-06-01T00:00:00Z', '2026-06-01T00:10:00Z'), 1.5000,
  '5 minutes at 0.10 and 5 at 0.20');
select is(private.voice_cost(tests.id('acme'), '2026-06-01T00:06:00Z', '2026-06-01T00:06:30Z'), 0.1000, 'half a minute at 0.20');
select is(private.voice_cost(tests.id('globex'), '2026-06-01T00:00:00Z', '2026-06-01T00:10:00Z'), 1.2000,
  'an organization without prices pays the platform default (0.12)');
select is(private.voice_cost(tests.id('acme'), '2026-06-01T00:10:00Z', '2026-06-01T00:00:00Z'), 0.0000, 'no time, no cost');

-- Ending a session ---------------------------------------------------------------------------
insert into public.voice_sessions (id, org_id, user_id, started_at, max_seconds)
values ('00000000-0000-4000-8000-00000000a001', tests.id('acme'), tests.id('acme_agent1'), '2026-06-01T00:04:00Z', 600);
insert into public.voice_usage_records (session_id, org_id, kind, provider, audio_seconds, provider_cost_usd)
values ('00000000-0000-4000-8000-00000000a001', tests.id('acme'), 'tts', 'elevenlabs', 20, 0.0125),
       ('00000000-0000-4000-8000-00000000a001', tests.id('acme'), 'stt', 'openai', 30, 0.0015);
select tests.authenticate_as('acme_agent1');
select throws_ok($$select public.voice_end_session('00000000-0000-4000-8000-00000000a001', now())$$,
  '42501', null, 'members cannot end sessions themselves (the function does)');
select tests.clear_authentication();
select results_eq(
  $$select status, seconds, billable_minutes, cost_usd, provider_cost_usd
      from public.voice_end_session('00000000-0000-4000-8000-00000000a001', '2026-06-01T00:06:30Z')$$,
  $$values ('ended'::text, 150.000::numeric(10,3), 3, 0.4000::numeric(12,4), 0.014::numeric(12,6))$$,
  '2.5 minutes: 3 billable, 1 minute at 0.10 + 1.5 at 0.20, provider cost summed');
select is((select quantity from public.usage_records where source_type = 'voice_session'
            and source_id = '00000000-0000-4000-8000-00000000a001'), 3.000, 'billable usage recorded');
select is((select seconds from public.voice_end_session('00000000-0000-4000-8000-00000000a001', '2026-06-01T01:00:00Z')),
  150.000::numeric(10,3), 'ending again changes nothing');
insert into public.voice_sessions (id, org_id, user_id, started_at, max_seconds)
values ('00000000-0000-4000-8000-00000000a002', tests.id('acme'), tests.id('acme_agent2'), '2026-06-01T00:00:00Z', 60);
select is((select seconds from public.voice_end_session('00000000-0000-4000-8000-00000000a002', '2026-06-01T00:30:00Z', 'limit_reached')),
  60.000::numeric(10,3), 'a session never runs past its maximum');
insert into public.voice_turns (session_id, seq, speaker, text) values
  ('00000000-0000-4000-8000-00000000a001', 1, 'rep', 'Hi, thanks for taking the call.'),
  ('00000000-0000-4000-8000-00000000a002', 1, 'rep', 'Hello.');

-- RLS per role ----------------------------------------------------------------------------------
select tests.authenticate_as('acme_agent1');
select is((select count(*)::int from public.voice_sessions where id in ('00000000-0000-4000-8000-00000000a001', '00000000-0000-4000-8000-00000000a002')),
  1, 'an agent reads their own sessions only');
select is((select count(*)::int from public.voice_turns), 1, 'and only their turns');
select is((select count(*)::int from public.voice_usage_records), 0, 'provider usage is for admins');
update public.voice_settings set max_session_seconds = 7200; -- RLS leaves an agent nothing to update
select is((select max_session_seconds from public.voice_settings where org_id = tests.id('acme')), 300,
  'agents read the settings; their update changes nothing');
select tests.authenticate_as('acme_manager');
select is((select count(*)::int from public.voice_sessions where id in ('00000000-0000-4000-8000-00000000a001', '00000000-0000-4000-8000-00000000a002')),
  0, 'a manager does not read others'' sessions');
select tests.authenticate_as('acme_admin');
select is((select count(*)::int from public.voice_sessions where id in ('00000000-0000-4000-8000-00000000a001', '00000000-0000-4000-8000-00000000a002')),
  2, 'an admin reads the organization''s sessions');
select throws_ok($$update public.voice_prices set price_per_minute = 0 where org_id = tests.id('acme')$$,
  '42501', null, 'prices are a history: not changed');
select tests.authenticate_as('globex_owner');
select is((select count(*)::int from public.voice_sessions), 0, 'another organization reads none');
select tests.clear_authentication();

-- The providers side by side (admins) ------------------------------------------------------------
select tests.authenticate_as('acme_admin');
select results_eq(
  $$select kind, provider, calls, errors, audio_minutes, cost_per_minute_usd
      from public.voice_provider_comparison(tests.id('acme'))$$,
  $$values ('stt'::text, 'openai'::text, 1::bigint, 0::bigint, 0.500::numeric, 0.003000::numeric),
           ('tts', 'elevenlabs', 1, 0, 0.333, 0.037500)$$,
  'an admin compares the providers: calls, errors, minutes, cost per minute');
select tests.authenticate_as('acme_agent2');
select throws_ok($$select * from public.voice_provider_comparison(tests.id('acme'))$$, 'SP403', null, 'agents do not');
select tests.authenticate_as('globex_owner');
select throws_ok($$select * from public.voice_provider_comparison(tests.id('acme'))$$, 'SP403', null, 'nor other organizations');
select tests.clear_authentication();

-- Abandoned sessions -------------------------------------------------------------------------------
insert into public.voice_sessions (id, org_id, user_id, started_at, max_seconds)
values ('00000000-0000-4000-8000-00000000a003', tests.id('globex'), tests.id('globex_owner'), now() - interval '1 hour', 120);
select is(private.voice_minutes_used(tests.id('globex')), 2::numeric, 'a session nobody ended counts up to its maximum only');
select is(private.end_stale_voice_sessions(), 2, 'the sweep ends the abandoned sessions (this one and agent2''s 60-second one)');
select is((select seconds from public.voice_sessions where id = '00000000-0000-4000-8000-00000000a003'), 120.000::numeric(10,3),
  'billed up to its maximum');

-- Retention purge and deletion of a user ---------------------------------------------------------
update public.voice_sessions set started_at = now() - interval '400 days', ended_at = now() - interval '400 days'
 where id = '00000000-0000-4000-8000-00000000a002';
select is(private.purge_voice_data(), 1, 'the purge deletes sessions past the 12-month retention');
delete from auth.users where id = tests.id('acme_agent1');
select is((select count(*)::int from public.voice_sessions where org_id = tests.id('acme')), 1,
  'deleting a user deletes their sessions (one of agent2''s is left)');

select * from finish();
rollback;

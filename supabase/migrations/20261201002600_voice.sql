-- Voice practice: personas (a voice per TTS provider), scenarios (on a SIM template), sessions
-- with their transcript turns, per-provider usage records, and the organization's voice settings
-- with a kept history of the price per minute. The plan's `voice_ai` feature and its
-- `voice_minutes_per_month` limit are enforced here (SP402) when a session starts.
--
-- Usage while the session runs: the stream meters the session (public.voice_meter) at every
-- turn and on a timer, writing one `session` row per stretch of time into voice_usage_records,
-- each at the price in force (voice_prices history), and answers the running figures (seconds,
-- billable minutes, cost) and what is left under the session's maximum and the plan's voice
-- minutes — the stream ends the session at the limit. Ending a session meters the last stretch
-- and takes its cost as the sum of the session's rows, so nothing is counted twice.
--
-- Cost of a stretch = cost of the session up to its end minus what the earlier stretches were
-- billed (cumulative and rounded to 4 decimals): the rows add up exactly to voice_cost() over the
-- whole session. Seconds are cumulative in the same way (3 decimals).
--
-- Recordings: the audio of each turn (the rep's microphone, the buyer's voice) as a WAV,
-- kept only when the organization turned recording on (voice_settings.recording_enabled), in
-- Postgres (no object storage runs locally). Not exposed to the API: the voice-recording
-- function serves a session's recording to its owner and the organization's admins (an RLS
-- check on voice_sessions, then a signed 5-minute URL). Purged with the transcripts (the data
-- registry's window and the voice retention job: with their session), and deleted with the
-- user (their sessions cascade) and by a deletion request for the member.

create table public.voice_personas (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (length(name) between 1 and 100),
  persona text not null check (length(persona) between 1 and 4000),
  -- The voice id per TTS provider, e.g. {"elevenlabs": "21m00Tcm4TlvDq8ikWAM", "openai": "coral"}.
  voices jsonb not null default '{}' check (jsonb_typeof(voices) = 'object' and length(voices::text) <= 1000),
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now()
);
comment on table public.voice_personas is 'The AI buyer''s voice: persona text and a voice per TTS provider (voices: {provider: voice_id}).';

create table public.voice_scenarios (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  persona_id uuid not null references public.voice_personas (id) on delete restrict,
  -- The SIM template the buyer and the scorer run on.
  sim_template_id uuid references public.sim_templates (id) on delete set null,
  title text not null check (length(title) between 1 and 200),
  brief text not null default '' check (length(brief) <= 4000),
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now()
);
comment on table public.voice_scenarios is 'A voice role-play: a persona on a SIM template (sim_template_id).';

create table public.voice_settings (
  org_id uuid primary key references public.organizations (id) on delete cascade,
  tts_providers text[] not null default '{elevenlabs,openai,openrouter}'
    check (tts_providers <@ '{elevenlabs,openai,openrouter}' and cardinality(tts_providers) between 1 and 3),
  stt_providers text[] not null default '{openai,openrouter}'
    check (stt_providers <@ '{openai,openrouter}' and cardinality(stt_providers) between 1 and 2),
  turn_enabled boolean not null default true,
  max_session_seconds integer not null default 900 check (max_session_seconds between 60 and 7200),
  recording_enabled boolean not null default false,
  retention_days integer not null default 365 check (retention_days between 1 and 3650),
  updated_by uuid references auth.users (id) on delete set null default auth.uid(),
  updated_at timestamptz not null default now()
);
comment on table public.voice_settings is 'Per organization: provider order, TURN on/off, maximum session length, recording and retention. Prices live in voice_prices.';

create table public.voice_prices (
  id uuid primary key default gen_random_uuid(),
  -- null: the platform's default price, used by organizations without a price of their own.
  org_id uuid references public.organizations (id) on delete cascade,
  price_per_minute numeric(10, 4) not null check (price_per_minute >= 0 and price_per_minute <= 100),
  effective_from timestamptz not null default now(),
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  unique nulls not distinct (org_id, effective_from)
);
comment on table public.voice_prices is 'Price per voice minute (USD) over time, append-only: a new row from effective_from on; org_id null = platform default.';

create table public.voice_sessions (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  -- Deleting a user deletes their sessions, turns and recordings.
  user_id uuid not null references auth.users (id) on delete cascade default auth.uid(),
  scenario_id uuid references public.voice_scenarios (id) on delete set null,
  status text not null default 'active' check (status in ('active', 'ended', 'limit_reached', 'failed')),
  end_reason text check (length(end_reason) <= 200),
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  max_seconds integer not null check (max_seconds > 0),
  seconds numeric(10, 3) not null default 0 check (seconds >= 0),
  billable_minutes integer,
  cost_usd numeric(12, 4),
  provider_cost_usd numeric(12, 6) not null default 0,
  last_event_seq integer not null default 0,
  recording_path text check (length(recording_path) <= 500),
  score jsonb,
  created_at timestamptz not null default now(),
  check (ended_at is null or ended_at >= started_at)
);
comment on table public.voice_sessions is 'A voice role-play session of a user: limits, minutes, cost (customer price) and provider cost, the score from the SIM scorer.';

create table public.voice_turns (
  session_id uuid not null references public.voice_sessions (id) on delete cascade,
  seq integer not null check (seq > 0),
  speaker text not null check (speaker in ('rep', 'buyer', 'system')),
  text text not null check (length(text) <= 8000),
  provider text check (length(provider) <= 40),
  at timestamptz not null default now(),
  -- Like every tenant table (isolation, the registry, suspension): set from the session on insert.
  org_id uuid not null references public.organizations (id) on delete cascade,
  primary key (session_id, seq)
);
comment on table public.voice_turns is 'Transcript turns of a voice session as they happen; seq is the session''s event number a client resumes from.';

create table public.voice_usage_records (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references public.voice_sessions (id) on delete cascade,
  org_id uuid not null references public.organizations (id) on delete cascade,
  kind text not null check (kind in ('stt', 'tts', 'session')),
  provider text not null check (length(provider) <= 40),
  model text check (length(model) <= 100),
  ok boolean not null default true,
  audio_seconds numeric(10, 3) not null default 0 check (audio_seconds >= 0),
  latency_ms integer check (latency_ms >= 0),
  provider_cost_usd numeric(12, 6) not null default 0 check (provider_cost_usd >= 0),
  error text check (length(error) <= 500),
  occurred_at timestamptz not null default now(),
  billed_from timestamptz,
  billed_to timestamptz,
  cost_usd numeric(12, 4) not null default 0 check (cost_usd >= 0),
  price_per_minute numeric(10, 4) check (price_per_minute >= 0),
  constraint voice_usage_records_stretch_check check (
    (kind = 'session') = (billed_from is not null and billed_to is not null) and (billed_to is null or billed_to > billed_from))
);
comment on table public.voice_usage_records is 'What each provider call of a voice session did: latency, outcome, audio seconds and provider cost; written while the session runs.';
comment on column public.voice_usage_records.billed_from is 'kind session: the stretch of session time this row bills, from …';
comment on column public.voice_usage_records.billed_to is '… to (audio_seconds is its length, cost_usd its customer cost).';
comment on column public.voice_usage_records.cost_usd is 'kind session: customer cost of the stretch (USD) at the prices in force; 0 for provider calls.';
comment on column public.voice_usage_records.price_per_minute is 'kind session: the price per minute in force at billed_to.';

create table public.voice_recordings (
  session_id uuid not null references public.voice_sessions (id) on delete cascade,
  seq integer not null,
  org_id uuid not null references public.organizations (id) on delete cascade,
  speaker text not null check (speaker in ('rep', 'buyer')),
  sample_rate integer not null check (sample_rate in (16000, 24000)),
  seconds numeric(8, 3) not null check (seconds > 0 and seconds <= 60),
  -- A mono 16-bit PCM WAV, at most 60 seconds at 24 kHz (the stream cuts a longer turn).
  audio bytea not null check (octet_length(audio) between 46 and 2880044 and substring(audio from 1 for 4) = '\x52494646'::bytea),
  created_at timestamptz not null default now(),
  primary key (session_id, seq),
  foreign key (session_id, seq) references public.voice_turns (session_id, seq) on delete cascade
);
comment on table public.voice_recordings is
  'The audio of a voice session''s turns (WAV), written by the stream only when the organization records; served by voice-recording to the session''s owner and the organization''s admins.';

create index voice_personas_org_idx on public.voice_personas (org_id);
create index voice_personas_created_by_idx on public.voice_personas (created_by);
create index voice_scenarios_org_idx on public.voice_scenarios (org_id);
create index voice_scenarios_persona_idx on public.voice_scenarios (persona_id);
create index voice_scenarios_created_by_idx on public.voice_scenarios (created_by);
create index voice_settings_updated_by_idx on public.voice_settings (updated_by);
create index voice_prices_org_idx on public.voice_prices (org_id, effective_from);
create index voice_prices_created_by_idx on public.voice_prices (created_by);
create index voice_sessions_org_started_idx on public.voice_sessions (org_id, started_at);
create index voice_sessions_user_idx on public.voice_sessions (user_id);
create index voice_sessions_scenario_idx on public.voice_sessions (scenario_id);
create index voice_usage_session_idx on public.voice_usage_records (session_id);
create index voice_usage_org_idx on public.voice_usage_records (org_id, occurred_at);
-- One row per stretch start: a retried or concurrent meter cannot bill the same time twice.
create unique index voice_usage_records_stretch_idx on public.voice_usage_records (session_id, billed_from) where kind = 'session';
create index voice_recordings_org_idx on public.voice_recordings (org_id, created_at);

-- Cost: seconds × the price in force at each instant ----------------------------

create function private.voice_price_at(p_org_id uuid, p_at timestamptz)
returns numeric
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(
    (select p.price_per_minute from public.voice_prices p
      where p.org_id = p_org_id and p.effective_from <= p_at order by p.effective_from desc limit 1),
    (select p.price_per_minute from public.voice_prices p
      where p.org_id is null and p.effective_from <= p_at order by p.effective_from desc limit 1),
    0);
$$;
comment on function private.voice_price_at(uuid, timestamptz) is
  'The price per voice minute in force for the organization at p_at: its own latest price, else the platform default, else 0.';

create function private.voice_cost(p_org_id uuid, p_from timestamptz, p_to timestamptz)
returns numeric
language sql
stable
security definer
set search_path = ''
as $$
  -- Split [p_from, p_to) where a price changes; each part at the price in force at its start.
  with cuts as (
    select p_from as t
    union
    select p.effective_from from public.voice_prices p
     where (p.org_id = p_org_id or p.org_id is null) and p.effective_from > p_from and p.effective_from < p_to
  ), parts as (
    select t as a, coalesce(lead(t) over (order by t), p_to) as b from cuts
  )
  select round(coalesce(sum(extract(epoch from (b - a)) / 60 * private.voice_price_at(p_org_id, a)), 0), 4)
    from parts where p_to > p_from;
$$;
comment on function private.voice_cost(uuid, timestamptz, timestamptz) is
  'Customer cost (USD, 4 decimals) of voice time from p_from to p_to, each stretch at the price per minute in force then (voice_prices history).';

-- Starting and ending a session --------------------------------------------------

-- A running session counts against the voice minutes only up to its maximum length.
create function private.voice_minutes_used(p_org_id uuid)
returns numeric
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(sum(case when s.ended_at is null
                           then least(extract(epoch from (now() - s.started_at)), s.max_seconds)
                           else s.seconds end) / 60, 0)
    from public.voice_sessions s
   where s.org_id = p_org_id and s.started_at >= private.period_start(p_org_id);
$$;
comment on function private.voice_minutes_used(uuid) is
  'Voice minutes of the organization this billing period; running sessions count up to now, at most their max_seconds.';

create function public.voice_start_session(p_org_id uuid, p_scenario_id uuid default null)
returns public.voice_sessions
language plpgsql
-- security definer: reads entitlements and usage of the organization, and inserts the session.
security definer
set search_path = ''
as $$
declare
  v_limit numeric;
  v_used numeric;
  v_max integer;
  v_row public.voice_sessions;
begin
  perform private.require_user();
  if not private.is_member(p_org_id) then
    raise exception 'organization not found' using errcode = 'SP404';
  end if;
  perform private.assert_feature(p_org_id, 'voice_ai');
  if p_scenario_id is not null and not exists (
    select 1 from public.voice_scenarios sc where sc.id = p_scenario_id and sc.org_id = p_org_id) then
    raise exception 'scenario not found' using errcode = 'SP404';
  end if;
  v_limit := (private.entitlements(p_org_id) -> 'limits' ->> 'voice_minutes_per_month')::numeric;
  v_used := private.voice_minutes_used(p_org_id);
  if coalesce(v_limit, 0) <= v_used then
    raise exception 'voice minutes used up for this period (% of %)', round(v_used, 1), coalesce(v_limit, 0)
      using errcode = 'SP402', hint = 'Upgrade the plan on the billing page.';
  end if;
  v_max := least(
    coalesce((select vs.max_session_seconds from public.voice_settings vs where vs.org_id = p_org_id), 900),
    ceil((v_limit - v_used) * 60)::integer);
  insert into public.voice_sessions (org_id, user_id, scenario_id, max_seconds)
  values (p_org_id, auth.uid(), p_scenario_id, greatest(v_max, 1))
  returning * into v_row;
  return v_row;
end;
$$;
comment on function public.voice_start_session(uuid, uuid) is
  'Starts a voice session for the caller: needs the voice_ai feature and voice minutes left (SP402); max_seconds is the lesser of the settings'' length and the minutes left.';

create function private.voice_bill_until(p_session public.voice_sessions, p_to timestamptz, p_min_seconds numeric default 1)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_from timestamptz;
  v_to timestamptz := least(p_to, p_session.started_at + make_interval(secs => p_session.max_seconds));
  v_seconds numeric;
  v_cost numeric;
begin
  select coalesce(max(u.billed_to), p_session.started_at), coalesce(sum(u.audio_seconds), 0), coalesce(sum(u.cost_usd), 0)
    into v_from, v_seconds, v_cost
    from public.voice_usage_records u where u.session_id = p_session.id and u.kind = 'session';
  if v_to <= v_from or extract(epoch from (v_to - v_from)) < p_min_seconds then
    return;
  end if;
  insert into public.voice_usage_records
    (session_id, org_id, kind, provider, audio_seconds, billed_from, billed_to, cost_usd, price_per_minute, occurred_at)
  values (p_session.id, p_session.org_id, 'session', 'salespulse',
          round(extract(epoch from (v_to - p_session.started_at)), 3) - v_seconds,
          v_from, v_to,
          private.voice_cost(p_session.org_id, p_session.started_at, v_to) - v_cost,
          private.voice_price_at(p_session.org_id, v_to), v_to);
end;
$$;
comment on function private.voice_bill_until(public.voice_sessions, timestamptz, numeric) is
  'Writes the session''s usage row for the time since its last one up to p_to (capped at max_seconds), unless shorter than p_min_seconds: seconds and cost cumulative minus what was billed already.';

create function public.voice_meter(p_session_id uuid, p_at timestamptz)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_row public.voice_sessions;
  v_seconds numeric;
  v_cost numeric;
  v_limit numeric;
  v_plan_left numeric;
  v_session_left numeric;
begin
  select * into v_row from public.voice_sessions where id = p_session_id for update;
  if not found then
    raise exception 'voice session not found' using errcode = 'SP404';
  end if;
  if v_row.ended_at is null then
    perform private.voice_bill_until(v_row, p_at);
  end if;
  select coalesce(sum(u.audio_seconds), 0), coalesce(sum(u.cost_usd), 0) into v_seconds, v_cost
    from public.voice_usage_records u where u.session_id = p_session_id and u.kind = 'session';
  v_limit := coalesce((private.entitlements(v_row.org_id) -> 'limits' ->> 'voice_minutes_per_month')::numeric, 0);
  -- Every session of the organization this period, this one included up to now.
  v_plan_left := v_limit * 60 - private.voice_minutes_used(v_row.org_id) * 60;
  v_session_left := v_row.max_seconds - extract(epoch from (greatest(p_at, v_row.started_at) - v_row.started_at));
  return jsonb_build_object(
    'ended', v_row.ended_at is not null,
    'seconds', v_seconds,
    'billable_minutes', ceil(v_seconds / 60)::integer,
    'cost_usd', v_cost,
    'price_per_minute', private.voice_price_at(v_row.org_id, p_at),
    'seconds_left', round(greatest(0, least(v_plan_left, v_session_left)), 3),
    'limit', case when v_plan_left < v_session_left then 'plan' else 'session' end);
end;
$$;
comment on function public.voice_meter(uuid, timestamptz) is
  'Backend only (voice-stream-audio): bills the running session up to p_at (a voice_usage_records row of kind session) and answers its seconds, billable minutes and cost so far, the price in force, and the seconds left under the lesser of its maximum and the plan''s voice minutes (limit: session | plan).';

-- Ending bills the last stretch; the cost is what the session's rows add up to.
create function public.voice_end_session(p_session_id uuid, p_ended_at timestamptz, p_status text default 'ended', p_reason text default null)
returns public.voice_sessions
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_row public.voice_sessions;
  v_end timestamptz;
begin
  select * into v_row from public.voice_sessions where id = p_session_id for update;
  if not found then
    raise exception 'voice session not found' using errcode = 'SP404';
  end if;
  if v_row.ended_at is not null then
    return v_row; -- ended already: idempotent
  end if;
  if p_status not in ('ended', 'limit_reached', 'failed') then
    raise exception 'invalid end status %', p_status using errcode = 'SP400';
  end if;
  v_end := least(greatest(p_ended_at, v_row.started_at), v_row.started_at + make_interval(secs => v_row.max_seconds));
  -- Never before what the stream has billed already (its clock may run a little ahead).
  v_end := greatest(v_end, coalesce((select max(u.billed_to) from public.voice_usage_records u
                                      where u.session_id = p_session_id and u.kind = 'session'), v_end));
  perform private.voice_bill_until(v_row, v_end, 0);
  update public.voice_sessions s set
    status = p_status,
    end_reason = left(p_reason, 200),
    ended_at = v_end,
    seconds = round(extract(epoch from (v_end - v_row.started_at)), 3),
    billable_minutes = ceil(round(extract(epoch from (v_end - v_row.started_at)), 3) / 60)::integer,
    cost_usd = (select coalesce(sum(u.cost_usd), 0) from public.voice_usage_records u
                 where u.session_id = p_session_id and u.kind = 'session'),
    provider_cost_usd = (select coalesce(sum(u.provider_cost_usd), 0) from public.voice_usage_records u
                          where u.session_id = p_session_id and u.kind <> 'session')
   where s.id = p_session_id
  returning * into v_row;
  insert into public.usage_records (org_id, kind, quantity, source_type, source_id, occurred_at)
  values (v_row.org_id, 'voice_minutes', v_row.billable_minutes, 'voice_session', v_row.id, v_end)
  on conflict (kind, source_type, source_id) do nothing;
  return v_row;
end;
$$;
comment on function public.voice_end_session(uuid, timestamptz, text, text) is
  'Backend only (voice-end-session, the stream at the limit, the stale sweep): ends a session at p_ended_at (capped at its max_seconds, never before what was billed): bills the last stretch, seconds, billable minutes (rounded up), customer cost = the sum of the session''s usage rows, provider cost, and a voice_minutes usage record. Idempotent.';


-- Retention: transcripts and recordings older than the organization's retention ----------

create function private.purge_voice_data()
returns integer
language sql
security definer
set search_path = ''
as $$
  with gone as (
    delete from public.voice_sessions s
     where s.ended_at is not null
       and s.ended_at < now() - make_interval(days => coalesce(
         (select vs.retention_days from public.voice_settings vs where vs.org_id = s.org_id), 365))
    returning 1)
  select count(*)::integer from gone;
$$;
comment on function private.purge_voice_data() is
  'pg_cron, daily: deletes voice sessions (turns, recordings, usage records) that ended before the organization''s retention (365 days by default). Billable usage_records stay.';
select cron.schedule('purge-voice-data', '17 3 * * *', 'select private.purge_voice_data()');

create function private.set_voice_turn_org()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.org_id := (select s.org_id from public.voice_sessions s where s.id = new.session_id);
  return new;
end;
$$;
comment on function private.set_voice_turn_org() is 'voice_turns: the organization is the session''s.';
create trigger voice_turns_org before insert on public.voice_turns
  for each row execute function private.set_voice_turn_org();

-- Sessions nobody ended (the browser went away): a pg_cron sweep ends those
-- past their maximum length, billing them like any other (voice_end_session
-- caps them at max_seconds).
create function private.end_stale_voice_sessions()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
  v_n integer := 0;
begin
  for v_id in
    select s.id from public.voice_sessions s
     where s.ended_at is null and s.started_at + make_interval(secs => s.max_seconds) + interval '5 minutes' < now()
  loop
    perform public.voice_end_session(v_id, now(), 'ended', 'abandoned: not ended by the client');
    v_n := v_n + 1;
  end loop;
  return v_n;
end;
$$;
comment on function private.end_stale_voice_sessions() is
  'pg_cron, every minute: ends voice sessions 5 minutes past their maximum length that no client ended (billed up to max_seconds).';
revoke execute on function private.end_stale_voice_sessions() from public, anon, authenticated;
select cron.schedule('end-stale-voice-sessions', '* * * * *', 'select private.end_stale_voice_sessions()');

-- RLS ------------------------------------------------------------------------------
alter table public.voice_personas enable row level security;
alter table public.voice_scenarios enable row level security;
alter table public.voice_settings enable row level security;
alter table public.voice_prices enable row level security;
alter table public.voice_sessions enable row level security;
alter table public.voice_turns enable row level security;
alter table public.voice_usage_records enable row level security;
alter table public.voice_recordings enable row level security;

create policy "Members read personas" on public.voice_personas for select to authenticated
  using (org_id in (select private.user_org_ids()));
create policy "Managers write personas" on public.voice_personas for all to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])))
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Members read scenarios" on public.voice_scenarios for select to authenticated
  using (org_id in (select private.user_org_ids()));
create policy "Managers write scenarios" on public.voice_scenarios for all to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])))
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Members read voice settings" on public.voice_settings for select to authenticated
  using (org_id in (select private.user_org_ids()));
create policy "Admins write voice settings" on public.voice_settings for all to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])))
  with check (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])));
create policy "Members read prices" on public.voice_prices for select to authenticated
  using (org_id is null or org_id in (select private.user_org_ids()));
create policy "Admins add prices" on public.voice_prices for insert to authenticated
  with check (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])));
create policy "Owners and admins read sessions" on public.voice_sessions for select to authenticated
  using (user_id = (select auth.uid())
         or org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])));
create policy "Owners and admins read turns" on public.voice_turns for select to authenticated
  using (session_id in (select s.id from public.voice_sessions s));
create policy "Admins read provider usage" on public.voice_usage_records for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])));
-- No API role gets a grant; this policy says so to the RLS advisor too (no row matches), and
-- keeps a later grant from exposing the audio by accident.
create policy "Served by voice-recording only" on public.voice_recordings for all to authenticated
  using (false) with check (false);

revoke all on public.voice_personas, public.voice_scenarios, public.voice_settings, public.voice_prices,
  public.voice_sessions, public.voice_turns, public.voice_usage_records from anon, authenticated;
grant select, delete on public.voice_personas, public.voice_scenarios to authenticated;
grant insert (org_id, name, persona, voices), update (name, persona, voices) on public.voice_personas to authenticated;
grant insert (org_id, persona_id, sim_template_id, title, brief), update (persona_id, sim_template_id, title, brief)
  on public.voice_scenarios to authenticated;
grant select on public.voice_settings to authenticated;
grant insert (org_id, tts_providers, stt_providers, turn_enabled, max_session_seconds, recording_enabled, retention_days),
  update (tts_providers, stt_providers, turn_enabled, max_session_seconds, recording_enabled, retention_days)
  on public.voice_settings to authenticated;
-- Prices are a history: added, never changed or removed.
grant select, insert (org_id, price_per_minute, effective_from) on public.voice_prices to authenticated;
grant select on public.voice_sessions, public.voice_turns, public.voice_usage_records to authenticated;
grant all on public.voice_personas, public.voice_scenarios, public.voice_settings, public.voice_prices,
  public.voice_sessions, public.voice_turns, public.voice_usage_records to service_role;
revoke all on public.voice_recordings from anon, authenticated;
grant all on public.voice_recordings to service_role;

revoke execute on function public.voice_start_session(uuid, uuid) from public, anon;
grant execute on function public.voice_start_session(uuid, uuid) to authenticated, service_role;
revoke execute on function public.voice_end_session(uuid, timestamptz, text, text) from public, anon, authenticated;
grant execute on function public.voice_end_session(uuid, timestamptz, text, text) to service_role;
revoke execute on function public.voice_meter(uuid, timestamptz) from public, anon, authenticated;
grant execute on function public.voice_meter(uuid, timestamptz) to service_role;
revoke execute on function private.voice_bill_until(public.voice_sessions, timestamptz, numeric) from public, anon, authenticated;
revoke execute on function private.voice_cost(uuid, timestamptz, timestamptz), private.voice_price_at(uuid, timestamptz),
  private.voice_minutes_used(uuid), private.purge_voice_data() from public, anon, authenticated;

-- The platform's default price per voice minute, from the start.
insert into public.voice_prices (org_id, price_per_minute, effective_from) values (null, 0.1200, '2026-01-01T00:00:00Z');

-- Indexes -------------------------------------------------------------------------
create index voice_scenarios_sim_template_id_idx on public.voice_scenarios (sim_template_id);
create index voice_turns_org_id_idx on public.voice_turns (org_id);

-- The side-by-side comparison of the voice providers for an organization's admins: per kind
-- (stt/tts) and provider over the last p_days — calls, errors, error rate, median latency,
-- audio minutes, provider cost and cost per minute — from voice_usage_records (provider calls
-- only: the session's own time rows are not a provider).

create function public.voice_provider_comparison(p_org_id uuid, p_days integer default 30)
returns table (
  kind text,
  provider text,
  calls bigint,
  errors bigint,
  error_rate numeric,
  p50_latency_ms numeric,
  audio_minutes numeric,
  provider_cost_usd numeric,
  cost_per_minute_usd numeric
)
language plpgsql
stable
-- security definer: aggregates the organization's usage after the admin check below.
security definer
set search_path = ''
as $$
begin
  perform private.require_user();
  if not (private.has_org_role(p_org_id, array['owner', 'admin']::public.org_role[]) or private.is_platform_admin()) then
    raise exception 'only owners and admins compare voice providers' using errcode = 'SP403';
  end if;
  if p_days is null or p_days < 1 or p_days > 366 then
    raise exception 'p_days must be between 1 and 366' using errcode = 'SP400';
  end if;
  return query
    select u.kind, u.provider,
           count(*),
           count(*) filter (where not u.ok),
           round((count(*) filter (where not u.ok))::numeric / count(*), 4),
           (percentile_cont(0.5) within group (order by u.latency_ms) filter (where u.ok))::numeric,
           round(sum(u.audio_seconds) / 60, 3),
           round(sum(u.provider_cost_usd), 6),
           case when sum(u.audio_seconds) > 0 then round(sum(u.provider_cost_usd) / (sum(u.audio_seconds) / 60), 6) end
      from public.voice_usage_records u
     where u.org_id = p_org_id and u.kind in ('stt', 'tts') and u.occurred_at >= now() - make_interval(days => p_days)
     group by u.kind, u.provider
     order by u.kind, u.provider;
end;
$$;
comment on function public.voice_provider_comparison(uuid, integer) is
  'Owners and admins (and staff): the voice providers side by side over the last p_days — calls, errors, error rate, median latency, audio minutes, provider cost and cost per minute.';
revoke execute on function public.voice_provider_comparison(uuid, integer) from public, anon;
grant execute on function public.voice_provider_comparison(uuid, integer) to authenticated;

-- Registry: a member's sessions (with their turns and usage) go with them.
insert into private.data_rules
  (table_name, position, org_column, time_column, retention_action, call_column, match_columns, erase_action,
   user_columns, user_action, anonymise, recording_column, note) values
  ('voice_usage_records', 22, 'org_id', null, 'keep', null, '{error}', 'delete',
   '{}', 'nullify', '{}', null, 'Provider usage stays for costs; it goes with its session.'),
  ('voice_sessions', 23, 'org_id', null, 'keep', null, '{end_reason}', 'delete',
   '{user_id}', 'delete', '{}', null, 'A member''s voice sessions (turns and usage with them) are erased with them.'),
  ('voice_scenarios', 24, 'org_id', null, 'keep', null, '{}', 'delete',
   '{created_by}', 'nullify', '{}', null, 'Scenarios stay without their author.'),
  ('voice_personas', 25, 'org_id', null, 'keep', null, '{}', 'delete',
   '{created_by}', 'nullify', '{}', null, 'Personas stay without their author.'),
  ('voice_settings', 26, 'org_id', null, 'keep', null, '{}', 'delete',
   '{updated_by}', 'nullify', '{}', null, 'Settings stay without their editor.'),
  ('voice_turns', 21, 'org_id', 'at', 'delete', null, '{text}', 'delete',
   '{}', 'nullify', '{}', null, 'Voice transcripts go with the window and with their session.'),
  ('voice_recordings', 20, 'org_id', 'created_at', 'delete', null, '{}', 'delete',
   '{}', 'nullify', '{}', null, 'Recorded voice audio goes with the window and with its session (and its member).');

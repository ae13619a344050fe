-- Voice usage while the session runs: the stream meters the session (public.voice_meter) at every
-- turn and on a timer, writing one `session` row per stretch of time into voice_usage_records,
-- each at the price in force (voice_prices history), and answers the running figures (seconds,
-- billable minutes, cost) and what is left under the session's maximum and the plan's voice
-- minutes — the stream ends the session at the limit. Ending a session meters the last stretch
-- and takes its cost as the sum of the session's rows, so nothing is counted twice.
--
-- Cost of a stretch = cost of the session up to its end minus what the earlier stretches were
-- billed (cumulative and rounded to 4 decimals): the rows add up exactly to voice_cost() over the
-- whole session. Seconds are cumulative in the same way (3 decimals).

alter table public.voice_usage_records
  add column billed_from timestamptz,
  add column billed_to timestamptz,
  add column cost_usd numeric(12, 4) not null default 0 check (cost_usd >= 0),
  add column price_per_minute numeric(10, 4) check (price_per_minute >= 0),
  add constraint voice_usage_records_stretch_check check (
    (kind = 'session') = (billed_from is not null and billed_to is not null) and (billed_to is null or billed_to > billed_from));
comment on column public.voice_usage_records.billed_from is 'kind session: the stretch of session time this row bills, from …';
comment on column public.voice_usage_records.billed_to is '… to (audio_seconds is its length, cost_usd its customer cost).';
comment on column public.voice_usage_records.cost_usd is 'kind session: customer cost of the stretch (USD) at the prices in force; 0 for provider calls.';
comment on column public.voice_usage_records.price_per_minute is 'kind session: the price per minute in force at billed_to.';
-- One row per stretch start: a retried or concurrent meter cannot bill the same time twice.
create unique index voice_usage_records_stretch_idx on public.voice_usage_records (session_id, billed_from) where kind = 'session';

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
revoke execute on function public.voice_meter(uuid, timestamptz) from public, anon, authenticated;
grant execute on function public.voice_meter(uuid, timestamptz) to service_role;
revoke execute on function private.voice_bill_until(public.voice_sessions, timestamptz, numeric) from public, anon, authenticated;

-- Ending bills the last stretch; the cost is what the session's rows add up to.
create or replace function public.voice_end_session(p_session_id uuid, p_ended_at timestamptz, p_status text default 'ended', p_reason text default null)
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

-- The providers side by side: provider calls only (the session's own time rows are not a provider).
create or replace function public.voice_provider_comparison(p_org_id uuid, p_days integer default 30)
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

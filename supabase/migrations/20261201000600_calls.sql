-- Calls: one row per phone call, idempotent on the Twilio SIDs; the webhook
-- RPCs (service role only) that route a call and ingest its recording, the
-- worker's status moves, and call search.
--
-- Error codes: see supabase/functions/_shared/errors.ts.

-- Types ------------------------------------------------------------------------
create type public.call_status as enum
  ('in_progress', 'received', 'transcribing', 'analyzing', 'analyzed', 'failed', 'not_analyzed', 'orphaned');
comment on type public.call_status is
  'in_progress (voice webhook seen) -> received (recording ready) -> transcribing -> analyzing -> analyzed | failed | not_analyzed (kept, but the consent its jurisdiction requires is missing: see call_consents); orphaned = no organization owns the number.';

-- Tables -----------------------------------------------------------------------
create table public.calls (
  id uuid primary key default gen_random_uuid(),
  -- null while a recording callback is not yet resolved to a number/tenant,
  -- and for orphaned calls (numbers nobody owns; visible to staff only).
  org_id uuid references public.organizations (id) on delete cascade,
  agent_id uuid references public.agents (id) on delete set null,
  phone_number_id uuid references public.phone_numbers (id) on delete set null,
  twilio_call_sid text not null unique check (twilio_call_sid ~ '^CA[0-9a-fA-F]{32}$'),
  twilio_recording_sid text unique check (twilio_recording_sid ~ '^RE[0-9a-fA-F]{32}$'),
  direction text not null default 'inbound' check (direction in ('inbound', 'outbound')),
  from_number text,
  to_number text,
  started_at timestamptz,
  duration_seconds integer check (duration_seconds >= 0),
  recording_url text,
  recording_channels smallint check (recording_channels in (1, 2)),
  recording_status text,
  status public.call_status not null default 'received',
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.calls is
  'One row per phone call, idempotent on the Twilio SIDs. Written by the webhooks and the worker (service role); read by members under RLS.';

-- Indexes ------------------------------------------------------------------------
create index calls_org_id_started_at_idx on public.calls (org_id, started_at desc);
create index calls_agent_id_idx on public.calls (agent_id);
create index calls_phone_number_id_idx on public.calls (phone_number_id);
create index calls_unresolved_idx on public.calls (created_at) where org_id is null;

-- Triggers -----------------------------------------------------------------------
create trigger calls_updated_at before update on public.calls
  for each row execute function private.set_updated_at();

-- RLS ------------------------------------------------------------------------
alter table public.calls enable row level security;

create policy "Managers read their organization's calls; agents their own" on public.calls
  for select to authenticated
  using (
    org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
    or agent_id in (select a.id from public.agents a where a.user_id = (select auth.uid()))
    or (select private.is_platform_admin())
  );

revoke all on public.calls from anon, authenticated;
grant select on public.calls to authenticated;

-- Webhook RPCs (service role only) --------------------------------------------------

create function public.twilio_voice_route(p_call_sid text, p_from text, p_to text, p_direction text default 'inbound')
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_num public.phone_numbers;
  v_agent public.agents;
  v_org public.organizations;
begin
  select * into v_num from public.phone_numbers where e164 = p_to and status = 'active';
  if not found then
    return jsonb_build_object('known', false);
  end if;
  select * into v_org from public.organizations where id = v_num.org_id;
  select * into v_agent from public.agents where id = v_num.agent_id and active;
  insert into public.calls (org_id, agent_id, phone_number_id, twilio_call_sid, direction, from_number, to_number, started_at, status)
  values (v_num.org_id, v_agent.id, v_num.id, p_call_sid,
          case when p_direction like 'outbound%' then 'outbound' else 'inbound' end, p_from, p_to, now(), 'in_progress')
  on conflict (twilio_call_sid) do nothing;
  return jsonb_build_object(
    'known', true,
    'org_id', v_org.id,
    'recording_notice', v_org.recording_notice,
    'dial', coalesce(v_num.forward_to, v_agent.phone),
    'agent_id', v_agent.id);
end;
$$;
comment on function public.twilio_voice_route(text, text, text, text) is
  'Backend only (twilio-voice): where to send a call to p_to, and the call row it starts. known=false for numbers nobody owns.';

create function public.ingest_recording(p jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_call public.calls;
  v_job bigint;
  v_completed boolean := (p ->> 'RecordingStatus') = 'completed';
begin
  insert into public.calls as c (twilio_call_sid, twilio_recording_sid, recording_url, recording_channels,
                                 recording_status, duration_seconds, started_at, status)
  values (
    p ->> 'CallSid', p ->> 'RecordingSid', p ->> 'RecordingUrl',
    nullif(p ->> 'RecordingChannels', '')::smallint,
    p ->> 'RecordingStatus',
    nullif(p ->> 'RecordingDuration', '')::integer,
    coalesce(nullif(p ->> 'started_at', '')::timestamptz, now()),
    case when v_completed then 'received'::public.call_status else 'failed' end)
  on conflict (twilio_call_sid) do update
     set twilio_recording_sid = coalesce(c.twilio_recording_sid, excluded.twilio_recording_sid),
         recording_url = excluded.recording_url,
         recording_channels = excluded.recording_channels,
         recording_status = excluded.recording_status,
         duration_seconds = excluded.duration_seconds,
         started_at = coalesce(c.started_at, excluded.started_at),
         -- a retried callback never moves a call backwards in the pipeline
         status = case when c.status in ('in_progress', 'received')
                       then excluded.status else c.status end,
         error = case when excluded.status = 'failed' then 'recording ' || coalesce(excluded.recording_status, 'failed') else c.error end
  returning * into v_call;

  if v_completed then
    v_job := public.enqueue_job('analyze_call', v_call.org_id,
      jsonb_build_object('call_id', v_call.id), 'analyze_call:' || (p ->> 'RecordingSid'));
  end if;
  return jsonb_build_object('call_id', v_call.id, 'job_id', v_job, 'org_id', v_call.org_id);
end;
$$;
comment on function public.ingest_recording(jsonb) is
  'Backend only (twilio-recording): upserts the call (idempotent on CallSid/RecordingSid — Twilio retries) and enqueues analyze_call in the same transaction.';

-- The recording webhook's ack in ONE statement: ingest_recording with the
-- request id it runs under, so the function needs no explicit transaction
-- (one round trip instead of BEGIN, set_config, the call, COMMIT), whose
-- implicit transaction commits the call and its job before the result comes
-- back, i.e. before the 200.
create function public.ingest_recording(p jsonb, p_request_id text)
returns jsonb
language plpgsql
set search_path = ''
as $$
begin
  -- Local to this statement's transaction: the job enqueued below keeps it.
  if nullif(p_request_id, '') is not null then
    perform pg_catalog.set_config('request.id', left(p_request_id, 128), true);
  end if;
  return public.ingest_recording(p);
end;
$$;
comment on function public.ingest_recording(jsonb, text) is
  'Backend only (twilio-recording): ingest_recording(p) under the request id p_request_id (the job it enqueues keeps it), in the caller''s one statement.';

create function public.resolve_call_org(p_call_id uuid, p_from text, p_to text)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_num public.phone_numbers;
begin
  select * into v_num from public.phone_numbers where e164 = p_to and status <> 'released';
  if not found then
    update public.calls set status = 'orphaned', from_number = coalesce(from_number, p_from), to_number = coalesce(to_number, p_to),
           error = 'no organization owns ' || coalesce(p_to, 'the called number')
     where id = p_call_id;
    return jsonb_build_object('resolved', false);
  end if;
  update public.calls
     set org_id = v_num.org_id, phone_number_id = v_num.id, agent_id = coalesce(agent_id, v_num.agent_id),
         from_number = coalesce(from_number, p_from), to_number = coalesce(to_number, p_to)
   where id = p_call_id;
  update public.jobs set org_id = v_num.org_id
   where org_id is null and payload ->> 'call_id' = p_call_id::text;
  return jsonb_build_object('resolved', true, 'org_id', v_num.org_id);
end;
$$;
comment on function public.resolve_call_org(uuid, text, text) is
  'Backend only (worker): attaches a call the voice webhook never saw to its number and organization, or marks it orphaned.';

create function public.set_call_status(p_call_id uuid, p_status public.call_status, p_error text default null)
returns void
language sql
set search_path = ''
as $$
  update public.calls set status = p_status, error = p_error where id = p_call_id;
$$;
comment on function public.set_call_status(uuid, public.call_status, text) is 'Backend only (worker): moves a call through the pipeline.';

-- Call search (security invoker: RLS decides what is found) ----------------------
-- The query (private.search_calls_filtered) joins transcripts and insights
-- (insights migration), private.scope_org_ids() (dashboard migration) and
-- tracker_hits (trackers migration), which come later in the migration order
-- because they reference calls; its body is therefore checked when it first
-- runs (the pgTAP suites call it) rather than at creation. public.search_calls
-- bounds its text parameters first (SP400); p_tracker_id keeps calls where
-- that tracker was heard; private.search_calls_unbounded is the entry point
-- without the tracker filter.
set check_function_bodies = off;
create function private.search_calls_filtered(
  p_query text, p_from date, p_to date, p_agent_id uuid, p_outcome text, p_sentiment text, p_status text,
  p_tracker_id uuid, p_limit integer, p_offset integer
)
returns table (id uuid, started_at timestamptz, duration_seconds integer, status public.call_status, error text,
               agent_id uuid, agent_name text, from_number text, converted boolean, upsell_amount numeric,
               sentiment_label text, sentiment_score numeric, adherence_score integer, summary text,
               snippet text, total_count bigint)
language sql
stable
set search_path = ''
as $$
  with q as (
    select case when nullif(btrim(p_query), '') is null then null
                else pg_catalog.websearch_to_tsquery('english', p_query) end as tsq
  )
  select c.id, c.started_at, c.duration_seconds, c.status, c.error, c.agent_id, a.name, c.from_number,
         i.converted, i.upsell_amount, i.sentiment_label, i.sentiment_score, i.adherence_score, i.summary,
         case when q.tsq is not null
              then pg_catalog.ts_headline('english', t.full_text, q.tsq, 'StartSel=«, StopSel=», MaxWords=18, MinWords=6')
         end,
         count(*) over ()
    from public.calls c
    cross join q
    left join public.agents a on a.id = c.agent_id
    left join public.insights i on i.call_id = c.id and i.is_current
    left join public.transcripts t on t.call_id = c.id
   where c.org_id is not null
     and c.org_id = any (array(select private.scope_org_ids()))
     and (q.tsq is null or t.search @@ q.tsq)
     and (p_from is null or c.started_at >= p_from)
     and (p_to is null or c.started_at < p_to + 1)
     and (p_agent_id is null or c.agent_id = p_agent_id)
     and (p_outcome is null or (p_outcome = 'converted' and i.converted) or (p_outcome = 'not_converted' and not i.converted))
     and (p_sentiment is null or i.sentiment_label = p_sentiment)
     and (p_status is null or c.status::text = p_status)
     and (p_tracker_id is null or exists (
           select 1 from public.tracker_hits h where h.call_id = c.id and h.tracker_id = p_tracker_id))
   order by c.started_at desc nulls last, c.id
   limit least(greatest(coalesce(p_limit, 25), 1), 100) offset greatest(coalesce(p_offset, 0), 0);
$$;
comment on function private.search_calls_filtered(text, date, date, uuid, text, text, text, uuid, integer, integer) is
  'The body of public.search_calls, without its input bounds; called only by it.';
revoke all on function private.search_calls_filtered(text, date, date, uuid, text, text, text, uuid, integer, integer) from public, anon;
grant execute on function private.search_calls_filtered(text, date, date, uuid, text, text, text, uuid, integer, integer) to authenticated;

create function private.search_calls_unbounded(
  p_query text default null, p_from date default null, p_to date default null, p_agent_id uuid default null,
  p_outcome text default null, p_sentiment text default null, p_status text default null,
  p_limit integer default 25, p_offset integer default 0
)
returns table (id uuid, started_at timestamptz, duration_seconds integer, status public.call_status, error text,
               agent_id uuid, agent_name text, from_number text, converted boolean, upsell_amount numeric,
               sentiment_label text, sentiment_score numeric, adherence_score integer, summary text,
               snippet text, total_count bigint)
language sql
stable
set search_path = ''
as $$
  select * from private.search_calls_filtered(p_query, p_from, p_to, p_agent_id, p_outcome, p_sentiment, p_status,
                                              null, p_limit, p_offset);
$$;
comment on function private.search_calls_unbounded(text, date, date, uuid, text, text, text, integer, integer) is
  'search_calls without the tracker filter (kept for its callers); see private.search_calls_filtered.';
create function public.search_calls(
  p_query text default null,
  p_from date default null,
  p_to date default null,
  p_agent_id uuid default null,
  p_outcome text default null,
  p_sentiment text default null,
  p_status text default null,
  p_limit integer default 25,
  p_offset integer default 0,
  p_tracker_id uuid default null
)
returns table (id uuid, started_at timestamptz, duration_seconds integer, status public.call_status, error text,
               agent_id uuid, agent_name text, from_number text, converted boolean, upsell_amount numeric,
               sentiment_label text, sentiment_score numeric, adherence_score integer, summary text,
               snippet text, total_count bigint)
language plpgsql
stable
set search_path = ''
as $$
begin
  perform private.bounded_text(p_query, 200, 'the search query');
  perform private.bounded_text(p_outcome, 32, 'p_outcome');
  perform private.bounded_text(p_sentiment, 32, 'p_sentiment');
  perform private.bounded_text(p_status, 32, 'p_status');
  return query select * from private.search_calls_filtered(
    p_query, p_from, p_to, p_agent_id, p_outcome, p_sentiment, p_status, p_tracker_id, p_limit, p_offset);
end;
$$;
comment on function public.search_calls(text, date, date, uuid, text, text, text, integer, integer, uuid) is
  'Calls in the caller''s scope matching a full-text query and filters (p_tracker_id: calls where that tracker was heard), newest first, with snippets. The query is at most 200 characters (SP400).';
revoke all on function public.search_calls(text, date, date, uuid, text, text, text, integer, integer, uuid) from public, anon;
grant execute on function public.search_calls(text, date, date, uuid, text, text, text, integer, integer, uuid) to authenticated;
reset check_function_bodies;

-- Grants -----------------------------------------------------------------------
revoke execute on function public.twilio_voice_route(text, text, text, text) from public, anon, authenticated;
grant execute on function public.twilio_voice_route(text, text, text, text) to service_role;
revoke execute on function public.ingest_recording(jsonb) from public, anon, authenticated;
grant execute on function public.ingest_recording(jsonb) to service_role;
revoke execute on function public.ingest_recording(jsonb, text) from public, anon, authenticated;
grant execute on function public.ingest_recording(jsonb, text) to service_role;
revoke execute on function public.resolve_call_org(uuid, text, text) from public, anon, authenticated;
grant execute on function public.resolve_call_org(uuid, text, text) to service_role;
revoke execute on function public.set_call_status(uuid, public.call_status, text) from public, anon, authenticated;
grant execute on function public.set_call_status(uuid, public.call_status, text) to service_role;
grant execute on function private.search_calls_unbounded(text, date, date, uuid, text, text, text, integer, integer) to authenticated;

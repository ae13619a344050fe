-- Insights: call transcripts (redacted, full-text searchable) and their
-- analyses (current + history), written by the worker (service role), and
-- re-analysis on a manager's request. What an insight triggers (activity,
-- usage, provider costs) is in the activities migration.

-- Tables -----------------------------------------------------------------------
create table public.transcripts (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  call_id uuid not null unique references public.calls (id) on delete cascade,
  source text not null check (source in ('twilio', 'openai')),
  language text,
  full_text text not null,
  segments jsonb not null check (jsonb_typeof(segments) = 'array'),
  redactions jsonb not null default '{}'::jsonb,
  -- Only when the organization opts in (settings.keep_unredacted_transcripts).
  original_text text,
  search tsvector generated always as (to_tsvector('english', full_text)) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.transcripts is
  'Call transcripts, PII-redacted ([CARD], [CVV], [SSN], [EMAIL], [PHONE]); segments [{start, end, speaker: agent|customer, text}]. search is the full-text index.';

create table public.insights (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  call_id uuid not null references public.calls (id) on delete cascade,
  run_key text not null,
  is_current boolean not null default true,
  analyzer text not null check (analyzer in ('openai', 'offline')),
  model text not null,
  prompt_version text not null,
  script_id uuid references public.call_scripts (id) on delete set null,
  sentiment_score numeric(4, 3) not null check (sentiment_score between -1 and 1),
  sentiment_label text not null check (sentiment_label in ('negative', 'neutral', 'positive')),
  converted boolean not null,
  upsell_amount numeric(12, 2) not null default 0 check (upsell_amount >= 0),
  upsell_currency text not null default 'USD',
  adherence_score integer check (adherence_score between 0 and 100),
  summary text not null,
  data jsonb not null,
  tokens_in integer not null default 0,
  tokens_out integer not null default 0,
  cost_usd numeric(12, 6) not null default 0,
  latency_ms integer not null default 0,
  dropped_claims integer not null default 0,
  created_at timestamptz not null default now(),
  unique (call_id, run_key)
);
comment on table public.insights is
  'LLM (or offline) analysis of a call. One current row per call (is_current); re-analysis keeps the history. run_key makes a re-run of the same job idempotent.';

-- Indexes ------------------------------------------------------------------------
create index transcripts_org_id_idx on public.transcripts (org_id);
create index transcripts_search_idx on public.transcripts using gin (search);
create index insights_org_id_created_at_idx on public.insights (org_id, created_at desc);
create unique index insights_one_current on public.insights (call_id) where is_current;
create index insights_script_id_idx on public.insights (script_id);

-- Triggers -----------------------------------------------------------------------
create trigger transcripts_updated_at before update on public.transcripts
  for each row execute function private.set_updated_at();

-- RLS ------------------------------------------------------------------------
alter table public.transcripts enable row level security;
alter table public.insights enable row level security;

-- Transcripts and insights follow their call's visibility (the calls policy:
-- managers and up of the organization, the call's agent, staff), written out
-- with per-statement helpers so no policy scans calls row by row.
create function private.agent_call_ids()
returns setof uuid
language sql
stable
-- security definer: reads calls/agents of the caller without re-entering RLS.
security definer
set search_path = ''
as $$
  select c.id from public.calls c join public.agents a on a.id = c.agent_id
   where a.user_id = (select auth.uid())
     and exists (select 1 from public.memberships m where m.user_id = a.user_id and m.org_id = c.org_id);
$$;
comment on function private.agent_call_ids() is
  'Calls taken by the agent linked to the caller, in organizations the caller is a member of now.';
grant execute on function private.agent_call_ids() to authenticated;

create policy "Readers of a call read its transcript" on public.transcripts
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or call_id in (select private.agent_call_ids())
         or (select private.is_platform_admin()));
create policy "Readers of a call read its insights" on public.insights
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or call_id in (select private.agent_call_ids())
         or (select private.is_platform_admin()));

revoke all on public.transcripts, public.insights from anon, authenticated;
grant select on public.transcripts, public.insights to authenticated;

-- Backend RPCs -------------------------------------------------------------------

create function public.save_transcript(p_call_id uuid, p jsonb)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  v_org uuid;
  v_id uuid;
begin
  select org_id into v_org from public.calls where id = p_call_id;
  if v_org is null then
    raise exception 'call % has no organization', p_call_id using errcode = 'SP404';
  end if;
  insert into public.transcripts as t (org_id, call_id, source, language, full_text, segments, redactions, original_text)
  values (v_org, p_call_id, p ->> 'source', p ->> 'language', p ->> 'full_text', p -> 'segments',
          coalesce(p -> 'redactions', '{}'::jsonb), p ->> 'original_text')
  on conflict (call_id) do update
     set source = excluded.source, language = excluded.language, full_text = excluded.full_text,
         segments = excluded.segments, redactions = excluded.redactions, original_text = excluded.original_text
  returning id into v_id;
  return v_id;
end;
$$;
comment on function public.save_transcript(uuid, jsonb) is 'Backend only (worker): stores the redacted transcript of a call (replaces an earlier one).';

create function public.record_insight(p_call_id uuid, p_run_key text, p jsonb)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  v_call public.calls;
  v_id uuid;
begin
  select * into v_call from public.calls where id = p_call_id for update;
  if v_call.org_id is null then
    raise exception 'call % has no organization', p_call_id using errcode = 'SP404';
  end if;
  select id into v_id from public.insights where call_id = p_call_id and run_key = p_run_key;
  if v_id is not null then
    return v_id; -- the same run again: nothing new
  end if;
  update public.insights set is_current = false where call_id = p_call_id and is_current;
  insert into public.insights (org_id, call_id, run_key, is_current, analyzer, model, prompt_version, script_id,
    sentiment_score, sentiment_label, converted, upsell_amount, upsell_currency, adherence_score, summary, data,
    tokens_in, tokens_out, cost_usd, latency_ms, dropped_claims)
  values (v_call.org_id, p_call_id, p_run_key, true, p ->> 'analyzer', p ->> 'model', p ->> 'prompt_version',
    nullif(p ->> 'script_id', '')::uuid,
    (p #>> '{insight,sentiment,score}')::numeric, p #>> '{insight,sentiment,label}',
    (p #>> '{insight,converted,value}')::boolean,
    coalesce((p #>> '{insight,upsell,amount}')::numeric, 0), coalesce(p #>> '{insight,upsell,currency}', 'USD'),
    (p #>> '{insight,script_adherence,score}')::integer, p #>> '{insight,summary}', p -> 'insight',
    coalesce((p ->> 'tokens_in')::integer, 0), coalesce((p ->> 'tokens_out')::integer, 0),
    -- what the LLM call cost, at the list price in effect
    round(coalesce((p ->> 'tokens_in')::integer, 0) * coalesce(private.price_of('openai', (p ->> 'model') || ':input_tokens', now()), 0)
        + coalesce((p ->> 'tokens_out')::integer, 0) * coalesce(private.price_of('openai', (p ->> 'model') || ':output_tokens', now()), 0), 6),
    coalesce((p ->> 'latency_ms')::integer, 0),
    coalesce((p ->> 'dropped_claims')::integer, 0))
  returning id into v_id;
  update public.calls set status = 'analyzed', error = null where id = p_call_id;
  return v_id;
end;
$$;
comment on function public.record_insight(uuid, text, jsonb) is
  'Backend only (worker): stores an analysis as the call''s current insight (history kept) and marks the call analyzed; idempotent per run_key. Bookkeeping follows by trigger.';

create function public.reanalyze_call(p_call_id uuid)
returns bigint
language plpgsql
-- security definer: enqueues a job (backend table) after checking the caller's role.
security definer
set search_path = ''
as $$
declare
  v_call public.calls;
  v_job bigint;
begin
  perform private.require_user();
  select * into v_call from public.calls where id = p_call_id;
  if v_call.id is null or not private.has_org_role(v_call.org_id, array['owner', 'admin', 'manager']::public.org_role[]) then
    raise exception 'call not found' using errcode = 'SP404';
  end if;
  if v_call.status in ('in_progress', 'received', 'transcribing', 'analyzing') then
    raise exception 'the call is still being processed' using errcode = 'SP409';
  end if;
  if v_call.status = 'orphaned' or v_call.twilio_recording_sid is null then
    raise exception 'the call has no recording to analyze' using errcode = 'SP422';
  end if;
  v_job := public.enqueue_job('analyze_call', v_call.org_id,
    jsonb_build_object('call_id', v_call.id, 'reanalysis', true, 'requested_by', auth.uid()),
    'analyze_call:' || v_call.id::text || ':' || extract(epoch from clock_timestamp())::text);
  update public.calls set status = 'analyzing', error = null where id = p_call_id;
  return v_job;
end;
$$;
comment on function public.reanalyze_call(uuid) is
  'Managers (and owners/admins) re-run the analysis of a call, e.g. after editing the call script. History is kept. Errors: SP401, SP404, SP409 (still processing), SP422 (no recording).';

-- Grants -----------------------------------------------------------------------
revoke execute on function public.save_transcript(uuid, jsonb) from public, anon, authenticated;
grant execute on function public.save_transcript(uuid, jsonb) to service_role;
revoke execute on function public.record_insight(uuid, text, jsonb) from public, anon, authenticated;
grant execute on function public.record_insight(uuid, text, jsonb) to service_role;
revoke execute on function public.reanalyze_call(uuid) from public, anon;
grant execute on function public.reanalyze_call(uuid) to authenticated;

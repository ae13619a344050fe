-- Insight engine: call scripts, transcripts (redacted, full-text searchable),
-- insights (current + history), and the bookkeeping an insight triggers:
-- activities, usage_records (billable minutes), provider_costs (for the
-- staff margin view, priced from provider_prices).

-- Tables -----------------------------------------------------------------------
create table public.call_scripts (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 200),
  items jsonb not null default '[]'::jsonb check (jsonb_typeof(items) = 'array' and jsonb_array_length(items) <= 50),
  is_default boolean not null default false,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.call_scripts is
  'Checklists agents should follow on calls ([{id, label, description}]). The default script of an organization is what calls are scored against.';

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

create table public.activities (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  agent_id uuid references public.agents (id) on delete set null,
  user_id uuid references auth.users (id) on delete set null,
  type text not null check (type in ('call', 'email', 'meeting', 'demo', 'note', 'sim')),
  value numeric(12, 2) not null default 0,
  occurred_at timestamptz not null default now(),
  source_type text,
  source_id uuid,
  metadata jsonb not null default '{}'::jsonb,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (source_type, source_id)
);
comment on table public.activities is
  'Sales activities that move goals. An analyzed call becomes one activity (type call, value = upsell) — updated, not duplicated, when re-analyzed.';

create table public.usage_records (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  kind text not null check (kind in ('analyzed_minutes', 'sim_session', 'voice_minutes')),
  quantity numeric(12, 3) not null check (quantity >= 0),
  billable boolean not null default true,
  source_type text not null,
  source_id uuid not null,
  occurred_at timestamptz not null default now(),
  reported_at timestamptz,
  created_at timestamptz not null default now(),
  unique (kind, source_type, source_id)
);
comment on table public.usage_records is
  'Billable usage, one row per event (idempotent on kind + source). reported_at is set once reported to Stripe.';

create table public.provider_prices (
  id uuid primary key default gen_random_uuid(),
  provider text not null check (provider in ('openai', 'twilio', 'stripe', 'mailgun', 'elevenlabs')),
  item text not null,
  unit text not null,
  unit_price_usd numeric(14, 8) not null check (unit_price_usd >= 0),
  effective_from timestamptz not null default now(),
  created_at timestamptz not null default now(),
  unique (provider, item, effective_from)
);
comment on table public.provider_prices is
  'What providers charge us per unit (list prices; staff keep them current). provider_costs are priced from the row in effect at the time.';

create table public.provider_costs (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  provider text not null,
  item text not null,
  quantity numeric(14, 3) not null,
  unit_price_usd numeric(14, 8) not null,
  cost_usd numeric(14, 6) not null,
  source_type text not null,
  source_id uuid not null,
  occurred_at timestamptz not null default now(),
  unique (provider, item, source_type, source_id)
);
comment on table public.provider_costs is
  'What serving a tenant cost in provider fees (OpenAI tokens, Twilio minutes): staff compare it with revenue against the 80 % gross-margin goal.';

-- Indexes ------------------------------------------------------------------------
create index call_scripts_org_id_idx on public.call_scripts (org_id);
create index call_scripts_created_by_idx on public.call_scripts (created_by);
create unique index call_scripts_one_default on public.call_scripts (org_id) where is_default;
create index transcripts_org_id_idx on public.transcripts (org_id);
create index transcripts_search_idx on public.transcripts using gin (search);
create index insights_org_id_created_at_idx on public.insights (org_id, created_at desc);
create unique index insights_one_current on public.insights (call_id) where is_current;
create index insights_script_id_idx on public.insights (script_id);
create index activities_org_id_occurred_at_idx on public.activities (org_id, occurred_at desc);
create index activities_agent_id_idx on public.activities (agent_id);
create index activities_user_id_idx on public.activities (user_id);
create index activities_created_by_idx on public.activities (created_by);
create index usage_records_org_id_occurred_at_idx on public.usage_records (org_id, occurred_at desc);
create index usage_records_unreported_idx on public.usage_records (org_id) where reported_at is null and billable;
create index provider_costs_org_id_occurred_at_idx on public.provider_costs (org_id, occurred_at desc);

-- Triggers -----------------------------------------------------------------------
create trigger call_scripts_updated_at before update on public.call_scripts
  for each row execute function private.set_updated_at();
create trigger call_scripts_created_by before insert or update on public.call_scripts
  for each row execute function private.set_created_by();
create trigger call_scripts_audit after insert or update or delete on public.call_scripts
  for each row execute function private.audit_row();
create trigger transcripts_updated_at before update on public.transcripts
  for each row execute function private.set_updated_at();
create trigger activities_updated_at before update on public.activities
  for each row execute function private.set_updated_at();
create trigger activities_created_by before insert or update on public.activities
  for each row execute function private.set_created_by();
create trigger provider_prices_audit after insert or update or delete on public.provider_prices
  for each row execute function private.audit_row();

create function private.price_of(p_provider text, p_item text, p_at timestamptz)
returns numeric
language sql
stable
set search_path = ''
as $$
  select p.unit_price_usd from public.provider_prices p
   where p.provider = p_provider and p.item = p_item and p.effective_from <= p_at
   order by p.effective_from desc limit 1;
$$;
comment on function private.price_of(text, text, timestamptz) is 'The provider''s unit price in effect at p_at (0 when unknown).';

create function private.add_cost(p_org uuid, p_provider text, p_item text, p_quantity numeric,
                                 p_source_type text, p_source_id uuid, p_at timestamptz)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_price numeric := coalesce(private.price_of(p_provider, p_item, p_at), 0);
begin
  if coalesce(p_quantity, 0) <= 0 then
    return;
  end if;
  insert into public.provider_costs (org_id, provider, item, quantity, unit_price_usd, cost_usd, source_type, source_id, occurred_at)
  values (p_org, p_provider, p_item, p_quantity, v_price, round(p_quantity * v_price, 6), p_source_type, p_source_id, p_at)
  on conflict (provider, item, source_type, source_id) do nothing;
end;
$$;
comment on function private.add_cost(uuid, text, text, numeric, text, uuid, timestamptz) is 'Records one provider cost line, idempotently.';

create function private.insight_bookkeeping()
returns trigger
language plpgsql
-- security definer: writes activities, usage and costs, which only the backend may write.
security definer
set search_path = ''
as $$
declare
  v_call public.calls;
  v_minutes numeric;
  v_source text;
begin
  select * into v_call from public.calls where id = new.call_id;
  v_minutes := round(coalesce(v_call.duration_seconds, 0) / 60.0, 3);
  -- The call as a sales activity of its agent (re-analysis updates it).
  insert into public.activities (org_id, agent_id, user_id, type, value, occurred_at, source_type, source_id, metadata)
  select new.org_id, v_call.agent_id, a.user_id, 'call', new.upsell_amount,
         coalesce(v_call.started_at, v_call.created_at), 'call', new.call_id,
         jsonb_build_object('converted', new.converted, 'sentiment', new.sentiment_label, 'insight_id', new.id)
    from (select 1) one left join public.agents a on a.id = v_call.agent_id
  on conflict (source_type, source_id) do update
     set value = excluded.value, agent_id = excluded.agent_id, user_id = excluded.user_id, metadata = excluded.metadata;
  -- Billable analyzed minutes, once per analysis run.
  insert into public.usage_records (org_id, kind, quantity, billable, source_type, source_id, occurred_at)
  values (new.org_id, 'analyzed_minutes', v_minutes, true, 'insight', new.id, new.created_at)
  on conflict (kind, source_type, source_id) do nothing;
  -- Provider costs: the LLM's tokens for this run…
  if new.analyzer = 'openai' then
    perform private.add_cost(new.org_id, 'openai', new.model || ':input_tokens', new.tokens_in, 'insight', new.id, new.created_at);
    perform private.add_cost(new.org_id, 'openai', new.model || ':output_tokens', new.tokens_out, 'insight', new.id, new.created_at);
  end if;
  -- …and, once per call, the telephony minutes and the transcription.
  perform private.add_cost(new.org_id, 'twilio', 'voice_minutes', v_minutes, 'call', new.call_id, coalesce(v_call.started_at, new.created_at));
  perform private.add_cost(new.org_id, 'twilio', 'recording_minutes', v_minutes, 'call', new.call_id, coalesce(v_call.started_at, new.created_at));
  select t.source into v_source from public.transcripts t where t.call_id = new.call_id;
  if v_source = 'twilio' then
    perform private.add_cost(new.org_id, 'twilio', 'transcription_minutes', v_minutes, 'call', new.call_id, new.created_at);
  elsif v_source = 'openai' then
    perform private.add_cost(new.org_id, 'openai', 'transcription_minutes', v_minutes, 'call', new.call_id, new.created_at);
  end if;
  return null;
end;
$$;
comment on function private.insight_bookkeeping() is
  'AFTER INSERT on insights: the call''s activity, billable usage and provider costs (all idempotent).';
create trigger insights_bookkeeping after insert on public.insights
  for each row execute function private.insight_bookkeeping();

-- RLS ------------------------------------------------------------------------
alter table public.call_scripts enable row level security;
alter table public.transcripts enable row level security;
alter table public.insights enable row level security;
alter table public.activities enable row level security;
alter table public.usage_records enable row level security;
alter table public.provider_prices enable row level security;
alter table public.provider_costs enable row level security;

create policy "Members read their organization's call scripts" on public.call_scripts
  for select to authenticated
  using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()));
create policy "Managers add call scripts" on public.call_scripts
  for insert to authenticated
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Managers edit call scripts" on public.call_scripts
  for update to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])))
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Managers delete call scripts" on public.call_scripts
  for delete to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));

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
   where a.user_id = (select auth.uid());
$$;
comment on function private.agent_call_ids() is 'Calls taken by the agent linked to the caller.';
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

create policy "Managers read their organization's activities; agents their own" on public.activities
  for select to authenticated
  using (
    org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
    or user_id = (select auth.uid())
    or (select private.is_platform_admin())
  );

create policy "Owners and admins read their organization's usage" on public.usage_records
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[]))
         or (select private.is_platform_admin()));

create policy "Staff read provider prices" on public.provider_prices
  for select to authenticated
  using ((select private.is_platform_admin()));
create policy "Staff read provider costs" on public.provider_costs
  for select to authenticated
  using ((select private.is_platform_admin()));

revoke all on public.call_scripts, public.transcripts, public.insights, public.activities, public.usage_records,
  public.provider_prices, public.provider_costs from anon, authenticated;
grant select, delete on public.call_scripts to authenticated;
grant insert (org_id, name, items, is_default), update (name, items, is_default) on public.call_scripts to authenticated;
grant select on public.transcripts, public.insights, public.activities, public.usage_records,
  public.provider_prices, public.provider_costs to authenticated;

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

create function public.default_call_script(p_org_id uuid)
returns public.call_scripts
language sql
stable
set search_path = ''
as $$
  select * from public.call_scripts where org_id = p_org_id order by is_default desc, created_at limit 1;
$$;
comment on function public.default_call_script(uuid) is 'Backend only (worker): the script calls of the organization are scored against.';

grant execute on function private.price_of(text, text, timestamptz) to service_role;
revoke execute on function public.save_transcript(uuid, jsonb) from public, anon, authenticated;
grant execute on function public.save_transcript(uuid, jsonb) to service_role;
revoke execute on function public.record_insight(uuid, text, jsonb) from public, anon, authenticated;
grant execute on function public.record_insight(uuid, text, jsonb) to service_role;
revoke execute on function public.default_call_script(uuid) from public, anon, authenticated;
grant execute on function public.default_call_script(uuid) to service_role;
revoke execute on function public.reanalyze_call(uuid) from public, anon;
grant execute on function public.reanalyze_call(uuid) to authenticated;

-- List prices (USD) used to price provider_costs; staff update them.
insert into public.provider_prices (provider, item, unit, unit_price_usd, effective_from) values
  ('openai', 'gpt-4o:input_tokens', 'token', 0.0000025, '2024-01-01'),
  ('openai', 'gpt-4o:output_tokens', 'token', 0.00001, '2024-01-01'),
  ('openai', 'gpt-4o-mini:input_tokens', 'token', 0.00000015, '2024-01-01'),
  ('openai', 'gpt-4o-mini:output_tokens', 'token', 0.0000006, '2024-01-01'),
  ('openai', 'transcription_minutes', 'minute', 0.006, '2024-01-01'),
  ('twilio', 'voice_minutes', 'minute', 0.0085, '2024-01-01'),
  ('twilio', 'recording_minutes', 'minute', 0.0025, '2024-01-01'),
  ('twilio', 'transcription_minutes', 'minute', 0.035, '2024-01-01');

-- Activities: the sales activities that move goals, and the bookkeeping an
-- insight triggers: the call's activity, its billable usage (billing's
-- usage_records) and its provider costs (staff's provider_costs).

-- Tables -----------------------------------------------------------------------
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

-- Indexes ------------------------------------------------------------------------
create index activities_org_id_occurred_at_idx on public.activities (org_id, occurred_at desc);
create index activities_agent_id_idx on public.activities (agent_id);
create index activities_user_id_idx on public.activities (user_id);
create index activities_created_by_idx on public.activities (created_by);

-- Triggers -----------------------------------------------------------------------
create trigger activities_updated_at before update on public.activities
  for each row execute function private.set_updated_at();
create trigger activities_created_by before insert or update on public.activities
  for each row execute function private.set_created_by();

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
alter table public.activities enable row level security;

create policy "Managers read their organization's activities; agents their own" on public.activities
  for select to authenticated
  using (
    org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
    or user_id = (select auth.uid())
    or (select private.is_platform_admin())
  );

revoke all on public.activities from anon, authenticated;
grant select on public.activities to authenticated;

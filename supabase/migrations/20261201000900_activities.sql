-- Activities: the log of what each person did — manual entries (call, email,
-- meeting, demo, proposal, follow-up, note) written by members beside the
-- automatic ones (an analyzed call; SIM sessions, emails and referral steps),
-- which stay read-only and linked to their source (source_type, source_id) —
-- the activity log RPC for the screen, and the bookkeeping an insight
-- triggers: the call's activity, its billable usage (billing's usage_records)
-- and its provider costs (staff's provider_costs).

-- Tables -----------------------------------------------------------------------
create table public.activities (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  agent_id uuid references public.agents (id) on delete set null,
  user_id uuid references auth.users (id) on delete set null,
  type text not null,
  value numeric(12, 2) not null default 0,
  occurred_at timestamptz not null default now(),
  source_type text,
  source_id uuid,
  metadata jsonb not null default '{}'::jsonb,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  outcome text check (outcome in ('completed', 'no_answer', 'follow_up', 'scheduled', 'won', 'lost')),
  contact text check (char_length(contact) <= 200),
  title text check (char_length(title) <= 200),
  notes text check (char_length(notes) <= 4000),
  unique (source_type, source_id),
  constraint activities_type_check
    check (type in ('call', 'email', 'meeting', 'demo', 'proposal', 'follow_up', 'note', 'sim', 'referral')),
  -- Manual entries have no source; automatic ones always have one.
  constraint activities_manual_types
    check (source_type is not null or type in ('call', 'email', 'meeting', 'demo', 'proposal', 'follow_up', 'note'))
);
comment on table public.activities is
  'Sales activities that move goals. Automatic rows (source_type/source_id set: an analyzed call — type call, value = upsell, updated on re-analysis; a referral step — type referral) are read-only; manual rows (no source) are written by members, who edit and delete only their own.';
comment on column public.activities.outcome is
  'completed | no_answer | follow_up | scheduled | won | lost (null: not stated). won + value is a closed deal (what-if average deal value).';


-- Indexes ------------------------------------------------------------------------
create index activities_org_id_occurred_at_idx on public.activities (org_id, occurred_at desc);
create index activities_agent_id_idx on public.activities (agent_id);
create index activities_user_id_idx on public.activities (user_id);
create index activities_created_by_idx on public.activities (created_by);
-- Keyset paging of the log and goal progress by type.
create index activities_org_occurred_id_idx on public.activities (org_id, occurred_at desc, id desc);
create index activities_org_type_occurred_idx on public.activities (org_id, type, occurred_at);
create index activities_user_occurred_idx on public.activities (user_id, occurred_at desc);

-- Triggers -----------------------------------------------------------------------
create trigger activities_updated_at before update on public.activities
  for each row execute function private.set_updated_at();
create trigger activities_created_by before insert or update on public.activities
  for each row execute function private.set_created_by();

create function private.guard_activity()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
begin
  -- Only writes made directly by the API role are guarded; the backend
  -- (bookkeeping triggers running as the owner, service role, seed) is trusted.
  if current_user <> 'authenticated' then
    return new;
  end if;
  -- API callers write manual entries only, as themselves.
  if tg_op = 'INSERT' then
    new.user_id := v_uid;
    new.source_type := null;
    new.source_id := null;
    select a.id into new.agent_id from public.agents a where a.org_id = new.org_id and a.user_id = v_uid;
  else
    new.org_id := old.org_id;
    new.user_id := old.user_id;
    new.agent_id := old.agent_id;
    new.source_type := old.source_type;
    new.source_id := old.source_id;
  end if;
  perform private.bounded_text(new.contact, 200, 'contact');
  perform private.bounded_text(new.title, 200, 'title');
  perform private.bounded_text(new.notes, 4000, 'notes');
  if new.type is null or new.type not in ('call', 'email', 'meeting', 'demo', 'proposal', 'follow_up', 'note') then
    raise exception 'type must be call, email, meeting, demo, proposal, follow_up or note' using errcode = 'SP400';
  end if;
  if new.outcome is not null and new.outcome not in ('completed', 'no_answer', 'follow_up', 'scheduled', 'won', 'lost') then
    raise exception 'unknown outcome' using errcode = 'SP400';
  end if;
  if new.value is null or new.value < 0 or new.value > 1e9 then
    raise exception 'value must be between 0 and 1,000,000,000' using errcode = 'SP400';
  end if;
  if new.occurred_at is null or new.occurred_at > now() + interval '1 day' or new.occurred_at < now() - interval '5 years' then
    raise exception 'occurred_at must be within the last five years' using errcode = 'SP400';
  end if;
  if jsonb_typeof(new.metadata) is distinct from 'object' or pg_column_size(new.metadata) > 4000 then
    raise exception 'metadata must be a JSON object under 4 kB' using errcode = 'SP400';
  end if;
  return new;
end;
$$;
comment on function private.guard_activity() is
  'BEFORE INSERT/UPDATE on activities for API callers: a manual entry belongs to the caller (user_id, their agent), never has a source, keeps its organization and owner, and its text is bounded (SP400).';
create trigger activities_guard before insert or update on public.activities
  for each row execute function private.guard_activity();
-- Manual entries are audited; automatic ones are derived from audited or append-only sources.
create trigger activities_audit after insert or update on public.activities
  for each row when (new.source_type is null) execute function private.audit_row();
create trigger activities_audit_delete after delete on public.activities
  for each row when (old.source_type is null) execute function private.audit_row();

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

create policy "Managers read their organization's activities; members their own" on public.activities
  for select to authenticated
  using (
    org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
    or (user_id = (select auth.uid()) and org_id in (select private.user_org_ids()))
    or (select private.is_platform_admin())
  );
create policy "Members log their own manual activities" on public.activities
  for insert to authenticated
  with check (org_id in (select private.user_org_ids()) and user_id = (select auth.uid()) and source_type is null);
create policy "Members edit their own manual activities" on public.activities
  for update to authenticated
  using (user_id = (select auth.uid()) and source_type is null and org_id in (select private.user_org_ids()))
  with check (user_id = (select auth.uid()) and source_type is null and org_id in (select private.user_org_ids()));
create policy "Members delete their own manual activities" on public.activities
  for delete to authenticated
  using (user_id = (select auth.uid()) and source_type is null and org_id in (select private.user_org_ids()));

revoke all on public.activities from anon, authenticated;
grant select on public.activities to authenticated;
grant insert (org_id, type, outcome, value, occurred_at, contact, title, notes, metadata),
      update (type, outcome, value, occurred_at, contact, title, notes, metadata),
      delete
  on public.activities to authenticated;

-- Functions ------------------------------------------------------------------------
create function public.list_activities(
  p_user_id uuid default null,
  p_type text default null,
  p_from date default null,
  p_to date default null,
  p_outcome text default null,
  p_before_at timestamptz default null,
  p_before_id uuid default null,
  p_limit integer default 50
)
returns table (id uuid, occurred_at timestamptz, type text, outcome text, value numeric, contact text, title text,
               notes text, user_id uuid, person_name text, agent_id uuid, agent_name text, source_type text,
               source_id uuid, metadata jsonb, is_manual boolean, can_edit boolean)
language plpgsql
stable
set search_path = ''
as $$
begin
  perform private.bounded_text(p_type, 32, 'p_type');
  perform private.bounded_text(p_outcome, 32, 'p_outcome');
  if (p_before_at is null) <> (p_before_id is null) then
    raise exception 'p_before_at and p_before_id go together (the last row of the previous page)' using errcode = 'SP400';
  end if;
  return query
  select a.id, a.occurred_at, a.type, a.outcome, a.value, a.contact, a.title, a.notes, a.user_id,
         coalesce(p.full_name, p.email, ag.name), a.agent_id, ag.name, a.source_type, a.source_id, a.metadata,
         a.source_type is null, a.source_type is null and a.user_id = (select auth.uid())
    from public.activities a
    left join public.profiles p on p.id = a.user_id
    left join public.agents ag on ag.id = a.agent_id
   where a.org_id = any (array(select private.scope_org_ids()))
     and (p_user_id is null or a.user_id = p_user_id)
     and (p_type is null or a.type = p_type)
     and (p_outcome is null or a.outcome = p_outcome)
     and (p_from is null or a.occurred_at >= p_from)
     and (p_to is null or a.occurred_at < p_to + 1)
     and (p_before_at is null or (a.occurred_at, a.id) < (p_before_at, p_before_id))
   order by a.occurred_at desc, a.id desc
   limit least(greatest(coalesce(p_limit, 50), 1), 200);
end;
$$;
comment on function public.list_activities(uuid, text, date, date, text, timestamptz, uuid, integer) is
  'The activity log screen (and a per-person timeline with p_user_id): activities of the caller''s current organization that RLS lets them see (managers all, agents their own), newest first, filtered by person, type, period (inclusive dates) and outcome. Keyset paging: pass the last row''s occurred_at and id as p_before_at/p_before_id. can_edit marks the caller''s own manual entries. Text filters at most 32 characters (SP400); at most 200 rows a page.';

revoke execute on function public.list_activities(uuid, text, date, date, text, timestamptz, uuid, integer) from public, anon;
grant execute on function public.list_activities(uuid, text, date, date, text, timestamptz, uuid, integer) to authenticated;

-- Call ingestion: agents, phone numbers, calls, the durable job queue, the
-- webhook RPCs (service role only) and the pg_cron sweep that wakes the
-- process-jobs worker.
--
-- Error codes: see supabase/functions/_shared/errors.ts.

-- Types ------------------------------------------------------------------------
create type public.call_status as enum
  ('in_progress', 'received', 'transcribing', 'analyzing', 'analyzed', 'failed', 'orphaned');
comment on type public.call_status is
  'in_progress (voice webhook seen) -> received (recording ready) -> transcribing -> analyzing -> analyzed | failed; orphaned = no organization owns the number.';

create type public.job_status as enum ('queued', 'running', 'succeeded', 'dead');
comment on type public.job_status is
  'queued (waiting for run_after) -> running (leased) -> succeeded | queued again with backoff | dead (dead-lettered after max_attempts).';

-- Tables -----------------------------------------------------------------------
create table public.agents (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 200),
  phone text check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  user_id uuid references auth.users (id) on delete set null,
  active boolean not null default true,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, user_id)
);
comment on table public.agents is
  'People who take calls. Optionally linked to a member (user_id); agents themselves need not sign in.';

create table public.phone_numbers (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  e164 text not null unique check (e164 ~ '^\+[1-9][0-9]{6,14}$'),
  provider_sid text unique check (provider_sid ~ '^PN[0-9a-fA-F]{32}$'),
  friendly_name text check (char_length(friendly_name) <= 100),
  agent_id uuid references public.agents (id) on delete set null,
  forward_to text check (forward_to ~ '^\+[1-9][0-9]{6,14}$'),
  status text not null default 'active' check (status in ('provisioning', 'active', 'released')),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.phone_numbers is
  'Numbers an organization provisioned. Calls to a number ring its agent (or forward_to). The E.164 number is unique across tenants.';

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

create table public.jobs (
  id bigint generated always as identity primary key,
  kind text not null check (kind ~ '^[a-z][a-z0-9_]{0,62}$'),
  org_id uuid references public.organizations (id) on delete cascade,
  payload jsonb not null default '{}'::jsonb,
  status public.job_status not null default 'queued',
  attempts integer not null default 0,
  max_attempts integer not null default 5 check (max_attempts between 1 and 100),
  run_after timestamptz not null default now(),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  dedupe_key text unique,
  result jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);
comment on table public.jobs is
  'Durable job queue (claim with FOR UPDATE SKIP LOCKED and a lease; retries with exponential backoff and jitter; dead-lettered after max_attempts). Written only through the queue functions by the service role; owners/admins read their organization''s jobs.';

-- Indexes ------------------------------------------------------------------------
create index agents_org_id_idx on public.agents (org_id);
create index agents_user_id_idx on public.agents (user_id);
create index agents_created_by_idx on public.agents (created_by);
create index phone_numbers_org_id_idx on public.phone_numbers (org_id);
create index phone_numbers_agent_id_idx on public.phone_numbers (agent_id);
create index phone_numbers_created_by_idx on public.phone_numbers (created_by);
create index calls_org_id_started_at_idx on public.calls (org_id, started_at desc);
create index calls_agent_id_idx on public.calls (agent_id);
create index calls_phone_number_id_idx on public.calls (phone_number_id);
create index calls_unresolved_idx on public.calls (created_at) where org_id is null;
create index jobs_runnable_idx on public.jobs (run_after, id) where status = 'queued';
create index jobs_leased_idx on public.jobs (locked_until) where status = 'running';
create index jobs_org_id_idx on public.jobs (org_id, created_at desc);

-- Triggers -----------------------------------------------------------------------
create trigger agents_updated_at before update on public.agents
  for each row execute function private.set_updated_at();
create trigger agents_created_by before insert or update on public.agents
  for each row execute function private.set_created_by();
create trigger agents_audit after insert or update or delete on public.agents
  for each row execute function private.audit_row();

create trigger phone_numbers_updated_at before update on public.phone_numbers
  for each row execute function private.set_updated_at();
create trigger phone_numbers_created_by before insert or update on public.phone_numbers
  for each row execute function private.set_created_by();
create trigger phone_numbers_audit after insert or update or delete on public.phone_numbers
  for each row execute function private.audit_row();

create trigger calls_updated_at before update on public.calls
  for each row execute function private.set_updated_at();
create trigger jobs_updated_at before update on public.jobs
  for each row execute function private.set_updated_at();

-- An agent linked to a member must be a member of the same organization.
create function private.check_agent_member()
returns trigger
language plpgsql
-- security definer: looks up the linked user's membership, beyond the caller's view.
security definer
set search_path = ''
as $$
begin
  if new.user_id is not null and not exists (
    select 1 from public.memberships m where m.org_id = new.org_id and m.user_id = new.user_id
  ) then
    raise exception 'the linked user is not a member of this organization' using errcode = 'SP400';
  end if;
  return new;
end;
$$;
comment on function private.check_agent_member() is 'agents.user_id must be a member of agents.org_id.';
create trigger agents_member before insert or update of user_id, org_id on public.agents
  for each row execute function private.check_agent_member();

-- A number's agent must belong to the number's organization.
create function private.check_number_agent()
returns trigger
language plpgsql
-- security definer: reads the agent regardless of the caller's RLS.
security definer
set search_path = ''
as $$
begin
  if new.agent_id is not null and not exists (
    select 1 from public.agents a where a.id = new.agent_id and a.org_id = new.org_id
  ) then
    raise exception 'the agent belongs to another organization' using errcode = 'SP400';
  end if;
  return new;
end;
$$;
comment on function private.check_number_agent() is 'phone_numbers.agent_id must be an agent of the same organization.';
create trigger phone_numbers_agent before insert or update of agent_id, org_id on public.phone_numbers
  for each row execute function private.check_number_agent();

-- RLS ------------------------------------------------------------------------
alter table public.agents enable row level security;
alter table public.phone_numbers enable row level security;
alter table public.calls enable row level security;
alter table public.jobs enable row level security;

create policy "Members read their organization's agents" on public.agents
  for select to authenticated
  using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()));
create policy "Owners, admins and managers add agents" on public.agents
  for insert to authenticated
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Owners, admins and managers edit agents" on public.agents
  for update to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])))
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Owners and admins delete agents" on public.agents
  for delete to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])));

create policy "Members read their organization's numbers" on public.phone_numbers
  for select to authenticated
  using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()));
create policy "Owners and admins assign numbers" on public.phone_numbers
  for update to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])))
  with check (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])));
-- Numbers are bought and released by the phone-numbers function (service role).

create policy "Managers read their organization's calls; agents their own" on public.calls
  for select to authenticated
  using (
    org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
    or agent_id in (select a.id from public.agents a where a.user_id = (select auth.uid()))
    or (select private.is_platform_admin())
  );

create policy "Owners and admins read their organization's jobs" on public.jobs
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[]))
         or (select private.is_platform_admin()));

revoke all on public.agents, public.phone_numbers, public.calls, public.jobs from anon, authenticated;
grant select, delete on public.agents to authenticated;
grant insert (org_id, name, phone, user_id, active), update (name, phone, user_id, active) on public.agents to authenticated;
grant select on public.phone_numbers to authenticated;
grant update (agent_id, forward_to, friendly_name) on public.phone_numbers to authenticated;
grant select on public.calls, public.jobs to authenticated;

-- Queue functions (service role only) -----------------------------------------------

create function public.enqueue_job(
  p_kind text,
  p_org_id uuid,
  p_payload jsonb default '{}'::jsonb,
  p_dedupe_key text default null,
  p_run_after timestamptz default now(),
  p_max_attempts integer default 5
)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  v_id bigint;
begin
  insert into public.jobs (kind, org_id, payload, dedupe_key, run_after, max_attempts)
  values (p_kind, p_org_id, coalesce(p_payload, '{}'::jsonb), p_dedupe_key, coalesce(p_run_after, now()), coalesce(p_max_attempts, 5))
  on conflict (dedupe_key) do nothing
  returning id into v_id;
  if v_id is null then
    select j.id into v_id from public.jobs j where j.dedupe_key = p_dedupe_key;
  end if;
  return v_id;
end;
$$;
comment on function public.enqueue_job(text, uuid, jsonb, text, timestamptz, integer) is
  'Backend only. Enqueues a job; a job with the same dedupe_key is not enqueued twice (its id is returned).';

create function public.claim_jobs(
  p_worker text,
  p_limit integer default 5,
  p_lease_seconds integer default 60,
  p_kinds text[] default null
)
returns setof public.jobs
language plpgsql
set search_path = ''
as $$
begin
  -- A lease that expired means its worker died: give the job back (or
  -- dead-letter it when it has used all its attempts).
  update public.jobs j
     set status = case when j.attempts >= j.max_attempts then 'dead'::public.job_status else 'queued' end,
         last_error = coalesce(j.last_error || ' | ', '') || 'lease expired (worker ' || coalesce(j.locked_by, '?') || ')',
         finished_at = case when j.attempts >= j.max_attempts then now() end,
         locked_by = null, locked_until = null
   where j.status = 'running' and j.locked_until < now();

  return query
  with picked as (
    select j.id from public.jobs j
     where j.status = 'queued' and j.run_after <= now()
       and (p_kinds is null or j.kind = any (p_kinds))
     order by j.run_after, j.id
     limit greatest(1, least(coalesce(p_limit, 5), 100))
     for update skip locked
  )
  update public.jobs j
     set status = 'running', attempts = j.attempts + 1, locked_by = p_worker,
         locked_until = now() + make_interval(secs => greatest(5, least(coalesce(p_lease_seconds, 60), 3600)))
    from picked
   where j.id = picked.id
  returning j.*;
end;
$$;
comment on function public.claim_jobs(text, integer, integer, text[]) is
  'Backend only. Leases up to p_limit runnable jobs (of p_kinds, when given) to p_worker (FOR UPDATE SKIP LOCKED: concurrent workers never get the same job); expired leases are requeued first.';

create function public.complete_job(p_job_id bigint, p_worker text, p_result jsonb default null)
returns boolean
language plpgsql
set search_path = ''
as $$
begin
  update public.jobs
     set status = 'succeeded', result = p_result, finished_at = now(), locked_by = null, locked_until = null
   where id = p_job_id and status = 'running' and locked_by = p_worker;
  return found;
end;
$$;
comment on function public.complete_job(bigint, text, jsonb) is
  'Backend only. Marks a leased job done; false when the lease was lost (another worker owns it now).';

create function public.fail_job(p_job_id bigint, p_worker text, p_error text, p_retryable boolean default true)
returns public.job_status
language plpgsql
set search_path = ''
as $$
declare
  v_job public.jobs;
  v_delay double precision;
begin
  select * into v_job from public.jobs where id = p_job_id and status = 'running' and locked_by = p_worker for update;
  if not found then
    return null;
  end if;
  if not coalesce(p_retryable, true) or v_job.attempts >= v_job.max_attempts then
    update public.jobs
       set status = 'dead', last_error = left(p_error, 4000), finished_at = now(), locked_by = null, locked_until = null
     where id = p_job_id;
    return 'dead'::public.job_status;
  end if;
  -- Exponential backoff (2 s, 4 s, 8 s, … capped at 15 min) with full jitter in [50 %, 100 %].
  v_delay := least(900, 2 ^ v_job.attempts) * (0.5 + random() * 0.5);
  update public.jobs
     set status = 'queued', last_error = left(p_error, 4000), run_after = now() + make_interval(secs => v_delay),
         locked_by = null, locked_until = null
   where id = p_job_id;
  return 'queued'::public.job_status;
end;
$$;
comment on function public.fail_job(bigint, text, text, boolean) is
  'Backend only. Records a failure: retried with exponential backoff and jitter, or dead-lettered when not retryable or out of attempts.';

create function public.retry_job(p_job_id bigint)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.jobs j
     set status = 'queued', attempts = 0, run_after = now(), finished_at = null, last_error = j.last_error
   where j.id = p_job_id and j.status = 'dead'
     and (j.org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[]))
          or private.is_platform_admin()
          or (select auth.role()) = 'service_role');
  if not found then
    raise exception 'no dead-lettered job % visible to you', p_job_id using errcode = 'SP404';
  end if;
end;
$$;
comment on function public.retry_job(bigint) is
  'Owners/admins (and staff) give a dead-lettered job of their organization a fresh set of attempts.';

create function private.runnable_jobs_exist()
returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (select 1 from public.jobs where status = 'queued' and run_after <= now())
      or exists (select 1 from public.jobs where status = 'running' and locked_until < now());
$$;
comment on function private.runnable_jobs_exist() is 'True when process-jobs has something to do.';

create function private.kick_worker()
returns boolean
language plpgsql
set search_path = ''
as $$
begin
  if private.runnable_jobs_exist() then
    perform private.invoke_function('process-jobs', jsonb_build_object('source', 'cron'));
    return true;
  end if;
  return false;
end;
$$;
comment on function private.kick_worker() is 'pg_cron: wakes the process-jobs worker when runnable jobs exist.';

create procedure private.sweep_jobs_proc(p_for_seconds integer, p_every_seconds integer)
language plpgsql
-- No SET clause: a procedure that has one cannot COMMIT. Every name below is
-- schema-qualified, and search_path is emptied for this session first.
as $$
declare
  v_until timestamptz := pg_catalog.clock_timestamp() + pg_catalog.make_interval(secs => p_for_seconds);
begin
  perform pg_catalog.set_config('search_path', '', false);
  loop
    perform private.kick_worker();
    commit; -- delivers the NOTIFY (local stack) and ends the snapshot
    exit when pg_catalog.clock_timestamp() + pg_catalog.make_interval(secs => p_every_seconds) > v_until;
    perform pg_catalog.pg_sleep(p_every_seconds);
  end loop;
end;
$$;
comment on procedure private.sweep_jobs_proc(integer, integer) is
  'pg_cron < 1.5 (Debian''s 1.4): scheduled once a minute, kicks the worker every p_every_seconds for p_for_seconds, committing between kicks.';

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

-- Grants -----------------------------------------------------------------------
revoke execute on function public.enqueue_job(text, uuid, jsonb, text, timestamptz, integer) from public, anon, authenticated;
grant execute on function public.enqueue_job(text, uuid, jsonb, text, timestamptz, integer) to service_role;
revoke execute on function public.claim_jobs(text, integer, integer, text[]) from public, anon, authenticated;
grant execute on function public.claim_jobs(text, integer, integer, text[]) to service_role;
revoke execute on function public.complete_job(bigint, text, jsonb) from public, anon, authenticated;
grant execute on function public.complete_job(bigint, text, jsonb) to service_role;
revoke execute on function public.fail_job(bigint, text, text, boolean) from public, anon, authenticated;
grant execute on function public.fail_job(bigint, text, text, boolean) to service_role;
revoke execute on function public.retry_job(bigint) from public, anon;
grant execute on function public.retry_job(bigint) to authenticated, service_role;
revoke execute on function public.twilio_voice_route(text, text, text, text) from public, anon, authenticated;
grant execute on function public.twilio_voice_route(text, text, text, text) to service_role;
revoke execute on function public.ingest_recording(jsonb) from public, anon, authenticated;
grant execute on function public.ingest_recording(jsonb) to service_role;
revoke execute on function public.resolve_call_org(uuid, text, text) from public, anon, authenticated;
grant execute on function public.resolve_call_org(uuid, text, text) to service_role;
revoke execute on function public.set_call_status(uuid, public.call_status, text) from public, anon, authenticated;
grant execute on function public.set_call_status(uuid, public.call_status, text) to service_role;

-- Invitation emails now go through the queue.
create or replace function private.enqueue_email_job(p_kind text, p_org_id uuid, p_payload jsonb, p_dedupe_key text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform public.enqueue_job(p_kind, p_org_id, p_payload, p_dedupe_key);
end;
$$;

-- pg_cron sweep ------------------------------------------------------------------
-- pg_cron >= 1.5 (Supabase) schedules in seconds; Debian's 1.4 by the minute,
-- where one run per minute kicks every 5 seconds.
do $$
begin
  if (select (regexp_match(extversion, '^(\d+)\.(\d+)'))::int[] >= array[1, 5] from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule('process-jobs-sweep', '5 seconds', 'select private.kick_worker()');
  else
    perform cron.schedule('process-jobs-sweep', '* * * * *', 'call private.sweep_jobs_proc(55, 5)');
  end if;
end
$$;

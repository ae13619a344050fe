-- Job queue: durable jobs claimed with FOR UPDATE SKIP LOCKED and a lease,
-- retried with exponential backoff and jitter, dead-lettered after
-- max_attempts; the queue RPCs (service role only), the email job helper
-- invitations use, and the pg_cron sweep that wakes the process-jobs worker.
--
-- Error codes: see supabase/functions/_shared/errors.ts.

-- Types ------------------------------------------------------------------------
create type public.job_status as enum ('queued', 'running', 'succeeded', 'dead');
comment on type public.job_status is
  'queued (waiting for run_after) -> running (leased) -> succeeded | queued again with backoff | dead (dead-lettered after max_attempts).';

-- Tables -----------------------------------------------------------------------
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
create index jobs_runnable_idx on public.jobs (run_after, id) where status = 'queued';
create index jobs_leased_idx on public.jobs (locked_until) where status = 'running';
create index jobs_org_id_idx on public.jobs (org_id, created_at desc);

-- Triggers -----------------------------------------------------------------------
create trigger jobs_updated_at before update on public.jobs
  for each row execute function private.set_updated_at();

-- RLS ------------------------------------------------------------------------
alter table public.jobs enable row level security;

create policy "Owners and admins read their organization's jobs" on public.jobs
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[]))
         or (select private.is_platform_admin()));

revoke all on public.jobs from anon, authenticated;
grant select on public.jobs to authenticated;

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

-- A provider said when to come back (429 with Retry-After): the job is given
-- back to the queue to run no earlier than that, not after the exponential
-- backoff (which may be sooner, i.e. hammering, or much later). Still an
-- attempt: a provider that keeps refusing dead-letters the job after
-- max_attempts, as any failure does.
create function public.defer_job(p_job_id bigint, p_worker text, p_error text, p_delay_ms integer)
returns public.job_status
language plpgsql
set search_path = ''
as $$
declare
  v_state public.job_status;
begin
  -- A retryable failure (the lease check, the attempt count, the dead-letter),
  -- then the provider's time instead of the backoff: the provider's delay
  -- (bounded to an hour) plus up to 10 % jitter, so the jobs one rate limit
  -- deferred do not all come back in the same instant.
  v_state := public.fail_job(p_job_id, p_worker, p_error, true);
  if v_state = 'queued' then
    update public.jobs
       set run_after = now() + make_interval(secs => greatest(0, least(coalesce(p_delay_ms, 0), 3600000)) / 1000.0 * (1 + random() * 0.1))
     where id = p_job_id;
  end if;
  return v_state;
end;
$$;
comment on function public.defer_job(bigint, text, text, integer) is
  'Backend only. A leased job whose provider asked to wait (Retry-After): queued again to run after p_delay_ms (+ up to 10 % jitter), or dead-lettered when out of attempts.';

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

-- Grants -----------------------------------------------------------------------
revoke execute on function public.enqueue_job(text, uuid, jsonb, text, timestamptz, integer) from public, anon, authenticated;
grant execute on function public.enqueue_job(text, uuid, jsonb, text, timestamptz, integer) to service_role;
revoke execute on function public.claim_jobs(text, integer, integer, text[]) from public, anon, authenticated;
grant execute on function public.claim_jobs(text, integer, integer, text[]) to service_role;
revoke execute on function public.complete_job(bigint, text, jsonb) from public, anon, authenticated;
grant execute on function public.complete_job(bigint, text, jsonb) to service_role;
revoke execute on function public.fail_job(bigint, text, text, boolean) from public, anon, authenticated;
grant execute on function public.fail_job(bigint, text, text, boolean) to service_role;
revoke execute on function public.defer_job(bigint, text, text, integer) from public, anon, authenticated;
grant execute on function public.defer_job(bigint, text, text, integer) to service_role;
revoke execute on function public.retry_job(bigint) from public, anon;
grant execute on function public.retry_job(bigint) to authenticated, service_role;

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

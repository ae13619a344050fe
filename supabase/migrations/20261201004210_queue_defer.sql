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
  v_job public.jobs;
  -- The provider's delay (bounded to an hour) plus up to 10 % jitter, so the
  -- jobs one rate limit deferred do not all come back in the same instant.
  v_delay double precision := greatest(0, least(coalesce(p_delay_ms, 0), 3600000)) / 1000.0 * (1 + random() * 0.1);
begin
  select * into v_job from public.jobs where id = p_job_id and status = 'running' and locked_by = p_worker for update;
  if not found then
    return null;
  end if;
  if v_job.attempts >= v_job.max_attempts then
    update public.jobs
       set status = 'dead', last_error = left(p_error, 4000), finished_at = now(), locked_by = null, locked_until = null
     where id = p_job_id;
    return 'dead'::public.job_status;
  end if;
  update public.jobs
     set status = 'queued', last_error = left(p_error, 4000), run_after = now() + make_interval(secs => v_delay),
         locked_by = null, locked_until = null
   where id = p_job_id;
  return 'queued'::public.job_status;
end;
$$;
comment on function public.defer_job(bigint, text, text, integer) is
  'Backend only. A leased job whose provider asked to wait (Retry-After): queued again to run after p_delay_ms (+ up to 10 % jitter), or dead-lettered when out of attempts.';

revoke execute on function public.defer_job(bigint, text, text, integer) from public, anon, authenticated;
grant execute on function public.defer_job(bigint, text, text, integer) to service_role;

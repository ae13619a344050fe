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

revoke execute on function public.defer_job(bigint, text, text, integer) from public, anon, authenticated;
grant execute on function public.defer_job(bigint, text, text, integer) to service_role;

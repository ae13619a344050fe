-- Observability: the request id that served a request travels into SQL and
-- is stored on the jobs it enqueues and on the insight they produce, so one
-- id leads from the gateway's log line to the insight row; and the metrics
-- staff scrape (Prometheus text, formatted by the `metrics` function) derived
-- from the queue, the webhook ledger, the insights and the provider costs.
--
-- The request id reaches SQL two ways: functions on a direct connection set
-- `request.id` (set_config(..., true): this transaction only); calls through
-- PostgREST carry an `x-request-id` header, which PostgREST exposes as
-- `request.headers`.
--
-- Error codes: see supabase/functions/_shared/errors.ts.

-- Functions ----------------------------------------------------------------------
create function private.request_id()
returns text
language sql
stable
set search_path = ''
as $$
  select left(coalesce(
    nullif(current_setting('request.id', true), ''),
    nullif(current_setting('request.headers', true), '')::json ->> 'x-request-id'
  ), 128);
$$;
comment on function private.request_id() is
  'The id of the request being served (set_config(''request.id'', …) on a direct connection, else PostgREST''s x-request-id header); null outside a request.';

-- Tables ---------------------------------------------------------------------------
alter table public.jobs add column request_id text default private.request_id()
  check (length(request_id) <= 128);
comment on column public.jobs.request_id is
  'The request that enqueued the job (gateway request id or provider delivery id); the worker serves the job under it.';

alter table public.insights add column request_id text default private.request_id()
  check (length(request_id) <= 128);
comment on column public.insights.request_id is
  'The request id the analysis ran under: the id of the webhook delivery that enqueued its job.';

-- Indexes ----------------------------------------------------------------------------
create index jobs_request_id_idx on public.jobs (request_id) where request_id is not null;
create index insights_request_id_idx on public.insights (request_id) where request_id is not null;
create index jobs_kind_status_idx on public.jobs (kind, status);

-- A Prometheus histogram of samples per label value.
create function private.histogram_rows(p_metric text, p_label text, p_buckets double precision[],
                                                  p_keys text[], p_samples double precision[])
returns table (metric text, labels jsonb, value double precision)
language sql
immutable
set search_path = ''
as $$
  with d as (select x.k, x.s from unnest(p_keys, p_samples) x(k, s)),
       b as (select unnest(p_buckets || array['Infinity'::double precision]) as le)
  select p_metric || '_bucket',
         jsonb_build_object(p_label, k.k, 'le', case when b.le = 'Infinity' then '+Inf' else b.le::text end),
         (select count(*) from d where d.k = k.k and d.s <= b.le)::double precision
    from (select distinct d.k from d) k cross join b
  union all
  select p_metric || '_sum', jsonb_build_object(p_label, d.k), sum(d.s) from d group by d.k
  union all
  select p_metric || '_count', jsonb_build_object(p_label, d.k), count(*)::double precision from d group by d.k;
$$;
comment on function private.histogram_rows(text, text, double precision[], text[], double precision[]) is
  'The _bucket (cumulative, le = each of p_buckets and +Inf), _sum and _count rows of p_metric for the samples p_samples, labelled p_label = p_keys (pairwise).';

create function public.staff_metrics()
returns table (metric text, labels jsonb, value double precision)
language plpgsql
stable
security definer
set search_path = ''
as $$
-- security definer: staff read counts across every tenant; the check below
-- (live, not the JWT claim) decides who may.
declare
  v_job_buckets double precision[] := array[1, 5, 15, 60, 300, 900, 3600];
  v_latency_buckets double precision[] := array[0.25, 0.5, 1, 2, 5, 10, 30];
begin
  if not (select private.is_platform_admin()) then
    raise exception 'Metrics are for SalesPulse staff' using errcode = 'SP403';
  end if;

  -- Queue depth by kind and status.
  return query
    select 'salespulse_jobs', jsonb_build_object('kind', j.kind, 'status', j.status::text), count(*)::double precision
      from public.jobs j group by j.kind, j.status;

  -- Failed attempts (retried or dead-lettered), by kind.
  return query
    select 'salespulse_job_failed_attempts_total', jsonb_build_object('kind', j.kind),
           sum(greatest(j.attempts - case when j.status = 'succeeded' then 1 else 0 end, 0))::double precision
      from public.jobs j where j.attempts > 0 group by j.kind;

  -- Job latency (enqueued → finished) of finished jobs, as a cumulative histogram.
  return query
    select h.* from (
      select array_agg(j.kind) k, array_agg(extract(epoch from j.finished_at - j.created_at)::double precision) s
        from public.jobs j where j.finished_at is not null) d
     cross join lateral private.histogram_rows('salespulse_job_duration_seconds', 'kind', v_job_buckets, d.k, d.s) h;

  -- Webhook outcomes: Stripe's ledger, and Twilio recordings ingested.
  return query
    select 'salespulse_webhook_events_total', jsonb_build_object('provider', 'stripe', 'outcome', e.outcome),
           count(*)::double precision
      from public.stripe_events e group by e.outcome;
  return query
    select 'salespulse_webhook_events_total', jsonb_build_object('provider', 'twilio', 'outcome', 'recording_ingested'),
           count(*)::double precision
      from public.calls c where c.twilio_recording_sid is not null;

  -- Provider calls made by the analysis: errors are failed analyze_call
  -- attempts; latency is the analyzer's time per insight, as a histogram.
  return query
    select h.* from (
      select array_agg(i.analyzer) k, array_agg((i.latency_ms / 1000.0)::double precision) s from public.insights i) d
     cross join lateral private.histogram_rows('salespulse_analysis_latency_seconds', 'analyzer', v_latency_buckets, d.k, d.s) h;
  return query
    select 'salespulse_provider_errors_total', jsonb_build_object('provider', 'analysis', 'outcome', j.status::text),
           sum(greatest(j.attempts - case when j.status = 'succeeded' then 1 else 0 end, 0))::double precision
      from public.jobs j where j.kind = 'analyze_call' and j.attempts > 0 group by j.status;

  -- Analysis cost and tokens (every insight, current or not), and provider fees.
  return query
    select 'salespulse_analysis_cost_usd_total', jsonb_build_object('analyzer', i.analyzer, 'model', i.model),
           sum(i.cost_usd)::double precision
      from public.insights i group by i.analyzer, i.model;
  return query
    select 'salespulse_analysis_tokens_total', jsonb_build_object('direction', t.direction, 'model', t.model), t.n
      from (select 'in' as direction, i.model, sum(i.tokens_in)::double precision as n from public.insights i group by i.model
            union all
            select 'out', i.model, sum(i.tokens_out)::double precision from public.insights i group by i.model) t;
  return query
    select 'salespulse_provider_cost_usd_total', jsonb_build_object('provider', p.provider, 'item', p.item),
           sum(p.cost_usd)::double precision
      from public.provider_costs p group by p.provider, p.item;
end;
$$;
comment on function public.staff_metrics() is
  'Staff only (SP403 otherwise): the metrics the `metrics` function serves in Prometheus text format — queue depth by kind and status, failed attempts, job latency histogram, webhook outcomes, analysis latency histogram, provider errors, analysis cost and tokens, provider fees. One row per sample.';

-- Grants ---------------------------------------------------------------------------------
grant execute on function private.request_id() to authenticated, service_role;
revoke execute on function public.staff_metrics() from public, anon;
grant execute on function public.staff_metrics() to authenticated, service_role;

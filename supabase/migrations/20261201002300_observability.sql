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

-- Grants ---------------------------------------------------------------------------------
grant execute on function private.request_id() to authenticated, service_role;

-- Platform foundation: deny-by-default grants, the private schema, optional
-- pg_net, pg_cron, and private.invoke_function — the one way SQL reaches an
-- Edge Function (pg_net on Supabase; pg_notify to the local functions server
-- where pg_net is not installed).

-- Deny by default ------------------------------------------------------------
-- Postgres grants EXECUTE on new functions to PUBLIC, and Supabase's default
-- privileges grant them to anon/authenticated/service_role. Revoke both for
-- functions this role creates from now on; every API function is granted
-- explicitly, with its full signature, in the migration that creates it.
alter default privileges revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated, service_role;

-- Internal schema: helpers for RLS policies, queue and bookkeeping. Not in
-- PostgREST's exposed schemas, so nothing here is reachable over the API.
create schema private;
comment on schema private is
  'Internal helpers (RLS predicates, queue, bookkeeping). Never exposed through the Data API.';
revoke all on schema private from public;
grant usage on schema private to service_role;
alter default privileges in schema private revoke execute on functions from public;

-- Extensions ---------------------------------------------------------------
-- pg_net exists on Supabase but has no Debian package: create it only where
-- the server offers it. Everything outbound goes through invoke_function.
do $$
begin
  if exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_net') then
    create extension if not exists pg_net;
  end if;
end
$$;

-- pg_cron lives in pg_catalog (its objects in schema cron), as Supabase
-- documents; `if not exists` because Supabase projects may have enabled it
-- from the dashboard already.
create extension if not exists pg_cron with schema pg_catalog;

-- Outbound calls log -------------------------------------------------------
create table private.function_invocations (
  id bigint generated always as identity primary key,
  name text not null check (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  body jsonb not null default '{}'::jsonb,
  transport text not null check (transport in ('pg_net', 'notify')),
  net_request_id bigint,
  status_code integer,
  response text,
  error text,
  created_at timestamptz not null default now(),
  completed_at timestamptz
);
comment on table private.function_invocations is
  'One row per private.invoke_function() call. With pg_net the response lands in net._http_response (net_request_id); without it the local functions server delivers the call and fills status_code/response/error.';
create index function_invocations_pending_idx
  on private.function_invocations (created_at) where completed_at is null;
alter table private.function_invocations enable row level security;
-- No policies: only the owner (and service_role, which bypasses RLS) see rows.
grant select on private.function_invocations to service_role;

-- invoke_function ------------------------------------------------------------
create function private.invoke_function(p_name text, p_body jsonb default '{}'::jsonb)
returns bigint
language plpgsql
-- security definer: callers (pg_cron jobs, triggers fired by API users) must
-- be able to log the call and read the Vault secrets without holding those
-- privileges themselves. search_path is empty; every name is qualified.
security definer
set search_path = ''
as $$
declare
  v_id bigint;
  v_url text;
  v_key text;
  v_request_id bigint;
begin
  if p_name is null or p_name !~ '^[a-z0-9][a-z0-9_-]{0,62}$' then
    raise exception 'invalid function name: %', coalesce(p_name, '<null>')
      using errcode = 'SP400';
  end if;

  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_net') then
    -- On Supabase: POST through pg_net. The project URL and service key come
    -- from Vault (see README, "Hosted Supabase"). Dynamic SQL (built with
    -- format, so plpgsql_check does not resolve it) keeps this valid where
    -- neither vault nor net exists.
    execute pg_catalog.format('select decrypted_secret from %I.decrypted_secrets where name = $1', 'vault')
      into v_url using 'project_url';
    execute pg_catalog.format('select decrypted_secret from %I.decrypted_secrets where name = $1', 'vault')
      into v_key using 'service_role_key';
    if v_url is null or v_key is null then
      raise exception 'Vault secrets project_url and service_role_key are required to call Edge Functions'
        using errcode = 'SP500';
    end if;
    execute pg_catalog.format('select %I.http_post(url := $1, body := $2, headers := $3, timeout_milliseconds := 150000)', 'net')
      into v_request_id
      using rtrim(v_url, '/') || '/functions/v1/' || p_name,
            coalesce(p_body, '{}'::jsonb),
            jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || v_key);
    insert into private.function_invocations (name, body, transport, net_request_id)
    values (p_name, coalesce(p_body, '{}'::jsonb), 'pg_net', v_request_id)
    returning id into v_id;
  else
    -- Local stack: the functions server LISTENs and makes the call. The
    -- payload carries only the id (NOTIFY payloads are limited to 8000 bytes).
    insert into private.function_invocations (name, body, transport)
    values (p_name, coalesce(p_body, '{}'::jsonb), 'notify')
    returning id into v_id;
    perform pg_catalog.pg_notify('invoke_function', pg_catalog.json_build_object('id', v_id, 'name', p_name)::text);
  end if;
  return v_id;
end;
$$;
comment on function private.invoke_function(text, jsonb) is
  'Calls Edge Function p_name with JSON body p_body as service_role, asynchronously. Returns the private.function_invocations id. Backend only.';
revoke execute on function private.invoke_function(text, jsonb) from public, anon, authenticated;
grant execute on function private.invoke_function(text, jsonb) to service_role;

-- Input bounds -------------------------------------------------------------
-- Text parameters of RPCs get a bound, with a stable code (SP400).
create function private.bounded_text(p_value text, p_max integer, p_name text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_value is not null and char_length(p_value) > p_max then
    raise exception '% is too long (at most % characters)', p_name, p_max using errcode = 'SP400';
  end if;
  return p_value;
end;
$$;
comment on function private.bounded_text(text, integer, text) is
  'Returns p_value, or raises SP400 when it is longer than p_max characters.';
grant execute on function private.bounded_text(text, integer, text) to authenticated, service_role;

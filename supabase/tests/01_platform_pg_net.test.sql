-- The Supabase branch of private.invoke_function: with pg_net installed it
-- reads the project URL and service key from Vault and posts through
-- net.http_post (README, "Hosted Supabase"). The local stack has neither
-- pg_net nor Vault, so this test stands them in for one transaction:
--   * a pg_extension row for pg_net (the branch is chosen on pg_extension);
--   * net.http_post with pg_net's signature, recording each call;
--   * vault.decrypted_secrets with the columns invoke_function reads.
-- Everything is rolled back.
begin;
select plan(12);

set local allow_system_table_mods = on;
insert into pg_catalog.pg_extension (oid, extname, extowner, extnamespace, extrelocatable, extversion)
select (select max(oid::int8) + 1 from pg_catalog.pg_extension)::oid, 'pg_net',
       (select oid from pg_catalog.pg_roles where rolname = current_user), 'extensions'::regnamespace, false, '0.14.0'
 where not exists (select 1 from pg_catalog.pg_extension where extname = 'pg_net');
reset allow_system_table_mods;

create schema if not exists net;
create table net.recorded_posts (
  id bigint generated always as identity,
  url text, body jsonb, params jsonb, headers jsonb, timeout_milliseconds integer
);
-- pg_net's signature; a call that names a parameter pg_net lacks fails here too.
create or replace function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer default 5000
) returns bigint
language sql
as $$
  insert into net.recorded_posts (url, body, params, headers, timeout_milliseconds)
  values (url, body, params, headers, timeout_milliseconds)
  returning 1000 + id;
$$;

create schema vault;
create table vault.decrypted_secrets (name text primary key, decrypted_secret text);

-- No secrets in Vault yet: a clear misconfiguration error, nothing posted.
select throws_ok($$select private.invoke_function('health', '{}')$$, 'SP500', null,
  'without the Vault secrets invoke_function refuses with SP500');
select is((select count(*)::int from net.recorded_posts), 0, 'nothing was posted');

insert into vault.decrypted_secrets values
  ('project_url', 'https://abcdefghijklmnopqrst.supabase.co/'),
  ('service_role_key', 'service-role-key-from-vault');

-- Called as service_role (as pg_cron and the API call it): security definer
-- reads Vault and net without the caller holding those privileges.
set local role service_role;
select ok(private.invoke_function('process-jobs', '{"source":"pgtap"}') > 0, 'invoke_function returns an id');
reset role;

select is((select count(*)::int from net.recorded_posts), 1, 'one POST through net.http_post');
select is((select url from net.recorded_posts), 'https://abcdefghijklmnopqrst.supabase.co/functions/v1/process-jobs',
  'it posts to the function under the project URL from Vault');
select is((select headers from net.recorded_posts),
  '{"Content-Type": "application/json", "Authorization": "Bearer service-role-key-from-vault"}'::jsonb,
  'as service_role, with the key from Vault');
select is((select body from net.recorded_posts), '{"source": "pgtap"}'::jsonb, 'with the body');
select is((select params from net.recorded_posts), '{}'::jsonb, 'and no query parameters');
select is((select timeout_milliseconds from net.recorded_posts), 150000, 'with a 150 s timeout');
select is(
  (select row(transport, net_request_id, completed_at is null)::text from private.function_invocations
    where body->>'source' = 'pgtap'),
  row('pg_net', (select 1000 + id from net.recorded_posts), true)::text,
  'the call is logged with transport pg_net and pg_net''s request id');

-- The pg_cron sweep goes the same way when jobs are runnable.
insert into public.jobs (kind, payload) values ('analyze_call', '{}');
select ok(private.kick_worker(), 'kick_worker finds runnable jobs');
select is((select body from net.recorded_posts order by id desc limit 1), '{"source": "cron"}'::jsonb,
  'and wakes process-jobs through net.http_post');

select * from finish();
rollback;

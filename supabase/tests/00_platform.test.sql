-- The database looks like Supabase's and the foundation migration holds:
-- roles, schemas, extensions, deny-by-default EXECUTE, invoke_function.
begin;
select plan(24);

-- Supabase roles (mirrored by supabase/local/bootstrap.sql locally).
select has_role('anon');
select has_role('authenticated');
select has_role('service_role');
select has_role('authenticator');
select has_role('supabase_admin');
select has_role('supabase_auth_admin');
select ok((select rolbypassrls from pg_roles where rolname = 'service_role'), 'service_role bypasses RLS');
select ok(not (select rolbypassrls from pg_roles where rolname = 'authenticated'), 'authenticated does not bypass RLS');
select ok(pg_has_role('authenticator', 'anon', 'member') and pg_has_role('authenticator', 'authenticated', 'member')
          and pg_has_role('authenticator', 'service_role', 'member'), 'authenticator can switch to the API roles');

-- Schemas and extensions.
select has_schema('auth');
select has_schema('extensions');
select has_schema('private');
select has_extension('pg_cron');
select has_function('auth', 'uid', 'auth.uid() exists');

-- private is not usable by the API roles.
select ok(not has_schema_privilege('anon', 'private', 'usage'), 'anon has no usage on private');

-- invoke_function is backend-only.
select function_privs_are('private', 'invoke_function', array['text', 'jsonb'], 'anon', array[]::text[]);
select function_privs_are('private', 'invoke_function', array['text', 'jsonb'], 'authenticated', array[]::text[]);
select function_privs_are('private', 'invoke_function', array['text', 'jsonb'], 'service_role', array['EXECUTE']);
select throws_ok($$select private.invoke_function('Bad Name!', '{}')$$, 'SP400', null, 'invalid function names are refused');

-- invoke_function records the call and notifies (no pg_net locally).
select ok(private.invoke_function('health', '{"probe":"pgtap"}') > 0, 'invoke_function returns an id');
select is(
  (select transport from private.function_invocations where body->>'probe' = 'pgtap'),
  case when exists (select 1 from pg_extension where extname = 'pg_net') then 'pg_net' else 'notify' end,
  'the call is recorded with its transport');

-- Deny by default: a function created by a later migration is executable by
-- nobody but its owner until it is granted explicitly.
create function public.__deny_by_default_probe() returns int language sql as 'select 1';
select ok(not has_function_privilege('anon', 'public.__deny_by_default_probe()', 'execute'), 'new functions: no EXECUTE for anon');
select ok(not has_function_privilege('authenticated', 'public.__deny_by_default_probe()', 'execute'), 'new functions: no EXECUTE for authenticated');
select ok(not exists (
  select 1 from pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
   where p.oid = 'public.__deny_by_default_probe()'::regprocedure and a.grantee = 0),
  'new functions: no EXECUTE for PUBLIC');

select * from finish();
rollback;

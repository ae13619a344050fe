-- "Advisor" suite: fails on what Supabase's database advisors (splinter)
-- flag, for every table and function — including the ones later migrations
-- add. Each check lists the offenders so a failure says what to fix.
begin;
select plan(11);

-- Exposed schemas: what PostgREST serves (supabase/config.toml [api].schemas).
create temp table exposed(nspname name);
insert into exposed values ('public'), ('graphql_public');
-- Our schemas (exposed or not) whose functions we own.
create temp table ours(nspname name);
insert into ours values ('public'), ('private');
-- Functions in exposed schemas that anon may execute on purpose.
create temp table anon_allowed(signature text);
-- Supabase's own GraphQL entry point (pg_graphql), public by design.
insert into anon_allowed values ('graphql_public.graphql(text,text,jsonb,jsonb)');

-- 0013 rls_disabled_in_public
select is_empty($$
  select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p') and n.nspname in (select nspname from exposed) and not c.relrowsecurity
$$, 'every table in an exposed schema has RLS enabled');

-- internal tables too: RLS on every table, exposed or not
select is_empty($$
  select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p') and n.nspname = 'private' and not c.relrowsecurity
$$, 'every table in private has RLS enabled');

-- 0008 rls_enabled_no_policy (exposed tables)
select is_empty($$
  select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p') and n.nspname in (select nspname from exposed) and c.relrowsecurity
     and not exists (select 1 from pg_policy p where p.polrelid = c.oid)
$$, 'every exposed table with RLS has at least one policy');

-- 0011 function_search_path_mutable. Procedures that COMMIT cannot carry a
-- SET clause (PostgreSQL forbids it); they must not be security definer and
-- must empty search_path themselves (checked on their source).
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where n.nspname in (select nspname from ours)
     and not (p.prokind = 'p' and not p.prosecdef and p.prosrc like '%set_config(''search_path'', '''', false)%')
     and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
     and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')
$$, 'every function in public/private has a fixed search_path');

select is_empty($$
  select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where n.nspname in (select nspname from ours) and p.prosecdef
     and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c in ('search_path=""', 'search_path='))
$$, 'every security definer function runs with search_path = ''''');

-- 0003 auth_rls_initplan: auth.*() / current_setting() must be wrapped in (select …)
select is_empty($$
  select schemaname || '.' || tablename || ': ' || policyname from pg_policies
   where schemaname in (select nspname from ours)
     and (
       regexp_replace(coalesce(qual, '') || ' ' || coalesce(with_check, ''), '\(\s*SELECT\s+(auth\.\w+\(\)|current_setting\([^)]*\))', '', 'gi')
       ~* '(auth\.(uid|jwt|role|email)\(\)|current_setting\()'
     )
$$, 'policies call auth.uid()/auth.jwt()/current_setting() through (select …), once per statement');

-- 0015 rls_references_user_metadata
select is_empty($$
  select schemaname || '.' || tablename || ': ' || policyname from pg_policies
   where coalesce(qual, '') || coalesce(with_check, '') ~* 'user_metadata'
$$, 'no policy trusts user-editable user_metadata');

-- 0001 unindexed_foreign_keys
select is_empty($$
  select c.conrelid::regclass::text || ' (' || c.conname || ')'
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
   where c.contype = 'f' and n.nspname in (select nspname from ours)
     and not exists (
       select 1 from pg_index i
        where i.indrelid = c.conrelid
          and (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] @> c.conkey
          and (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] <@ c.conkey)
$$, 'every foreign key has an index');

-- 0010 security_definer_view (and 0002 auth_users_exposed through views)
select is_empty($$
  select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('v', 'm') and n.nspname in (select nspname from exposed)
     and not coalesce('security_invoker=true' = any (c.reloptions) or 'security_invoker=on' = any (c.reloptions), false)
$$, 'every view in an exposed schema is security_invoker (cannot bypass RLS)');

-- Exposed functions anon may execute: only the allow-listed ones.
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where n.nspname in (select nspname from exposed)
     and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
     and has_function_privilege('anon', p.oid, 'execute')
     and p.oid::regprocedure::text not in (select signature from anon_allowed)
$$, 'no exposed function is executable by anon unless allow-listed');

-- Every function in an exposed schema has an explicit, intended grant.
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where n.nspname in (select nspname from exposed)
     and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
     and p.prorettype <> 'trigger'::regtype
     and not (has_function_privilege('authenticated', p.oid, 'execute')
              or has_function_privilege('service_role', p.oid, 'execute')
              or has_function_privilege('supabase_auth_admin', p.oid, 'execute'))
$$, 'every exposed function is granted to some API role explicitly');

select * from finish();
rollback;

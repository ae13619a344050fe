-- =============================================================================
-- SalesPulse: Docker-free Supabase bootstrap for a plain PostgreSQL 15 cluster
-- =============================================================================
--
-- Apply ONCE to a fresh database, as superuser `postgres`, BEFORE any project
-- migrations:
--
--   psql -U postgres -d postgres -v ON_ERROR_STOP=1 -f supabase/local/bootstrap.sql
--
-- It reproduces what the supabase/postgres image (and GoTrue on top of it)
-- leaves in a database, so migrations written for hosted Supabase or
-- `supabase start` apply here unchanged. The whole script is a single
-- transaction: it either applies completely or not at all.
--
-- Roles are cluster-wide, so they are created only if missing and then ALTERed
-- to the desired attributes. That makes a second run against another database
-- in the same cluster safe. Everything else assumes a fresh database.
--
-- Cluster prerequisites (postgresql.conf or -c flags):
--   shared_preload_libraries = 'pg_cron'
--   cron.database_name       = 'postgres'
-- Debian packages: postgresql-15-cron, postgresql-15-pgtap,
-- postgresql-15-plpgsql-check.
--
-- -----------------------------------------------------------------------------
-- UPSTREAM SOURCES MIRRORED
--   Repository github.com/supabase/postgres, mirrored at commit 7db7e1a9e34b
--   (2024-10-23). Paths are relative to that repository:
--     migrations/db/migrate.sh                 (run order; passwords; supabase_admin
--                                               is the bootstrap superuser)
--     ansible/files/pgbouncer_config/pgbouncer_auth_schema.sql
--                                              (copied into the image as
--                                               init-scripts/00-schema.sql)
--     migrations/db/init-scripts/00000000000000-initial-schema.sql
--     migrations/db/init-scripts/00000000000001-auth-schema.sql
--     migrations/db/init-scripts/00000000000002-storage-schema.sql
--     migrations/db/init-scripts/00000000000003-post-setup.sql
--     migrations/db/migrations/10000000000000_demote-postgres.sql   (grants only)
--     migrations/db/migrations/20211115181400_update-auth-permissions.sql
--     migrations/db/migrations/20211118015519_create-realtime-schema.sql
--     migrations/db/migrations/20211122051245_update-realtime-permissions.sql
--     migrations/db/migrations/20211124212715_update-auth-owner.sql
--     migrations/db/migrations/20211130151719_update-realtime-permissions.sql
--     migrations/db/migrations/20220321174452_fix-postgrest-alter-type-event-trigger.sql
--                                              (final pgrst_ddl_watch/pgrst_drop_watch;
--                                               supersedes 20220126121436)
--     migrations/db/migrations/20220317095840_pg_graphql.sql +
--     migrations/db/migrations/20220404205710_pg_graphql-on-by-default.sql
--                                              (graphql_public placeholder and
--                                               grants only, see below)
--     migrations/db/migrations/20220322085208_gotrue-session-limit.sql
--     migrations/db/migrations/20220609081115_grant-supabase-auth-admin-and-supabase-storage-admin-to-postgres.sql
--     migrations/db/migrations/20220713082019_pg_cron-pg_net-temp-perms-fix.sql   (pg_cron half)
--     migrations/db/migrations/20221028101028_set_authenticator_timeout.sql
--     migrations/db/migrations/20221103090837_revoke_admin.sql      (we never grant
--                                               supabase_admin to authenticator)
--     migrations/db/migrations/20230201083204_grant_auth_roles_to_postgres.sql
--     migrations/db/migrations/20230224042246_grant_extensions_perms_for_postgres.sql
--     migrations/db/migrations/20230306081037_grant_pg_monitor_to_postgres.sql
--     migrations/db/migrations/20230327032006_grant_auth_roles_to_supabase_storage_admin.sql
--     migrations/db/migrations/20230529180330_alter_api_roles_for_inherit.sql  (not pgsodium)
--     migrations/db/migrations/20231013070755_grant_authenticator_to_supabase_storage_admin.sql
--     migrations/db/migrations/20231020085357_revoke_writes_on_cron_job_from_postgres.sql
--                                              (final grant_pg_cron_access and its trigger)
--     migrations/db/migrations/20231130133139_set_lock_timeout_to_authenticator_role.sql
--     migrations/db/migrations/20240606060239_grant_predefined_roles_to_postgres.sql
--     ansible/files/postgresql_config/supautils.conf.j2
--                                              (on hosted Supabase, pg_cron is forced
--                                               into schema pg_catalog)
--     ansible/files/postgresql_extension_custom_scripts/pg_cron/after-create.sql
--
--   Repository github.com/supabase/auth (GoTrue), migrations/. These always run on
--   top of the image in hosted Supabase and in `supabase start`:
--     20220224000811_update_auth_functions.up.sql  (final auth.uid/role/email:
--                                                   read request.jwt.claim.* OR
--                                                   request.jwt.claims)
--     20220531120530_add_auth_jwt_function.up.sql  (auth.jwt() and the
--                                                   "Deprecated" comments)
--   The image alone still has the 2021 bodies, which read only
--   request.jwt.claim.sub/role/email. PostgREST >= 9 sets only request.jwt.claims,
--   so those bodies would return NULL for every real request and for pgTAP
--   tests that set request.jwt.claims. The auth tables are the image's
--   baseline. GoTrue, if it ever runs, migrates them further: identities,
--   sessions, mfa_* and more columns on auth.users. Migrations or seeds that
--   depend on those will NOT work without GoTrue.
--
-- -----------------------------------------------------------------------------
-- DELIBERATELY LEFT OUT OR CHANGED
--   * `postgres` stays SUPERUSER. On hosted Supabase (10000000000000_demote-postgres)
--     it is NOSUPERUSER CREATEDB CREATEROLE LOGIN REPLICATION BYPASSRLS, and the
--     supautils extension lets it create "privileged" extensions and manage
--     reserved roles. supautils is not available here, so `postgres` has to keep
--     superuser for extension DDL to work. The GRANTs that migration makes are
--     still mirrored, so the ACLs look the same.
--   * pgjwt (initial-schema) is NOT available, so it is skipped. Nothing that
--     calls extensions.sign()/verify() will work.
--   * pg_stat_statements (image 00-extension.sql = ansible/files/stat_extension.sql)
--     is skipped because it may not be preloaded.
--   * pg_net is not available. grant_pg_net_access() and its event trigger
--     (post-setup) and the pg_net half of 20220713082019 are omitted.
--   * pgsodium and supabase_vault (20221207154255) are not available and are
--     omitted, including `grant pgsodium_keyholder to service_role` from
--     20230529180330.
--   * pg_graphql is not available. Only the graphql_public schema, its
--     placeholder graphql_public.graphql() (which returns "pg_graphql extension is
--     not enabled") and its grants are created. The grant_pg_graphql_access and
--     set_graphql_placeholder event triggers are omitted
--     (20220317095840, 20220404205710, 20220613123923, 20231017062225).
--   * supautils (20220224211803) is omitted. ALTER ROLE authenticator SET
--     session_preload_libraries = 'safeupdate' (20220118070449) is also omitted:
--     safeupdate is not installed, and that setting would make every
--     authenticator login fail.
--   * 20240124080435_alter_lo_export_lo_import_owner is omitted. It only fences a
--     non-superuser postgres away from server-side file I/O, and that has no
--     effect while postgres is a superuser.
--   * ALTER DATABASE ... SET "app.settings.jwt_secret" is not needed. The JWT
--     secret is the well-known local one, and nothing JWT-related lives in SQL.
--   * The supabase_migrations schema and _realtime are created by the CLI, not the
--     image, and are not created here.
--   * Upstream post-setup runs ALTER ROLE ... SET search_path TO "\$user",... from
--     a psql file. The backslash is literal, so hosted Supabase really has a schema
--     named \$user in its path (supabase/supabase#20842). Here it is the intended
--     "$user".
--   * The search_path of `postgres` is set IN DATABASE <this db> rather than
--     cluster-wide. postgres is the cluster's bootstrap superuser and may be used
--     for unrelated databases. The search_paths of the Supabase-only roles are
--     cluster-wide, as upstream.
--   * `GRANT ... ON DATABASE postgres` uses current_database(), so a second
--     database gets the grants on itself.
--   * Passwords: the login roles get 'postgres', which is what migrate.sh
--     (POSTGRES_PASSWORD) and the CLI's db/start/templates/schema.sql set locally.
--     The password of `postgres` itself is deliberately not touched.
--   * Extra, as the brief asked: pgtap and plpgsql_check (for `supabase test db`
--     and `supabase db lint`) are pre-created in schema extensions, and pg_cron
--     in pg_catalog (its objects live in schema cron). pg_cron is created only
--     when it is preloaded and current_database() = cron.database_name; otherwise
--     a WARNING is raised and it is skipped.
-- =============================================================================

begin;

-- Keep this script's own DDL predictable, whatever the caller's settings are.
set local search_path = pg_catalog, public;
set local client_min_messages = warning;

-- -----------------------------------------------------------------------------
-- 1. Roles (cluster-wide, so create them only if missing, then ALTER to spec)
-- -----------------------------------------------------------------------------
do $$
declare
  _r text;
begin
  foreach _r in array array[
    'supabase_admin',
    'supabase_replication_admin',
    'supabase_read_only_user',
    'anon',
    'authenticated',
    'service_role',
    'authenticator',
    'supabase_auth_admin',
    'supabase_storage_admin',
    'dashboard_user',
    'pgbouncer'
  ]
  loop
    if not exists (select from pg_catalog.pg_roles where rolname = _r) then
      execute format('create role %I', _r);
    end if;
  end loop;
end
$$;

-- initial-schema: "alter user supabase_admin with superuser createdb createrole
-- replication bypassrls". In the image this role is the initdb bootstrap user.
alter role supabase_admin with superuser createdb createrole replication bypassrls login password 'postgres';

-- initial-schema: Supabase replication user and read-only user
alter role supabase_replication_admin with login replication password 'postgres';
alter role supabase_read_only_user with login bypassrls password 'postgres';
grant pg_read_all_data to supabase_read_only_user;

-- initial-schema: API roles. They start "nologin noinherit", and
-- 20230529180330_alter_api_roles_for_inherit switches them to INHERIT.
alter role anon          with nologin inherit nobypassrls;
alter role authenticated with nologin inherit nobypassrls;
alter role service_role  with nologin inherit bypassrls;

-- initial-schema: "create user authenticator noinherit"
alter role authenticator with login noinherit password 'postgres';
grant anon          to authenticator;
grant authenticated to authenticator;
grant service_role  to authenticator;
-- initial-schema also grants supabase_admin to authenticator, but
-- 20221103090837_revoke_admin revokes it again, so we never grant it.

-- auth-schema / storage-schema: service admins
alter role supabase_auth_admin    with login noinherit createrole noreplication password 'postgres';
alter role supabase_storage_admin with login noinherit createrole noreplication password 'postgres';

-- post-setup: "CREATE ROLE dashboard_user NOSUPERUSER CREATEDB CREATEROLE REPLICATION"
alter role dashboard_user with nosuperuser createdb createrole replication;

-- pgbouncer_auth_schema.sql: "CREATE USER pgbouncer". The CLI sets the password.
alter role pgbouncer with login password 'postgres';

-- Per-role settings. Cluster-wide, as upstream, because these roles only exist
-- for Supabase.
alter role supabase_admin         set search_path to "$user", public, auth, extensions;  -- post-setup (fixed "\$user")
alter role supabase_auth_admin    set search_path = auth;                                -- auth-schema
alter role supabase_storage_admin set search_path = storage;                             -- storage-schema
alter role anon                   set statement_timeout = '3s';                          -- initial-schema
alter role authenticated          set statement_timeout = '8s';                          -- initial-schema
alter role authenticator          set statement_timeout = '8s';                          -- 20221028101028
alter role authenticator          set lock_timeout = '8s';                               -- 20231130133139
alter role supabase_auth_admin    set idle_in_transaction_session_timeout to 60000;      -- 20220322085208

-- post-setup: ALTER ROLE postgres SET search_path TO "$user",public,extensions.
-- This one is scoped to this database, see the header.
do $$
begin
  execute format(
    'alter role postgres in database %I set search_path to "$user", public, extensions',
    current_database());
end
$$;

-- Role memberships of postgres
grant supabase_auth_admin, supabase_storage_admin to postgres;    -- 20220609081115
grant anon, authenticated, service_role to postgres;              -- 20230201083204
grant pg_monitor to postgres;                                     -- 20230306081037
grant pg_read_all_data, pg_signal_backend to postgres;            -- 20240606060239

-- supabase_storage_admin: 20230327032006 grants the API roles, then
-- 20231013070755 swaps them for authenticator.
grant authenticator to supabase_storage_admin;

-- -----------------------------------------------------------------------------
-- 2. pgbouncer auth schema (image init-scripts/00-schema.sql)
-- -----------------------------------------------------------------------------
revoke all privileges on schema public from pgbouncer;
create schema if not exists pgbouncer authorization pgbouncer;

create or replace function pgbouncer.get_auth(p_usename text)
returns table(username text, password text) as
$$
begin
    raise warning 'PgBouncer auth request: %', p_usename;

    return query
    select usename::text, passwd::text from pg_catalog.pg_shadow
    where usename = p_usename;
end;
$$ language plpgsql security definer;

revoke all on function pgbouncer.get_auth(p_usename text) from public;
grant execute on function pgbouncer.get_auth(p_usename text) to pgbouncer;

-- -----------------------------------------------------------------------------
-- 3. initial-schema (run as postgres in the image)
-- -----------------------------------------------------------------------------

-- Realtime publication, empty by default. It works with wal_level=replica; only
-- logical decoding needs wal_level=logical.
do $$
begin
  if not exists (select from pg_catalog.pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end
$$;

-- Extension namespacing
create schema if not exists extensions;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto    with schema extensions;
-- create extension if not exists pgjwt with schema extensions;  -- NOT AVAILABLE here (see header)

grant usage on schema public to postgres, anon, authenticated, service_role;
alter default privileges in schema public grant all on tables    to postgres, anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to postgres, anon, authenticated, service_role;

-- Allow extensions to be used through the API
grant usage on schema extensions to postgres, anon, authenticated, service_role;

-- Needed so the API roles also get grants on tables and functions that
-- supabase_admin creates
alter default privileges for user supabase_admin in schema public grant all
    on sequences to postgres, anon, authenticated, service_role;
alter default privileges for user supabase_admin in schema public grant all
    on tables    to postgres, anon, authenticated, service_role;
alter default privileges for user supabase_admin in schema public grant all
    on functions to postgres, anon, authenticated, service_role;

-- -----------------------------------------------------------------------------
-- 4. auth-schema (image baseline) + final GoTrue auth.* helper functions
-- -----------------------------------------------------------------------------
create schema if not exists auth authorization supabase_admin;

-- auth.users definition
create table auth.users (
    instance_id uuid null,
    id uuid not null unique,
    aud varchar(255) null,
    "role" varchar(255) null,
    email varchar(255) null unique,
    encrypted_password varchar(255) null,
    confirmed_at timestamptz null,
    invited_at timestamptz null,
    confirmation_token varchar(255) null,
    confirmation_sent_at timestamptz null,
    recovery_token varchar(255) null,
    recovery_sent_at timestamptz null,
    email_change_token varchar(255) null,
    email_change varchar(255) null,
    email_change_sent_at timestamptz null,
    last_sign_in_at timestamptz null,
    raw_app_meta_data jsonb null,
    raw_user_meta_data jsonb null,
    is_super_admin bool null,
    created_at timestamptz null,
    updated_at timestamptz null,
    constraint users_pkey primary key (id)
);
create index users_instance_id_email_idx on auth.users using btree (instance_id, email);
create index users_instance_id_idx on auth.users using btree (instance_id);
comment on table auth.users is 'Auth: Stores user login data within a secure schema.';

-- auth.refresh_tokens definition
create table auth.refresh_tokens (
    instance_id uuid null,
    id bigserial not null,
    "token" varchar(255) null,
    user_id varchar(255) null,
    revoked bool null,
    created_at timestamptz null,
    updated_at timestamptz null,
    constraint refresh_tokens_pkey primary key (id)
);
create index refresh_tokens_instance_id_idx on auth.refresh_tokens using btree (instance_id);
create index refresh_tokens_instance_id_user_id_idx on auth.refresh_tokens using btree (instance_id, user_id);
create index refresh_tokens_token_idx on auth.refresh_tokens using btree (token);
comment on table auth.refresh_tokens is 'Auth: Store of tokens used to refresh JWT tokens once they expire.';

-- auth.instances definition
create table auth.instances (
    id uuid not null,
    uuid uuid null,
    raw_base_config text null,
    created_at timestamptz null,
    updated_at timestamptz null,
    constraint instances_pkey primary key (id)
);
comment on table auth.instances is 'Auth: Manages users across multiple sites.';

-- auth.audit_log_entries definition
create table auth.audit_log_entries (
    instance_id uuid null,
    id uuid not null,
    payload json null,
    created_at timestamptz null,
    constraint audit_log_entries_pkey primary key (id)
);
create index audit_logs_instance_id_idx on auth.audit_log_entries using btree (instance_id);
comment on table auth.audit_log_entries is 'Auth: Audit trail for user actions.';

-- auth.schema_migrations definition
create table auth.schema_migrations (
    "version" varchar(255) not null,
    constraint schema_migrations_pkey primary key ("version")
);
comment on table auth.schema_migrations is 'Auth: Manages updates to the auth system.';

insert into auth.schema_migrations (version)
values  ('20171026211738'),
        ('20171026211808'),
        ('20171026211834'),
        ('20180103212743'),
        ('20180108183307'),
        ('20180119214651'),
        ('20180125194653');

-- Helper functions. The bodies are GoTrue's final versions
-- (supabase/auth 20220224000811_update_auth_functions,
-- 20220531120530_add_auth_jwt_function). They accept either the legacy per-claim
-- GUCs (request.jwt.claim.sub, ...) or the JSON request.jwt.claims that
-- PostgREST >= 9 sets.
-- auth.uid(), auth.role(), auth.email(): one claim each, the same body
-- (GoTrue writes it out three times; here it is generated once).
do $do$
declare
  f record;
begin
  for f in select * from (values ('uid', 'sub', 'uuid'), ('role', 'role', 'text'), ('email', 'email', 'text')) v(name, claim, type)
  loop
    execute format($f$
      create or replace function auth.%1$I()
      returns %3$s
      language sql stable
      as $body$
        select
        coalesce(
          nullif(current_setting('request.jwt.claim.%2$s', true), ''),
          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> %2$L)
        )::%3$s
      $body$$f$, f.name, f.claim, f.type);
    execute format('comment on function auth.%I() is %L', f.name,
                   format('Deprecated. Use auth.jwt() -> ''%s'' instead.', f.claim));
  end loop;
end;
$do$;

create or replace function auth.jwt()
returns jsonb
language sql stable
as $$
  select
    coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$$;

-- API roles get USAGE on auth. The image grants no explicit EXECUTE on these
-- functions: PUBLIC keeps the default EXECUTE privilege, and anon,
-- authenticated and service_role use that.
grant usage on schema auth to anon, authenticated, service_role;

-- A schema handed to the role its service migrates it as: all privileges on the
-- schema, its tables and sequences, and ownership of every table and function
-- in it (the image names them one by one; here they are all there are).
create function pg_temp.hand_schema_to(p_schema text, p_role text) returns void language plpgsql as $$
declare
  o record;
begin
  execute format('grant all privileges on schema %I to %I', p_schema, p_role);
  execute format('grant all privileges on all tables in schema %I to %I', p_schema, p_role);
  execute format('grant all privileges on all sequences in schema %I to %I', p_schema, p_role);
  for o in
    select 'table' as kind, c.oid::regclass::text as name
      from pg_class c where c.relnamespace = p_schema::regnamespace and c.relkind in ('r', 'p')
    union all
    select 'function', p.oid::regprocedure::text
      from pg_proc p where p.pronamespace = p_schema::regnamespace
  loop
    execute format('alter %s %s owner to %I', o.kind, o.name, p_role);
  end loop;
end;
$$;

-- auth.users, refresh_tokens, audit_log_entries, instances, schema_migrations;
-- auth.uid(), role(), email() (20211124212715_update-auth-owner) and jwt(),
-- which GoTrue creates itself as supabase_auth_admin.
select pg_temp.hand_schema_to('auth', 'supabase_auth_admin');

-- -----------------------------------------------------------------------------
-- 5. storage-schema (image baseline; storage-api would migrate it further)
-- -----------------------------------------------------------------------------
create schema if not exists storage authorization supabase_admin;

grant usage on schema storage to postgres, anon, authenticated, service_role;
alter default privileges in schema storage grant all on tables    to postgres, anon, authenticated, service_role;
alter default privileges in schema storage grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges in schema storage grant all on sequences to postgres, anon, authenticated, service_role;

create table storage.buckets (
    id text not null,
    name text not null,
    owner uuid,
    created_at timestamptz default now(),
    updated_at timestamptz default now(),
    constraint buckets_owner_fkey foreign key (owner) references auth.users(id),
    primary key (id)
);
create unique index bname on storage.buckets using btree (name);

create table storage.objects (
    id uuid not null default extensions.uuid_generate_v4(),
    bucket_id text,
    name text,
    owner uuid,
    created_at timestamptz default now(),
    updated_at timestamptz default now(),
    last_accessed_at timestamptz default now(),
    metadata jsonb,
    constraint "objects_bucketId_fkey" foreign key (bucket_id) references storage.buckets(id),
    constraint objects_owner_fkey foreign key (owner) references auth.users(id),
    primary key (id)
);
create unique index bucketid_objname on storage.objects using btree (bucket_id, name);
create index name_prefix_search on storage.objects(name text_pattern_ops);

alter table storage.objects enable row level security;

create function storage.foldername(name text)
 returns text[]
 language plpgsql
as $function$
declare
_parts text[];
begin
    select string_to_array(name, '/') into _parts;
    return _parts[1:array_length(_parts,1)-1];
end
$function$;

create function storage.filename(name text)
 returns text
 language plpgsql
as $function$
declare
_parts text[];
begin
    select string_to_array(name, '/') into _parts;
    return _parts[array_length(_parts,1)];
end
$function$;

create function storage.extension(name text)
 returns text
 language plpgsql
as $function$
declare
_parts text[];
_filename text;
begin
    select string_to_array(name, '/') into _parts;
    select _parts[array_length(_parts,1)] into _filename;
    -- @todo return the last part instead of 2
    return split_part(_filename, '.', 2);
end
$function$;

create function storage.search(prefix text, bucketname text, limits int default 100, levels int default 1, offsets int default 0)
 returns table (
    name text,
    id uuid,
    updated_at timestamptz,
    created_at timestamptz,
    last_accessed_at timestamptz,
    metadata jsonb
  )
 language plpgsql
as $function$
declare
_bucketId text;
begin
    -- will be replaced by migrations when server starts
    -- saving space for cloud-init
end
$function$;

create table if not exists storage.migrations (
  id integer primary key,
  name varchar(100) unique not null,
  hash varchar(40) not null,
  executed_at timestamp default current_timestamp
);

-- storage.objects, buckets, migrations; foldername, filename, extension, search.
select pg_temp.hand_schema_to('storage', 'supabase_storage_admin');

-- -----------------------------------------------------------------------------
-- 6. post-setup
-- -----------------------------------------------------------------------------
-- The search_path settings for supabase_admin and postgres are in section 1.

-- pg_cron access trigger. This is the final body from
-- 20231020085357_revoke_writes_on_cron_job_from_postgres; the event trigger
-- itself is created in section 7.
create or replace function extensions.grant_pg_cron_access() returns event_trigger
    language plpgsql
    as $$
begin
  if exists (
    select
    from pg_event_trigger_ddl_commands() as ev
    join pg_extension as ext
    on ev.objid = ext.oid
    where ext.extname = 'pg_cron'
  )
  then
    grant usage on schema cron to postgres with grant option;

    alter default privileges in schema cron grant all on tables to postgres with grant option;
    alter default privileges in schema cron grant all on functions to postgres with grant option;
    alter default privileges in schema cron grant all on sequences to postgres with grant option;

    alter default privileges for user supabase_admin in schema cron grant all
        on sequences to postgres with grant option;
    alter default privileges for user supabase_admin in schema cron grant all
        on tables to postgres with grant option;
    alter default privileges for user supabase_admin in schema cron grant all
        on functions to postgres with grant option;

    grant all privileges on all tables in schema cron to postgres with grant option;
    revoke all on table cron.job from postgres;
    grant select on table cron.job to postgres with grant option;
  end if;
end;
$$;
comment on function extensions.grant_pg_cron_access is 'Grants access to pg_cron';

-- grant_pg_net_access() and its issue_pg_net_access trigger are omitted
-- because pg_net is not available.

-- Supabase dashboard user (and, below, postgres): all on the database, on
-- the auth, extensions and storage schemas, and on their tables (the schemas
-- given), sequences and routines — the grants GoTrue's image writes out twice.
create function pg_temp.grant_all_to(p_role text, p_table_schemas text[])
returns void
language plpgsql
as $$
declare
  s text;
begin
  execute format('grant all on database %I to %I', current_database(), p_role);
  foreach s in array array['auth', 'extensions', 'storage'] loop
    execute format('grant all on schema %I to %I', s, p_role);
  end loop;
  foreach s in array p_table_schemas loop
    execute format('grant all on all tables in schema %I to %I', s, p_role);
  end loop;
  foreach s in array array['auth', 'storage', 'extensions'] loop
    execute format('grant all on all sequences in schema %I to %I', s, p_role);
    execute format('grant all on all routines in schema %I to %I', s, p_role);
  end loop;
end;
$$;
select pg_temp.grant_all_to('dashboard_user', array['auth', 'extensions']);

-- -----------------------------------------------------------------------------
-- 7. migrations/db/migrations/*. The image runs these as supabase_admin, so
--    objects and default privileges here belong to supabase_admin, as on
--    hosted Supabase.
-- -----------------------------------------------------------------------------
set local role supabase_admin;

-- 10000000000000_demote-postgres: the grants only. The NOSUPERUSER step is left
-- out (see header).
select pg_temp.grant_all_to('postgres', array['auth', 'storage', 'extensions']);

-- 20211115181400_update-auth-permissions (auth, whose objects supabase_auth_admin
-- creates) and 20211118015519 / 20211122051245 / 20211130151719 (the realtime
-- schema, supabase_admin's; Realtime itself is not run here): the same grants
-- for each schema, to postgres and dashboard_user, on what is in it and by
-- default on what its owner creates.
create schema if not exists realtime;
do $$
declare
  g record;
  k text;
begin
  for g in select * from (values ('auth', 'supabase_auth_admin'), ('realtime', 'supabase_admin')) as v(nsp, owner) loop
    execute format('grant usage on schema %I to postgres', g.nsp);
    foreach k in array array['tables', 'sequences', 'routines'] loop
      execute format('grant all on all %s in schema %I to postgres, dashboard_user', k, g.nsp);
      execute format('alter default privileges for role %I in schema %I grant all on %s to postgres, dashboard_user',
                     g.owner, g.nsp, k);
    end loop;
  end loop;
end
$$;

-- 20220321174452 (final version of 20220126121436): PostgREST schema-cache
-- reload triggers. They are harmless when PostgREST is not running.
create or replace function extensions.pgrst_ddl_watch() returns event_trigger as $$
declare
  cmd record;
begin
  for cmd in select * from pg_event_trigger_ddl_commands()
  loop
    if cmd.command_tag in (
      'CREATE SCHEMA', 'ALTER SCHEMA'
    , 'CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE'
    , 'CREATE FOREIGN TABLE', 'ALTER FOREIGN TABLE'
    , 'CREATE VIEW', 'ALTER VIEW'
    , 'CREATE MATERIALIZED VIEW', 'ALTER MATERIALIZED VIEW'
    , 'CREATE FUNCTION', 'ALTER FUNCTION'
    , 'CREATE TRIGGER'
    , 'CREATE TYPE', 'ALTER TYPE'
    , 'CREATE RULE'
    , 'COMMENT'
    )
    -- don't notify in case of CREATE TEMP table or other objects created on pg_temp
    and cmd.schema_name is distinct from 'pg_temp'
    then
      notify pgrst, 'reload schema';
    end if;
  end loop;
end; $$ language plpgsql;

create or replace function extensions.pgrst_drop_watch() returns event_trigger as $$
declare
  obj record;
begin
  for obj in select * from pg_event_trigger_dropped_objects()
  loop
    if obj.object_type in (
      'schema'
    , 'table'
    , 'foreign table'
    , 'view'
    , 'materialized view'
    , 'function'
    , 'trigger'
    , 'type'
    , 'rule'
    )
    and obj.is_temporary is false -- no pg_temp objects
    then
      notify pgrst, 'reload schema';
    end if;
  end loop;
end; $$ language plpgsql;

drop event trigger if exists pgrst_ddl_watch;
create event trigger pgrst_ddl_watch
  on ddl_command_end
  execute procedure extensions.pgrst_ddl_watch();

drop event trigger if exists pgrst_drop_watch;
create event trigger pgrst_drop_watch
  on sql_drop
  execute procedure extensions.pgrst_drop_watch();

-- 20220317095840 / 20220404205710: graphql_public placeholder. pg_graphql is not
-- available, so the function only returns an error object. The schema exists
-- because supabase's PostgREST config exposes "public, graphql_public".
create schema if not exists graphql_public;

create or replace function graphql_public.graphql(
    "operationName" text default null,
    query text default null,
    variables jsonb default null,
    extensions jsonb default null
)
    returns jsonb
    language plpgsql
as $$
    declare
        server_version float;
    begin
        server_version = (select (split_part((select version()), ' ', 2))::float);

        if server_version >= 14 then
            return jsonb_build_object(
                'errors', jsonb_build_array(
                    jsonb_build_object(
                        'message', 'pg_graphql extension is not enabled.'
                    )
                )
            );
        else
            return jsonb_build_object(
                'errors', jsonb_build_array(
                    jsonb_build_object(
                        'message', 'pg_graphql is only available on projects running Postgres 14 onwards.'
                    )
                )
            );
        end if;
    end;
$$;

grant usage on schema graphql_public to postgres, anon, authenticated, service_role;
alter default privileges in schema graphql_public grant all on tables    to postgres, anon, authenticated, service_role;
alter default privileges in schema graphql_public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges in schema graphql_public grant all on sequences to postgres, anon, authenticated, service_role;
-- The upstream "for user supabase_admin" variants are identical here, because
-- the current role is supabase_admin.

-- 20231020085357: pg_cron access event trigger (fires on CREATE EXTENSION pg_cron)
drop event trigger if exists issue_pg_cron_access;
create event trigger issue_pg_cron_access on ddl_command_end
         when tag in ('CREATE EXTENSION')
   execute function extensions.grant_pg_cron_access();

-- 20230224042246_grant_extensions_perms_for_postgres
grant all privileges on all tables   in schema extensions to postgres with grant option;
grant all privileges on all routines in schema extensions to postgres with grant option;
grant all privileges on all sequences in schema extensions to postgres with grant option;
alter default privileges in schema extensions grant all on tables    to postgres with grant option;
alter default privileges in schema extensions grant all on routines  to postgres with grant option;
alter default privileges in schema extensions grant all on sequences to postgres with grant option;

-- -----------------------------------------------------------------------------
-- 8. Extensions for local tooling. On hosted Supabase, supautils creates these
--    as supabase_admin.
-- -----------------------------------------------------------------------------

-- pgTAP for `supabase test db`
create extension if not exists pgtap with schema extensions;

-- plpgsql_check for `supabase db lint`. The CLI itself runs
-- "CREATE EXTENSION IF NOT EXISTS plpgsql_check" in a rolled-back transaction.
create extension if not exists plpgsql_check with schema extensions;

-- pg_cron. supautils.conf pins it to schema pg_catalog; its objects live in
-- schema cron. pg_cron can only be created when it is preloaded and only in the
-- database named by cron.database_name. In any other database we raise a
-- WARNING and skip it, so the script still works there.
do $$
begin
  if current_setting('shared_preload_libraries') !~ '(^|[\s,"])pg_cron([\s,"]|$)' then
    raise warning 'bootstrap: pg_cron is not in shared_preload_libraries; skipping pg_cron';
  elsif coalesce(current_setting('cron.database_name', true), '') <> current_database() then
    raise warning 'bootstrap: cron.database_name is %, not %; skipping pg_cron in this database',
      coalesce(current_setting('cron.database_name', true), '<unset>'), current_database();
  else
    -- Fires issue_pg_cron_access, which performs the grants below as well.
    create extension if not exists pg_cron with schema pg_catalog;

    -- ansible/files/postgresql_extension_custom_scripts/pg_cron/after-create.sql
    -- (= 20220713082019 + 20231020085357) repeats extensions.grant_pg_cron_access
    -- (schema usage, default privileges, all on tables; cron.job read-only for
    -- postgres, who uses cron.schedule()/cron.unschedule() — locally postgres
    -- is a superuser, so that has no practical effect), which the CREATE
    -- EXTENSION above has just run; it adds only the grant on the functions.
    grant all on all functions in schema cron to postgres with grant option;
  end if;
end
$$;

reset role;

commit;

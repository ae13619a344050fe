-- The auth schema of the local Auth stand-in: the tables Supabase Auth
-- (GoTrue) keeps and this stand-in reads and writes, with GoTrue's names,
-- column types, defaults, keys and indexes, so that supabase/seed.sql, our
-- triggers on auth.users and RLS behave the same under either server, and a
-- database made by Supabase Auth is served by the stand-in unchanged.
--
-- Run once by the stand-in (`auth.ts migrate`) on a database that has only
-- the image's baseline auth tables (supabase/local/bootstrap.sql) — i.e.
-- before our migrations and the seed, exactly where `auth migrate` runs.
-- The baseline users/refresh_tokens tables are empty then; they are brought
-- to GoTrue's current shape. Tables of features the stand-in does not offer
-- (MFA factors, SAML/SSO, OAuth server, passkeys) are not created: a
-- database made here is taken over by the real binary only after
-- `npm run stack -- reset` (the stack detects and says so).

set local search_path = '';

do $$
begin
  if exists (select 1 from auth.users) or exists (select 1 from auth.refresh_tokens) then
    raise exception 'auth stand-in: auth.users is not empty; refusing to reshape the baseline tables';
  end if;
end $$;

create type auth.aal_level as enum ('aal1', 'aal2', 'aal3');
create type auth.code_challenge_method as enum ('s256', 'plain');
create type auth.one_time_token_type as enum (
  'confirmation_token', 'reauthentication_token', 'recovery_token',
  'email_change_token_new', 'email_change_token_current', 'phone_change_token'
);

-- auth.users: from the image's baseline to GoTrue's current shape (other
-- schemas' foreign keys point at it, so it is altered, not replaced).
alter table auth.users drop constraint users_email_key;
alter table auth.users rename column confirmed_at to email_confirmed_at;
alter table auth.users rename column email_change_token to email_change_token_new;
alter table auth.users
  add column phone text default null::varchar,
  add column phone_confirmed_at timestamptz,
  add column phone_change text default ''::varchar,
  add column phone_change_token varchar(255) default ''::varchar,
  add column phone_change_sent_at timestamptz,
  add column confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  add column email_change_token_current varchar(255) default ''::varchar,
  add column email_change_confirm_status smallint default 0,
  add column banned_until timestamptz,
  add column reauthentication_token varchar(255) default ''::varchar,
  add column reauthentication_sent_at timestamptz,
  add column is_sso_user boolean not null default false,
  add column deleted_at timestamptz,
  add column is_anonymous boolean not null default false,
  add constraint users_phone_key unique (phone),
  add constraint users_email_change_confirm_status_check check (email_change_confirm_status >= 0 and email_change_confirm_status <= 2);
drop index auth.users_instance_id_email_idx;
create index users_instance_id_email_idx on auth.users (instance_id, lower(email::text));
create unique index confirmation_token_idx on auth.users (confirmation_token) where confirmation_token::text !~ '^[0-9 ]*$';
create unique index recovery_token_idx on auth.users (recovery_token) where recovery_token::text !~ '^[0-9 ]*$';
create unique index email_change_token_current_idx on auth.users (email_change_token_current) where email_change_token_current::text !~ '^[0-9 ]*$';
create unique index email_change_token_new_idx on auth.users (email_change_token_new) where email_change_token_new::text !~ '^[0-9 ]*$';
create unique index reauthentication_token_idx on auth.users (reauthentication_token) where reauthentication_token::text !~ '^[0-9 ]*$';
create unique index users_email_partial_key on auth.users (email) where is_sso_user = false;
create index users_is_anonymous_idx on auth.users (is_anonymous);

create table auth.identities (
  provider_id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  identity_data jsonb not null,
  provider text not null,
  last_sign_in_at timestamptz,
  created_at timestamptz,
  updated_at timestamptz,
  email text generated always as (lower(identity_data ->> 'email')) stored,
  id uuid not null default gen_random_uuid(),
  constraint identities_pkey primary key (id),
  constraint identities_provider_id_provider_unique unique (provider_id, provider)
);
create index identities_email_idx on auth.identities (email text_pattern_ops);
create index identities_user_id_idx on auth.identities (user_id);
comment on table auth.identities is 'Auth: Stores identities associated to a user.';

create table auth.sessions (
  id uuid not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz,
  updated_at timestamptz,
  factor_id uuid,
  aal auth.aal_level,
  not_after timestamptz,
  refreshed_at timestamp,
  user_agent text,
  ip inet,
  tag text,
  oauth_client_id uuid,
  refresh_token_hmac_key text,
  refresh_token_counter bigint,
  scopes text,
  constraint sessions_pkey primary key (id),
  constraint sessions_scopes_length check (char_length(scopes) <= 4096)
);
create index sessions_not_after_idx on auth.sessions (not_after desc);
create index sessions_user_id_idx on auth.sessions (user_id);
create index user_id_created_at_idx on auth.sessions (user_id, created_at);
comment on table auth.sessions is 'Auth: Stores session data associated to a user.';

alter table auth.refresh_tokens
  add column parent varchar(255),
  add column session_id uuid references auth.sessions (id) on delete cascade,
  add constraint refresh_tokens_token_unique unique (token);
drop index auth.refresh_tokens_token_idx;
create index refresh_tokens_parent_idx on auth.refresh_tokens (parent);
create index refresh_tokens_session_id_revoked_idx on auth.refresh_tokens (session_id, revoked);
create index refresh_tokens_updated_at_idx on auth.refresh_tokens (updated_at desc);

create table auth.mfa_amr_claims (
  session_id uuid not null references auth.sessions (id) on delete cascade,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  authentication_method text not null,
  id uuid not null,
  constraint amr_id_pk primary key (id),
  constraint mfa_amr_claims_session_id_authentication_method_pkey unique (session_id, authentication_method)
);
comment on table auth.mfa_amr_claims is 'auth: stores authenticator method reference claims for multi factor authentication';

create table auth.one_time_tokens (
  id uuid not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  token_type auth.one_time_token_type not null,
  token_hash text not null,
  relates_to text not null,
  created_at timestamp not null default now(),
  updated_at timestamp not null default now(),
  constraint one_time_tokens_pkey primary key (id),
  constraint one_time_tokens_token_hash_check check (char_length(token_hash) > 0)
);
create index one_time_tokens_relates_to_hash_idx on auth.one_time_tokens using hash (relates_to);
create index one_time_tokens_token_hash_hash_idx on auth.one_time_tokens using hash (token_hash);
create unique index one_time_tokens_user_id_token_type_key on auth.one_time_tokens (user_id, token_type);

create table auth.flow_state (
  id uuid not null,
  user_id uuid,
  auth_code text,
  code_challenge_method auth.code_challenge_method,
  code_challenge text,
  provider_type text not null,
  provider_access_token text,
  provider_refresh_token text,
  created_at timestamptz,
  updated_at timestamptz,
  authentication_method text not null,
  auth_code_issued_at timestamptz,
  invite_token text,
  referrer text,
  oauth_client_state_id uuid,
  linking_target_id uuid,
  email_optional boolean not null default false,
  constraint flow_state_pkey primary key (id)
);
create index flow_state_created_at_idx on auth.flow_state (created_at desc);
create index idx_auth_code on auth.flow_state (auth_code);
create index idx_user_id_auth_method on auth.flow_state (user_id, authentication_method);
comment on table auth.flow_state is 'stores metadata for pkce logins';

-- Owned by Auth's role, readable by the project's superuser role as on Supabase.
do $$
declare t text;
begin
  foreach t in array array['identities', 'sessions', 'mfa_amr_claims', 'one_time_tokens', 'flow_state'] loop
    execute format('alter table auth.%I owner to supabase_auth_admin', t);
    execute format('grant all on table auth.%I to postgres', t);
    if exists (select 1 from pg_roles where rolname = 'dashboard_user') then
      execute format('grant all on table auth.%I to dashboard_user', t);
    end if;
  end loop;
  foreach t in array array['aal_level', 'code_challenge_method', 'one_time_token_type'] loop
    execute format('alter type auth.%I owner to supabase_auth_admin', t);
  end loop;
end $$;

-- Marks the database as made by the stand-in (the stack reads this to tell
-- which Auth made it).
insert into auth.schema_migrations (version) values ('salespulse-auth-stand-in-1');

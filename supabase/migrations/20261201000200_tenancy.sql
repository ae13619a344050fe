-- Tenancy: organizations, memberships, profiles, platform admins, invitations,
-- audit logs; the RLS helpers every later table uses; bookkeeping triggers.
-- The member-management RPCs and the Custom Access Token Hook are in
-- tenancy_rpcs (the next migration).
--
-- Error codes raised here (stable; the full list is in
-- supabase/functions/_shared/errors.ts and the README):
--   SP400 invalid input           SP401 not signed in
--   SP403 not allowed             SP404 not found
--   SP409 conflict                SP410 gone (expired / used / revoked)
--   SP422 rule violation (e.g. the last owner)

-- Types ------------------------------------------------------------------------
create type public.org_role as enum ('owner', 'admin', 'manager', 'agent');
comment on type public.org_role is 'Role of a member in an organization, highest first.';

-- Tables -----------------------------------------------------------------------
create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(btrim(name)) between 1 and 200),
  slug text not null unique check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$'),
  time_zone text not null default 'UTC' check (char_length(time_zone) between 1 and 64),
  currency text not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  recording_notice text check (char_length(recording_notice) <= 500),
  retention_months integer not null default 12 check (retention_months between 1 and 120),
  settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.organizations is
  'Tenants. Every other tenant-owned row carries org_id pointing here. Created through create_organization().';

create table public.memberships (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.org_role not null,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, user_id)
);
comment on table public.memberships is
  'Who belongs to which organization, with which role. Changed only through the member-management RPCs.';

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  email text,
  full_name text check (char_length(full_name) <= 200),
  avatar_url text check (char_length(avatar_url) <= 2000),
  current_org_id uuid references public.organizations (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.profiles is
  'Per-user data, created by a trigger when an Auth user is created. current_org_id selects the organization the JWT claims describe.';

create table public.platform_admins (
  user_id uuid primary key references auth.users (id) on delete cascade,
  note text,
  created_at timestamptz not null default now()
);
comment on table public.platform_admins is
  'Internal SalesPulse staff: read access across tenants. Managed by the service role only.';

create table public.invitations (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  email text not null check (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and email = lower(email)),
  role public.org_role not null,
  token_hash text unique,
  expires_at timestamptz not null default now() + interval '7 days',
  invited_by uuid references auth.users (id) on delete set null,
  accepted_at timestamptz,
  accepted_by uuid references auth.users (id) on delete set null,
  revoked_at timestamptz,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.invitations is
  'Invitations by email. Only a SHA-256 hash of the token is stored; the token itself is issued when the email is sent (private.issue_invitation_token) and works once, until expires_at.';

create table public.audit_logs (
  id bigint generated always as identity primary key,
  -- No foreign key: the log outlives the rows (and organizations) it describes.
  org_id uuid,
  actor_id uuid,
  actor_role text not null,
  table_name text not null,
  operation text not null check (operation in ('INSERT', 'UPDATE', 'DELETE')),
  row_id text,
  old_values jsonb,
  new_values jsonb,
  created_at timestamptz not null default now()
);
comment on table public.audit_logs is
  'Append-only change log of critical tables: who (actor_id = auth.uid(), actor_role = database role), what (table, operation, row) and the changed columns old -> new. Nobody but the table owner can change or delete rows.';

-- Indexes ------------------------------------------------------------------------
create index memberships_user_id_idx on public.memberships (user_id);
create index memberships_created_by_idx on public.memberships (created_by);
create index organizations_created_by_idx on public.organizations (created_by);
create index profiles_current_org_id_idx on public.profiles (current_org_id);
create index invitations_org_id_idx on public.invitations (org_id);
create index invitations_invited_by_idx on public.invitations (invited_by);
create index invitations_accepted_by_idx on public.invitations (accepted_by);
create index invitations_created_by_idx on public.invitations (created_by);
create unique index invitations_one_pending_per_email
  on public.invitations (org_id, email) where accepted_at is null and revoked_at is null;
create index audit_logs_org_id_created_at_idx on public.audit_logs (org_id, created_at desc);

-- RLS helpers (private) ---------------------------------------------------------
-- security definer: they read memberships/platform_admins regardless of the
-- caller's RLS (a policy on memberships that queried memberships under RLS
-- would recurse). They only ever answer about auth.uid(), the caller.

create function private.user_org_ids(p_roles public.org_role[] default null)
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.org_id
    from public.memberships m
   where m.user_id = (select auth.uid())
     and (p_roles is null or m.role = any (p_roles));
$$;
comment on function private.user_org_ids(public.org_role[]) is
  'Organizations the caller belongs to (optionally only with one of p_roles). Use in policies as org_id in (select private.user_org_ids()).';

create function private.is_member(p_org_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.memberships m
     where m.org_id = p_org_id and m.user_id = (select auth.uid()));
$$;
comment on function private.is_member(uuid) is 'True when the caller is a member of p_org_id (checked live).';

create function private.has_org_role(p_org_id uuid, p_roles public.org_role[])
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.memberships m
     where m.org_id = p_org_id and m.user_id = (select auth.uid()) and m.role = any (p_roles));
$$;
comment on function private.has_org_role(uuid, public.org_role[]) is
  'True when the caller is a member of p_org_id with one of p_roles (checked live).';

create function private.org_role(p_org_id uuid)
returns public.org_role
language sql
stable
security definer
set search_path = ''
as $$
  select m.role from public.memberships m
   where m.org_id = p_org_id and m.user_id = (select auth.uid());
$$;
comment on function private.org_role(uuid) is 'The caller''s role in p_org_id, or null when not a member.';

create function private.is_platform_admin()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.platform_admins a where a.user_id = (select auth.uid()));
$$;
comment on function private.is_platform_admin() is 'True when the caller is SalesPulse staff.';

create function private.co_member_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select distinct m.user_id
    from public.memberships m
   where m.org_id in (select mm.org_id from public.memberships mm where mm.user_id = (select auth.uid()));
$$;
comment on function private.co_member_ids() is 'Users who share at least one organization with the caller.';

create function private.role_rank(p_role public.org_role)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case p_role when 'owner' then 4 when 'admin' then 3 when 'manager' then 2 when 'agent' then 1 end;
$$;
comment on function private.role_rank(public.org_role) is 'owner 4 > admin 3 > manager 2 > agent 1.';

-- Bookkeeping triggers --------------------------------------------------------
create function private.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function private.set_updated_at() is 'BEFORE UPDATE trigger: updated_at = now().';

create function private.set_created_by()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    -- The caller's identity, never a client-supplied value (service-role and
    -- SQL callers without a JWT may set it explicitly).
    if auth.uid() is not null then
      new.created_by := auth.uid();
    end if;
  else
    new.created_by := old.created_by;
  end if;
  return new;
end;
$$;
comment on function private.set_created_by() is
  'BEFORE INSERT/UPDATE trigger: created_by is the caller on insert and cannot change afterwards.';

create function private.audit_row()
returns trigger
language plpgsql
-- security definer: writes audit_logs, which no API role may write.
security definer
set search_path = ''
as $$
declare
  v_old jsonb := case when tg_op in ('UPDATE', 'DELETE') then to_jsonb(old) end;
  v_new jsonb := case when tg_op in ('INSERT', 'UPDATE') then to_jsonb(new) end;
  v_row jsonb := coalesce(v_new, v_old);
  v_changed_old jsonb;
  v_changed_new jsonb;
  v_org uuid;
begin
  if tg_op = 'UPDATE' then
    select jsonb_object_agg(o.key, o.value), jsonb_object_agg(o.key, v_new -> o.key)
      into v_changed_old, v_changed_new
      from jsonb_each(v_old) o
     where (v_new -> o.key) is distinct from o.value
       and o.key not in ('updated_at');
    if v_changed_old is null then
      return null; -- nothing but timestamps changed
    end if;
  else
    v_changed_old := v_old;
    v_changed_new := v_new;
  end if;
  v_org := case
    when tg_table_name = 'organizations' then (v_row ->> 'id')::uuid
    else (v_row ->> 'org_id')::uuid
  end;
  insert into public.audit_logs (org_id, actor_id, actor_role, table_name, operation, row_id, old_values, new_values)
  values (
    v_org,
    auth.uid(),
    coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role', current_user),
    tg_table_name,
    tg_op,
    coalesce(v_row ->> 'id', v_row ->> 'user_id'),
    v_changed_old,
    v_changed_new
  );
  return null;
end;
$$;
comment on function private.audit_row() is
  'AFTER INSERT/UPDATE/DELETE trigger for critical tables: appends the changed columns to audit_logs.';

create function private.forbid_audit_changes()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'audit log rows cannot be changed or deleted' using errcode = 'SP403';
end;
$$;
comment on function private.forbid_audit_changes() is
  'Keeps audit_logs append-only even for roles that bypass RLS; the table owner can disable it for retention.';

create function private.handle_new_user()
returns trigger
language plpgsql
-- security definer: runs as the Auth server's role, which cannot write public.profiles.
security definer
set search_path = ''
as $$
begin
  insert into public.profiles (id, email, full_name)
  values (new.id, lower(new.email), nullif(new.raw_user_meta_data ->> 'full_name', ''))
  on conflict (id) do nothing;
  return new;
end;
$$;
comment on function private.handle_new_user() is 'AFTER INSERT on auth.users: creates the profile.';

create function private.sync_user_email()
returns trigger
language plpgsql
-- security definer: as handle_new_user.
security definer
set search_path = ''
as $$
begin
  if new.email is distinct from old.email then
    update public.profiles set email = lower(new.email) where id = new.id;
  end if;
  return new;
end;
$$;
comment on function private.sync_user_email() is 'AFTER UPDATE on auth.users: keeps profiles.email current.';

create function private.check_current_org()
returns trigger
language plpgsql
-- security definer: reads memberships of the row's user, not only the caller's.
security definer
set search_path = ''
as $$
begin
  if new.current_org_id is not null and not exists (
    select 1 from public.memberships m where m.user_id = new.id and m.org_id = new.current_org_id
  ) then
    raise exception 'not a member of that organization' using errcode = 'SP403';
  end if;
  return new;
end;
$$;
comment on function private.check_current_org() is 'profiles.current_org_id must be an organization the user belongs to.';

create function private.protect_last_owner()
returns trigger
language plpgsql
-- security definer: counts all owners of the organization, beyond the caller's view.
security definer
set search_path = ''
as $$
begin
  if old.role = 'owner' and (tg_op = 'DELETE' or new.role is distinct from 'owner') then
    -- A cascade from a deleted organization removes every membership: allowed.
    if tg_op = 'DELETE' and not exists (select 1 from public.organizations o where o.id = old.org_id) then
      return old;
    end if;
    if not exists (
      select 1 from public.memberships m
       where m.org_id = old.org_id and m.role = 'owner' and m.id <> old.id
    ) then
      raise exception 'an organization needs at least one owner' using errcode = 'SP422';
    end if;
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end;
$$;
comment on function private.protect_last_owner() is
  'No path (RPC, service role, SQL) may remove or demote the last owner of an organization.';

create trigger organizations_updated_at before update on public.organizations
  for each row execute function private.set_updated_at();
create trigger organizations_created_by before insert or update on public.organizations
  for each row execute function private.set_created_by();
create trigger organizations_audit after insert or update or delete on public.organizations
  for each row execute function private.audit_row();

create trigger memberships_updated_at before update on public.memberships
  for each row execute function private.set_updated_at();
create trigger memberships_created_by before insert or update on public.memberships
  for each row execute function private.set_created_by();
create trigger memberships_last_owner before update or delete on public.memberships
  for each row execute function private.protect_last_owner();
create trigger memberships_audit after insert or update or delete on public.memberships
  for each row execute function private.audit_row();

create trigger profiles_updated_at before update on public.profiles
  for each row execute function private.set_updated_at();
create trigger profiles_current_org before insert or update of current_org_id on public.profiles
  for each row execute function private.check_current_org();

create trigger invitations_updated_at before update on public.invitations
  for each row execute function private.set_updated_at();
create trigger invitations_created_by before insert or update on public.invitations
  for each row execute function private.set_created_by();
create trigger invitations_audit after insert or update or delete on public.invitations
  for each row execute function private.audit_row();

create trigger platform_admins_audit after insert or update or delete on public.platform_admins
  for each row execute function private.audit_row();

create trigger audit_logs_append_only before update or delete on public.audit_logs
  for each row execute function private.forbid_audit_changes();
create trigger audit_logs_no_truncate before truncate on public.audit_logs
  for each statement execute function private.forbid_audit_changes();

create trigger on_auth_user_created after insert on auth.users
  for each row execute function private.handle_new_user();
create trigger on_auth_user_email_changed after update of email on auth.users
  for each row execute function private.sync_user_email();

-- Re-invitations of one address to one organization: at most one a minute and
-- five a day (each one emails the address). SP429, and nothing is changed.
create function private.throttle_invitations()
returns trigger
language plpgsql
-- security definer: counts the organization's earlier invitations whatever the caller may read.
security definer
set search_path = ''
as $$
declare
  v_last timestamptz;
  v_day integer;
begin
  select max(created_at), count(*) filter (where created_at > now() - interval '1 day')
    into v_last, v_day
    from public.invitations where org_id = new.org_id and email = new.email;
  if v_last > now() - interval '1 minute' or v_day >= 5 then
    raise exception '% was invited moments ago or too often today; try again later', new.email using errcode = 'SP429';
  end if;
  return new;
end;
$$;
comment on function private.throttle_invitations() is
  'BEFORE INSERT on invitations: at most one invitation a minute and five a day per organization and address (SP429).';
create index invitations_org_email_created_idx on public.invitations (org_id, email, created_at desc);
create trigger invitations_throttle before insert on public.invitations
  for each row execute function private.throttle_invitations();

-- RLS ------------------------------------------------------------------------
alter table public.organizations enable row level security;
alter table public.memberships enable row level security;
alter table public.profiles enable row level security;
alter table public.platform_admins enable row level security;
alter table public.invitations enable row level security;
alter table public.audit_logs enable row level security;

create policy "Members and staff read their organizations" on public.organizations
  for select to authenticated
  using (id in (select private.user_org_ids()) or (select private.is_platform_admin()));
create policy "Owners and admins update their organization" on public.organizations
  for update to authenticated
  using (id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])))
  with check (id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])));
-- Organizations are created by create_organization() and deleted by the
-- service role only: no insert/delete policies.

create policy "Members read their organization's memberships" on public.memberships
  for select to authenticated
  using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()));
-- Membership changes go through the RPCs below: no write policies.

create policy "Users read their own and co-members' profiles" on public.profiles
  for select to authenticated
  using (id = (select auth.uid()) or id in (select private.co_member_ids()) or (select private.is_platform_admin()));
create policy "Users update their own profile" on public.profiles
  for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

create policy "Staff read the staff list; users see their own row" on public.platform_admins
  for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_platform_admin()));

create policy "Owners, admins and managers read their organization's invitations" on public.invitations
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or (select private.is_platform_admin()));

create policy "Owners and admins read their organization's audit log" on public.audit_logs
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[]))
         or (select private.is_platform_admin()));

-- Table privileges: the API roles get exactly what the policies allow.
revoke all on public.organizations, public.memberships, public.profiles, public.platform_admins,
  public.invitations, public.audit_logs from anon, authenticated;
grant select on public.organizations, public.memberships, public.platform_admins, public.invitations,
  public.audit_logs to authenticated;
grant update (name, time_zone, currency, recording_notice, retention_months, settings)
  on public.organizations to authenticated;
grant select, update (full_name, avatar_url, current_org_id) on public.profiles to authenticated;
-- Only the audit trigger (security definer, owned by the table's owner) writes audit rows.
revoke insert, update, delete, truncate on public.audit_logs from service_role;

-- Grants -----------------------------------------------------------------------
grant usage on schema private to authenticated;
grant execute on function private.user_org_ids(public.org_role[]) to authenticated;
grant execute on function private.is_member(uuid) to authenticated;
grant execute on function private.has_org_role(uuid, public.org_role[]) to authenticated;
grant execute on function private.org_role(uuid) to authenticated;
grant execute on function private.is_platform_admin() to authenticated;
grant execute on function private.co_member_ids() to authenticated;
grant execute on function private.role_rank(public.org_role) to authenticated;

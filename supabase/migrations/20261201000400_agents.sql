-- Agents: the people who take calls, optionally linked to a member of the
-- same organization.

-- Tables -----------------------------------------------------------------------
create table public.agents (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 200),
  phone text check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  user_id uuid references auth.users (id) on delete set null,
  active boolean not null default true,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, user_id)
);
comment on table public.agents is
  'People who take calls. Optionally linked to a member (user_id); agents themselves need not sign in.';

-- Indexes ------------------------------------------------------------------------
create index agents_org_id_idx on public.agents (org_id);
create index agents_user_id_idx on public.agents (user_id);
create index agents_created_by_idx on public.agents (created_by);

-- Triggers -----------------------------------------------------------------------
create trigger agents_updated_at before update on public.agents
  for each row execute function private.set_updated_at();
create trigger agents_created_by before insert or update on public.agents
  for each row execute function private.set_created_by();
create trigger agents_audit after insert or update or delete on public.agents
  for each row execute function private.audit_row();

-- An agent linked to a member must be a member of the same organization.
create function private.check_agent_member()
returns trigger
language plpgsql
-- security definer: looks up the linked user's membership, beyond the caller's view.
security definer
set search_path = ''
as $$
begin
  if new.user_id is not null and not exists (
    select 1 from public.memberships m where m.org_id = new.org_id and m.user_id = new.user_id
  ) then
    raise exception 'the linked user is not a member of this organization' using errcode = 'SP400';
  end if;
  return new;
end;
$$;
comment on function private.check_agent_member() is 'agents.user_id must be a member of agents.org_id.';
create trigger agents_member before insert or update of user_id, org_id on public.agents
  for each row execute function private.check_agent_member();

-- Leaving (removal, or leaving by oneself) unlinks the member's agent in that
-- organization, so nothing of theirs there stays tied to their login.
create function private.unlink_agent_of_former_member()
returns trigger
language plpgsql
-- security definer: agents is not writable by the member being removed.
security definer
set search_path = ''
as $$
begin
  update public.agents set user_id = null where org_id = old.org_id and user_id = old.user_id;
  return old;
end;
$$;
comment on function private.unlink_agent_of_former_member() is
  'AFTER DELETE on memberships: unlinks the former member''s agent in that organization.';
create trigger memberships_unlink_agent after delete on public.memberships
  for each row execute function private.unlink_agent_of_former_member();

-- RLS ------------------------------------------------------------------------
alter table public.agents enable row level security;

create policy "Members read their organization's agents" on public.agents
  for select to authenticated
  using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()));
create policy "Owners, admins and managers add agents" on public.agents
  for insert to authenticated
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Owners, admins and managers edit agents" on public.agents
  for update to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])))
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Owners and admins delete agents" on public.agents
  for delete to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])));

revoke all on public.agents from anon, authenticated;
grant select, delete on public.agents to authenticated;
grant insert (org_id, name, phone, user_id, active), update (name, phone, user_id, active) on public.agents to authenticated;

-- Phone numbers: the numbers an organization provisioned (bought and released
-- by the phone-numbers function) and the agent each one rings. The plan's
-- number limit is enforced by billing's phone_numbers_limit trigger.

-- Tables -----------------------------------------------------------------------
create table public.phone_numbers (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  e164 text not null unique check (e164 ~ '^\+[1-9][0-9]{6,14}$'),
  provider_sid text unique check (provider_sid ~ '^PN[0-9a-fA-F]{32}$'),
  friendly_name text check (char_length(friendly_name) <= 100),
  agent_id uuid references public.agents (id) on delete set null,
  forward_to text check (forward_to ~ '^\+[1-9][0-9]{6,14}$'),
  status text not null default 'active' check (status in ('provisioning', 'active', 'released')),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.phone_numbers is
  'Numbers an organization provisioned. Calls to a number ring its agent (or forward_to). The E.164 number is unique across tenants.';

-- Indexes ------------------------------------------------------------------------
create index phone_numbers_org_id_idx on public.phone_numbers (org_id);
create index phone_numbers_agent_id_idx on public.phone_numbers (agent_id);
create index phone_numbers_created_by_idx on public.phone_numbers (created_by);

-- Triggers -----------------------------------------------------------------------
create trigger phone_numbers_updated_at before update on public.phone_numbers
  for each row execute function private.set_updated_at();
create trigger phone_numbers_created_by before insert or update on public.phone_numbers
  for each row execute function private.set_created_by();
create trigger phone_numbers_audit after insert or update or delete on public.phone_numbers
  for each row execute function private.audit_row();

-- A number's agent must belong to the number's organization.
create function private.check_number_agent()
returns trigger
language plpgsql
-- security definer: reads the agent regardless of the caller's RLS.
security definer
set search_path = ''
as $$
begin
  if new.agent_id is not null and not exists (
    select 1 from public.agents a where a.id = new.agent_id and a.org_id = new.org_id
  ) then
    raise exception 'the agent belongs to another organization' using errcode = 'SP400';
  end if;
  return new;
end;
$$;
comment on function private.check_number_agent() is 'phone_numbers.agent_id must be an agent of the same organization.';
create trigger phone_numbers_agent before insert or update of agent_id, org_id on public.phone_numbers
  for each row execute function private.check_number_agent();

-- RLS ------------------------------------------------------------------------
alter table public.phone_numbers enable row level security;

create policy "Members read their organization's numbers" on public.phone_numbers
  for select to authenticated
  using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()));
create policy "Owners and admins assign numbers" on public.phone_numbers
  for update to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])))
  with check (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])));
-- Numbers are bought and released by the phone-numbers function (service role).

revoke all on public.phone_numbers from anon, authenticated;
grant select on public.phone_numbers to authenticated;
grant update (agent_id, forward_to, friendly_name) on public.phone_numbers to authenticated;

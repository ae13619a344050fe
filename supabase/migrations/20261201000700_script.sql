-- Call scripts: the checklists agents should follow on calls; the default
-- script of an organization is what its calls are scored against.

-- Tables -----------------------------------------------------------------------
create table public.call_scripts (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 200),
  items jsonb not null default '[]'::jsonb check (jsonb_typeof(items) = 'array' and jsonb_array_length(items) <= 50),
  is_default boolean not null default false,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.call_scripts is
  'Checklists agents should follow on calls ([{id, label, description}]). The default script of an organization is what calls are scored against.';

-- Indexes ------------------------------------------------------------------------
create index call_scripts_org_id_idx on public.call_scripts (org_id);
create index call_scripts_created_by_idx on public.call_scripts (created_by);
create unique index call_scripts_one_default on public.call_scripts (org_id) where is_default;

-- Triggers -----------------------------------------------------------------------
create trigger call_scripts_updated_at before update on public.call_scripts
  for each row execute function private.set_updated_at();
create trigger call_scripts_created_by before insert or update on public.call_scripts
  for each row execute function private.set_created_by();
create trigger call_scripts_audit after insert or update or delete on public.call_scripts
  for each row execute function private.audit_row();

-- RLS ------------------------------------------------------------------------
alter table public.call_scripts enable row level security;

create policy "Members read their organization's call scripts" on public.call_scripts
  for select to authenticated
  using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()));
create policy "Managers add call scripts" on public.call_scripts
  for insert to authenticated
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Managers edit call scripts" on public.call_scripts
  for update to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])))
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Managers delete call scripts" on public.call_scripts
  for delete to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));

revoke all on public.call_scripts from anon, authenticated;
grant select, delete on public.call_scripts to authenticated;
grant insert (org_id, name, items, is_default), update (name, items, is_default) on public.call_scripts to authenticated;

-- Functions ----------------------------------------------------------------------
create function public.default_call_script(p_org_id uuid)
returns public.call_scripts
language sql
stable
set search_path = ''
as $$
  select * from public.call_scripts where org_id = p_org_id order by is_default desc, created_at limit 1;
$$;
comment on function public.default_call_script(uuid) is 'Backend only (worker): the script calls of the organization are scored against.';

-- Grants -----------------------------------------------------------------------
revoke execute on function public.default_call_script(uuid) from public, anon, authenticated;
grant execute on function public.default_call_script(uuid) to service_role;

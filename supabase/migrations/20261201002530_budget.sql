-- Budget caps: staff set a tenant's monthly ceiling on provider costs; near
-- it (switch_at of the cap, 80 % by default) the analyzer switches to a
-- cheaper model, records why on each insight (insights.model_reason), and
-- leaves one notice per month that the owner and staff see.
--
-- Error codes: see supabase/functions/_shared/errors.ts.

-- Tables -----------------------------------------------------------------------
create table public.budget_caps (
  org_id uuid primary key references public.organizations (id) on delete cascade,
  monthly_usd numeric(12, 4) not null check (monthly_usd > 0 and monthly_usd <= 1000000),
  switch_at numeric(3, 2) not null default 0.80 check (switch_at between 0.10 and 1.00),
  cheaper_model text not null default 'gpt-4o-mini' check (cheaper_model ~ '^[a-z0-9][a-z0-9.:-]{0,63}$'),
  set_by uuid references auth.users (id) on delete set null,
  updated_at timestamptz not null default now()
);
comment on table public.budget_caps is
  'Per-tenant monthly cap on provider costs (provider_costs, USD). At switch_at × cap the analyzer uses cheaper_model. Set by staff (staff_set_budget_cap).';

create table public.budget_notices (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  month date not null,
  spent_usd numeric(14, 6) not null,
  cap_usd numeric(12, 4) not null,
  model text not null,
  created_at timestamptz not null default now(),
  unique (org_id, month)
);
comment on table public.budget_notices is
  'One notice per tenant and month when the analyzer first switched to the cheaper model near the budget cap; owners, admins and staff read it.';

alter table public.insights add column model_reason text check (char_length(model_reason) <= 300);
comment on column public.insights.model_reason is 'Why this insight used another model than the default (the budget cap), null otherwise.';

-- Indexes ------------------------------------------------------------------------
create index budget_caps_set_by_idx on public.budget_caps (set_by);

-- RLS ------------------------------------------------------------------------
alter table public.budget_caps enable row level security;
alter table public.budget_notices enable row level security;
create policy "Owners, admins and staff read the budget cap" on public.budget_caps
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])) or (select private.is_platform_admin()));
create policy "Owners, admins and staff read budget notices" on public.budget_notices
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])) or (select private.is_platform_admin()));
revoke all on public.budget_caps, public.budget_notices from anon, authenticated;
grant select on public.budget_caps, public.budget_notices to authenticated;

-- Functions --------------------------------------------------------------------------
create function private.month_spend(p_org_id uuid)
returns numeric
language sql
stable
set search_path = ''
as $$
  select coalesce(sum(pc.cost_usd), 0) from public.provider_costs pc
   where pc.org_id = p_org_id and pc.occurred_at >= date_trunc('month', now());
$$;

create function public.analysis_model(p_org_id uuid, p_default text)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_cap public.budget_caps;
  v_spent numeric;
begin
  select * into v_cap from public.budget_caps b where b.org_id = p_org_id;
  if not found then
    return jsonb_build_object('model', p_default, 'reason', null);
  end if;
  v_spent := private.month_spend(p_org_id);
  if v_spent < v_cap.switch_at * v_cap.monthly_usd or v_cap.cheaper_model = p_default then
    return jsonb_build_object('model', p_default, 'reason', null);
  end if;
  insert into public.budget_notices (org_id, month, spent_usd, cap_usd, model)
  values (p_org_id, date_trunc('month', now())::date, v_spent, v_cap.monthly_usd, v_cap.cheaper_model)
  on conflict (org_id, month) do nothing;
  return jsonb_build_object(
    'model', v_cap.cheaper_model,
    'reason', format('budget: $%s of the $%s monthly cap spent (%s%%); %s instead of %s',
                     round(v_spent, 2), round(v_cap.monthly_usd, 2), round(100 * v_spent / v_cap.monthly_usd), v_cap.cheaper_model, p_default));
end;
$$;
comment on function public.analysis_model(uuid, text) is
  'Backend only (analyzer): the model to analyze with — p_default, or the cap''s cheaper model once this month''s provider costs reach switch_at × cap (then a notice for the month, once) — and why.';

create function public.note_insight_model(p_insight_id uuid, p_reason text)
returns void
language sql
set search_path = ''
as $$ update public.insights set model_reason = left(p_reason, 300) where id = p_insight_id $$;
comment on function public.note_insight_model(uuid, text) is 'Backend only (analyzer): records why the insight used a cheaper model.';

create function public.staff_set_budget_cap(p_org_id uuid, p_monthly_usd numeric, p_switch_at numeric default 0.80)
returns void
language plpgsql
-- security definer: writes budget_caps and staff_actions for staff (checked first).
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_staff();
begin
  if p_monthly_usd is null then
    delete from public.budget_caps where org_id = p_org_id;
  elsif p_monthly_usd <= 0 or p_monthly_usd > 1000000 or p_switch_at is null or p_switch_at not between 0.10 and 1.00 then
    raise exception 'the cap must be above 0 and at most 1,000,000 USD; the switch at 10 %% to 100 %%' using errcode = 'SP400';
  else
    insert into public.budget_caps (org_id, monthly_usd, switch_at, set_by)
    values (p_org_id, p_monthly_usd, p_switch_at, v_uid)
    on conflict (org_id) do update set monthly_usd = excluded.monthly_usd, switch_at = excluded.switch_at,
                                       set_by = excluded.set_by, updated_at = now();
  end if;
  insert into public.staff_actions (actor_id, action, org_id, detail)
  values (v_uid, 'set_budget_cap', p_org_id, jsonb_build_object('monthly_usd', p_monthly_usd, 'switch_at', p_switch_at));
end;
$$;
comment on function public.staff_set_budget_cap(uuid, numeric, numeric) is 'Staff: sets (or, with null, removes) a tenant''s monthly provider-cost cap. Logged.';

create function public.budget_status(p_org_id uuid)
returns jsonb
language plpgsql
stable
-- security definer: reads provider_costs (staff-only table) for owners/admins of the org (checked first).
security definer
set search_path = ''
as $$
declare
  v_cap public.budget_caps;
  v_spent numeric;
begin
  perform private.require_user();
  if not private.is_org_admin_or_staff(p_org_id) then
    raise exception 'only owners, admins and staff see the budget' using errcode = 'SP403';
  end if;
  select * into v_cap from public.budget_caps b where b.org_id = p_org_id;
  v_spent := private.month_spend(p_org_id);
  return jsonb_build_object(
    'cap_usd', v_cap.monthly_usd, 'switch_at', v_cap.switch_at, 'cheaper_model', v_cap.cheaper_model,
    'spent_usd', round(v_spent, 4),
    'notice', (select jsonb_build_object('created_at', n.created_at, 'model', n.model, 'spent_usd', round(n.spent_usd, 2), 'cap_usd', n.cap_usd)
                 from public.budget_notices n where n.org_id = p_org_id and n.month = date_trunc('month', now())::date));
end;
$$;
comment on function public.budget_status(uuid) is 'Owners, admins and staff: this month''s provider costs against the cap, and the month''s notice if the cheaper model is in use.';

-- Registry: budget rows hold figures only.
insert into private.data_rules (table_name, position, org_column, note) values
  ('budget_caps', 910, 'org_id', 'Figures only.'),
  ('budget_notices', 911, 'org_id', 'Figures only.');

-- Grants -------------------------------------------------------------------------
grant execute on function private.month_spend(uuid) to service_role;
revoke execute on function public.analysis_model(uuid, text) from public, anon, authenticated;
grant execute on function public.analysis_model(uuid, text) to service_role;
revoke execute on function public.note_insight_model(uuid, text) from public, anon, authenticated;
grant execute on function public.note_insight_model(uuid, text) to service_role;
grant execute on function public.staff_set_budget_cap(uuid, numeric, numeric) to authenticated;
grant execute on function public.budget_status(uuid) to authenticated;

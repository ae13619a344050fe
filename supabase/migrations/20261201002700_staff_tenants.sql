-- Staff tenant management: search and open a tenant (plan, members, numbers,
-- calls, usage per provider, cost against revenue, margin), suspend and
-- reactivate it, and retry its dead-lettered jobs. Every staff action is
-- written to staff_actions (and changes to organizations to audit_logs).
--
-- A suspended tenant's members read everything but create nothing (a BEFORE
-- INSERT trigger on every public table with an org_id, SP403); its webhooks
-- are still acknowledged and stored, and the analyzer leaves its calls
-- 'received'; reactivation queues every such call again, so none is lost.
--
-- Error codes: see supabase/functions/_shared/errors.ts.

-- Tables -----------------------------------------------------------------------
alter table public.organizations
  add column suspended_at timestamptz,
  add column suspended_reason text check (char_length(suspended_reason) <= 500),
  add column suspended_by uuid references auth.users (id) on delete set null;
comment on column public.organizations.suspended_at is
  'Set by staff (staff_suspend_tenant): members read but create nothing, calls are stored but not analyzed until staff_reactivate_tenant.';

create table public.staff_actions (
  id bigint generated always as identity primary key,
  actor_id uuid references auth.users (id) on delete set null,
  action text not null check (action in ('suspend', 'reactivate', 'retry_job', 'view_tenant', 'set_budget_cap')),
  org_id uuid references public.organizations (id) on delete set null,
  detail jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
comment on table public.staff_actions is
  'Every action SalesPulse staff take on a tenant: who, what, which tenant, details, when. Written by the staff_* functions only.';

-- Indexes ------------------------------------------------------------------------
create index staff_actions_org_id_idx on public.staff_actions (org_id, created_at desc);
create index staff_actions_actor_id_idx on public.staff_actions (actor_id);
create index organizations_suspended_by_idx on public.organizations (suspended_by);
create index jobs_dead_idx on public.jobs (org_id, finished_at desc) where status = 'dead';

-- Suspension: members create nothing -----------------------------------------------
create function private.refuse_when_suspended()
returns trigger
language plpgsql
-- security definer: reads organizations whatever the caller's RLS.
security definer
set search_path = ''
as $$
begin
  if coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role', '') = 'authenticated'
     and not private.is_platform_admin()
     and exists (select 1 from public.organizations o
                  where o.id = (to_jsonb(new) ->> 'org_id')::uuid and o.suspended_at is not null) then
    raise exception 'this organization is suspended: you can read its data but not add to it' using errcode = 'SP403';
  end if;
  return new;
end;
$$;
comment on function private.refuse_when_suspended() is
  'BEFORE INSERT trigger on every tenant table: members of a suspended organization cannot create rows (SP403). Tables added later attach it too: create trigger <t>_suspended before insert on public.<t> for each row execute function private.refuse_when_suspended().';

-- RLS ------------------------------------------------------------------------
alter table public.staff_actions enable row level security;
create policy "Staff read staff actions" on public.staff_actions
  for select to authenticated using ((select private.is_platform_admin()));
revoke all on public.staff_actions from anon, authenticated;
grant select on public.staff_actions to authenticated;

-- Staff functions -------------------------------------------------------------------
create function private.require_staff()
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  v_uid uuid := private.require_user();
begin
  if not private.is_platform_admin() then
    raise exception 'only SalesPulse staff can do this' using errcode = 'SP403';
  end if;
  return v_uid;
end;
$$;

create function public.staff_search_tenants(p_query text default null, p_limit integer default 50)
returns table (org_id uuid, name text, slug text, plan_name text, subscription_status text, members bigint,
               calls bigint, suspended_at timestamptz, created_at timestamptz)
language plpgsql
stable
-- security definer: staff read across tenants (checked first).
security definer
set search_path = ''
as $$
begin
  perform private.require_staff();
  if char_length(p_query) > 100 then
    raise exception 'the search is at most 100 characters' using errcode = 'SP400';
  end if;
  return query
  select o.id, o.name, o.slug, p.name, coalesce(s.status, 'none'),
         (select count(*) from public.memberships m where m.org_id = o.id),
         (select count(*) from public.calls c where c.org_id = o.id),
         o.suspended_at, o.created_at
    from public.organizations o
    left join public.subscriptions s on s.org_id = o.id
    left join public.plans p on p.id = s.plan_id
   where nullif(btrim(p_query), '') is null
      or o.name ilike '%' || btrim(p_query) || '%' or o.slug ilike '%' || btrim(p_query) || '%'
   order by o.suspended_at desc nulls last, o.name
   limit least(greatest(coalesce(p_limit, 50), 1), 200);
end;
$$;
comment on function public.staff_search_tenants(text, integer) is 'Staff: tenants whose name or slug contains the query (all without one), suspended first.';

create function public.staff_tenant_detail(p_org_id uuid, p_days integer default 30)
returns jsonb
language plpgsql
-- security definer: staff read across tenants (checked first); logs the view.
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_staff();
  v_org public.organizations;
  v_from timestamptz := now() - make_interval(days => least(greatest(coalesce(p_days, 30), 1), 3660));
  v_revenue numeric;
  v_cost numeric;
begin
  select * into v_org from public.organizations o where o.id = p_org_id;
  if not found then
    raise exception 'no such tenant' using errcode = 'SP404';
  end if;
  select coalesce(sum(i.amount_paid_cents) / 100.0, 0) into v_revenue
    from public.invoices i where i.org_id = p_org_id and i.status = 'paid' and i.paid_at >= v_from;
  select coalesce(sum(pc.cost_usd), 0) into v_cost
    from public.provider_costs pc where pc.org_id = p_org_id and pc.occurred_at >= v_from;
  insert into public.staff_actions (actor_id, action, org_id, detail) values (v_uid, 'view_tenant', p_org_id, jsonb_build_object('days', p_days));
  return jsonb_build_object(
    'org', jsonb_build_object('id', v_org.id, 'name', v_org.name, 'slug', v_org.slug, 'created_at', v_org.created_at,
                              'suspended_at', v_org.suspended_at, 'suspended_reason', v_org.suspended_reason),
    'plan', (select jsonb_build_object('name', p.name, 'status', s.status) from public.subscriptions s
               left join public.plans p on p.id = s.plan_id where s.org_id = p_org_id),
    'members', (select coalesce(jsonb_agg(jsonb_build_object('user_id', m.user_id, 'email', pr.email, 'role', m.role) order by m.role, pr.email), '[]')
                  from public.memberships m left join public.profiles pr on pr.id = m.user_id where m.org_id = p_org_id),
    'numbers', (select coalesce(jsonb_agg(jsonb_build_object('e164', n.e164, 'status', n.status) order by n.e164), '[]')
                  from public.phone_numbers n where n.org_id = p_org_id),
    'calls', (select jsonb_build_object('total', count(*), 'in_period', count(*) filter (where c.created_at >= v_from),
                                        'waiting', count(*) filter (where c.status = 'received'))
                from public.calls c where c.org_id = p_org_id),
    'usage', (select coalesce(jsonb_agg(jsonb_build_object('provider', u.provider, 'item', u.item, 'quantity', u.q, 'cost_usd', u.c)
                                        order by u.provider, u.item), '[]')
                from (select pc.provider, pc.item, sum(pc.quantity) as q, round(sum(pc.cost_usd), 4) as c
                        from public.provider_costs pc where pc.org_id = p_org_id and pc.occurred_at >= v_from
                       group by pc.provider, pc.item) u),
    'revenue_usd', round(v_revenue, 2),
    'cost_usd', round(v_cost, 4),
    'margin', case when v_revenue > 0 then round((v_revenue - v_cost) / v_revenue, 4) end,
    'goal', public.gross_margin_goal(),
    -- budget_status is defined further down this file (resolved when this runs)
    'budget', public.budget_status(p_org_id),
    'dead_jobs', (select coalesce(jsonb_agg(jsonb_build_object('id', j.id, 'kind', j.kind, 'attempts', j.attempts,
                                                               'last_error', left(j.last_error, 300), 'finished_at', j.finished_at)
                                            order by j.finished_at desc), '[]')
                    from (select * from public.jobs j where j.org_id = p_org_id and j.status = 'dead'
                           order by j.finished_at desc limit 50) j),
    'actions', (select coalesce(jsonb_agg(jsonb_build_object('action', a.action, 'at', a.created_at, 'by', pr.email, 'detail', a.detail)
                                          order by a.created_at desc), '[]')
                  from (select * from public.staff_actions a where a.org_id = p_org_id and a.action <> 'view_tenant'
                         order by a.created_at desc limit 20) a
                  left join public.profiles pr on pr.id = a.actor_id));
end;
$$;
comment on function public.staff_tenant_detail(uuid, integer) is
  'Staff: one tenant — plan, members, numbers, calls, usage per provider and item over the last p_days, cost against paid revenue, margin, dead-lettered jobs, recent staff actions. The view itself is logged.';

create function public.staff_suspend_tenant(p_org_id uuid, p_reason text)
returns void
language plpgsql
-- security definer: writes organizations and staff_actions for staff (checked first).
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_staff();
begin
  if p_reason is null or char_length(btrim(p_reason)) not between 3 and 500 then
    raise exception 'a reason of 3 to 500 characters is required' using errcode = 'SP400';
  end if;
  update public.organizations set suspended_at = now(), suspended_reason = btrim(p_reason), suspended_by = v_uid
   where id = p_org_id and suspended_at is null;
  if not found then
    raise exception 'no such tenant, or it is already suspended' using errcode = 'SP409';
  end if;
  insert into public.staff_actions (actor_id, action, org_id, detail)
  values (v_uid, 'suspend', p_org_id, jsonb_build_object('reason', btrim(p_reason)));
end;
$$;
comment on function public.staff_suspend_tenant(uuid, text) is
  'Staff: suspends a tenant (members read, not create; calls stored, not analyzed). Logged in staff_actions and audit_logs.';

create function public.staff_reactivate_tenant(p_org_id uuid)
returns integer
language plpgsql
-- security definer: as staff_suspend_tenant; queues the calls that waited.
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_staff();
  v_n integer;
begin
  update public.organizations set suspended_at = null, suspended_reason = null, suspended_by = null
   where id = p_org_id and suspended_at is not null;
  if not found then
    raise exception 'no such tenant, or it is not suspended' using errcode = 'SP409';
  end if;
  -- Every call that arrived while suspended (or waits for any reason) is analyzed now.
  select count(public.enqueue_job('analyze_call', c.org_id, jsonb_build_object('call_id', c.id),
                                  'analyze_call:reactivated:' || c.id || ':' || extract(epoch from now())::bigint))::int
    into v_n
    from public.calls c where c.org_id = p_org_id and c.status = 'received' and c.twilio_recording_sid is not null;
  insert into public.staff_actions (actor_id, action, org_id, detail)
  values (v_uid, 'reactivate', p_org_id, jsonb_build_object('calls_queued', v_n));
  return v_n;
end;
$$;
comment on function public.staff_reactivate_tenant(uuid) is
  'Staff: lifts a suspension and queues analyze_call for every call that waited; returns how many. Logged.';

create function public.staff_retry_job(p_job_id bigint)
returns void
language plpgsql
-- security definer: as staff_suspend_tenant.
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_staff();
  v_job public.jobs;
begin
  select * into v_job from public.jobs j where j.id = p_job_id;
  perform public.retry_job(p_job_id);
  insert into public.staff_actions (actor_id, action, org_id, detail)
  values (v_uid, 'retry_job', v_job.org_id, jsonb_build_object('job_id', p_job_id, 'kind', v_job.kind));
end;
$$;
comment on function public.staff_retry_job(bigint) is 'Staff: gives a dead-lettered job a fresh set of attempts (retry_job). Logged.';

-- Registry: staff actions name staff, not tenant members' data; kept.
insert into private.data_rules (table_name, position, org_column, note) values
  ('staff_actions', 900, 'org_id', 'Staff actions: who on staff did what to a tenant; no member data.');

-- Grants -------------------------------------------------------------------------
grant execute on function public.staff_search_tenants(text, integer) to authenticated;
grant execute on function public.staff_tenant_detail(uuid, integer) to authenticated;
grant execute on function public.staff_suspend_tenant(uuid, text) to authenticated;
grant execute on function public.staff_reactivate_tenant(uuid) to authenticated;
grant execute on function public.staff_retry_job(bigint) to authenticated;

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
revoke execute on function public.note_insight_model(uuid, text) from public, anon, authenticated;
grant execute on function public.note_insight_model(uuid, text) to service_role;
grant execute on function public.staff_set_budget_cap(uuid, numeric, numeric) to authenticated;
grant execute on function public.budget_status(uuid) to authenticated;

-- Suspension on every tenant table (every public table with an org_id), after
-- all of them: a migration that adds one later attaches the trigger itself.
do $$
declare
  t text;
begin
  for t in
    select c.table_name from information_schema.columns c
      join information_schema.tables x on x.table_schema = c.table_schema and x.table_name = c.table_name
     where c.table_schema = 'public' and c.column_name = 'org_id' and x.table_type = 'BASE TABLE'
       -- the logs, what the law asks for even of a suspended tenant, and the
       -- dashboard's aggregates (written by triggers on calls and insights, never by a member)
       and c.table_name not in ('audit_logs', 'staff_actions', 'jobs', 'deletion_requests', 'legal_holds', 'call_stats_daily')
     order by 1
  loop
    execute format('create trigger %I before insert on public.%I for each row execute function private.refuse_when_suspended()',
                   t || '_suspended', t);
  end loop;
end;
$$;

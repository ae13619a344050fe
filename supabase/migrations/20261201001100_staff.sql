-- Staff console: what serving each tenant costs in provider fees
-- (provider_costs, priced from provider_prices), and the per-tenant gross
-- margin (paid invoices vs provider fees) against the 80 % goal.

-- Tables -----------------------------------------------------------------------
create table public.provider_prices (
  id uuid primary key default gen_random_uuid(),
  provider text not null check (provider in ('openai', 'twilio', 'stripe', 'mailgun', 'elevenlabs')),
  item text not null,
  unit text not null,
  unit_price_usd numeric(14, 8) not null check (unit_price_usd >= 0),
  effective_from timestamptz not null default now(),
  created_at timestamptz not null default now(),
  unique (provider, item, effective_from)
);
comment on table public.provider_prices is
  'What providers charge us per unit (list prices; staff keep them current). provider_costs are priced from the row in effect at the time.';

create table public.provider_costs (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  provider text not null,
  item text not null,
  quantity numeric(14, 3) not null,
  unit_price_usd numeric(14, 8) not null,
  cost_usd numeric(14, 6) not null,
  source_type text not null,
  source_id uuid not null,
  occurred_at timestamptz not null default now(),
  unique (provider, item, source_type, source_id)
);
comment on table public.provider_costs is
  'What serving a tenant cost in provider fees (OpenAI tokens, Twilio minutes): staff compare it with revenue against the 80 % gross-margin goal.';

-- Indexes ------------------------------------------------------------------------
create index provider_costs_org_id_occurred_at_idx on public.provider_costs (org_id, occurred_at desc);

-- Triggers -----------------------------------------------------------------------
create trigger provider_prices_audit after insert or update or delete on public.provider_prices
  for each row execute function private.audit_row();

-- RLS ------------------------------------------------------------------------
alter table public.provider_prices enable row level security;
alter table public.provider_costs enable row level security;

create policy "Staff read provider prices" on public.provider_prices
  for select to authenticated
  using ((select private.is_platform_admin()));
create policy "Staff read provider costs" on public.provider_costs
  for select to authenticated
  using ((select private.is_platform_admin()));

revoke all on public.provider_prices, public.provider_costs from anon, authenticated;
grant select on public.provider_prices, public.provider_costs to authenticated;

-- Provider costs -------------------------------------------------------------------
create function private.price_of(p_provider text, p_item text, p_at timestamptz)
returns numeric
language sql
stable
set search_path = ''
as $$
  select p.unit_price_usd from public.provider_prices p
   where p.provider = p_provider and p.item = p_item and p.effective_from <= p_at
   order by p.effective_from desc limit 1;
$$;
comment on function private.price_of(text, text, timestamptz) is 'The provider''s unit price in effect at p_at (0 when unknown).';

create function private.add_cost(p_org uuid, p_provider text, p_item text, p_quantity numeric,
                                 p_source_type text, p_source_id uuid, p_at timestamptz)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_price numeric := coalesce(private.price_of(p_provider, p_item, p_at), 0);
begin
  if coalesce(p_quantity, 0) <= 0 then
    return;
  end if;
  insert into public.provider_costs (org_id, provider, item, quantity, unit_price_usd, cost_usd, source_type, source_id, occurred_at)
  values (p_org, p_provider, p_item, p_quantity, v_price, round(p_quantity * v_price, 6), p_source_type, p_source_id, p_at)
  on conflict (provider, item, source_type, source_id) do nothing;
end;
$$;
comment on function private.add_cost(uuid, text, text, numeric, text, uuid, timestamptz) is 'Records one provider cost line, idempotently.';

-- Margin ---------------------------------------------------------------------------
create function public.gross_margin_goal()
returns numeric
language sql
immutable
set search_path = ''
as $$ select 0.80::numeric $$;
comment on function public.gross_margin_goal() is 'The gross-margin goal staff measure tenants against (80 %).';

create function public.staff_tenant_margins(p_from date, p_to date)
returns table (
  org_id uuid,
  org_name text,
  plan_name text,
  subscription_status text,
  calls bigint,
  analyzed_minutes numeric,
  revenue_usd numeric,
  provider_cost_usd numeric,
  gross_margin numeric,
  meets_goal boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not (select private.is_platform_admin()) then
    raise exception 'only SalesPulse staff can see tenant margins' using errcode = 'SP403';
  end if;
  if p_from is null or p_to is null or p_to < p_from or p_to - p_from > 3660 then
    raise exception 'the period must run forward, at most ten years' using errcode = 'SP422';
  end if;
  return query
  with bounds as (
    select p_from::timestamptz as lo, (p_to + 1)::timestamptz as hi
  ), rev as (
    -- Invoices are billed in the Stripe account's currency (USD).
    select i.org_id, sum(i.amount_paid_cents) / 100.0 as usd
      from public.invoices i, bounds b
     where i.status = 'paid' and i.paid_at >= b.lo and i.paid_at < b.hi
     group by i.org_id
  ), cost as (
    select pc.org_id, sum(pc.cost_usd) as usd
      from public.provider_costs pc, bounds b
     where pc.occurred_at >= b.lo and pc.occurred_at < b.hi
     group by pc.org_id
  ), cl as (
    select c.org_id, count(*) as n
      from public.calls c, bounds b
     where c.started_at >= b.lo and c.started_at < b.hi
     group by c.org_id
  ), mins as (
    select u.org_id, sum(u.quantity) as q
      from public.usage_records u, bounds b
     where u.kind = 'analyzed_minutes' and u.occurred_at >= b.lo and u.occurred_at < b.hi
     group by u.org_id
  )
  select r.* from (
    select o.id, o.name, p.name, coalesce(s.status, 'none'),
           coalesce(cl.n, 0), round(coalesce(mins.q, 0), 1),
           round(coalesce(rev.usd, 0), 2), round(coalesce(cost.usd, 0), 4),
           case when coalesce(rev.usd, 0) > 0 then round((rev.usd - coalesce(cost.usd, 0)) / rev.usd, 4) end,
           case when coalesce(rev.usd, 0) > 0 then (rev.usd - coalesce(cost.usd, 0)) / rev.usd >= public.gross_margin_goal()
                when coalesce(cost.usd, 0) > 0 then false end
      from public.organizations o
      left join public.subscriptions s on s.org_id = o.id
      left join public.plans p on p.id = s.plan_id
      left join rev on rev.org_id = o.id
      left join cost on cost.org_id = o.id
      left join cl on cl.org_id = o.id
      left join mins on mins.org_id = o.id
  ) r (org_id, org_name, plan_name, subscription_status, calls, analyzed_minutes, revenue_usd, provider_cost_usd, gross_margin, meets_goal)
  -- What needs attention first: below the goal (costs without revenue, then
  -- the thinnest margins), then those meeting it, then tenants without activity.
  order by case r.meets_goal when false then 0 when true then 1 else 2 end,
           r.gross_margin asc nulls first, r.provider_cost_usd desc, r.org_name;
end;
$$;
comment on function public.staff_tenant_margins(date, date) is
  'Staff only (SP403 otherwise): per organization, for [p_from, p_to], paid revenue (invoices) against provider fees (provider_costs), the gross margin and whether it meets gross_margin_goal(). Null margin: no revenue (meets_goal false when there were costs, null when there was nothing).';

-- Grants -----------------------------------------------------------------------
grant execute on function private.price_of(text, text, timestamptz) to service_role;
revoke execute on function public.gross_margin_goal() from public, anon;
grant execute on function public.gross_margin_goal() to authenticated, service_role;
revoke execute on function public.staff_tenant_margins(date, date) from public, anon;
grant execute on function public.staff_tenant_margins(date, date) to authenticated, service_role;


-- List prices (USD) used to price provider_costs; staff update them.
insert into public.provider_prices (provider, item, unit, unit_price_usd, effective_from) values
  ('openai', 'gpt-4o:input_tokens', 'token', 0.0000025, '2024-01-01'),
  ('openai', 'gpt-4o:output_tokens', 'token', 0.00001, '2024-01-01'),
  ('openai', 'gpt-4o-mini:input_tokens', 'token', 0.00000015, '2024-01-01'),
  ('openai', 'gpt-4o-mini:output_tokens', 'token', 0.0000006, '2024-01-01'),
  ('openai', 'transcription_minutes', 'minute', 0.006, '2024-01-01'),
  ('twilio', 'voice_minutes', 'minute', 0.0085, '2024-01-01'),
  ('twilio', 'recording_minutes', 'minute', 0.0025, '2024-01-01'),
  ('twilio', 'transcription_minutes', 'minute', 0.035, '2024-01-01');

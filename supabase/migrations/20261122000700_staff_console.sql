-- Staff console: a revenue ledger of Stripe invoices, and the per-tenant
-- gross margin (revenue vs provider fees) against the 80 % goal
-- (ARCHITECTURE: "Internal admins see what every tenant costs in provider
-- fees against the 80 % gross-margin goal").

-- Invoices -----------------------------------------------------------------------
create table public.invoices (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  stripe_invoice_id text not null unique check (stripe_invoice_id ~ '^in_'),
  number text,
  status text not null check (status in ('paid', 'payment_failed')),
  amount_due_cents integer not null default 0 check (amount_due_cents >= 0),
  amount_paid_cents integer not null default 0 check (amount_paid_cents >= 0),
  currency text not null default 'usd' check (currency ~ '^[a-z]{3}$'),
  period_start timestamptz,
  period_end timestamptz,
  paid_at timestamptz,
  hosted_invoice_url text,
  last_event_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.invoices is
  'Stripe invoices of each organization, as the webhook last saw them (apply_stripe_event). Revenue for the staff margin view; invoice history for owners and admins.';

create index invoices_org_id_paid_at_idx on public.invoices (org_id, paid_at);

create trigger invoices_updated_at before update on public.invoices
  for each row execute function private.set_updated_at();

alter table public.invoices enable row level security;
create policy "Owners, admins and staff read invoices" on public.invoices
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[]))
         or (select private.is_platform_admin()));
revoke all on public.invoices from anon, authenticated;
grant select on public.invoices to authenticated;
grant all on public.invoices to service_role;

-- The webhook's event applier, now also keeping the invoice ledger -------------------
create or replace function public.apply_stripe_event(p_event jsonb)
returns text
language plpgsql
set search_path = ''
as $$
declare
  v_id text := p_event ->> 'id';
  v_type text := p_event ->> 'type';
  v_created timestamptz := to_timestamp((p_event ->> 'created')::bigint);
  v_obj jsonb := p_event -> 'data' -> 'object';
  v_org uuid;
  v_sub public.subscriptions;
  v_customer text;
  v_price text;
  v_item jsonb;
  v_plan public.plans;
  v_outcome text;
begin
  insert into public.stripe_events (id, type, created) values (v_id, v_type, v_created)
  on conflict (id) do nothing;
  if not found then
    return 'duplicate';
  end if;

  v_customer := coalesce(v_obj ->> 'customer', case when v_obj ->> 'object' = 'customer' then v_obj ->> 'id' end);
  v_org := coalesce(
    nullif(v_obj -> 'metadata' ->> 'org_id', '')::uuid,
    nullif(v_obj ->> 'client_reference_id', '')::uuid,
    (select s.org_id from public.subscriptions s where s.stripe_customer_id = v_customer));
  if v_org is null or not exists (select 1 from public.organizations o where o.id = v_org) then
    update public.stripe_events set outcome = 'ignored_unknown_customer', processed_at = now() where id = v_id;
    return 'ignored_unknown_customer';
  end if;
  insert into public.subscriptions (org_id, stripe_customer_id) values (v_org, v_customer)
  on conflict (org_id) do update set stripe_customer_id = coalesce(public.subscriptions.stripe_customer_id, excluded.stripe_customer_id);
  select * into v_sub from public.subscriptions where org_id = v_org for update;

  if v_type in ('customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted') then
    if v_sub.last_event_at is not null and v_created < v_sub.last_event_at then
      v_outcome := 'ignored_stale';
    else
      v_item := v_obj -> 'items' -> 'data' -> 0;
      -- The licensed (per-seat) item carries the plan; a metered item may follow.
      select item into v_item from jsonb_array_elements(v_obj -> 'items' -> 'data') item
       where coalesce(item -> 'price' -> 'recurring' ->> 'usage_type', 'licensed') = 'licensed' limit 1;
      v_price := v_item -> 'price' ->> 'id';
      select * into v_plan from public.plans p where v_price in (p.stripe_price_monthly, p.stripe_price_yearly);
      update public.subscriptions s set
        stripe_subscription_id = v_obj ->> 'id',
        plan_id = coalesce(v_plan.id, s.plan_id),
        status = case when v_type = 'customer.subscription.deleted' then 'canceled' else v_obj ->> 'status' end,
        seats = greatest(1, coalesce((v_item ->> 'quantity')::integer, s.seats)),
        billing_interval = coalesce(v_item -> 'price' -> 'recurring' ->> 'interval', s.billing_interval),
        current_period_start = to_timestamp(coalesce(v_item ->> 'current_period_start', v_obj ->> 'current_period_start')::bigint),
        current_period_end = to_timestamp(coalesce(v_item ->> 'current_period_end', v_obj ->> 'current_period_end')::bigint),
        cancel_at = to_timestamp(nullif(v_obj ->> 'cancel_at', '')::bigint),
        cancel_at_period_end = coalesce((v_obj ->> 'cancel_at_period_end')::boolean, false),
        trial_end = to_timestamp(nullif(v_obj ->> 'trial_end', '')::bigint),
        past_due_since = case when v_obj ->> 'status' = 'past_due' then coalesce(s.past_due_since, v_created) end,
        last_event_at = v_created
      where s.org_id = v_org;
      v_outcome := 'processed';
    end if;
  elsif v_type = 'checkout.session.completed' then
    update public.subscriptions s
       set stripe_subscription_id = coalesce(s.stripe_subscription_id, v_obj ->> 'subscription')
     where s.org_id = v_org;
    v_outcome := 'processed';
  elsif v_type in ('invoice.paid', 'invoice.payment_failed') then
    update public.subscriptions s set
      latest_invoice_status = case when v_type = 'invoice.paid' then 'paid' else 'payment_failed' end,
      latest_invoice_url = v_obj ->> 'hosted_invoice_url',
      latest_invoice_amount_cents = coalesce((v_obj ->> 'amount_paid')::integer, (v_obj ->> 'amount_due')::integer),
      -- A failed payment makes the subscription past_due until Stripe says otherwise.
      status = case when v_type = 'invoice.payment_failed' and s.status in ('active', 'trialing') then 'past_due' else s.status end,
      past_due_since = case when v_type = 'invoice.payment_failed' then coalesce(s.past_due_since, v_created)
                            when s.status = 'past_due' then s.past_due_since end
    where s.org_id = v_org;
    -- Revenue ledger (staff margin view, invoice history): one row per
    -- invoice, kept at its latest state; an older event never overwrites a newer one.
    if coalesce(v_obj ->> 'id', '') ~ '^in_' then
      insert into public.invoices as inv (org_id, stripe_invoice_id, number, status, amount_due_cents, amount_paid_cents,
                                          currency, period_start, period_end, paid_at, hosted_invoice_url, last_event_at)
      values (v_org, v_obj ->> 'id', v_obj ->> 'number',
              case when v_type = 'invoice.paid' then 'paid' else 'payment_failed' end,
              coalesce((v_obj ->> 'amount_due')::integer, 0),
              case when v_type = 'invoice.paid' then coalesce((v_obj ->> 'amount_paid')::integer, (v_obj ->> 'amount_due')::integer, 0) else 0 end,
              lower(coalesce(v_obj ->> 'currency', 'usd')),
              -- The service period is the first line's (Stripe's invoice-level
              -- period_start/end is the billing moment for in-advance lines).
              to_timestamp(coalesce(nullif(v_obj -> 'lines' -> 'data' -> 0 -> 'period' ->> 'start', ''), nullif(v_obj ->> 'period_start', ''))::bigint),
              to_timestamp(coalesce(nullif(v_obj -> 'lines' -> 'data' -> 0 -> 'period' ->> 'end', ''), nullif(v_obj ->> 'period_end', ''))::bigint),
              case when v_type = 'invoice.paid'
                   then coalesce(to_timestamp(nullif(v_obj -> 'status_transitions' ->> 'paid_at', '')::bigint), v_created) end,
              v_obj ->> 'hosted_invoice_url', v_created)
      on conflict (stripe_invoice_id) do update set
        status = excluded.status,
        amount_due_cents = excluded.amount_due_cents,
        amount_paid_cents = excluded.amount_paid_cents,
        paid_at = excluded.paid_at,
        hosted_invoice_url = coalesce(excluded.hosted_invoice_url, inv.hosted_invoice_url),
        last_event_at = excluded.last_event_at
      where inv.last_event_at <= excluded.last_event_at
        -- Paid is final: a late payment_failed for the same invoice doesn't undo it.
        and not (inv.status = 'paid' and excluded.status <> 'paid');
    end if;
    v_outcome := 'processed';
  elsif v_type = 'customer.subscription.trial_will_end' then
    update public.subscriptions s set trial_will_end_at = v_created,
      trial_end = coalesce(to_timestamp(nullif(v_obj ->> 'trial_end', '')::bigint), s.trial_end)
     where s.org_id = v_org;
    v_outcome := 'processed';
  else
    v_outcome := 'ignored_unhandled';
  end if;
  update public.stripe_events set org_id = v_org, outcome = v_outcome, processed_at = now() where id = v_id;
  return v_outcome;
end;
$$;
comment on function public.apply_stripe_event(jsonb) is
  'Backend only (stripe-webhook): applies a verified Stripe event once (ledger), ignoring stale subscription events; keeps public.invoices; returns the outcome.';

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

revoke execute on function public.gross_margin_goal() from public, anon;
grant execute on function public.gross_margin_goal() to authenticated, service_role;
revoke execute on function public.staff_tenant_margins(date, date) from public, anon;
grant execute on function public.staff_tenant_margins(date, date) to authenticated, service_role;

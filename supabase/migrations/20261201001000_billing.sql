-- Billing: plans (Stripe prices), subscriptions (state from Stripe webhooks),
-- feature-flag overrides, the Stripe event ledger, invoices (one row per
-- Stripe invoice at its latest state), billable usage; effective entitlements
-- in one SQL function, enforced where usage happens (numbers, seats, analyzed
-- minutes); metered usage reported to Stripe exactly once.

-- Tables -----------------------------------------------------------------------
create table public.plans (
  id uuid primary key default gen_random_uuid(),
  key text not null unique check (key ~ '^[a-z][a-z0-9_]{1,31}$'),
  name text not null,
  description text,
  stripe_price_monthly text unique,
  stripe_price_yearly text unique,
  -- Metered price for analyzed minutes beyond the included ones (null: hard limit).
  stripe_price_metered text unique,
  stripe_meter_event text,
  price_monthly_cents integer not null default 0 check (price_monthly_cents >= 0),
  price_yearly_cents integer not null default 0 check (price_yearly_cents >= 0),
  seats_included integer not null check (seats_included >= 1),
  limits jsonb not null default '{}'::jsonb check (jsonb_typeof(limits) = 'object'),
  features text[] not null default '{}',
  sort integer not null default 0,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- The metered overage price for yearly subscriptions: Stripe refuses a
  -- subscription whose prices recur at different intervals, so a plan sold
  -- yearly with metered overage needs an overage price that recurs yearly
  -- (billed in arrears at the end of the year). stripe-checkout picks the
  -- metered price of the interval the owner chose and refuses a yearly
  -- Checkout for a plan that has monthly overage only.
  stripe_price_metered_yearly text unique
);
comment on table public.plans is
  'What can be bought: Stripe prices, included seats, limits (analyzed_minutes_per_month, phone_numbers, sim_sessions_per_month, members) and features. Public catalog; changed by staff.';
comment on column public.plans.stripe_price_metered_yearly is
  'The metered analyzed-minutes price for yearly subscriptions (recurs yearly); null: the plan is not sold yearly with overage.';

create table public.subscriptions (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null unique references public.organizations (id) on delete cascade,
  stripe_customer_id text unique,
  stripe_subscription_id text unique,
  plan_id uuid references public.plans (id) on delete set null,
  status text not null default 'none'
    check (status in ('none', 'incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused')),
  seats integer not null default 1 check (seats >= 1),
  billing_interval text check (billing_interval in ('month', 'year')),
  current_period_start timestamptz,
  current_period_end timestamptz,
  cancel_at timestamptz,
  cancel_at_period_end boolean not null default false,
  trial_end timestamptz,
  trial_will_end_at timestamptz,
  past_due_since timestamptz,
  latest_invoice_status text,
  latest_invoice_url text,
  latest_invoice_amount_cents integer,
  -- Stripe's `created` of the newest event applied: older events are stale.
  last_event_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.subscriptions is
  'An organization''s Stripe customer and subscription, as the stripe-webhook last saw it. Written only by the service role (apply_stripe_event).';

create table public.feature_flags (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  key text not null check (key ~ '^[a-z][a-z0-9_.]{1,63}$'),
  enabled boolean,
  limit_value integer,
  note text,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, key)
);
comment on table public.feature_flags is
  'Per-organization overrides on top of the plan: a feature switched on/off (enabled) or a limit replaced (limit_value, key = limit name). Set by staff.';

create table public.stripe_events (
  id text primary key check (id ~ '^evt_'),
  type text not null,
  org_id uuid references public.organizations (id) on delete set null,
  created timestamptz not null,
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  outcome text not null default 'received'
    check (outcome in ('received', 'processed', 'ignored_stale', 'ignored_unhandled', 'ignored_unknown_customer'))
);
comment on table public.stripe_events is
  'Ledger of Stripe webhook events: each event id is applied once (duplicates are answered and ignored), with what was done.';

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

create table public.usage_records (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  kind text not null check (kind in ('analyzed_minutes', 'sim_session', 'voice_minutes')),
  quantity numeric(12, 3) not null check (quantity >= 0),
  billable boolean not null default true,
  source_type text not null,
  source_id uuid not null,
  occurred_at timestamptz not null default now(),
  reported_at timestamptz,
  created_at timestamptz not null default now(),
  unique (kind, source_type, source_id)
);
comment on table public.usage_records is
  'Billable usage, one row per event (idempotent on kind + source). reported_at is set once reported to Stripe.';

create table public.stripe_refused_events (
  id bigint generated always as identity primary key,
  event_id text check (char_length(event_id) <= 255),
  type text check (char_length(type) <= 255),
  reason text not null check (char_length(reason) <= 500),
  payload jsonb not null,
  received_at timestamptz not null default now()
);
comment on table public.stripe_refused_events is
  'Validly signed Stripe events that cannot be applied (malformed): acknowledged to Stripe, kept here for staff, applied never.';
create index stripe_refused_events_received_at_idx on public.stripe_refused_events (received_at desc);

-- Indexes ------------------------------------------------------------------------
create index subscriptions_plan_id_idx on public.subscriptions (plan_id);
create index feature_flags_created_by_idx on public.feature_flags (created_by);
create index stripe_events_org_id_idx on public.stripe_events (org_id, received_at desc);
create index invoices_org_id_paid_at_idx on public.invoices (org_id, paid_at);
create index usage_records_org_id_occurred_at_idx on public.usage_records (org_id, occurred_at desc);
create index usage_records_unreported_idx on public.usage_records (org_id) where reported_at is null and billable;

-- Triggers -----------------------------------------------------------------------
create trigger plans_updated_at before update on public.plans
  for each row execute function private.set_updated_at();
create trigger plans_audit after insert or update or delete on public.plans
  for each row execute function private.audit_row();
create trigger subscriptions_updated_at before update on public.subscriptions
  for each row execute function private.set_updated_at();
create trigger subscriptions_audit after insert or update or delete on public.subscriptions
  for each row execute function private.audit_row();
create trigger feature_flags_updated_at before update on public.feature_flags
  for each row execute function private.set_updated_at();
create trigger feature_flags_created_by before insert or update on public.feature_flags
  for each row execute function private.set_created_by();
create trigger feature_flags_audit after insert or update or delete on public.feature_flags
  for each row execute function private.audit_row();
create trigger invoices_updated_at before update on public.invoices
  for each row execute function private.set_updated_at();

-- RLS ------------------------------------------------------------------------
alter table public.plans enable row level security;
alter table public.subscriptions enable row level security;
alter table public.feature_flags enable row level security;
alter table public.stripe_events enable row level security;
alter table public.invoices enable row level security;
alter table public.usage_records enable row level security;
alter table public.stripe_refused_events enable row level security;

create policy "Visitors read the active plans" on public.plans
  for select to anon
  using (active);
create policy "Users read the active plans; staff all plans" on public.plans
  for select to authenticated
  using (active or (select private.is_platform_admin()));
create policy "Members read their organization's subscription" on public.subscriptions
  for select to authenticated
  using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()));
create policy "Members read their organization's feature flags" on public.feature_flags
  for select to authenticated
  using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()));
create policy "Staff read the Stripe event ledger" on public.stripe_events
  for select to authenticated
  using ((select private.is_platform_admin()));
create policy "Owners, admins and staff read invoices" on public.invoices
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[]))
         or (select private.is_platform_admin()));
create policy "Owners and admins read their organization's usage" on public.usage_records
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[]))
         or (select private.is_platform_admin()));

revoke all on public.plans, public.subscriptions, public.feature_flags, public.stripe_events from anon, authenticated;
grant select on public.plans to anon, authenticated;
grant select on public.subscriptions, public.feature_flags, public.stripe_events to authenticated;
revoke all on public.invoices from anon, authenticated;
grant select on public.invoices to authenticated;
grant all on public.invoices to service_role;
revoke all on public.usage_records from anon, authenticated;
grant select on public.usage_records to authenticated;
create policy "Staff read refused Stripe events" on public.stripe_refused_events
  for select to authenticated
  using ((select private.is_platform_admin()));
revoke all on public.stripe_refused_events from anon, authenticated, service_role;
grant select on public.stripe_refused_events to authenticated;

-- Entitlements -----------------------------------------------------------------------
-- Days a past_due subscription keeps its plan before falling back to free.
create function private.past_due_grace() returns interval language sql immutable set search_path = ''
as $$ select interval '7 days' $$;
comment on function private.past_due_grace() is 'How long past_due keeps the paid plan.';

create function private.entitlements(p_org_id uuid)
returns jsonb
language plpgsql
stable
-- security definer: reads plans, subscription and overrides of any organization;
-- callers are the SQL enforcement points and public.org_entitlements (which checks membership).
security definer
set search_path = ''
as $$
declare
  v_sub public.subscriptions;
  v_plan public.plans;
  v_paid boolean;
  v_limits jsonb;
  v_features text[];
  v_flag record;
  v_seats integer;
begin
  select * into v_sub from public.subscriptions where org_id = p_org_id;
  v_paid := v_sub.plan_id is not null and (
    v_sub.status in ('active', 'trialing')
    or (v_sub.status = 'past_due' and coalesce(v_sub.past_due_since, now()) > now() - private.past_due_grace())
  );
  if v_paid then
    select * into v_plan from public.plans where id = v_sub.plan_id;
  else
    select * into v_plan from public.plans where key = 'free';
  end if;
  v_limits := coalesce(v_plan.limits, '{}'::jsonb);
  v_features := coalesce(v_plan.features, '{}');
  v_seats := case when v_paid then greatest(v_sub.seats, coalesce(v_plan.seats_included, 1)) else coalesce(v_plan.seats_included, 1) end;
  for v_flag in select f.key, f.enabled, f.limit_value from public.feature_flags f where f.org_id = p_org_id loop
    if v_flag.limit_value is not null then
      if v_flag.key = 'seats' then
        v_seats := v_flag.limit_value;
      else
        v_limits := v_limits || jsonb_build_object(v_flag.key, v_flag.limit_value);
      end if;
    end if;
    if v_flag.enabled is true and not v_flag.key = any (v_features) then
      v_features := v_features || v_flag.key;
    elsif v_flag.enabled is false then
      v_features := array_remove(v_features, v_flag.key);
    end if;
  end loop;
  return jsonb_build_object(
    'plan', coalesce(v_plan.key, 'free'),
    'plan_name', coalesce(v_plan.name, 'Free'),
    'status', coalesce(v_sub.status, 'none'),
    'paid', v_paid,
    'in_grace', v_sub.status = 'past_due' and v_paid,
    'seats', v_seats,
    'limits', v_limits,
    'features', to_jsonb(v_features),
    'metered', v_paid and v_plan.stripe_price_metered is not null,
    'current_period_start', v_sub.current_period_start,
    'current_period_end', v_sub.current_period_end,
    'trial_end', v_sub.trial_end,
    'cancel_at', v_sub.cancel_at
  );
end;
$$;
comment on function private.entitlements(uuid) is
  'Effective plan, seats, limits and features of an organization: plan × subscription status (past_due grace, canceled → free) × feature_flags overrides.';

create function private.period_start(p_org_id uuid)
returns timestamptz
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(
    (select s.current_period_start from public.subscriptions s
      where s.org_id = p_org_id and s.status in ('active', 'trialing', 'past_due')),
    date_trunc('month', now()));
$$;
comment on function private.period_start(uuid) is 'Start of the organization''s current billing period (calendar month without a subscription).';

create function public.org_entitlements(p_org_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v jsonb;
begin
  perform private.require_user();
  if not (private.is_member(p_org_id) or private.is_platform_admin()) then
    raise exception 'organization not found' using errcode = 'SP404';
  end if;
  v := private.entitlements(p_org_id);
  return v || jsonb_build_object('usage', jsonb_build_object(
    'analyzed_minutes', (select coalesce(sum(u.quantity), 0) from public.usage_records u
                          where u.org_id = p_org_id and u.kind = 'analyzed_minutes' and u.occurred_at >= private.period_start(p_org_id)),
    'phone_numbers', (select count(*) from public.phone_numbers n where n.org_id = p_org_id and n.status <> 'released'),
    'members', (select count(*) from public.memberships m where m.org_id = p_org_id),
    'pending_invitations', (select count(*) from public.invitations i
                             where i.org_id = p_org_id and i.accepted_at is null and i.revoked_at is null and i.expires_at > now())
  ));
end;
$$;
comment on function public.org_entitlements(uuid) is
  'For the SPA: the organization''s effective plan, features, limits and current usage. Members only.';

create function private.assert_limit(p_org_id uuid, p_limit text, p_in_use numeric, p_adding numeric)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  v_limit numeric := nullif(private.entitlements(p_org_id) -> 'limits' ->> p_limit, '')::numeric;
begin
  -- No limit configured means unlimited.
  if v_limit is not null and p_in_use + p_adding > v_limit then
    raise exception 'plan limit reached: % (% of % used)', p_limit, p_in_use, v_limit
      using errcode = 'SP402', hint = 'Upgrade the plan on the billing page.';
  end if;
end;
$$;
comment on function private.assert_limit(uuid, text, numeric, numeric) is 'Raises SP402 when adding p_adding would exceed the plan''s p_limit.';

-- Enforcement: phone numbers
create function private.enforce_number_limit()
returns trigger
language plpgsql
-- security definer: counts every number of the organization.
security definer
set search_path = ''
as $$
begin
  if new.status <> 'released' and (tg_op = 'INSERT' or old.status = 'released') then
    -- Serialize concurrent purchases of one organization: count, then insert.
    perform 1 from public.organizations o where o.id = new.org_id for update;
    perform private.assert_limit(new.org_id, 'phone_numbers',
      (select count(*) from public.phone_numbers n where n.org_id = new.org_id and n.status <> 'released' and n.id <> new.id), 1);
  end if;
  return new;
end;
$$;
comment on function private.enforce_number_limit() is 'phone_numbers: no more active numbers than the plan allows (SP402).';
create trigger phone_numbers_limit before insert or update of status on public.phone_numbers
  for each row execute function private.enforce_number_limit();

-- Enforcement: seats (members + pending invitations)
create function private.seats_in_use(p_org_id uuid)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
  select (select count(*) from public.memberships m where m.org_id = p_org_id)::integer
       + (select count(*) from public.invitations i
           where i.org_id = p_org_id and i.accepted_at is null and i.revoked_at is null and i.expires_at > now())::integer;
$$;
comment on function private.seats_in_use(uuid) is 'Members plus pending invitations.';

create function private.enforce_seats()
returns trigger
language plpgsql
-- security definer: counts all members and invitations of the organization.
security definer
set search_path = ''
as $$
declare
  v_seats integer;
  v_used integer;
begin
  -- Serialize concurrent invitations/joins of one organization.
  perform 1 from public.organizations o where o.id = new.org_id for update;
  v_seats := (private.entitlements(new.org_id) ->> 'seats')::integer;
  if tg_table_name = 'invitations' then
    v_used := private.seats_in_use(new.org_id);
  else
    -- A member joining through an invitation takes the seat it held.
    v_used := private.seats_in_use(new.org_id) - (select count(*) from public.invitations i
      where i.org_id = new.org_id and i.accepted_at is null and i.revoked_at is null and i.expires_at > now()
        and i.email = (select p.email from public.profiles p where p.id = new.user_id))::integer;
  end if;
  if v_used + 1 > v_seats then
    raise exception 'all % seats are taken', v_seats
      using errcode = 'SP402', hint = 'Add seats on the billing page, or remove a member or invitation.';
  end if;
  return new;
end;
$$;
comment on function private.enforce_seats() is 'Members + pending invitations may not exceed paid seats (SP402).';
create trigger invitations_seats before insert on public.invitations
  for each row execute function private.enforce_seats();
create trigger memberships_seats before insert on public.memberships
  for each row execute function private.enforce_seats();

-- Enforcement: analyzed minutes (hard limit unless the plan bills overage)
create function public.check_analysis_allowed(p_call_id uuid)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_call public.calls;
  v_ent jsonb;
begin
  select * into v_call from public.calls where id = p_call_id;
  v_ent := private.entitlements(v_call.org_id);
  if (v_ent ->> 'metered')::boolean then
    return; -- overage is billed by the minute
  end if;
  perform private.assert_limit(v_call.org_id, 'analyzed_minutes_per_month',
    (select coalesce(sum(u.quantity), 0) from public.usage_records u
      where u.org_id = v_call.org_id and u.kind = 'analyzed_minutes' and u.occurred_at >= private.period_start(v_call.org_id)),
    round(coalesce(v_call.duration_seconds, 0) / 60.0, 3));
end;
$$;
comment on function public.check_analysis_allowed(uuid) is
  'Backend only (worker): SP402 when analyzing the call would exceed the plan''s analyzed minutes and the plan bills no overage.';

-- Stripe state ---------------------------------------------------------------------
create function private.ensure_billing_customer_once(p_org_id uuid, p_customer_id text)
returns text
language plpgsql
set search_path = ''
as $$
declare
  v_existing text;
begin
  select stripe_customer_id into v_existing from public.subscriptions where org_id = p_org_id;
  if v_existing is not null then
    return v_existing;
  end if;
  insert into public.subscriptions (org_id, stripe_customer_id) values (p_org_id, p_customer_id)
  on conflict (org_id) do update set stripe_customer_id = coalesce(public.subscriptions.stripe_customer_id, excluded.stripe_customer_id);
  return (select stripe_customer_id from public.subscriptions where org_id = p_org_id);
end;
$$;
comment on function private.ensure_billing_customer_once(uuid, text) is 'The body of public.ensure_billing_customer (one attempt).';

create function private.apply_stripe_event_once(p_event jsonb)
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
comment on function private.apply_stripe_event_once(jsonb) is 'The body of public.apply_stripe_event (one attempt).';

-- A race between stripe-checkout and Stripe's customer.created webhook: both
-- store the organization's new customer at the same moment; the second upsert
-- meets the first one's row through the unique stripe_customer_id (not its
-- ON CONFLICT target). The public entry points retry once — by then the
-- other row is committed and the upsert takes its ON CONFLICT path.
create function public.ensure_billing_customer(p_org_id uuid, p_customer_id text)
returns text
language plpgsql
set search_path = ''
as $$
begin
  return private.ensure_billing_customer_once(p_org_id, p_customer_id);
exception when unique_violation then
  -- A concurrent delivery stored the customer first; it is committed now.
  return private.ensure_billing_customer_once(p_org_id, p_customer_id);
end;
$$;
comment on function public.ensure_billing_customer(uuid, text) is
  'Backend only (stripe-checkout): remembers the organization''s Stripe customer; returns the one already stored if any. Safe against a concurrent customer.created webhook.';

create function public.apply_stripe_event(p_event jsonb)
returns text
language plpgsql
set search_path = ''
as $$
begin
  return private.apply_stripe_event_once(p_event);
exception when unique_violation then
  -- A concurrent request (checkout, or another delivery) stored the same row
  -- first; the first attempt was rolled back, and the retry sees its row.
  return private.apply_stripe_event_once(p_event);
end;
$$;
comment on function public.apply_stripe_event(jsonb) is
  'Backend only (stripe-webhook): applies a verified Stripe event once (ledger, duplicates, stale events), retrying once after a concurrent write of the same customer.';

-- Validly signed events that cannot be applied are acknowledged and kept for staff.
create function public.record_refused_stripe_event(p_payload jsonb, p_reason text)
returns void
language sql
-- security definer: service_role has no direct write on the table.
security definer
set search_path = ''
as $$
  insert into public.stripe_refused_events (event_id, type, reason, payload)
  values (left(p_payload ->> 'id', 255), left(p_payload ->> 'type', 255), left(p_reason, 500), p_payload);
$$;
comment on function public.record_refused_stripe_event(jsonb, text) is
  'Backend only (stripe-webhook): records a validly signed event that cannot be applied.';

-- Plan features enforced where the data is written: a feature the plan lacks
-- is refused with SP402 (the SPA shows an upgrade prompt instead of the tool).
create function private.assert_feature(p_org_id uuid, p_feature text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if not coalesce((private.entitlements(p_org_id) -> 'features') ? p_feature, false) then
    raise exception 'plan feature required: %', p_feature
      using errcode = 'SP402', hint = 'Upgrade the plan on the billing page.';
  end if;
end;
$$;
comment on function private.assert_feature(uuid, text) is
  'Raises SP402 when the organization''s effective plan (private.entitlements) lacks p_feature.';

-- Metered usage ---------------------------------------------------------------------
create function public.unreported_usage(p_org_id uuid, p_limit integer default 500)
returns table (id uuid, quantity numeric, occurred_at timestamptz, customer text, meter_event text)
language sql
stable
set search_path = ''
as $$
  select u.id, u.quantity, u.occurred_at, s.stripe_customer_id, p.stripe_meter_event
    from public.usage_records u
    join public.subscriptions s on s.org_id = u.org_id
    join public.plans p on p.id = s.plan_id
   where u.org_id = p_org_id and u.billable and u.reported_at is null
     and p.stripe_meter_event is not null and s.stripe_customer_id is not null
     and s.status in ('active', 'trialing', 'past_due')
   order by u.occurred_at
   limit p_limit;
$$;
comment on function public.unreported_usage(uuid, integer) is 'Backend only (report_usage job): billable usage not yet sent to Stripe.';

create function public.mark_usage_reported(p_ids uuid[])
returns integer
language sql
set search_path = ''
as $$
  with u as (
    update public.usage_records set reported_at = now() where id = any (p_ids) and reported_at is null returning 1
  ) select count(*)::integer from u;
$$;
comment on function public.mark_usage_reported(uuid[]) is 'Backend only (report_usage job): marks usage as sent to Stripe.';

create function private.enqueue_usage_reports()
returns integer
language sql
set search_path = ''
as $$
  with orgs as (
    select distinct u.org_id from public.usage_records u
      join public.subscriptions s on s.org_id = u.org_id
      join public.plans p on p.id = s.plan_id
     where u.reported_at is null and u.billable and p.stripe_meter_event is not null
  )
  select count(public.enqueue_job('report_usage', o.org_id, jsonb_build_object('org_id', o.org_id),
           'report_usage:' || o.org_id::text || ':' || to_char(now(), 'YYYYMMDDHH24')))::integer
    from orgs o;
$$;
comment on function private.enqueue_usage_reports() is 'pg_cron (hourly): one report_usage job per organization with unreported metered usage.';

create function public.org_seats_in_use(p_org_id uuid)
returns integer
language sql
stable
set search_path = ''
as $$
  select private.seats_in_use(p_org_id);
$$;
comment on function public.org_seats_in_use(uuid) is 'Backend only (billing functions): members plus pending invitations.';

-- Grants -----------------------------------------------------------------------
grant execute on function private.seats_in_use(uuid) to service_role;
revoke execute on function public.org_seats_in_use(uuid) from public, anon, authenticated;
grant execute on function public.org_seats_in_use(uuid) to service_role;
grant execute on function private.entitlements(uuid) to service_role;
grant execute on function private.assert_limit(uuid, text, numeric, numeric) to service_role;
grant execute on function private.period_start(uuid) to service_role;
revoke execute on function public.org_entitlements(uuid) from public, anon;
grant execute on function public.org_entitlements(uuid) to authenticated;
revoke execute on function public.check_analysis_allowed(uuid) from public, anon, authenticated;
grant execute on function public.check_analysis_allowed(uuid) to service_role;
revoke execute on function private.ensure_billing_customer_once(uuid, text) from public, anon, authenticated;
revoke execute on function private.apply_stripe_event_once(jsonb) from public, anon, authenticated;
grant execute on function private.ensure_billing_customer_once(uuid, text) to service_role;
grant execute on function private.apply_stripe_event_once(jsonb) to service_role;
revoke execute on function public.ensure_billing_customer(uuid, text) from public, anon, authenticated;
grant execute on function public.ensure_billing_customer(uuid, text) to service_role;
revoke execute on function public.apply_stripe_event(jsonb) from public, anon, authenticated;
grant execute on function public.apply_stripe_event(jsonb) to service_role;
revoke execute on function public.record_refused_stripe_event(jsonb, text) from public, anon, authenticated;
grant execute on function public.record_refused_stripe_event(jsonb, text) to service_role;
revoke execute on function public.unreported_usage(uuid, integer) from public, anon, authenticated;
grant execute on function public.unreported_usage(uuid, integer) to service_role;
revoke execute on function public.mark_usage_reported(uuid[]) from public, anon, authenticated;
grant execute on function public.mark_usage_reported(uuid[]) to service_role;

select cron.schedule('report-usage', '7 * * * *', 'select private.enqueue_usage_reports()');

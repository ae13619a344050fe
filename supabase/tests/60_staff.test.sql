-- Staff console: the invoice ledger the Stripe events keep, its RLS, and the
-- per-tenant gross margin (revenue vs provider fees) that only staff may read.
begin;
\ir fixtures.sql
select plan(24);
select tests.create_tenants();

select function_privs_are('public', 'staff_tenant_margins', array['date', 'date'], 'anon', array[]::text[]);
select function_privs_are('public', 'staff_tenant_margins', array['date', 'date'], 'authenticated', array['EXECUTE']);
select is(public.gross_margin_goal(), 0.80::numeric, 'the goal is 80 %');

-- Globex pays an invoice; a failed one follows; then a late, older failure
-- for the paid invoice arrives.
create temp table ev(n int primary key, e jsonb);
insert into ev values
 (1, jsonb_build_object('id', 'evt_inv_1', 'type', 'invoice.paid', 'created', extract(epoch from now() - interval '2 days')::bigint,
   'data', jsonb_build_object('object', jsonb_build_object('id', 'in_g1', 'object', 'invoice', 'customer', 'cus_globex', 'number', 'G-0001',
     'metadata', jsonb_build_object('org_id', tests.id('globex')),
     'amount_due', 9900, 'amount_paid', 9900, 'currency', 'usd',
     'period_start', extract(epoch from now() - interval '2 days')::bigint, 'period_end', extract(epoch from now() + interval '28 days')::bigint,
     'status_transitions', jsonb_build_object('paid_at', extract(epoch from now() - interval '2 days')::bigint),
     'hosted_invoice_url', 'https://invoice.stripe.test/in_g1',
     'lines', jsonb_build_object('data', jsonb_build_array(jsonb_build_object('period',
        jsonb_build_object('start', 1893456000, 'end', 1896134400)))))))),
 (2, jsonb_build_object('id', 'evt_inv_2', 'type', 'invoice.payment_failed', 'created', extract(epoch from now() - interval '1 day')::bigint,
   'data', jsonb_build_object('object', jsonb_build_object('id', 'in_g2', 'object', 'invoice', 'customer', 'cus_globex',
     'amount_due', 4900, 'amount_paid', 0, 'currency', 'usd')))),
 (3, jsonb_build_object('id', 'evt_inv_3', 'type', 'invoice.payment_failed', 'created', extract(epoch from now() - interval '3 days')::bigint,
   'data', jsonb_build_object('object', jsonb_build_object('id', 'in_g1', 'object', 'invoice', 'customer', 'cus_globex',
     'amount_due', 9900, 'amount_paid', 0, 'currency', 'usd'))));

select is(public.apply_stripe_event((select e from ev where n = 1)), 'processed', 'invoice.paid is applied');
select is(public.apply_stripe_event((select e from ev where n = 1)), 'duplicate', 'the same event again is a duplicate');
select is(public.apply_stripe_event((select e from ev where n = 2)), 'processed', 'invoice.payment_failed is applied');
select is(public.apply_stripe_event((select e from ev where n = 3)), 'processed', 'an older failure for the paid invoice is taken in');
select results_eq(
  $$select stripe_invoice_id, status, amount_paid_cents, number from public.invoices where org_id = tests.id('globex') order by 1$$,
  $$values ('in_g1', 'paid', 9900, 'G-0001'), ('in_g2', 'payment_failed', 0, null)$$,
  'one row per invoice; paid stays paid; a failed invoice brings no revenue');

select is((select (period_start, period_end)::text from public.invoices where stripe_invoice_id = 'in_g1'),
  (to_timestamp(1893456000), to_timestamp(1896134400))::text, 'the service period is the first line''s');

-- Costs for Globex in the period: $30 → margin (99 - 30) / 99 = 69.7 %, below the goal.
insert into public.provider_costs (org_id, provider, item, quantity, unit_price_usd, cost_usd, source_type, source_id, occurred_at)
values (tests.id('globex'), 'openai', 'gpt-4o input tokens', 1, 30, 30, 'test', gen_random_uuid(), now() - interval '1 day');

-- RLS on invoices: owners and staff read; managers and other tenants don't.
select count(*) as all_invoices from public.invoices \gset
select tests.authenticate_as('globex_owner');
select is((select count(*)::int from public.invoices), 2, 'the owner reads their invoices');
select tests.authenticate_as('globex_manager');
select is((select count(*)::int from public.invoices), 0, 'a manager does not read invoices');
select tests.authenticate_as('acme_owner');
select is((select count(*)::int from public.invoices), 0, 'another tenant''s owner reads none');
select throws_ok($$insert into public.invoices (org_id, stripe_invoice_id, status, last_event_at) values (tests.id('acme'), 'in_forged', 'paid', now())$$,
  '42501', null, 'nobody writes invoices through the API');

-- Margins: staff only.
select throws_ok($$select * from public.staff_tenant_margins(current_date - 30, current_date)$$,
  'SP403', null, 'an owner cannot read tenant margins');
select tests.authenticate_as('staff');
select is((select count(*)::int from public.invoices), :all_invoices, 'staff read every invoice');
select throws_ok($$select * from public.staff_tenant_margins(current_date, current_date - 1)$$,
  'SP422', null, 'a backwards period is refused');

create temp table m as select * from public.staff_tenant_margins(current_date - 30, current_date);
select is((select count(*)::int from m), (select count(*)::int from public.organizations), 'one row per organization');
select is((select revenue_usd from m where org_id = tests.id('globex')), 99.00::numeric, 'revenue: paid invoices in the period');
select is((select provider_cost_usd from m where org_id = tests.id('globex')), 30.0000::numeric, 'cost: provider fees in the period');
select is((select gross_margin from m where org_id = tests.id('globex')), round((99 - 30) / 99.0, 4), 'margin = (revenue - cost) / revenue');
select is((select meets_goal from m where org_id = tests.id('globex')), false, '69.7 % is below the 80 % goal');
with c as (
  select round(coalesce(sum(cost_usd), 0), 4) as usd from public.provider_costs pc
   where pc.org_id = tests.id('acme') and pc.occurred_at >= (current_date - 30)::timestamptz and pc.occurred_at < (current_date + 1)::timestamptz
)
select is(
  (select (m.calls, m.provider_cost_usd, m.gross_margin, m.meets_goal)::text from m where org_id = tests.id('acme')),
  (select ((select count(*) from public.calls k where k.org_id = tests.id('acme')
              and k.started_at >= (current_date - 30)::timestamptz and k.started_at < (current_date + 1)::timestamptz),
           c.usd, null::numeric, case when c.usd > 0 then false end)::text from c),
  'a tenant without revenue has no margin (and misses the goal if it had costs); its calls are counted');
select is(
  (select revenue_usd from public.staff_tenant_margins(current_date - 1, current_date) where org_id = tests.id('globex')), 0.00::numeric,
  'an invoice paid before the period is not revenue of the period');

select is_empty($$
  with t as (
    select meets_goal, gross_margin, i,
           case meets_goal when false then 0 when true then 1 else 2 end as grp
      from public.staff_tenant_margins(current_date - 30, current_date)
      with ordinality as x(org_id, org_name, plan_name, subscription_status, calls, analyzed_minutes,
                           revenue_usd, provider_cost_usd, gross_margin, meets_goal, i)
  )
  select a.i, b.i from t a join t b on a.i < b.i
   where a.grp > b.grp
      or (a.grp = b.grp and a.gross_margin is not null and (b.gross_margin is null or a.gross_margin > b.gross_margin))
$$, 'below the goal first (no revenue, then thinnest), then meeting it, then no activity');

select tests.clear_authentication();
select * from finish();
rollback;

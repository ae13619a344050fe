-- Billing: entitlements (plan × status × overrides), the Stripe event ledger
-- (duplicates, stale events), limits enforced in SQL, RLS on billing tables.
begin;
\ir fixtures.sql
select plan(31);
select tests.create_tenants();
select count(*) as active_plans from public.plans where active \gset

select function_privs_are('public', 'apply_stripe_event', array['jsonb'], 'authenticated', array[]::text[]);
select function_privs_are('public', 'apply_stripe_event', array['jsonb'], 'service_role', array['EXECUTE']);

-- Without a subscription: the free plan.
select is(private.entitlements(tests.id('globex')) ->> 'plan', 'free', 'no subscription → free');
select is((private.entitlements(tests.id('globex')) ->> 'seats')::int, 3, 'free seats');
select is((private.entitlements(tests.id('globex')) -> 'limits' ->> 'phone_numbers')::int, 1, 'free numbers');

-- Limits where usage happens: Globex (free) has its one number and 3 seats in use.
select throws_ok($$insert into public.phone_numbers (org_id, e164) values (tests.id('globex'), '+442071830000')$$,
  'SP402', null, 'a second number exceeds the free plan');
select throws_ok($$select tests.authenticate_as('globex_owner');
  select public.invite_member(tests.id('globex'), 'fourth@globex.test', 'agent')$$,
  'SP402', null, 'inviting beyond the paid seats is blocked');

-- A subscription arrives from Stripe.
create temp table ev(n int primary key, e jsonb);
insert into ev values
 (1, jsonb_build_object('id', 'evt_1', 'type', 'customer.subscription.created', 'created', 1900000000,
   'data', jsonb_build_object('object', jsonb_build_object('id', 'sub_1', 'object', 'subscription', 'customer', 'cus_g', 'status', 'active',
     'metadata', jsonb_build_object('org_id', tests.id('globex')), 'cancel_at_period_end', false,
     'items', jsonb_build_object('data', jsonb_build_array(jsonb_build_object('quantity', 8, 'current_period_start', 1900000000, 'current_period_end', 1902592000,
        'price', jsonb_build_object('id', 'price_pro_monthly', 'recurring', jsonb_build_object('interval', 'month', 'usage_type', 'licensed'))))))))),
 (2, jsonb_build_object('id', 'evt_2', 'type', 'customer.subscription.updated', 'created', 1900000100,
   'data', jsonb_build_object('object', jsonb_build_object('id', 'sub_1', 'object', 'subscription', 'customer', 'cus_g', 'status', 'active',
     'cancel_at_period_end', true, 'cancel_at', 1902592000,
     'items', jsonb_build_object('data', jsonb_build_array(jsonb_build_object('quantity', 12, 'current_period_start', 1900000000, 'current_period_end', 1902592000,
        'price', jsonb_build_object('id', 'price_pro_monthly', 'recurring', jsonb_build_object('interval', 'month'))))))))),
 (3, jsonb_build_object('id', 'evt_3', 'type', 'customer.subscription.updated', 'created', 1900000050,
   'data', jsonb_build_object('object', jsonb_build_object('id', 'sub_1', 'object', 'subscription', 'customer', 'cus_g', 'status', 'active',
     'items', jsonb_build_object('data', jsonb_build_array(jsonb_build_object('quantity', 9,
        'price', jsonb_build_object('id', 'price_starter_monthly'))))))));

select is(public.apply_stripe_event((select e from ev where n = 1)), 'processed', 'subscription.created is applied');
select is(public.apply_stripe_event((select e from ev where n = 1)), 'duplicate', 'the same event again is a duplicate');
select is((select count(*)::int from public.stripe_events where id = 'evt_1'), 1, 'recorded once in the ledger');
select is(private.entitlements(tests.id('globex')) ->> 'plan', 'pro', 'the organization is on Pro');
select is((private.entitlements(tests.id('globex')) ->> 'seats')::int, 10, 'seats: the paid 8, at least the plan''s 10 included');
select ok((private.entitlements(tests.id('globex')) -> 'features') ? 'sims', 'Pro features');
select is(public.apply_stripe_event((select e from ev where n = 2)), 'processed', 'a newer update is applied');
select is(public.apply_stripe_event((select e from ev where n = 3)), 'ignored_stale', 'an older update arriving later is ignored');
select is((select seats from public.subscriptions where org_id = tests.id('globex')), 12, 'state did not roll back');
select ok((select cancel_at_period_end from public.subscriptions where org_id = tests.id('globex')), 'cancel at period end kept');
select lives_ok($$insert into public.phone_numbers (org_id, e164) values (tests.id('globex'), '+442071830000')$$,
  'on Pro a second number is allowed');

-- past_due: grace, then free
select is(public.apply_stripe_event(jsonb_build_object('id', 'evt_4', 'type', 'invoice.payment_failed', 'created', 1900000200,
  'data', jsonb_build_object('object', jsonb_build_object('object', 'invoice', 'customer', 'cus_g', 'amount_due', 9900)))), 'processed', 'a failed payment');
select is((select status from public.subscriptions where org_id = tests.id('globex')), 'past_due', 'makes the subscription past_due');
select is(private.entitlements(tests.id('globex')) ->> 'plan', 'pro', 'within the grace period the plan holds');
update public.subscriptions set past_due_since = now() - interval '8 days' where org_id = tests.id('globex');
select is(private.entitlements(tests.id('globex')) ->> 'plan', 'free', 'after the grace period: free');
update public.subscriptions set status = 'canceled', past_due_since = null where org_id = tests.id('globex');
select is(private.entitlements(tests.id('globex')) ->> 'plan', 'free', 'canceled → free');

-- overrides
insert into public.feature_flags (org_id, key, limit_value) values (tests.id('globex'), 'phone_numbers', 5);
insert into public.feature_flags (org_id, key, enabled) values (tests.id('globex'), 'call_insights', false);
select is((private.entitlements(tests.id('globex')) -> 'limits' ->> 'phone_numbers')::int, 5, 'a limit override replaces the plan''s');
select ok(not (private.entitlements(tests.id('globex')) -> 'features') ? 'call_insights', 'a feature can be switched off');

select is(public.apply_stripe_event(jsonb_build_object('id', 'evt_5', 'type', 'customer.subscription.updated', 'created', 1900000300,
  'data', jsonb_build_object('object', jsonb_build_object('customer', 'cus_nobody')))), 'ignored_unknown_customer', 'unknown customers are recorded, not applied');

-- RLS
select tests.authenticate_as('globex_manager');
select is((select count(*)::int from public.subscriptions), 1, 'members read their subscription');
select is((select count(*)::int from public.stripe_events), 0, 'tenants do not read the Stripe ledger');
select is((public.org_entitlements(tests.id('globex')) -> 'usage' ->> 'phone_numbers')::int, 2, 'entitlements with usage for members');
select tests.clear_authentication();
select tests.authenticate_as('acme_owner');
select throws_ok($$select public.org_entitlements(tests.id('globex'))$$, 'SP404', null, 'not for other tenants');
select tests.clear_authentication();
select tests.authenticate_as_anon();
select is((select count(*)::int from public.plans), :active_plans, 'anyone reads the plan catalog (its active plans)');
select tests.clear_authentication();

select * from finish();
rollback;

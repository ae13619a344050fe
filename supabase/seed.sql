-- SalesPulse demo data, applied by `supabase db reset` / `db push --include-seed`
-- (and by `npm start` on a fresh local database). It runs once, on a freshly
-- migrated database.
--
-- Demo logins (password for all: salespulse-demo) — see README:
--   owner@acme.test      owner of Acme Inc (demo organization)
--   admin@acme.test      admin of Acme Inc
--   manager@acme.test    manager of Acme Inc
--   agent1@acme.test     agent of Acme Inc
--   agent2@acme.test     agent of Acme Inc
--   owner@globex.test    owner of Globex (second organization, for isolation demos)
--   manager@globex.test  manager of Globex
--   staff@salespulse.test  platform admin (SalesPulse staff)

-- Users are inserted into auth.users with a bcrypt password, as Supabase Auth
-- stores them. Only the columns the auth schema has are written, so the same
-- seed works on Supabase's full Auth schema and on the local baseline.
create function pg_temp.insert_known_columns(p_table text, p_row jsonb)
returns void
language plpgsql
as $$
declare
  v_cols text;
  v_vals text;
begin
  select string_agg(quote_ident(c.column_name), ', '), string_agg(format('r.%I', c.column_name), ', ')
    into v_cols, v_vals
    from information_schema.columns c
   where c.table_schema = 'auth' and c.table_name = p_table and c.is_generated = 'NEVER'
     and p_row ? c.column_name;
  execute format('insert into auth.%I (%s) select %s from jsonb_populate_record(null::auth.%I, $1) r', p_table, v_cols, v_vals, p_table)
    using p_row;
end;
$$;

create function pg_temp.seed_user(p_id uuid, p_email text, p_full_name text)
returns void
language plpgsql
as $$
declare
  v_now timestamptz := now();
  v_user jsonb := jsonb_build_object(
    'instance_id', '00000000-0000-0000-0000-000000000000',
    'id', p_id,
    'aud', 'authenticated',
    'role', 'authenticated',
    'email', p_email,
    'encrypted_password', extensions.crypt('salespulse-demo', extensions.gen_salt('bf')),
    'email_confirmed_at', v_now,
    'confirmation_token', '',
    'recovery_token', '',
    'email_change_token_new', '',
    'email_change_token_current', '',
    'email_change', '',
    'phone_change', '',
    'phone_change_token', '',
    'reauthentication_token', '',
    'raw_app_meta_data', jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email')),
    'raw_user_meta_data', jsonb_build_object('full_name', p_full_name),
    'is_super_admin', false,
    'created_at', v_now,
    'updated_at', v_now);
  v_identity jsonb := jsonb_build_object(
    'id', p_id,
    'user_id', p_id,
    'provider_id', p_id::text,
    'provider', 'email',
    'identity_data', jsonb_build_object('sub', p_id::text, 'email', p_email, 'email_verified', true),
    'last_sign_in_at', v_now,
    'created_at', v_now,
    'updated_at', v_now);
begin
  perform pg_temp.insert_known_columns('users', v_user);
  if to_regclass('auth.identities') is not null then
    perform pg_temp.insert_known_columns('identities', v_identity);
  end if;
end;
$$;

select pg_temp.seed_user('a0000000-0000-4000-8000-000000000001', 'owner@acme.test', 'Olivia Owner');
select pg_temp.seed_user('a0000000-0000-4000-8000-000000000002', 'admin@acme.test', 'Adam Admin');
select pg_temp.seed_user('a0000000-0000-4000-8000-000000000003', 'manager@acme.test', 'Maya Manager');
select pg_temp.seed_user('a0000000-0000-4000-8000-000000000004', 'agent1@acme.test', 'Alex Agent');
select pg_temp.seed_user('a0000000-0000-4000-8000-000000000005', 'agent2@acme.test', 'Jamie Agent');
select pg_temp.seed_user('b0000000-0000-4000-8000-000000000001', 'owner@globex.test', 'Grace Globex');
select pg_temp.seed_user('b0000000-0000-4000-8000-000000000002', 'manager@globex.test', 'Gus Globex');
select pg_temp.seed_user('c0000000-0000-4000-8000-000000000001', 'staff@salespulse.test', 'Sam Staff');

-- Organizations -------------------------------------------------------------------
insert into public.organizations (id, name, slug, time_zone, currency, recording_notice, created_by) values
  ('0a000000-0000-4000-8000-000000000001', 'Acme Inc', 'acme', 'America/New_York', 'USD',
   'This call may be recorded for quality and training purposes.', 'a0000000-0000-4000-8000-000000000001'),
  ('0b000000-0000-4000-8000-000000000001', 'Globex', 'globex', 'Europe/London', 'GBP',
   null, 'b0000000-0000-4000-8000-000000000001');

-- Plans (Stripe test prices of the local stand-in; on hosted Supabase set the
-- real price ids). Free is what an organization without a subscription gets.
insert into public.plans (key, name, description, stripe_price_monthly, stripe_price_yearly, stripe_price_metered,
                          stripe_price_metered_yearly, stripe_meter_event,
                          price_monthly_cents, price_yearly_cents, seats_included, limits, features, sort) values
  ('free', 'Free', 'Try call intelligence on one number.', null, null, null, null, null, 0, 0, 3,
   '{"analyzed_minutes_per_month": 60, "phone_numbers": 1, "sim_sessions_per_month": 10}', '{call_insights}', 0),
  ('starter', 'Starter', 'For small teams: per seat, 1,000 analyzed minutes included, then per minute.',
   'price_starter_monthly', 'price_starter_yearly', 'price_analyzed_minutes', 'price_analyzed_minutes_yearly', 'analyzed_minutes',
   4900, 49000, 5,
   '{"analyzed_minutes_per_month": 1000, "phone_numbers": 3, "sim_sessions_per_month": 100}', '{call_insights,coaching}', 1),
  ('pro', 'Pro', 'For sales floors: coaching, SIMs and more numbers; overage per minute.',
   'price_pro_monthly', 'price_pro_yearly', 'price_analyzed_minutes_pro', 'price_analyzed_minutes_pro_yearly', 'analyzed_minutes',
   9900, 99000, 10,
   '{"analyzed_minutes_per_month": 5000, "phone_numbers": 10, "sim_sessions_per_month": 1000, "voice_minutes_per_month": 600}', '{call_insights,coaching,sims,voice_ai}', 2);

-- Acme is a design partner on the free plan with staff overrides (so the demo
-- and the test suites have room); Globex is a plain free organization.
insert into public.feature_flags (org_id, key, limit_value, enabled, note) values
  ('0a000000-0000-4000-8000-000000000001', 'seats', 25, null, 'Design partner'),
  ('0a000000-0000-4000-8000-000000000001', 'phone_numbers', 10, null, 'Design partner'),
  ('0a000000-0000-4000-8000-000000000001', 'analyzed_minutes_per_month', 100000, null, 'Design partner'),
  ('0a000000-0000-4000-8000-000000000001', 'coaching', null, true, 'Design partner'),
  ('0a000000-0000-4000-8000-000000000001', 'voice_ai', null, true, 'Design partner'),
  ('0a000000-0000-4000-8000-000000000001', 'voice_minutes_per_month', 600, null, 'Design partner');

insert into public.memberships (org_id, user_id, role) values
  ('0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'owner'),
  ('0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002', 'admin'),
  ('0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000003', 'manager'),
  ('0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000004', 'agent'),
  ('0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000005', 'agent'),
  ('0b000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'owner'),
  ('0b000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002', 'manager');

update public.profiles set current_org_id = '0a000000-0000-4000-8000-000000000001' where email like '%@acme.test';
update public.profiles set current_org_id = '0b000000-0000-4000-8000-000000000001' where email like '%@globex.test';

insert into public.platform_admins (user_id, note) values
  ('c0000000-0000-4000-8000-000000000001', 'Demo platform admin');

-- A pending invitation in each organization (tokens are issued when emailed).
insert into public.invitations (org_id, email, role, invited_by) values
  ('0a000000-0000-4000-8000-000000000001', 'new.agent@acme.test', 'agent', 'a0000000-0000-4000-8000-000000000001'),
  ('0b000000-0000-4000-8000-000000000001', 'new.agent@globex.test', 'agent', 'b0000000-0000-4000-8000-000000000001');

-- Agents and provisioned numbers ------------------------------------------------
insert into public.agents (id, org_id, name, phone, user_id) values
  ('1a000000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-000000000001', 'Alex Agent', '+15555550101', 'a0000000-0000-4000-8000-000000000004'),
  ('1a000000-0000-4000-8000-000000000002', '0a000000-0000-4000-8000-000000000001', 'Jamie Agent', '+15555550102', 'a0000000-0000-4000-8000-000000000005'),
  ('1b000000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-000000000001', 'Gina Globex', '+447700900101', null);

insert into public.phone_numbers (id, org_id, e164, provider_sid, friendly_name, agent_id, status) values
  ('2a000000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-000000000001', '+14155550100',
   'PN' || md5('acme-main-line'), 'Acme sales line', '1a000000-0000-4000-8000-000000000001', 'active'),
  ('2a000000-0000-4000-8000-000000000002', '0a000000-0000-4000-8000-000000000001', '+14155550111',
   'PN' || md5('acme-second-line'), 'Acme upsell line', '1a000000-0000-4000-8000-000000000002', 'active'),
  ('2b000000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-000000000001', '+442071838750',
   'PN' || md5('globex-main-line'), 'Globex sales line', '1b000000-0000-4000-8000-000000000001', 'active');

-- Default call scripts -------------------------------------------------------------
insert into public.call_scripts (org_id, name, is_default, items) values
  ('0a000000-0000-4000-8000-000000000001', 'Acme inbound sales', true, '[
    {"id": "greet", "label": "Greet and introduce yourself", "description": "Thank the caller, say the company and your name."},
    {"id": "needs", "label": "Ask about the customer''s needs", "description": "Ask open questions about the home, the energy bill and goals."},
    {"id": "present", "label": "Present the recommended system", "description": "Explain the recommended panels, price and savings."},
    {"id": "objections", "label": "Address concerns", "description": "Acknowledge price, timing or trust concerns and answer them."},
    {"id": "addon", "label": "Offer an add-on", "description": "Offer battery backup, extended warranty or monitoring."},
    {"id": "close", "label": "Ask for the sale", "description": "Ask clearly whether the customer wants to go ahead."},
    {"id": "next_steps", "label": "Confirm next steps", "description": "Agree on paperwork, installation date or a follow-up call."}
  ]'::jsonb),
  ('0b000000-0000-4000-8000-000000000001', 'Globex sales call', true, '[
    {"id": "greet", "label": "Greet and introduce yourself"},
    {"id": "needs", "label": "Qualify the prospect"},
    {"id": "close", "label": "Ask for the order"}
  ]'::jsonb);

-- Keyword/topic trackers: matched in every demo call as its transcript is saved.
insert into public.trackers (org_id, name, terms, alert, created_by) values
  ('0a000000-0000-4000-8000-000000000001', 'Competitors', array['competitor', 'other quotes', 'another quote', 'other company'], false,
   'a0000000-0000-4000-8000-000000000003'),
  ('0a000000-0000-4000-8000-000000000001', 'Pricing', array['price', 'expensive', 'cost', 'afford', 'budget'], false,
   'a0000000-0000-4000-8000-000000000003'),
  ('0a000000-0000-4000-8000-000000000001', 'Cancellation', array['cancel', 'refund', 'lawyer'], true,
   'a0000000-0000-4000-8000-000000000003');

-- Sales performance: goals, manual activities, referrals, a what-if scenario -----
-- Goals run in the current periods; their progress comes live from the demo
-- calls (posted by `npm start`) and the rows below.
insert into public.goals (id, org_id, name, metric, activity_type, scope, agent_id, target, period, period_start, recurring, created_by) values
  ('3a000000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-000000000001', 'Alex: conversions', 'conversions', null, 'member', '1a000000-0000-4000-8000-000000000001', 4, 'month', current_date, true, 'a0000000-0000-4000-8000-000000000003'),
  ('3a000000-0000-4000-8000-000000000002', '0a000000-0000-4000-8000-000000000001', 'Jamie: upsell revenue', 'upsell_revenue', null, 'member', '1a000000-0000-4000-8000-000000000002', 1000, 'month', current_date, true, 'a0000000-0000-4000-8000-000000000003'),
  ('3a000000-0000-4000-8000-000000000003', '0a000000-0000-4000-8000-000000000001', 'Team: analyzed calls', 'analyzed_calls', null, 'team', null, 20, 'month', current_date, true, 'a0000000-0000-4000-8000-000000000003'),
  ('3a000000-0000-4000-8000-000000000004', '0a000000-0000-4000-8000-000000000001', 'Acme: calls this week', 'calls_handled', null, 'organization', null, 5, 'week', current_date, true, 'a0000000-0000-4000-8000-000000000001'),
  ('3a000000-0000-4000-8000-000000000005', '0a000000-0000-4000-8000-000000000001', 'Acme: conversion rate', 'conversion_rate', null, 'organization', null, 0.4, 'month', current_date, true, 'a0000000-0000-4000-8000-000000000001'),
  ('3a000000-0000-4000-8000-000000000006', '0a000000-0000-4000-8000-000000000001', 'Alex: meetings', 'activities', 'meeting', 'member', '1a000000-0000-4000-8000-000000000001', 4, 'month', current_date, true, 'a0000000-0000-4000-8000-000000000003'),
  ('3a000000-0000-4000-8000-000000000007', '0a000000-0000-4000-8000-000000000001', 'Acme: script adherence', 'script_adherence', null, 'organization', null, 80, 'month', current_date, true, 'a0000000-0000-4000-8000-000000000001'),
  ('3a000000-0000-4000-8000-000000000008', '0a000000-0000-4000-8000-000000000001', 'Acme: referrals won', 'referrals_won', null, 'organization', null, 2, 'quarter', current_date, true, 'a0000000-0000-4000-8000-000000000001');
insert into public.goal_members (goal_id, agent_id) values
  ('3a000000-0000-4000-8000-000000000003', '1a000000-0000-4000-8000-000000000001'),
  ('3a000000-0000-4000-8000-000000000003', '1a000000-0000-4000-8000-000000000002');

-- Manual entries beside the calls (the seed writes as the backend, so it names the person).
insert into public.activities (org_id, agent_id, user_id, type, outcome, value, contact, title, notes, occurred_at) values
  ('0a000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000004', 'meeting', 'completed', 0, 'Dana Whitfield', 'Roof survey', 'South-facing roof, 32 m², no shading.', now() - interval '2 days'),
  ('0a000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000004', 'proposal', 'won', 4800, 'Dana Whitfield', '6 kW system + battery', null, now() - interval '1 day'),
  ('0a000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000004', 'demo', 'scheduled', 0, 'Luis Ortega', 'Monitoring app demo', null, now() - interval '4 hours'),
  ('0a000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000005', 'email', 'completed', 0, 'Priya Nair', 'Financing options', 'Sent the 10-year financing sheet.', now() - interval '3 days'),
  ('0a000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000005', 'follow_up', 'follow_up', 0, 'Priya Nair', 'Call back after the bank answers', null, now() - interval '1 day'),
  ('0a000000-0000-4000-8000-000000000001', null, 'a0000000-0000-4000-8000-000000000003', 'note', null, 0, null, 'Coaching plan', 'Alex: practise the add-on offer; Jamie: ask for the sale earlier.', now() - interval '6 hours');

-- Referrals along the path (each step writes its activity).
insert into public.referrals (id, org_id, referrer_kind, referrer_name, referred_name, referred_phone, referred_email, deal_value, owner_id, notes) values
  ('4a000000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-000000000001', 'customer', 'Dana Whitfield', 'Sam Whitfield', '+1 415 555 0142', 'sam.whitfield@example.com', null, 'a0000000-0000-4000-8000-000000000004', 'Dana''s brother, same street.'),
  ('4a000000-0000-4000-8000-000000000002', '0a000000-0000-4000-8000-000000000001', 'partner', 'BrightRoof Installers', 'Helen Park', '+1 415 555 0177', null, null, 'a0000000-0000-4000-8000-000000000005', null),
  ('4a000000-0000-4000-8000-000000000003', '0a000000-0000-4000-8000-000000000001', 'employee', 'Maya Manager', 'Tom Becker', null, 'tom.becker@example.com', 6500, 'a0000000-0000-4000-8000-000000000004', null),
  ('4a000000-0000-4000-8000-000000000004', '0a000000-0000-4000-8000-000000000001', 'customer', 'Priya Nair', 'Ravi Nair', '+1 628 555 0110', null, null, 'a0000000-0000-4000-8000-000000000005', 'Renting; landlord said no.');
update public.referrals set status = 'contacted' where id in ('4a000000-0000-4000-8000-000000000002', '4a000000-0000-4000-8000-000000000003', '4a000000-0000-4000-8000-000000000004');
update public.referrals set status = 'qualified' where id = '4a000000-0000-4000-8000-000000000003';
update public.referrals set status = 'won', reward_status = 'pending' where id = '4a000000-0000-4000-8000-000000000003';
update public.referrals set status = 'lost' where id = '4a000000-0000-4000-8000-000000000004';

-- One saved scenario, from the demo's measured figures over 30 days (two
-- agents taking about one call a day each, the won proposal and referral).
insert into public.what_if_scenarios (org_id, name, inputs, window_days, notes, created_by) values
  ('0a000000-0000-4000-8000-000000000001', 'Current team', '{"agents": 2, "calls_per_agent_per_day": 1, "working_days_per_month": 23,
    "conversion_rate": 0.4, "average_deal_value": 5650, "upsell_rate": 0.3, "upsell_amount": 300, "script_adherence": 70}', 30,
   'Pre-filled from measured figures; raise script_adherence to see the lever.', 'a0000000-0000-4000-8000-000000000003');

-- Practice: every organization has the built-in SIM library; the manager has
-- assigned Alex the price-objection SIM (two attempts, due in a week).
insert into public.sims (org_id, template_id, user_id, due_at, min_attempts, note)
select t.org_id, t.id, 'a0000000-0000-4000-8000-000000000004', now() + interval '7 days', 2, 'Before the price change next week.'
  from public.sim_templates t where t.org_id = '0a000000-0000-4000-8000-000000000001' and t.name like 'Objection:%' and t.is_builtin;

-- Last month's goals, closed into history by the cron job's procedure.
insert into public.goals (org_id, name, metric, scope, agent_id, target, period, period_start) values
  ('0a000000-0000-4000-8000-000000000001', 'Alex: conversions (last month)', 'conversions', 'member', '1a000000-0000-4000-8000-000000000001', 4, 'month', (current_date - interval '1 month')::date),
  ('0b000000-0000-4000-8000-000000000001', 'Globex: calls (last month)', 'calls_handled', 'organization', null, 50, 'month', (current_date - interval '1 month')::date);
select private.close_goal_periods();

-- Globex, the second organization, has a little of each too (for isolation demos).
insert into public.goals (id, org_id, name, metric, scope, target, period, period_start, recurring) values
  ('3b000000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-000000000001', 'Globex: team conversions', 'conversions', 'team', 10, 'month', current_date, true);
insert into public.goal_members (goal_id, agent_id) values
  ('3b000000-0000-4000-8000-000000000001', '1b000000-0000-4000-8000-000000000001');
insert into public.referrals (org_id, referrer_kind, referrer_name, referred_name, referred_email, owner_id) values
  ('0b000000-0000-4000-8000-000000000001', 'partner', 'Initech', 'Peter Gibbons', 'peter@initech.example', 'b0000000-0000-4000-8000-000000000002');
insert into public.what_if_scenarios (org_id, name, inputs, created_by) values
  ('0b000000-0000-4000-8000-000000000001', 'One more agent', '{"agents": 2, "calls_per_agent_per_day": 8, "working_days_per_month": 21, "conversion_rate": 0.1}',
   'b0000000-0000-4000-8000-000000000002');

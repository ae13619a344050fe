-- A race between stripe-checkout and Stripe's customer.created webhook: both
-- store the organization's new customer at the same moment. The second upsert
-- meets the first one's row through the unique stripe_customer_id (not its
-- ON CONFLICT target), so it failed with a unique violation: checkout answered
-- 500, or the webhook did and Stripe retried. Both now retry once — by then the
-- other row is committed and the upsert takes its ON CONFLICT path. The bodies
-- are unchanged: moved to private, behind public entry points that retry.

alter function public.ensure_billing_customer(uuid, text) set schema private;
alter function private.ensure_billing_customer(uuid, text) rename to ensure_billing_customer_once;
alter function public.apply_stripe_event(jsonb) set schema private;
alter function private.apply_stripe_event(jsonb) rename to apply_stripe_event_once;
comment on function private.ensure_billing_customer_once(uuid, text) is 'The body of public.ensure_billing_customer (one attempt).';
comment on function private.apply_stripe_event_once(jsonb) is 'The body of public.apply_stripe_event (one attempt).';

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

revoke execute on function private.ensure_billing_customer_once(uuid, text) from public, anon, authenticated;
revoke execute on function private.apply_stripe_event_once(jsonb) from public, anon, authenticated;
grant execute on function private.ensure_billing_customer_once(uuid, text) to service_role;
grant execute on function private.apply_stripe_event_once(jsonb) to service_role;
revoke execute on function public.ensure_billing_customer(uuid, text) from public, anon, authenticated;
grant execute on function public.ensure_billing_customer(uuid, text) to service_role;
revoke execute on function public.apply_stripe_event(jsonb) from public, anon, authenticated;
grant execute on function public.apply_stripe_event(jsonb) to service_role;

-- Billing: a yearly price for the analyzed-minutes overage. Stripe refuses a
-- subscription whose prices recur at different intervals, so a plan sold
-- yearly with metered overage needs its overage price to recur yearly too
-- (billed in arrears at the end of the year); stripe-checkout picks the
-- metered price of the interval the owner chose, and refuses a yearly
-- Checkout for a plan that has monthly overage only.
alter table public.plans add column stripe_price_metered_yearly text unique;
comment on column public.plans.stripe_price_metered_yearly is
  'The metered analyzed-minutes price for yearly subscriptions (recurs yearly); null: the plan is not sold yearly with overage.';

-- SalesPulse demo data, applied by `supabase db reset` / `db push --include-seed`
-- (and by `npm start` on a fresh local database). Idempotent by construction:
-- it only runs against a freshly migrated database.
--
-- Tenancy, numbers, scripts and plans are seeded here as their features land.
select 1;

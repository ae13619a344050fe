-- Plans: one permissive SELECT policy per role (advisor lint multiple_permissive_policies).
begin;
select plan(2);
select is((select count(*)::int from pg_policies where schemaname = 'public' and tablename = 'plans' and cmd = 'SELECT'
            and 'authenticated' = any (roles)), 1, 'plans has one SELECT policy for authenticated');
select is((select count(*)::int from pg_policies where schemaname = 'public' and tablename = 'plans' and cmd = 'SELECT'
            and 'anon' = any (roles)), 1, 'and one for anon');
select * from finish();
rollback;

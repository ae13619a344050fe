-- Plan features enforced in SQL: coaching comments need the `coaching` feature
-- (free lacks it; a flag or a plan that includes it grants it; a flag can
-- also take it away), refused with SP402 and nothing written.
begin;
\ir fixtures.sql
select plan(7);
select tests.create_tenants();
select tests.create_call('call_globex', 'globex', 'agent_globex');
select tests.create_call('call_acme', 'acme', 'agent_acme1');

select ok(not (private.entitlements(tests.id('globex')) -> 'features') ? 'coaching', 'the free plan lacks coaching');

select tests.authenticate_as('globex_manager');
select throws_ok($$insert into public.call_comments (org_id, call_id, at_seconds, body)
                   values (tests.id('globex'), tests.id('call_globex'), 1, 'Nice opener')$$,
  'SP402', 'plan feature required: coaching', 'a manager on a plan without coaching cannot comment');
select is((select count(*)::int from public.call_comments), 0, 'and nothing was written');
select tests.clear_authentication();

insert into public.feature_flags (org_id, key, enabled, note) values (tests.id('globex'), 'coaching', true, 'trial');
select tests.authenticate_as('globex_manager');
select lives_ok($$insert into public.call_comments (org_id, call_id, at_seconds, body)
                  values (tests.id('globex'), tests.id('call_globex'), 1, 'Nice opener')$$,
  'a staff override grants it');
select tests.clear_authentication();

select tests.authenticate_as('acme_manager');
select lives_ok($$insert into public.call_comments (org_id, call_id, at_seconds, body)
                  values (tests.id('acme'), tests.id('call_acme'), 2, 'Good close')$$,
  'an organization with coaching comments');
select tests.clear_authentication();

update public.feature_flags set enabled = false where org_id = tests.id('acme') and key = 'coaching';
select tests.authenticate_as('acme_manager');
select throws_ok($$insert into public.call_comments (org_id, call_id, at_seconds, body)
                   values (tests.id('acme'), tests.id('call_acme'), 3, 'Again')$$,
  'SP402', null, 'a disabled flag takes coaching away');
select is((select count(*)::int from public.call_comments where org_id = tests.id('acme')), 1, 'existing comments stay readable');
select tests.clear_authentication();

select * from finish();
rollback;

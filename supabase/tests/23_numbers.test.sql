-- Phone numbers under RLS: managers read their organization's numbers but
-- cannot reassign them, admins can; a number rings only an agent of its own
-- organization (trigger); other tenants see none.
begin;
\ir fixtures.sql
select plan(5);
select tests.create_tenants();

select tests.authenticate_as('acme_manager');
select is((select count(*)::int from public.phone_numbers), 2, 'a manager reads the organization''s numbers');
update public.phone_numbers set friendly_name = 'by manager' where org_id = tests.id('acme');
select tests.clear_authentication();
select is((select count(*)::int from public.phone_numbers where friendly_name = 'by manager'), 0, 'managers cannot reassign numbers');

select tests.authenticate_as('acme_admin');
update public.phone_numbers set agent_id = tests.id('agent_acme2') where id = tests.id('number_acme1');
select throws_ok($$update public.phone_numbers set agent_id = tests.id('agent_globex') where id = tests.id('number_acme1')$$, 'SP400', null, 'a number cannot ring another tenant''s agent');
select tests.clear_authentication();
select is((select agent_id from public.phone_numbers where id = tests.id('number_acme1')), tests.id('agent_acme2')::uuid, 'admins reassign numbers');

select tests.authenticate_as('globex_manager');
select is((select count(*)::int from public.phone_numbers where org_id = tests.id('acme')), 0, 'the other tenant''s manager reads no Acme numbers');
select tests.clear_authentication();

select * from finish();
rollback;

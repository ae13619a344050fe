-- Agents under RLS: managers read and add their organization's agents, agents
-- add none, other tenants see none; an agent links only to a member of its
-- organization (trigger).
begin;
\ir fixtures.sql
select plan(7);
select tests.create_tenants();

select tests.authenticate_as('acme_manager');
select is((select count(*)::int from public.agents), 2, 'a manager reads the organization''s agents');
select lives_ok($$insert into public.agents (org_id, name, phone) values (tests.id('acme'), 'New Agent', '+15555550199')$$, 'a manager adds an agent');
select throws_ok($$insert into public.agents (org_id, name) values (tests.id('globex'), 'Spy')$$, '42501', null, 'not into another organization');
select tests.clear_authentication();

select tests.authenticate_as('acme_agent1');
select throws_ok($$insert into public.agents (org_id, name) values (tests.id('acme'), 'Me too')$$, '42501', null, 'agents cannot add agents');
select tests.clear_authentication();

select tests.authenticate_as('acme_admin');
select throws_ok($$insert into public.agents (org_id, name, user_id) values (tests.id('acme'), 'Outsider', tests.id('globex_manager'))$$, 'SP400', null, 'an agent links only to a member');
select tests.clear_authentication();

select tests.authenticate_as('globex_manager');
select is((select count(*)::int from public.agents where org_id = tests.id('acme')), 0, 'the other tenant''s manager reads no Acme agents');
select tests.clear_authentication();

select is((select count(*)::int from public.agents where org_id = tests.id('acme') and name = 'New Agent'), 1, 'the manager''s agent is there');

select * from finish();
rollback;

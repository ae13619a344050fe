-- Tenancy RLS: every role on every tenancy table, allowed and refused paths.
-- Fixtures (tests.create_tenants): Acme (owner, admin, manager, two agents),
-- Globex (owner, manager), one platform admin, one user in no organization;
-- one pending invitation per organization.
begin;
\ir fixtures.sql
select plan(44);
select tests.create_tenants();
-- What exists besides the fixtures (e.g. demo data), as the table owner sees it.
select count(*) as all_orgs from public.organizations \gset
select count(*) as all_staff from public.platform_admins \gset
select count(distinct org_id) as all_audited_orgs from public.audit_logs \gset

-- anon: no access to any tenancy table.
select tests.authenticate_as_anon();
select throws_ok('select count(*) from public.organizations', '42501', null, 'anon cannot read organizations');
select throws_ok('select count(*) from public.memberships', '42501', null, 'anon cannot read memberships');
select throws_ok('select count(*) from public.profiles', '42501', null, 'anon cannot read profiles');
select throws_ok('select count(*) from public.invitations', '42501', null, 'anon cannot read invitations');
select throws_ok('select count(*) from public.audit_logs', '42501', null, 'anon cannot read audit logs');
select tests.clear_authentication();

-- owner of Acme
select tests.authenticate_as('acme_owner');
select results_eq('select id from public.organizations', array[tests.id('acme')], 'owner sees only Acme');
select is((select count(*)::int from public.memberships), 5, 'owner sees Acme''s 5 memberships');
select is((select count(*)::int from public.profiles), 5, 'owner sees the 5 Acme profiles');
select is((select count(*)::int from public.invitations), 1, 'owner sees Acme''s invitation');
select ok((select count(*) from public.audit_logs) > 0 and (select bool_and(org_id = tests.id('acme')) from public.audit_logs), 'owner sees only Acme''s audit log');
select is((select count(*)::int from public.platform_admins), 0, 'owner does not see the staff list');
update public.organizations set name = 'Acme Incorporated' where id = tests.id('acme');
select is((select name from public.organizations where id = tests.id('acme')), 'Acme Incorporated', 'owner renames the organization');
update public.organizations set name = 'Hacked' where id = tests.id('globex');
select throws_ok($$insert into public.organizations (name, slug) values ('X', 'x')$$, '42501', null, 'owner cannot insert organizations directly');
select throws_ok($$delete from public.organizations where id = tests.id('acme')$$, '42501', null, 'owner cannot delete organizations directly');
select throws_ok($$insert into public.memberships (org_id, user_id, role) values (tests.id('acme'), tests.id('loner'), 'agent')$$, '42501', null, 'memberships are not writable directly');
select throws_ok($$update public.memberships set role = 'owner'$$, '42501', null, 'memberships are not updatable directly');
select throws_ok($$insert into public.invitations (org_id, email, role) values (tests.id('acme'), 'x@y.test', 'owner')$$, '42501', null, 'invitations are not writable directly');
select tests.clear_authentication();
select is((select name from public.organizations where id = tests.id('globex')), 'Globex', 'owner of Acme could not rename Globex');

-- admin of Acme
select tests.authenticate_as('acme_admin');
select is((select count(*)::int from public.invitations), 1, 'admin sees invitations');
select ok((select count(*) from public.audit_logs) > 0, 'admin sees the audit log');
select tests.clear_authentication();

-- manager of Acme
select tests.authenticate_as('acme_manager');
select results_eq('select id from public.organizations', array[tests.id('acme')], 'manager sees only Acme');
select is((select count(*)::int from public.invitations), 1, 'manager sees invitations');
select is((select count(*)::int from public.audit_logs), 0, 'manager does not see the audit log');
update public.organizations set name = 'Manager was here' where id = tests.id('acme');
select tests.clear_authentication();
select is((select name from public.organizations where id = tests.id('acme')), 'Acme Incorporated', 'manager cannot update the organization');

-- agent of Acme
select tests.authenticate_as('acme_agent1');
select results_eq('select id from public.organizations', array[tests.id('acme')], 'agent sees only Acme');
select is((select count(*)::int from public.invitations), 0, 'agent does not see invitations');
select is((select count(*)::int from public.audit_logs), 0, 'agent does not see the audit log');
update public.profiles set full_name = 'Alexandra Agent' where id = tests.id('acme_agent1');
update public.profiles set full_name = 'Renamed by agent' where id = tests.id('acme_manager');
select throws_ok($$update public.profiles set current_org_id = tests.id('globex') where id = tests.id('acme_agent1')$$,
  'SP403', null, 'agent cannot select an organization they do not belong to');
select tests.clear_authentication();
select is((select full_name from public.profiles where id = tests.id('acme_agent1')), 'Alexandra Agent', 'agent updates their own profile');
select is((select full_name from public.profiles where id = tests.id('acme_manager')), 'Maya Manager', 'agent cannot update another profile');

-- manager of Globex: another tenant
select tests.authenticate_as('globex_manager');
select results_eq('select id from public.organizations', array[tests.id('globex')], 'Globex manager sees only Globex');
select is((select count(*)::int from public.memberships where org_id = tests.id('acme')), 0, 'Globex manager sees no Acme memberships');
select is((select count(*)::int from public.profiles
            where id in (tests.id('acme_owner'), tests.id('acme_admin'), tests.id('acme_manager'), tests.id('acme_agent1'), tests.id('acme_agent2'))),
          0, 'Globex manager sees no Acme profiles');
select is((select count(*)::int from public.invitations where org_id = tests.id('acme')), 0, 'Globex manager sees no Acme invitations');
select tests.clear_authentication();

-- a user without any organization
select tests.authenticate_as('loner');
select is((select count(*)::int from public.organizations), 0, 'non-member sees no organization');
select is((select count(*)::int from public.memberships), 0, 'non-member sees no membership');
select results_eq('select id from public.profiles', array[tests.id('loner')], 'non-member sees only their own profile');
select tests.clear_authentication();

-- platform admin (staff)
select tests.authenticate_as('staff');
select is((select count(*)::int from public.organizations), :all_orgs, 'staff read every organization');
select is((select count(*)::int from public.platform_admins), :all_staff, 'staff read the staff list');
select is((select count(distinct org_id)::int from public.audit_logs), :all_audited_orgs, 'staff read every tenant''s audit log');
update public.organizations set name = 'Staff edit' where id = tests.id('globex');
select throws_ok($$insert into public.platform_admins (user_id) values (tests.id('loner'))$$, '42501', null, 'staff cannot add staff through the API');
select tests.clear_authentication();
select is((select name from public.organizations where id = tests.id('globex')), 'Globex', 'staff read but do not write tenants');

-- service_role: bypasses RLS, but not the audit log's immutability
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.organizations), :all_orgs, 'service_role reads every organization');
select throws_ok('delete from public.audit_logs', '42501', null, 'service_role cannot delete audit rows');
select tests.clear_authentication();

select * from finish();
rollback;

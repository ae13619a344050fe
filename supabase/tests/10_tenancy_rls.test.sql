-- Tenancy RLS: every role on every tenancy table, allowed and refused paths.
-- Seeded data: Acme (owner, admin, manager, agent1, agent2), Globex (owner,
-- manager), one platform admin; one pending invitation per organization.
begin;
select plan(44);

\set acme '''0a000000-0000-4000-8000-000000000001'''
\set globex '''0b000000-0000-4000-8000-000000000001'''
\set owner '''{"sub":"a0000000-0000-4000-8000-000000000001","role":"authenticated"}'''
\set admin '''{"sub":"a0000000-0000-4000-8000-000000000002","role":"authenticated"}'''
\set manager '''{"sub":"a0000000-0000-4000-8000-000000000003","role":"authenticated"}'''
\set agent '''{"sub":"a0000000-0000-4000-8000-000000000004","role":"authenticated"}'''
\set gmanager '''{"sub":"b0000000-0000-4000-8000-000000000002","role":"authenticated"}'''
\set staff '''{"sub":"c0000000-0000-4000-8000-000000000001","role":"authenticated"}'''
\set loner '''{"sub":"d0000000-0000-4000-8000-000000000001","role":"authenticated"}'''

-- A signed-up user who belongs to no organization.
insert into auth.users (id, email, aud, role) values
  ('d0000000-0000-4000-8000-000000000001', 'loner@example.test', 'authenticated', 'authenticated');

-- anon: no access to any tenancy table.
set local role anon;
select throws_ok('select count(*) from public.organizations', '42501', null, 'anon cannot read organizations');
select throws_ok('select count(*) from public.memberships', '42501', null, 'anon cannot read memberships');
select throws_ok('select count(*) from public.profiles', '42501', null, 'anon cannot read profiles');
select throws_ok('select count(*) from public.invitations', '42501', null, 'anon cannot read invitations');
select throws_ok('select count(*) from public.audit_logs', '42501', null, 'anon cannot read audit logs');
reset role;

-- owner of Acme
select set_config('request.jwt.claims', :owner, true);
set local role authenticated;
select results_eq('select id from public.organizations', array[:acme::uuid], 'owner sees only Acme');
select is((select count(*)::int from public.memberships), 5, 'owner sees Acme''s 5 memberships');
select is((select count(*)::int from public.profiles), 5, 'owner sees the 5 Acme profiles');
select is((select count(*)::int from public.invitations), 1, 'owner sees Acme''s invitation');
select ok((select count(*) from public.audit_logs) > 0 and (select bool_and(org_id = :acme) from public.audit_logs), 'owner sees only Acme''s audit log');
select is((select count(*)::int from public.platform_admins), 0, 'owner does not see the staff list');
update public.organizations set name = 'Acme Incorporated' where id = :acme;
select is((select name from public.organizations where id = :acme), 'Acme Incorporated', 'owner renames the organization');
update public.organizations set name = 'Hacked' where id = :globex;
select throws_ok($$insert into public.organizations (name, slug) values ('X', 'x')$$, '42501', null, 'owner cannot insert organizations directly');
select throws_ok($$delete from public.organizations where id = '0a000000-0000-4000-8000-000000000001'$$, '42501', null, 'owner cannot delete organizations directly');
select throws_ok($$insert into public.memberships (org_id, user_id, role) values ('0a000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', 'agent')$$, '42501', null, 'memberships are not writable directly');
select throws_ok($$update public.memberships set role = 'owner'$$, '42501', null, 'memberships are not updatable directly');
select throws_ok($$insert into public.invitations (org_id, email, role) values ('0a000000-0000-4000-8000-000000000001', 'x@y.test', 'owner')$$, '42501', null, 'invitations are not writable directly');
reset role;
select is((select name from public.organizations where id = :globex), 'Globex', 'owner of Acme could not rename Globex');

-- admin of Acme
select set_config('request.jwt.claims', :admin, true);
set local role authenticated;
select is((select count(*)::int from public.invitations), 1, 'admin sees invitations');
select ok((select count(*) from public.audit_logs) > 0, 'admin sees the audit log');
reset role;

-- manager of Acme
select set_config('request.jwt.claims', :manager, true);
set local role authenticated;
select results_eq('select id from public.organizations', array[:acme::uuid], 'manager sees only Acme');
select is((select count(*)::int from public.invitations), 1, 'manager sees invitations');
select is((select count(*)::int from public.audit_logs), 0, 'manager does not see the audit log');
update public.organizations set name = 'Manager was here' where id = :acme;
reset role;
select is((select name from public.organizations where id = :acme), 'Acme Incorporated', 'manager cannot update the organization');

-- agent of Acme
select set_config('request.jwt.claims', :agent, true);
set local role authenticated;
select results_eq('select id from public.organizations', array[:acme::uuid], 'agent sees only Acme');
select is((select count(*)::int from public.invitations), 0, 'agent does not see invitations');
select is((select count(*)::int from public.audit_logs), 0, 'agent does not see the audit log');
update public.profiles set full_name = 'Alexandra Agent' where id = 'a0000000-0000-4000-8000-000000000004';
update public.profiles set full_name = 'Renamed by agent' where id = 'a0000000-0000-4000-8000-000000000003';
select throws_ok($$update public.profiles set current_org_id = '0b000000-0000-4000-8000-000000000001' where id = 'a0000000-0000-4000-8000-000000000004'$$,
  'SP403', null, 'agent cannot select an organization they do not belong to');
reset role;
select is((select full_name from public.profiles where id = 'a0000000-0000-4000-8000-000000000004'), 'Alexandra Agent', 'agent updates their own profile');
select is((select full_name from public.profiles where id = 'a0000000-0000-4000-8000-000000000003'), 'Maya Manager', 'agent cannot update another profile');

-- manager of Globex: another tenant
select set_config('request.jwt.claims', :gmanager, true);
set local role authenticated;
select results_eq('select id from public.organizations', array[:globex::uuid], 'Globex manager sees only Globex');
select is((select count(*)::int from public.memberships where org_id = :acme), 0, 'Globex manager sees no Acme memberships');
select is((select count(*)::int from public.profiles where email like '%@acme.test'), 0, 'Globex manager sees no Acme profiles');
select is((select count(*)::int from public.invitations where org_id = :acme), 0, 'Globex manager sees no Acme invitations');
reset role;

-- a user without any organization
select set_config('request.jwt.claims', :loner, true);
set local role authenticated;
select is((select count(*)::int from public.organizations), 0, 'non-member sees no organization');
select is((select count(*)::int from public.memberships), 0, 'non-member sees no membership');
select results_eq('select id from public.profiles', array['d0000000-0000-4000-8000-000000000001'::uuid], 'non-member sees only their own profile');
reset role;

-- platform admin (staff)
select set_config('request.jwt.claims', :staff, true);
set local role authenticated;
select is((select count(*)::int from public.organizations), 2, 'staff read every organization');
select is((select count(*)::int from public.platform_admins), 1, 'staff read the staff list');
select ok((select count(distinct org_id) from public.audit_logs) = 2, 'staff read every tenant''s audit log');
update public.organizations set name = 'Staff edit' where id = :globex;
select throws_ok($$insert into public.platform_admins (user_id) values ('d0000000-0000-4000-8000-000000000001')$$, '42501', null, 'staff cannot add staff through the API');
reset role;
select is((select name from public.organizations where id = :globex), 'Globex', 'staff read but do not write tenants');

-- service_role: bypasses RLS, but not the audit log's immutability
select set_config('request.jwt.claims', '{"role":"service_role"}', true);
set local role service_role;
select is((select count(*)::int from public.organizations), 2, 'service_role reads every organization');
select throws_ok('delete from public.audit_logs', '42501', null, 'service_role cannot delete audit rows');
reset role;

select * from finish();
rollback;

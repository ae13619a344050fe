-- Member-management RPCs, invitations, last-owner protection, the access
-- token hook — as each role, allowed and refused.
begin;
select plan(47);

\set acme '''0a000000-0000-4000-8000-000000000001'''
\set owner '''{"sub":"a0000000-0000-4000-8000-000000000001","role":"authenticated"}'''
\set admin '''{"sub":"a0000000-0000-4000-8000-000000000002","role":"authenticated"}'''
\set manager '''{"sub":"a0000000-0000-4000-8000-000000000003","role":"authenticated"}'''
\set agent '''{"sub":"a0000000-0000-4000-8000-000000000004","role":"authenticated"}'''
\set agent2 '''{"sub":"a0000000-0000-4000-8000-000000000005","role":"authenticated"}'''
\set gowner '''{"sub":"b0000000-0000-4000-8000-000000000001","role":"authenticated"}'''
\set newbie '''{"sub":"d0000000-0000-4000-8000-000000000002","role":"authenticated"}'''

insert into auth.users (id, email, aud, role) values
  ('d0000000-0000-4000-8000-000000000002', 'newbie@example.test', 'authenticated', 'authenticated'),
  ('d0000000-0000-4000-8000-000000000003', 'other@example.test', 'authenticated', 'authenticated');

-- EXECUTE grants: API roles get exactly the RPCs meant for them.
select function_privs_are('public', 'create_organization', array['text', 'text'], 'anon', array[]::text[]);
select function_privs_are('public', 'create_organization', array['text', 'text'], 'authenticated', array['EXECUTE']);
select function_privs_are('public', 'custom_access_token_hook', array['jsonb'], 'authenticated', array[]::text[]);
select function_privs_are('public', 'custom_access_token_hook', array['jsonb'], 'supabase_auth_admin', array['EXECUTE']);
select function_privs_are('private', 'issue_invitation_token', array['uuid'], 'authenticated', array[]::text[]);

-- create_organization ----------------------------------------------------------
set local role anon;
select throws_ok($$select public.create_organization('Anon Co', 'anon-co')$$, '42501', null, 'anon cannot create organizations');
reset role;
select set_config('request.jwt.claims', '{"role":"authenticated"}', true);
set local role authenticated;
select throws_ok($$select public.create_organization('No User', 'no-user')$$, 'SP401', null, 'a JWT without a user cannot create organizations');
reset role;

select set_config('request.jwt.claims', :newbie, true);
set local role authenticated;
select throws_ok($$select public.create_organization('Bad', 'Bad Slug!')$$, 'SP400', null, 'invalid slugs are refused');
select throws_ok($$select public.create_organization('   ', 'blank')$$, 'SP400', null, 'blank names are refused');
select throws_ok($$select public.create_organization('Acme 2', 'acme')$$, 'SP409', null, 'taken slugs are refused');
select lives_ok($$select public.create_organization('Newbie LLC', 'newbie')$$, 'a user creates an organization');
select is((select role::text from public.memberships m join public.organizations o on o.id = m.org_id where o.slug = 'newbie'), 'owner', 'the creator is its owner');
select is((select o.slug from public.profiles p join public.organizations o on o.id = p.current_org_id where p.id = 'd0000000-0000-4000-8000-000000000002'), 'newbie', 'it becomes their current organization');
reset role;

-- invite_member ----------------------------------------------------------------
select set_config('request.jwt.claims', :agent, true);
set local role authenticated;
select throws_ok($$select public.invite_member('0a000000-0000-4000-8000-000000000001', 'x@example.test', 'agent')$$, 'SP403', null, 'agents cannot invite');
reset role;
select set_config('request.jwt.claims', :gowner, true);
set local role authenticated;
select throws_ok($$select public.invite_member('0a000000-0000-4000-8000-000000000001', 'x@example.test', 'agent')$$, 'SP403', null, 'another tenant''s owner cannot invite into Acme');
reset role;
select set_config('request.jwt.claims', :manager, true);
set local role authenticated;
select throws_ok($$select public.invite_member('0a000000-0000-4000-8000-000000000001', 'x@example.test', 'admin')$$, 'SP403', null, 'managers cannot invite above themselves');
select throws_ok($$select public.invite_member('0a000000-0000-4000-8000-000000000001', 'not-an-email', 'agent')$$, 'SP400', null, 'invalid emails are refused');
select throws_ok($$select public.invite_member('0a000000-0000-4000-8000-000000000001', 'agent1@acme.test', 'agent')$$, 'SP409', null, 'existing members cannot be invited');
select lives_ok($$select public.invite_member('0a000000-0000-4000-8000-000000000001', 'Other@Example.test', 'agent')$$, 'managers invite agents');
-- (re-invitations are throttled to one a minute per address: the first is a few minutes old)
reset role;
update public.invitations set created_at = now() - interval '5 minutes' where email = 'other@example.test';
select set_config('request.jwt.claims', :manager, true);
set local role authenticated;
select lives_ok($$select public.invite_member('0a000000-0000-4000-8000-000000000001', 'other@example.test', 'manager')$$, 're-inviting replaces the pending invitation');
select is((select count(*)::int from public.invitations where email = 'other@example.test' and revoked_at is null), 1, 'one pending invitation per email');
reset role;

-- accept_invitation ------------------------------------------------------------
create temp table tok as
  select private.issue_invitation_token(id) as token, id from public.invitations
   where email = 'other@example.test' and revoked_at is null;
grant select on tok to authenticated;
select set_config('request.jwt.claims', :newbie, true);
set local role authenticated;
select throws_ok('select public.accept_invitation((select token from tok))', 'SP403', null, 'an invitation works only for its email');
select throws_ok($$select public.accept_invitation('deadbeef')$$, 'SP404', null, 'unknown tokens are refused');
reset role;
select set_config('request.jwt.claims', '{"sub":"d0000000-0000-4000-8000-000000000003","role":"authenticated"}', true);
set local role authenticated;
select is((select public.accept_invitation((select token from tok))), :acme::uuid, 'the invitee accepts');
select is((select role::text from public.memberships where user_id = 'd0000000-0000-4000-8000-000000000003'), 'manager', 'with the invited role');
select throws_ok('select public.accept_invitation((select token from tok))', 'SP410', null, 'an invitation works once');
reset role;
-- expiry
update public.invitations set expires_at = now() - interval '1 minute' where email = 'new.agent@acme.test';
select throws_ok($$select private.issue_invitation_token(id) from public.invitations where email = 'new.agent@acme.test'$$, 'SP410', null, 'expired invitations get no token');
update public.invitations set expires_at = now() + interval '1 day' where email = 'new.agent@acme.test';
create temp table tok2 as select private.issue_invitation_token(id) as token from public.invitations where email = 'new.agent@acme.test';
grant select on tok2 to authenticated;
update public.invitations set expires_at = now() - interval '1 minute' where email = 'new.agent@acme.test';
insert into auth.users (id, email, aud, role) values ('d0000000-0000-4000-8000-000000000004', 'new.agent@acme.test', 'authenticated', 'authenticated');
select set_config('request.jwt.claims', '{"sub":"d0000000-0000-4000-8000-000000000004","role":"authenticated"}', true);
set local role authenticated;
select throws_ok('select public.accept_invitation((select token from tok2))', 'SP410', null, 'an expired invitation cannot be accepted');
reset role;

-- change_member_role / remove_member / leave --------------------------------------
select set_config('request.jwt.claims', :manager, true);
set local role authenticated;
select throws_ok($$select public.change_member_role('0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000004', 'manager')$$, 'SP403', null, 'managers cannot change roles');
select throws_ok($$select public.remove_member('0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000004')$$, 'SP403', null, 'managers cannot remove members');
reset role;
select set_config('request.jwt.claims', :admin, true);
set local role authenticated;
select throws_ok($$select public.change_member_role('0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000004', 'owner')$$, 'SP403', null, 'admins cannot make owners');
select throws_ok($$select public.change_member_role('0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'agent')$$, 'SP403', null, 'admins cannot demote owners');
select throws_ok($$select public.remove_member('0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001')$$, 'SP403', null, 'admins cannot remove owners');
select lives_ok($$select public.change_member_role('0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000004', 'manager')$$, 'admins promote an agent to manager');
select lives_ok($$select public.remove_member('0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000005')$$, 'admins remove an agent');
select throws_ok($$select public.remove_member('0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000005')$$, 'SP404', null, 'removing twice is a 404');
reset role;
select set_config('request.jwt.claims', :agent2, true);
set local role authenticated;
select is((select count(*)::int from public.organizations), 0, 'a removed member loses access at once');
reset role;
select set_config('request.jwt.claims', :owner, true);
set local role authenticated;
select throws_ok($$select public.change_member_role('0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'admin')$$, 'SP422', null, 'the last owner cannot be demoted');
select throws_ok($$select public.leave_organization('0a000000-0000-4000-8000-000000000001')$$, 'SP422', null, 'the last owner cannot leave');
select lives_ok($$select public.change_member_role('0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002', 'owner')$$, 'an owner makes a second owner');
select lives_ok($$select public.change_member_role('0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'admin')$$, 'then steps down');
reset role;
select throws_ok($$delete from public.memberships where org_id = '0a000000-0000-4000-8000-000000000001' and role = 'owner'$$, 'SP422', null, 'not even SQL removes the last owner');
select set_config('request.jwt.claims', :agent, true);
set local role authenticated;
select lives_ok($$select public.leave_organization('0a000000-0000-4000-8000-000000000001')$$, 'a member leaves');
select throws_ok($$select public.set_current_organization('0a000000-0000-4000-8000-000000000001')$$, 'SP403', null, 'and cannot select it any more');
reset role;

-- custom_access_token_hook ------------------------------------------------------
select is(
  (select public.custom_access_token_hook(jsonb_build_object('user_id', 'a0000000-0000-4000-8000-000000000003', 'claims', jsonb_build_object('role', 'authenticated'))) -> 'claims' ->> 'org_role'),
  'manager', 'the hook adds org_role');
select is(
  (select public.custom_access_token_hook(jsonb_build_object('user_id', 'a0000000-0000-4000-8000-000000000003', 'claims', '{}'::jsonb)) -> 'claims' ->> 'org_id'),
  '0a000000-0000-4000-8000-000000000001', 'the hook adds org_id of the current organization');
select ok(
  not ((select public.custom_access_token_hook(jsonb_build_object('user_id', 'a0000000-0000-4000-8000-000000000004', 'claims', '{"org_id":"stale"}'::jsonb)) -> 'claims') ? 'org_id'),
  'a user without organizations gets no org claims');

select * from finish();
rollback;

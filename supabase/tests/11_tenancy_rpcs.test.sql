-- Member-management RPCs, invitations, last-owner protection, the access
-- token hook — as each role, allowed and refused.
begin;
\ir fixtures.sql
select plan(47);
select tests.create_tenants();
select tests.create_user('newbie');
select tests.create_user('other');
select slug as acme_slug from public.organizations where id = tests.id('acme') \gset

select function_privs_are('public', 'create_organization', array['text', 'text'], 'anon', array[]::text[]);
select function_privs_are('public', 'create_organization', array['text', 'text'], 'authenticated', array['EXECUTE']);
select function_privs_are('public', 'custom_access_token_hook', array['jsonb'], 'authenticated', array[]::text[]);
select function_privs_are('public', 'custom_access_token_hook', array['jsonb'], 'supabase_auth_admin', array['EXECUTE']);
select function_privs_are('private', 'issue_invitation_token', array['uuid'], 'authenticated', array[]::text[]);

-- create_organization ----------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select public.create_organization('Anon Co', 'anon-co')$$, '42501', null, 'anon cannot create organizations');
select tests.clear_authentication();
select set_config('request.jwt.claims', '{"role":"authenticated"}', true);
set local role authenticated;
select throws_ok($$select public.create_organization('No User', 'no-user')$$, 'SP401', null, 'a JWT without a user cannot create organizations');
select tests.clear_authentication();

select tests.authenticate_as('newbie');
select throws_ok($$select public.create_organization('Bad', 'Bad Slug!')$$, 'SP400', null, 'invalid slugs are refused');
select throws_ok($$select public.create_organization('   ', 'blank')$$, 'SP400', null, 'blank names are refused');
select throws_ok(format('select public.create_organization(%L, %L)', 'Acme 2', :'acme_slug'), 'SP409', null, 'taken slugs are refused');
select lives_ok($$select public.create_organization('Newbie LLC', 'newbie-tests')$$, 'a user creates an organization');
select is((select role::text from public.memberships m join public.organizations o on o.id = m.org_id where o.slug = 'newbie-tests'), 'owner', 'the creator is its owner');
select is((select o.slug from public.profiles p join public.organizations o on o.id = p.current_org_id where p.id = tests.id('newbie')), 'newbie-tests', 'it becomes their current organization');
select tests.clear_authentication();

-- invite_member ----------------------------------------------------------------
select tests.authenticate_as('acme_agent1');
select throws_ok($$select public.invite_member(tests.id('acme'), 'x@example.test', 'agent')$$, 'SP403', null, 'agents cannot invite');
select tests.clear_authentication();
select tests.authenticate_as('globex_owner');
select throws_ok($$select public.invite_member(tests.id('acme'), 'x@example.test', 'agent')$$, 'SP403', null, 'another tenant''s owner cannot invite into Acme');
select tests.clear_authentication();
select tests.authenticate_as('acme_manager');
select throws_ok($$select public.invite_member(tests.id('acme'), 'x@example.test', 'admin')$$, 'SP403', null, 'managers cannot invite above themselves');
select throws_ok($$select public.invite_member(tests.id('acme'), 'not-an-email', 'agent')$$, 'SP400', null, 'invalid emails are refused');
select throws_ok($$select public.invite_member(tests.id('acme'), tests.email('acme_agent1'), 'agent')$$, 'SP409', null, 'existing members cannot be invited');
select lives_ok($$select public.invite_member(tests.id('acme'), upper(tests.email('other')), 'agent')$$, 'managers invite agents');
-- (re-invitations are throttled to one a minute per address: make the first a few minutes old)
select tests.clear_authentication();
update public.invitations set created_at = now() - interval '5 minutes' where email = tests.email('other');
select tests.authenticate_as('acme_manager');
select lives_ok($$select public.invite_member(tests.id('acme'), tests.email('other'), 'manager')$$, 're-inviting replaces the pending invitation');
select is((select count(*)::int from public.invitations where email = tests.email('other') and revoked_at is null), 1, 'one pending invitation per email');
select tests.clear_authentication();

-- accept_invitation ------------------------------------------------------------
create temp table tok as
  select private.issue_invitation_token(id) as token, id from public.invitations
   where email = tests.email('other') and revoked_at is null;
grant select on tok to authenticated;
select tests.authenticate_as('newbie');
select throws_ok('select public.accept_invitation((select token from tok))', 'SP403', null, 'an invitation works only for its email');
select throws_ok($$select public.accept_invitation('deadbeef')$$, 'SP404', null, 'unknown tokens are refused');
select tests.clear_authentication();
select tests.authenticate_as('other');
select is((select public.accept_invitation((select token from tok))), tests.id('acme'), 'the invitee accepts');
select is((select role::text from public.memberships where user_id = tests.id('other')), 'manager', 'with the invited role');
select throws_ok('select public.accept_invitation((select token from tok))', 'SP410', null, 'an invitation works once');
select tests.clear_authentication();
-- expiry
update public.invitations set expires_at = now() - interval '1 minute' where id = tests.id('invitation_acme');
select throws_ok($$select private.issue_invitation_token(id) from public.invitations where id = tests.id('invitation_acme')$$, 'SP410', null, 'expired invitations get no token');
update public.invitations set expires_at = now() + interval '1 day' where id = tests.id('invitation_acme');
create temp table tok2 as select private.issue_invitation_token(id) as token from public.invitations where id = tests.id('invitation_acme');
grant select on tok2 to authenticated;
update public.invitations set expires_at = now() - interval '1 minute' where id = tests.id('invitation_acme');
select tests.create_user('invitee', null, tests.email('invitation_acme'));
select tests.authenticate_as('invitee');
select throws_ok('select public.accept_invitation((select token from tok2))', 'SP410', null, 'an expired invitation cannot be accepted');
select tests.clear_authentication();

-- change_member_role / remove_member / leave --------------------------------------
select tests.authenticate_as('acme_manager');
select throws_ok($$select public.change_member_role(tests.id('acme'), tests.id('acme_agent1'), 'manager')$$, 'SP403', null, 'managers cannot change roles');
select throws_ok($$select public.remove_member(tests.id('acme'), tests.id('acme_agent1'))$$, 'SP403', null, 'managers cannot remove members');
select tests.clear_authentication();
select tests.authenticate_as('acme_admin');
select throws_ok($$select public.change_member_role(tests.id('acme'), tests.id('acme_agent1'), 'owner')$$, 'SP403', null, 'admins cannot make owners');
select throws_ok($$select public.change_member_role(tests.id('acme'), tests.id('acme_owner'), 'agent')$$, 'SP403', null, 'admins cannot demote owners');
select throws_ok($$select public.remove_member(tests.id('acme'), tests.id('acme_owner'))$$, 'SP403', null, 'admins cannot remove owners');
select lives_ok($$select public.change_member_role(tests.id('acme'), tests.id('acme_agent1'), 'manager')$$, 'admins promote an agent to manager');
select lives_ok($$select public.remove_member(tests.id('acme'), tests.id('acme_agent2'))$$, 'admins remove an agent');
select throws_ok($$select public.remove_member(tests.id('acme'), tests.id('acme_agent2'))$$, 'SP404', null, 'removing twice is a 404');
select tests.clear_authentication();
select tests.authenticate_as('acme_agent2');
select is((select count(*)::int from public.organizations), 0, 'a removed member loses access at once');
select tests.clear_authentication();
select tests.authenticate_as('acme_owner');
select throws_ok($$select public.change_member_role(tests.id('acme'), tests.id('acme_owner'), 'admin')$$, 'SP422', null, 'the last owner cannot be demoted');
select throws_ok($$select public.leave_organization(tests.id('acme'))$$, 'SP422', null, 'the last owner cannot leave');
select lives_ok($$select public.change_member_role(tests.id('acme'), tests.id('acme_admin'), 'owner')$$, 'an owner makes a second owner');
select lives_ok($$select public.change_member_role(tests.id('acme'), tests.id('acme_owner'), 'admin')$$, 'then steps down');
select tests.clear_authentication();
select throws_ok($$delete from public.memberships where org_id = tests.id('acme') and role = 'owner'$$, 'SP422', null, 'not even SQL removes the last owner');
select tests.authenticate_as('acme_agent1');
select lives_ok($$select public.leave_organization(tests.id('acme'))$$, 'a member leaves');
select throws_ok($$select public.set_current_organization(tests.id('acme'))$$, 'SP403', null, 'and cannot select it any more');
select tests.clear_authentication();

-- custom_access_token_hook ------------------------------------------------------
select is(
  (select public.custom_access_token_hook(jsonb_build_object('user_id', tests.id('acme_manager'), 'claims', jsonb_build_object('role', 'authenticated'))) -> 'claims' ->> 'org_role'),
  'manager', 'the hook adds org_role');
select is(
  (select public.custom_access_token_hook(jsonb_build_object('user_id', tests.id('acme_manager'), 'claims', '{}'::jsonb)) -> 'claims' ->> 'org_id'),
  tests.id('acme')::text, 'the hook adds org_id of the current organization');
select ok(
  not ((select public.custom_access_token_hook(jsonb_build_object('user_id', tests.id('acme_agent1'), 'claims', '{"org_id":"stale"}'::jsonb)) -> 'claims') ? 'org_id'),
  'a user without organizations gets no org claims');

select * from finish();
rollback;

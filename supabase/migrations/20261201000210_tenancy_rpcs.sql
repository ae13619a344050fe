-- Tenancy, the RPCs: member management (create an organization, invite,
-- accept, revoke, change a role, remove, leave, switch the current
-- organization) and the Custom Access Token Hook.
--
-- Error codes raised here (stable; the full list is in
-- supabase/functions/_shared/errors.ts and the README):
--   SP400 invalid input           SP401 not signed in
--   SP403 not allowed             SP404 not found
--   SP409 conflict                SP410 gone (expired / used / revoked)
--   SP422 rule violation (e.g. the last owner)

-- RPCs -------------------------------------------------------------------------
-- security definer throughout: they write memberships/invitations, which the
-- API roles cannot write directly; each checks the caller (auth.uid()) first.

create function private.require_user()
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
begin
  if v_uid is null then
    raise exception 'sign in first' using errcode = 'SP401';
  end if;
  return v_uid;
end;
$$;
comment on function private.require_user() is 'auth.uid(), or SP401 when the caller is not signed in.';

create function public.create_organization(name text, slug text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_user();
  v_org uuid;
  v_name text := btrim(coalesce(create_organization.name, ''));
  v_slug text := lower(btrim(coalesce(create_organization.slug, '')));
begin
  if char_length(v_name) not between 1 and 200 then
    raise exception 'name must be 1 to 200 characters' using errcode = 'SP400';
  end if;
  if v_slug !~ '^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$' then
    raise exception 'slug must be 1 to 48 lowercase letters, digits or dashes' using errcode = 'SP400';
  end if;
  if exists (select 1 from public.organizations o where o.slug = v_slug) then
    raise exception 'slug "%" is taken', v_slug using errcode = 'SP409';
  end if;
  insert into public.organizations (name, slug) values (v_name, v_slug) returning id into v_org;
  insert into public.memberships (org_id, user_id, role) values (v_org, v_uid, 'owner');
  update public.profiles set current_org_id = v_org where id = v_uid and current_org_id is null;
  return v_org;
end;
$$;
comment on function public.create_organization(text, text) is
  'Creates an organization; the caller becomes its owner (and it becomes their current organization if they had none). Errors: SP401, SP400 (bad name/slug), SP409 (slug taken).';

create function private.issue_invitation_token(p_invitation_id uuid)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_token text := encode(extensions.gen_random_bytes(32), 'hex');
begin
  update public.invitations
     set token_hash = encode(extensions.digest(v_token, 'sha256'), 'hex')
   where id = p_invitation_id and accepted_at is null and revoked_at is null and expires_at > now();
  if not found then
    raise exception 'invitation is not pending' using errcode = 'SP410';
  end if;
  return v_token;
end;
$$;
comment on function private.issue_invitation_token(uuid) is
  'Backend only (the email job): issues a fresh single-use token for a pending invitation and returns it; only its hash is stored.';

create function public.accept_invitation(p_token text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_user();
  v_email text := lower(coalesce((select u.email from auth.users u where u.id = v_uid), ''));
  v_inv public.invitations;
begin
  select * into v_inv from public.invitations i
   where i.token_hash = encode(extensions.digest(coalesce(p_token, ''), 'sha256'), 'hex')
   for update;
  if not found then
    raise exception 'invitation not found' using errcode = 'SP404';
  end if;
  if v_inv.accepted_at is not null or v_inv.revoked_at is not null then
    raise exception 'invitation was already used or revoked' using errcode = 'SP410';
  end if;
  if v_inv.expires_at <= now() then
    raise exception 'invitation has expired' using errcode = 'SP410';
  end if;
  if v_inv.email <> v_email then
    raise exception 'this invitation is for another email address' using errcode = 'SP403';
  end if;
  insert into public.memberships (org_id, user_id, role, created_by)
  values (v_inv.org_id, v_uid, v_inv.role, v_inv.invited_by)
  on conflict (org_id, user_id) do nothing;
  update public.invitations set accepted_at = now(), accepted_by = v_uid where id = v_inv.id;
  update public.profiles set current_org_id = v_inv.org_id where id = v_uid and current_org_id is null;
  return v_inv.org_id;
end;
$$;
comment on function public.accept_invitation(text) is
  'Accepts an invitation with its token; the signed-in user''s email must match. Single use. Returns the organization id. Errors: SP401, SP404, SP410 (used/revoked/expired), SP403 (other email).';

create function public.revoke_invitation(p_invitation_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_org uuid;
begin
  perform private.require_user();
  select org_id into v_org from public.invitations where id = p_invitation_id;
  if v_org is null or not private.has_org_role(v_org, array['owner', 'admin', 'manager']::public.org_role[]) then
    raise exception 'invitation not found' using errcode = 'SP404';
  end if;
  update public.invitations set revoked_at = now()
   where id = p_invitation_id and accepted_at is null and revoked_at is null;
  if not found then
    raise exception 'invitation is no longer pending' using errcode = 'SP410';
  end if;
end;
$$;
comment on function public.revoke_invitation(uuid) is 'Revokes a pending invitation (owners/admins/managers of its organization).';

create function public.leave_organization(p_org_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_user();
begin
  delete from public.memberships where org_id = p_org_id and user_id = v_uid;
  if not found then
    raise exception 'not a member of this organization' using errcode = 'SP404';
  end if;
  update public.profiles set current_org_id = null where id = v_uid and current_org_id = p_org_id;
end;
$$;
comment on function public.leave_organization(uuid) is
  'The caller leaves the organization (the last owner cannot). Errors: SP401, SP404, SP422.';

create function public.set_current_organization(p_org_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_user();
begin
  if not private.is_member(p_org_id) then
    raise exception 'not a member of this organization' using errcode = 'SP403';
  end if;
  update public.profiles set current_org_id = p_org_id where id = v_uid;
end;
$$;
comment on function public.set_current_organization(uuid) is
  'Selects the organization the caller''s next JWTs describe (org switcher). Refresh the session afterwards.';

-- The caller's role, required to be one of p_roles.
create function private.require_org_role(p_org_id uuid, p_roles public.org_role[], p_message text)
returns public.org_role
language plpgsql
stable
set search_path = ''
as $$
declare
  v_role public.org_role;
begin
  perform private.require_user();
  v_role := private.org_role(p_org_id);
  if v_role is null or v_role <> all (p_roles) then
    raise exception '%', p_message using errcode = 'SP403';
  end if;
  return v_role;
end;
$$;
comment on function private.require_org_role(uuid, public.org_role[], text) is
  'The caller''s role in p_org_id; SP401 when not signed in, SP403 (with p_message) when not a member with one of p_roles.';

-- A member the caller (an owner or admin) may manage.
create function private.require_manageable_member(p_org_id uuid, p_user_id uuid, p_message text)
returns public.org_role
language plpgsql
stable
set search_path = ''
as $$
declare
  v_my_role public.org_role := private.require_org_role(p_org_id, array['owner', 'admin']::public.org_role[],
                                                        'only owners and admins manage members');
  v_their_role public.org_role;
begin
  select m.role into v_their_role from public.memberships m where m.org_id = p_org_id and m.user_id = p_user_id;
  if v_their_role is null then
    raise exception 'not a member of this organization' using errcode = 'SP404';
  end if;
  if private.role_rank(v_their_role) > private.role_rank(v_my_role) then
    raise exception '%', p_message using errcode = 'SP403';
  end if;
  return v_my_role;
end;
$$;
comment on function private.require_manageable_member(uuid, uuid, text) is
  'The caller''s role when they are an owner or admin of p_org_id (SP401, SP403 otherwise) and p_user_id is a member (SP404) whose role is not above theirs (SP403 with p_message). For functions that run as their owner.';

create function public.invite_member(p_org_id uuid, p_email text, p_role public.org_role)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_user();
  v_my_role public.org_role := private.require_org_role(p_org_id, array['owner', 'admin', 'manager']::public.org_role[],
                                                        'only owners, admins and managers can invite');
  v_email text := lower(btrim(coalesce(p_email, '')));
  v_id uuid;
begin
  if p_role is null or private.role_rank(p_role) > private.role_rank(v_my_role) then
    raise exception 'you cannot invite someone with a role above your own' using errcode = 'SP403';
  end if;
  if v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' then
    raise exception 'invalid email address' using errcode = 'SP400';
  end if;
  if exists (
    select 1 from public.memberships m join public.profiles p on p.id = m.user_id
     where m.org_id = p_org_id and p.email = v_email
  ) then
    raise exception '% is already a member', v_email using errcode = 'SP409';
  end if;
  -- Re-inviting replaces the pending invitation.
  update public.invitations set revoked_at = now()
   where org_id = p_org_id and email = v_email and accepted_at is null and revoked_at is null;
  insert into public.invitations (org_id, email, role, invited_by)
  values (p_org_id, v_email, p_role, v_uid)
  returning id into v_id;
  perform private.enqueue_email_job('send_invitation_email', p_org_id,
    jsonb_build_object('invitation_id', v_id), 'invitation:' || v_id::text);
  return v_id;
end;
$$;
comment on function public.invite_member(uuid, text, public.org_role) is
  'Invites an email address to the organization with a role no higher than the caller''s (owners/admins/managers). Queues the invitation email. Errors: SP401, SP403, SP400, SP409 (already a member).';

create function public.change_member_role(p_org_id uuid, p_user_id uuid, p_role public.org_role)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_my_role public.org_role := private.require_manageable_member(p_org_id, p_user_id, 'you cannot manage a role above your own');
begin
  if p_role is null or private.role_rank(p_role) > private.role_rank(v_my_role) then
    raise exception 'you cannot manage a role above your own' using errcode = 'SP403';
  end if;
  update public.memberships set role = p_role where org_id = p_org_id and user_id = p_user_id;
end;
$$;
comment on function public.change_member_role(uuid, uuid, public.org_role) is
  'Changes a member''s role (owners/admins; never to or from a role above the caller''s; the last owner stays). Errors: SP401, SP403, SP404, SP422.';

create function public.remove_member(p_org_id uuid, p_user_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_manageable_member(p_org_id, p_user_id, 'you cannot remove a member above your own role');
  delete from public.memberships where org_id = p_org_id and user_id = p_user_id;
  update public.profiles set current_org_id = null where id = p_user_id and current_org_id = p_org_id;
end;
$$;
comment on function public.remove_member(uuid, uuid) is
  'Removes a member (owners/admins; not above the caller''s role; never the last owner). Access ends at once. Errors: SP401, SP403, SP404, SP422.';

-- Custom Access Token Hook -------------------------------------------------------
create function public.custom_access_token_hook(event jsonb)
returns jsonb
language plpgsql
stable
-- security definer: Supabase Auth calls it as supabase_auth_admin, which has
-- no access to public tables; it reads only the user named in the event.
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (event ->> 'user_id')::uuid;
  v_claims jsonb := coalesce(event -> 'claims', '{}'::jsonb);
  v_org uuid;
  v_role public.org_role;
begin
  select m.org_id, m.role into v_org, v_role
    from public.memberships m
    left join public.profiles p on p.id = m.user_id
   where m.user_id = v_uid
   order by (m.org_id = p.current_org_id) desc nulls last, m.created_at
   limit 1;
  if v_org is null then
    v_claims := v_claims - 'org_id' - 'org_role';
  else
    v_claims := v_claims || jsonb_build_object('org_id', v_org, 'org_role', v_role);
  end if;
  v_claims := v_claims || jsonb_build_object('is_platform_admin',
    exists (select 1 from public.platform_admins a where a.user_id = v_uid));
  return jsonb_build_object('claims', v_claims);
end;
$$;
comment on function public.custom_access_token_hook(jsonb) is
  'Supabase Auth Custom Access Token Hook: adds org_id/org_role of the current organization (profiles.current_org_id, else the oldest membership) and is_platform_admin. For the UI only; RLS checks memberships live.';

-- Grants -----------------------------------------------------------------------
grant execute on function private.issue_invitation_token(uuid) to service_role;

revoke execute on function public.create_organization(text, text) from public, anon;
grant execute on function public.create_organization(text, text) to authenticated;
revoke execute on function public.accept_invitation(text) from public, anon;
grant execute on function public.accept_invitation(text) to authenticated;
revoke execute on function public.revoke_invitation(uuid) from public, anon;
grant execute on function public.revoke_invitation(uuid) to authenticated;
revoke execute on function public.leave_organization(uuid) from public, anon;
grant execute on function public.leave_organization(uuid) to authenticated;
revoke execute on function public.set_current_organization(uuid) from public, anon;
grant execute on function public.set_current_organization(uuid) to authenticated;

revoke execute on function public.custom_access_token_hook(jsonb) from public, anon, authenticated;
grant usage on schema public to supabase_auth_admin;
grant execute on function public.custom_access_token_hook(jsonb) to supabase_auth_admin;
revoke execute on function public.invite_member(uuid, text, public.org_role) from public, anon;
grant execute on function public.invite_member(uuid, text, public.org_role) to authenticated;
revoke execute on function public.change_member_role(uuid, uuid, public.org_role) from public, anon;
grant execute on function public.change_member_role(uuid, uuid, public.org_role) to authenticated;
revoke execute on function public.remove_member(uuid, uuid) from public, anon;
grant execute on function public.remove_member(uuid, uuid) to authenticated;

-- Test fixtures for the pgTAP suites, basejump-style: each suite creates the
-- tenants, users and rows it needs instead of reading the demo seed's ids.
-- Included by a suite right after `begin;` (`\ir fixtures.sql`), so the
-- `tests` schema exists only inside that suite's transaction and is rolled
-- back with it; it is never part of a migration.
--
-- Everything a fixture creates is remembered under a key the suite chooses
-- ('acme', 'acme_manager', 'agent_acme1', …): tests.id(key) gives its id.
--
--   tests.create_user(key [, full_name, email, id])  a confirmed auth user (its profile by trigger)
--   tests.create_org(key, owner_key [, room, id]) an organization and its owner (none when
--                                                 owner_key is null); room = design-partner
--                                                 overrides (25 seats, 10 numbers, …); id: a
--                                                 suite that names its rows by fixed ids
--   tests.add_member(org_key, user_key, role)
--   tests.make_staff(user_key)                    a platform admin
--   tests.create_agent(key, org_key [, user_key]), tests.create_number(key, org_key [, agent_key])
--   tests.create_call(key, org_key [, agent_key, status, started_at, duration_seconds])
--   tests.create_invitation(key, org_key, invited_by_key [, role])   tests.email(key) is its address
--   tests.create_tenants()                        two tenants with every role (see below)
--   tests.authenticate_as(user_key), tests.authenticate_as_service_role(),
--   tests.authenticate_as_anon(), tests.clear_authentication()
--   tests.request_deletion(key, user_key, org_key, kind, subject)   a deletion request, as that member
--   tests.traces(needle)                          where a text occurs in any text, json or array
--                                                 column of any public table (information_schema,
--                                                 so tables added later are searched too)
create schema tests;
grant usage on schema tests to anon, authenticated, service_role;

create table tests.fixtures (
  key text primary key,
  id uuid not null,
  email text
);
grant select on tests.fixtures to anon, authenticated, service_role;

create function tests.id(p_key text)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  v_id uuid;
begin
  select f.id into v_id from tests.fixtures f where f.key = p_key;
  if v_id is null then
    raise exception 'no fixture %', p_key;
  end if;
  return v_id;
end;
$$;

create function tests.email(p_key text)
returns text
language sql
stable
set search_path = ''
as $$ select f.email from tests.fixtures f where f.key = p_key $$;

create function tests.remember(p_key text, p_id uuid, p_email text default null)
returns uuid
language sql
set search_path = ''
as $$ insert into tests.fixtures (key, id, email) values (p_key, p_id, p_email) returning id $$;

create function tests.create_user(p_key text, p_full_name text default null, p_email text default null,
                                  p_id uuid default null)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  v_id uuid := coalesce(p_id, gen_random_uuid());
  v_email text := coalesce(p_email, lower(replace(p_key, '_', '.')) || '.' || left(v_id::text, 8) || '@tests.test');
begin
  insert into auth.users (id, email, aud, role, raw_user_meta_data, email_confirmed_at)
  values (v_id, v_email, 'authenticated', 'authenticated',
          jsonb_build_object('full_name', coalesce(p_full_name, initcap(replace(p_key, '_', ' ')))), now());
  return tests.remember(p_key, v_id, v_email);
end;
$$;

create function tests.add_member(p_org text, p_user text, p_role public.org_role)
returns void
language plpgsql
set search_path = ''
as $$
begin
  insert into public.memberships (org_id, user_id, role) values (tests.id(p_org), tests.id(p_user), p_role);
  update public.profiles set current_org_id = tests.id(p_org) where id = tests.id(p_user) and current_org_id is null;
end;
$$;

create function tests.create_org(p_key text, p_owner text, p_room boolean default true, p_id uuid default null)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  v_id uuid;
begin
  insert into public.organizations (id, name, slug, recording_notice)
  values (coalesce(p_id, gen_random_uuid()), initcap(replace(p_key, '_', ' ')),
          replace(p_key, '_', '-') || '-' || left(md5(random()::text), 8), 'This call may be recorded.')
  returning id into v_id;
  perform tests.remember(p_key, v_id);
  if p_room then
    insert into public.feature_flags (org_id, key, limit_value, note) values
      (v_id, 'seats', 25, 'tests'), (v_id, 'phone_numbers', 10, 'tests'),
      (v_id, 'analyzed_minutes_per_month', 100000, 'tests');
    insert into public.feature_flags (org_id, key, enabled, note) values (v_id, 'coaching', true, 'tests');
  end if;
  if p_owner is not null then
    perform tests.add_member(p_key, p_owner, 'owner');
  end if;
  return v_id;
end;
$$;

create function tests.make_staff(p_user text)
returns void
language sql
set search_path = ''
as $$ insert into public.platform_admins (user_id, note) values (tests.id(p_user), 'tests') $$;

create function tests.create_agent(p_key text, p_org text, p_user text default null)
returns uuid
language sql
set search_path = ''
as $$
  with a as (
    insert into public.agents (org_id, name, phone, user_id)
    values (tests.id(p_org), initcap(replace(p_key, '_', ' ')),
            '+1555' || lpad((floor(random() * 10000000))::int::text, 7, '0'),
            case when p_user is not null then tests.id(p_user) end)
    returning id)
  select tests.remember(p_key, a.id) from a
$$;

create function tests.create_number(p_key text, p_org text, p_agent text default null)
returns uuid
language sql
set search_path = ''
as $$
  with n as (
    insert into public.phone_numbers (org_id, e164, provider_sid, friendly_name, agent_id)
    values (tests.id(p_org), '+1415' || lpad((floor(random() * 10000000))::int::text, 7, '0'),
            'PN' || md5(p_key || random()::text), initcap(replace(p_key, '_', ' ')),
            case when p_agent is not null then tests.id(p_agent) end)
    returning id)
  select tests.remember(p_key, n.id) from n
$$;

create function tests.create_call(p_key text, p_org text, p_agent text default null,
                                  p_status public.call_status default 'analyzed',
                                  p_started_at timestamptz default now(), p_duration_seconds integer default 120)
returns uuid
language sql
set search_path = ''
as $$
  with c as (
    insert into public.calls (org_id, agent_id, twilio_call_sid, twilio_recording_sid, status, started_at, duration_seconds)
    values (case when p_org is not null then tests.id(p_org) end,
            case when p_agent is not null then tests.id(p_agent) end,
            'CA' || md5('call' || p_key || random()::text), 'RE' || md5('recording' || p_key || random()::text),
            p_status, p_started_at, p_duration_seconds)
    returning id)
  select tests.remember(p_key, c.id) from c
$$;

create function tests.create_invitation(p_key text, p_org text, p_invited_by text, p_role public.org_role default 'agent')
returns uuid
language sql
set search_path = ''
as $$
  with i as (
    insert into public.invitations (org_id, email, role, invited_by)
    values (tests.id(p_org), replace(p_key, '_', '.') || '.' || left(md5(random()::text), 8) || '@tests.test', p_role,
            tests.id(p_invited_by))
    returning id, email)
  select tests.remember(p_key, i.id, i.email) from i
$$;

-- Two tenants with every role, as the suites use them:
--   acme (room to grow): acme_owner, acme_admin, acme_manager, acme_agent1,
--     acme_agent2; agents agent_acme1/agent_acme2 linked to the two agents;
--     numbers number_acme1 -> agent_acme1, number_acme2 -> agent_acme2;
--     a default call script; a pending invitation (invitation_acme).
--   globex (free plan): globex_owner, globex_manager; agent agent_globex (no
--     login) on number_globex; a default call script; invitation_globex.
--   staff (a platform admin) and loner (signed up, in no organization).
create function tests.create_tenants()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform tests.create_user('acme_owner', 'Olivia Owner');
  perform tests.create_user('acme_admin', 'Adam Admin');
  perform tests.create_user('acme_manager', 'Maya Manager');
  perform tests.create_user('acme_agent1', 'Alex Agent');
  perform tests.create_user('acme_agent2', 'Jamie Agent');
  perform tests.create_user('globex_owner', 'Grace Globex');
  perform tests.create_user('globex_manager', 'Gus Globex');
  perform tests.create_user('staff', 'Sam Staff');
  perform tests.create_user('loner', 'Lee Loner');
  perform tests.make_staff('staff');

  perform tests.create_org('acme', 'acme_owner');
  perform tests.add_member('acme', 'acme_admin', 'admin');
  perform tests.add_member('acme', 'acme_manager', 'manager');
  perform tests.add_member('acme', 'acme_agent1', 'agent');
  perform tests.add_member('acme', 'acme_agent2', 'agent');
  perform tests.create_org('globex', 'globex_owner', false);
  perform tests.add_member('globex', 'globex_manager', 'manager');

  perform tests.create_agent('agent_acme1', 'acme', 'acme_agent1');
  perform tests.create_agent('agent_acme2', 'acme', 'acme_agent2');
  perform tests.create_agent('agent_globex', 'globex');
  perform tests.create_number('number_acme1', 'acme', 'agent_acme1');
  perform tests.create_number('number_acme2', 'acme', 'agent_acme2');
  perform tests.create_number('number_globex', 'globex', 'agent_globex');

  insert into public.call_scripts (org_id, name, is_default, items) values
    (tests.id('acme'), 'Acme script', true,
     '[{"id": "greet", "label": "Greet"}, {"id": "needs", "label": "Ask about needs"}, {"id": "close", "label": "Ask for the sale"}]'),
    (tests.id('globex'), 'Globex script', true, '[{"id": "greet", "label": "Greet"}]');
  perform tests.create_invitation('invitation_acme', 'acme', 'acme_owner');
  perform tests.create_invitation('invitation_globex', 'globex', 'globex_owner');
end;
$$;

-- Acting as someone: the JWT claims PostgREST would set, and its role.
create function tests.act_as(p_role text, p_claims jsonb)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('request.jwt.claims', coalesce(p_claims::text, ''), true);
  perform set_config('role', p_role, true);
end;
$$;

create function tests.authenticate_as(p_user text)
returns void
language sql
set search_path = ''
as $$
  select tests.act_as('authenticated',
    jsonb_build_object('sub', tests.id(p_user), 'role', 'authenticated', 'email', tests.email(p_user)))
$$;

create function tests.authenticate_as_service_role()
returns void
language sql
set search_path = ''
as $$ select tests.act_as('service_role', '{"role":"service_role"}') $$;

create function tests.authenticate_as_anon()
returns void
language sql
set search_path = ''
as $$ select tests.act_as('anon', '{"role":"anon"}') $$;

-- Back to the suite's own (superuser) role, without claims.
create function tests.clear_authentication()
returns void
language sql
set search_path = ''
as $$ select tests.act_as('none', null) $$;

-- A deletion request made by a member (request_deletion, as p_user), remembered under p_key.
create function tests.request_deletion(p_key text, p_user text, p_org text, p_kind text, p_subject text)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  v_id uuid;
begin
  perform tests.authenticate_as(p_user);
  v_id := public.request_deletion(tests.id(p_org), p_kind, p_subject);
  perform tests.clear_authentication();
  return tests.remember(p_key, v_id);
end;
$$;

-- Where a text occurs: every text, varchar, json and array column of every
-- table in public (information_schema, so tables added later are covered too).
create function tests.traces(p_needle text)
returns table (table_name text, column_name text, n bigint)
language plpgsql
set search_path = ''
as $$
declare
  r record;
  v bigint;
begin
  for r in
    select c.table_name, c.column_name
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
     where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
       and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'tsvector')
  loop
    execute format('select count(*) from public.%I t where t.%I::text ilike $1', r.table_name, r.column_name)
      into v using '%' || p_needle || '%';
    if v > 0 then
      table_name := r.table_name; column_name := r.column_name; n := v;
      return next;
    end if;
  end loop;
end;
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;

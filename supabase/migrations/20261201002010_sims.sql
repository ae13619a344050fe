-- SIMs: role-play practice against an AI buyer, scored on the same
-- scorecards as real calls. sim_templates (persona, scenario, objectives,
-- objections, scorecard, time limit, attempts; a built-in library per
-- organization), sims (assignments), user_sims (sessions) with their turns,
-- and the score (scorecard answers of the session). Sessions are driven by the
-- `sims` Edge Function, which writes turns and scores through the backend RPCs
-- here; a score is written whole in one call or not at all.

-- Tables -----------------------------------------------------------------------
create table public.sim_templates (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 200),
  persona_name text not null check (char_length(btrim(persona_name)) between 1 and 100),
  persona_role text not null check (char_length(btrim(persona_role)) between 1 and 100),
  company text not null check (char_length(btrim(company)) between 1 and 100),
  temperament text not null default 'neutral' check (char_length(btrim(temperament)) between 1 and 200),
  difficulty integer not null default 3 check (difficulty between 1 and 5),
  scenario text not null check (char_length(btrim(scenario)) between 1 and 2000),
  objectives text[] not null default '{}' check (cardinality(objectives) <= 10 and char_length(array_to_string(objectives, '')) <= 2000),
  -- [{text, after_turn}]: what the buyer objects, and from which of the rep's turns on.
  objections jsonb not null default '[]'::jsonb
    check (jsonb_typeof(objections) = 'array' and jsonb_array_length(objections) <= 10 and pg_column_size(objections) <= 4000),
  scorecard_id uuid not null references public.scorecards (id) on delete restrict,
  time_limit_minutes integer not null default 10 check (time_limit_minutes between 1 and 60),
  max_attempts integer check (max_attempts between 1 and 100),
  is_builtin boolean not null default false,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.sim_templates is
  'Role-play scenarios: the AI buyer''s persona and difficulty (1-5: objection rate and patience), the scenario, objectives, objections [{text, after_turn}], the scorecard that judges it, time limit and maximum attempts per rep (null: unlimited). Built-in ones are the library every organization starts with (read-only; duplicate to edit).';

create table public.sims (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  template_id uuid not null references public.sim_templates (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  due_at timestamptz,
  min_attempts integer not null default 1 check (min_attempts between 1 and 20),
  -- The scorecard items this assignment targets (practice of weak spots), keys.
  focus_keys text[] not null default '{}' check (cardinality(focus_keys) <= 20),
  note text check (char_length(note) <= 1000),
  assigned_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.sims is
  'Assignments: a SIM template assigned to a member (agent) with a due date and minimum attempts. Status (not_started, in_progress, completed, past_due, did_not_pass) is computed by sim_assignments().';

create table public.user_sims (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  template_id uuid not null references public.sim_templates (id) on delete cascade,
  sim_id uuid references public.sims (id) on delete set null,
  scorecard_id uuid not null references public.scorecards (id) on delete restrict,
  attempt integer not null check (attempt >= 1),
  status text not null default 'active' check (status in ('active', 'ended', 'scored')),
  time_limit_minutes integer not null,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  buyer text check (buyer in ('openai', 'offline')),
  scorer text check (scorer in ('openai', 'offline')),
  model text,
  score integer check (score between 0 and 100),
  passed boolean,
  tips jsonb not null default '[]'::jsonb check (jsonb_typeof(tips) = 'array'),
  score_error text check (char_length(score_error) <= 500),
  scored_at timestamptz,
  tokens_in integer not null default 0,
  tokens_out integer not null default 0,
  cost_usd numeric(12, 6) not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (user_id, template_id, attempt)
);
comment on table public.user_sims is
  'Practice sessions: one rep, one template, attempt n. active → ended → scored (score 0-100, passed, coaching tips). score_error: why the last scoring attempt failed (the session stays ended, nothing half-written). Tokens and cost of the buyer and the scorer.';

create table public.user_sim_turns (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  user_sim_id uuid not null references public.user_sims (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  seq integer not null,
  role text not null check (role in ('rep', 'buyer')),
  content text not null check (char_length(content) between 1 and 2000),
  at_seconds numeric(10, 2) not null check (at_seconds >= 0),
  created_at timestamptz not null default now(),
  unique (user_sim_id, seq)
);
comment on table public.user_sim_turns is
  'The conversation of a session, turn by turn as it happens (rep and buyer), at_seconds from the session''s start.';

alter table public.scorecard_answers
  add column user_sim_id uuid references public.user_sims (id) on delete cascade,
  add constraint scorecard_answers_one_subject check (num_nonnulls(call_id, user_sim_id) = 1);

-- Indexes ------------------------------------------------------------------------
create index sim_templates_org_id_idx on public.sim_templates (org_id);
create index sim_templates_scorecard_id_idx on public.sim_templates (scorecard_id);
create index sim_templates_created_by_idx on public.sim_templates (created_by);
create index sims_org_id_idx on public.sims (org_id);
create index sims_template_id_idx on public.sims (template_id);
create index sims_user_id_idx on public.sims (user_id);
create index sims_assigned_by_idx on public.sims (assigned_by);
create index user_sims_org_id_started_idx on public.user_sims (org_id, started_at desc);
create index user_sims_template_id_idx on public.user_sims (template_id);
create index user_sims_sim_id_idx on public.user_sims (sim_id);
create index user_sims_scorecard_id_idx on public.user_sims (scorecard_id);
create index user_sim_turns_org_id_idx on public.user_sim_turns (org_id);
create index user_sim_turns_user_id_idx on public.user_sim_turns (user_id);
create index scorecard_answers_user_sim_id_idx on public.scorecard_answers (user_sim_id, item_id);

-- Triggers -----------------------------------------------------------------------
create trigger sim_templates_updated_at before update on public.sim_templates
  for each row execute function private.set_updated_at();
create trigger sim_templates_created_by before insert or update on public.sim_templates
  for each row execute function private.set_created_by();
create trigger sim_templates_audit after insert or update or delete on public.sim_templates
  for each row execute function private.audit_row();
create trigger sims_updated_at before update on public.sims
  for each row execute function private.set_updated_at();
create trigger sims_audit after insert or update or delete on public.sims
  for each row execute function private.audit_row();
create trigger user_sims_updated_at before update on public.user_sims
  for each row execute function private.set_updated_at();

-- Invariants of templates and assignments: the scorecard and the assignee
-- belong to the organization; objections are well-formed; assigned_by is the caller.
create function private.guard_sim_template()
returns trigger
language plpgsql
-- security definer: checks the scorecard's organization whatever the caller may see.
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from public.scorecards s where s.id = new.scorecard_id and s.org_id = new.org_id) then
    raise exception 'the scorecard is not one of the organization''s' using errcode = 'SP400';
  end if;
  if exists (select 1 from jsonb_array_elements(new.objections) o
              where jsonb_typeof(o) <> 'object' or char_length(coalesce(o ->> 'text', '')) not between 1 and 300
                 or coalesce(o ->> 'after_turn', '0') !~ '^[0-9]{1,2}$') then
    raise exception 'objections must be [{text (1-300 characters), after_turn (0-99)}]' using errcode = 'SP400';
  end if;
  if tg_op = 'UPDATE' and old.is_builtin and auth.uid() is not null then
    raise exception 'built-in templates cannot be edited; duplicate it' using errcode = 'SP422';
  end if;
  return new;
end;
$$;
comment on function private.guard_sim_template() is 'BEFORE INSERT/UPDATE on sim_templates: scorecard of the same organization, objections shape, built-ins read-only.';
create trigger sim_templates_guard before insert or update on public.sim_templates
  for each row execute function private.guard_sim_template();

create function private.guard_sim_assignment()
returns trigger
language plpgsql
-- security definer: checks membership and the template whatever the caller may see.
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from public.memberships m where m.org_id = new.org_id and m.user_id = new.user_id) then
    raise exception 'the assignee is not a member of the organization' using errcode = 'SP400';
  end if;
  if not exists (select 1 from public.sim_templates t where t.id = new.template_id and t.org_id = new.org_id) then
    raise exception 'template not found' using errcode = 'SP404';
  end if;
  if tg_op = 'INSERT' then
    new.assigned_by := auth.uid();
  else
    new.assigned_by := old.assigned_by;
  end if;
  return new;
end;
$$;
comment on function private.guard_sim_assignment() is 'BEFORE INSERT/UPDATE on sims: assignee is a member, template of the organization, assigned_by is the caller.';
create trigger sims_guard before insert or update on public.sims
  for each row execute function private.guard_sim_assignment();

-- SIM assignment notices: the assignee is emailed when a SIM is assigned.
create function private.sim_assignment_notice()
returns trigger
language plpgsql
-- security definer: reads the assignee's and the assigner's profiles.
security definer
set search_path = ''
as $$
declare
  v record;
begin
  select p.email,
         coalesce(nullif(btrim(p.full_name), ''), p.email) as assignee,
         t.name as sim_name,
         coalesce((select coalesce(nullif(btrim(a.full_name), ''), a.email) from public.profiles a where a.id = new.assigned_by),
                  'Your manager') as assigner
    into v
    from public.profiles p, public.sim_templates t
   where p.id = new.user_id and t.id = new.template_id;
  if v.email is not null then
    perform private.send_email(new.org_id, v.email, 'sim_assignment',
      jsonb_build_object('assignee_name', v.assignee, 'assigner_name', v.assigner, 'sim_name', v.sim_name,
                         'due_date', coalesce(to_char(new.due_at at time zone 'UTC', 'FMDay, DD Mon YYYY'), 'no due date')),
      p_source_type => 'sim', p_source_id => new.id, p_dedupe_key => 'sim-assignment:' || new.id::text);
  end if;
  return null;
end;
$$;
comment on function private.sim_assignment_notice() is
  'AFTER INSERT on sims: emails the assignee the sim_assignment template (through private.send_email).';
create trigger sims_assignment_notice after insert on public.sims
  for each row execute function private.sim_assignment_notice();

-- RLS ------------------------------------------------------------------------
alter table public.sim_templates enable row level security;
alter table public.sims enable row level security;
alter table public.user_sims enable row level security;
alter table public.user_sim_turns enable row level security;

create policy "Members read their organization's SIM templates" on public.sim_templates
  for select to authenticated
  using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()));
create policy "Managers add SIM templates" on public.sim_templates
  for insert to authenticated
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])) and not is_builtin);
create policy "Managers edit their SIM templates" on public.sim_templates
  for update to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])) and not is_builtin)
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])) and not is_builtin);
create policy "Managers delete their SIM templates" on public.sim_templates
  for delete to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])) and not is_builtin);

create policy "Managers read their organization's assignments; members their own" on public.sims
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or (user_id = (select auth.uid()) and org_id in (select private.user_org_ids())));
create policy "Managers assign SIMs" on public.sims
  for insert to authenticated
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Managers edit assignments" on public.sims
  for update to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])))
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Managers delete assignments" on public.sims
  for delete to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));

create policy "Managers read their organization's SIM sessions; members their own" on public.user_sims
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or (user_id = (select auth.uid()) and org_id in (select private.user_org_ids()))
         or (select private.is_platform_admin()));
create policy "Readers of a SIM session read its turns" on public.user_sim_turns
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or (user_id = (select auth.uid()) and org_id in (select private.user_org_ids()))
         or (select private.is_platform_admin()));
create policy "Members read their own SIM sessions' scorecard answers" on public.scorecard_answers
  for select to authenticated
  using (user_sim_id in (select s.id from public.user_sims s where s.user_id = (select auth.uid())));

revoke all on public.sim_templates, public.sims, public.user_sims, public.user_sim_turns from anon, authenticated;
grant select, delete on public.sim_templates to authenticated;
grant insert (org_id, name, persona_name, persona_role, company, temperament, difficulty, scenario, objectives, objections,
              scorecard_id, time_limit_minutes, max_attempts),
      update (name, persona_name, persona_role, company, temperament, difficulty, scenario, objectives, objections,
              scorecard_id, time_limit_minutes, max_attempts) on public.sim_templates to authenticated;
grant select, delete on public.sims to authenticated;
grant insert (org_id, template_id, user_id, due_at, min_attempts, focus_keys, note),
      update (due_at, min_attempts, focus_keys, note) on public.sims to authenticated;
grant select on public.user_sims, public.user_sim_turns to authenticated;

-- The built-in library ----------------------------------------------------------
create function private.seed_sim_library(p_org_id uuid)
returns void
language plpgsql
-- security definer: writes built-in rows, which no member may write.
security definer
set search_path = ''
as $$
declare
  v_card uuid;
begin
  if exists (select 1 from public.scorecards where org_id = p_org_id and is_builtin) then
    return;
  end if;
  insert into public.scorecards (org_id, name, description, pass_score, is_builtin)
  values (p_org_id, 'Discovery call basics', 'Built in: what every first sales conversation should cover.', 70, true)
  returning id into v_card;
  insert into public.scorecard_items (scorecard_id, key, question, weight, partial_credit, position) values
    (v_card, 'introduce', 'Did the rep introduce themselves and their company?', 1, false, 1),
    (v_card, 'needs', 'Did the rep ask about the buyer''s needs or current situation?', 3, true, 2),
    (v_card, 'budget', 'Did the rep ask about the budget?', 2, false, 3),
    (v_card, 'objection', 'Did the rep acknowledge the buyer''s objection and answer it?', 3, true, 4),
    (v_card, 'next_step', 'Did the rep propose a concrete next step, such as a demo or a meeting?', 2, false, 5);
  insert into public.sim_templates (org_id, name, persona_name, persona_role, company, temperament, difficulty, scenario,
                                    objectives, objections, scorecard_id, time_limit_minutes, max_attempts, is_builtin) values
    (p_org_id, 'Discovery: the curious operations manager', 'Dana Reyes', 'Operations manager', 'Northwind Logistics',
     'friendly but busy', 2,
     'Dana filled in a form on your website asking about call analytics. You call back to learn what she needs and book a demo.',
     array['Learn how her team handles calls today', 'Find out the budget', 'Book a demo'],
     '[{"text": "We already use spreadsheets for this, why would we pay for a tool?", "after_turn": 2}]'::jsonb,
     v_card, 10, null, true),
    (p_org_id, 'Objection: the price-sensitive owner', 'Sam Patel', 'Owner', 'Patel Plumbing',
     'sceptical and direct', 4,
     'Sam runs a 12-person plumbing company and took a free trial. He thinks the price is too high. Keep the deal alive.',
     array['Understand what he values', 'Answer the price objection with value', 'Agree a next step'],
     '[{"text": "Honestly, this is too expensive for a company our size.", "after_turn": 1},
       {"text": "Your competitor offered me a 30% discount.", "after_turn": 3}]'::jsonb,
     v_card, 10, null, true),
    (p_org_id, 'Cold call: the gatekeeper', 'Morgan Lee', 'Office manager', 'Brightside Dental',
     'polite, protective of the dentist''s time', 3,
     'You cold-call a dental practice. Morgan answers. Get past the brush-off and learn enough to earn a meeting.',
     array['Introduce yourself clearly', 'Learn who decides and what they need', 'Get a meeting'],
     '[{"text": "We are not interested, thank you.", "after_turn": 0},
       {"text": "Can you just send me an email?", "after_turn": 2}]'::jsonb,
     v_card, 8, null, true);
end;
$$;
comment on function private.seed_sim_library(uuid) is 'The built-in SIM library of an organization: a "Discovery call basics" scorecard and three templates (once).';

-- Organizations created by any caller (the service role's REST included) get
-- their built-in SIM library: the trigger runs as its owner.
create function private.organization_sim_library()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.seed_sim_library(new.id);
  return null;
end;
$$;
comment on function private.organization_sim_library() is 'AFTER INSERT on organizations: every new organization gets the built-in SIM library.';
create trigger organizations_sim_library after insert on public.organizations
  for each row execute function private.organization_sim_library();

select private.seed_sim_library(id) from public.organizations;

-- Sessions -------------------------------------------------------------------------
create function private.sim_sessions_used(p_org_id uuid)
returns numeric
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(sum(u.quantity), 0) from public.usage_records u
   where u.org_id = p_org_id and u.kind = 'sim_session' and u.occurred_at >= private.period_start(p_org_id);
$$;
comment on function private.sim_sessions_used(uuid) is 'SIM sessions started in the organization''s current billing period.';

create function public.start_sim_session(p_template_id uuid, p_sim_id uuid default null)
returns public.user_sims
language plpgsql
-- security definer: writes the session and its usage record (no member may), after checking the caller.
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_user();
  v_t public.sim_templates;
  v_sim public.sims;
  v_attempts integer;
  v_row public.user_sims;
begin
  select * into v_t from public.sim_templates where id = p_template_id;
  if v_t.id is null or not private.is_member(v_t.org_id) then
    raise exception 'SIM not found' using errcode = 'SP404';
  end if;
  if p_sim_id is not null then
    select * into v_sim from public.sims where id = p_sim_id and template_id = p_template_id and user_id = v_uid;
    if v_sim.id is null then
      raise exception 'assignment not found' using errcode = 'SP404';
    end if;
  end if;
  -- One session start at a time per organization, so the plan limit holds under concurrency.
  perform pg_advisory_xact_lock(hashtextextended('sim_sessions:' || v_t.org_id::text, 0));
  select count(*) into v_attempts from public.user_sims where user_id = v_uid and template_id = p_template_id;
  if v_t.max_attempts is not null and v_attempts >= v_t.max_attempts then
    raise exception 'no attempts left: this SIM allows % attempts', v_t.max_attempts using errcode = 'SP422';
  end if;
  perform private.assert_limit(v_t.org_id, 'sim_sessions_per_month', private.sim_sessions_used(v_t.org_id), 1);
  insert into public.user_sims (org_id, user_id, template_id, sim_id, scorecard_id, attempt, time_limit_minutes)
  values (v_t.org_id, v_uid, v_t.id, p_sim_id, v_t.scorecard_id, v_attempts + 1, v_t.time_limit_minutes)
  returning * into v_row;
  insert into public.usage_records (org_id, kind, quantity, billable, source_type, source_id, occurred_at)
  values (v_t.org_id, 'sim_session', 1, true, 'user_sim', v_row.id, v_row.started_at);
  return v_row;
end;
$$;
comment on function public.start_sim_session(uuid, uuid) is
  'A member starts a practice session of a SIM (optionally for their assignment): attempt n, a sim_session usage record. Errors: SP401, SP404, SP402 (sim_sessions_per_month), SP422 (no attempts left).';

create function public.record_sim_turn(p_session_id uuid, p_role text, p_content text,
                                       p_tokens_in integer default 0, p_tokens_out integer default 0,
                                       p_buyer text default null, p_model text default null)
returns public.user_sim_turns
language plpgsql
set search_path = ''
as $$
declare
  v_s public.user_sims;
  v_turn public.user_sim_turns;
begin
  select * into v_s from public.user_sims where id = p_session_id for update;
  if v_s.id is null then
    raise exception 'session not found' using errcode = 'SP404';
  end if;
  if v_s.status <> 'active' then
    raise exception 'the session has ended' using errcode = 'SP409';
  end if;
  -- The rep may not start a turn after the time limit (the buyer's answer to the last one is kept).
  if p_role = 'rep' and now() > v_s.started_at + make_interval(mins => v_s.time_limit_minutes) then
    raise exception 'time is up for this session' using errcode = 'SP422';
  end if;
  if p_content is null or char_length(btrim(p_content)) = 0 or char_length(p_content) > 2000 then
    raise exception 'a turn is 1 to 2000 characters' using errcode = 'SP400';
  end if;
  insert into public.user_sim_turns (org_id, user_sim_id, user_id, seq, role, content, at_seconds)
  values (v_s.org_id, v_s.id, v_s.user_id,
          coalesce((select max(seq) from public.user_sim_turns where user_sim_id = v_s.id), 0) + 1,
          p_role, btrim(p_content), round(extract(epoch from now() - v_s.started_at)::numeric, 2))
  returning * into v_turn;
  update public.user_sims
     set tokens_in = tokens_in + greatest(coalesce(p_tokens_in, 0), 0),
         tokens_out = tokens_out + greatest(coalesce(p_tokens_out, 0), 0),
         buyer = coalesce(p_buyer, buyer), model = coalesce(p_model, model)
   where id = v_s.id;
  return v_turn;
end;
$$;
comment on function public.record_sim_turn(uuid, text, text, integer, integer, text, text) is
  'Backend only (sims function): appends a turn (rep or buyer) to an active session, with the buyer''s tokens. Errors: SP404, SP409 (ended), SP422 (time is up), SP400.';

create function public.end_sim_session(p_session_id uuid)
returns public.user_sims
language plpgsql
set search_path = ''
as $$
declare
  v_s public.user_sims;
begin
  update public.user_sims set status = 'ended', ended_at = coalesce(ended_at, now())
   where id = p_session_id and status = 'active';
  select * into v_s from public.user_sims where id = p_session_id;
  if v_s.id is null then
    raise exception 'session not found' using errcode = 'SP404';
  end if;
  return v_s;
end;
$$;
comment on function public.end_sim_session(uuid) is 'Backend only (sims function): ends an active session (idempotent); scoring follows.';

create function public.record_sim_score(p_session_id uuid, p jsonb)
returns public.user_sims
language plpgsql
-- security definer: the bookkeeping (provider costs, activities) goes through private helpers no API role may call.
security definer
set search_path = ''
as $$
declare
  v_s public.user_sims;
  v_card public.scorecards;
  v_expected integer;
  v_given integer;
  v_total integer;
  v_agent uuid;
  v_tokens_in integer := greatest(coalesce((p ->> 'tokens_in')::integer, 0), 0);
  v_tokens_out integer := greatest(coalesce((p ->> 'tokens_out')::integer, 0), 0);
begin
  select * into v_s from public.user_sims where id = p_session_id for update;
  if v_s.id is null then
    raise exception 'session not found' using errcode = 'SP404';
  end if;
  if v_s.status = 'scored' then
    return v_s; -- scored already: a retry changes nothing
  end if;
  if v_s.status <> 'ended' then
    raise exception 'end the session before scoring it' using errcode = 'SP409';
  end if;
  select * into v_card from public.scorecards where id = v_s.scorecard_id;
  -- The score is whole or not at all: one valid answer for every item, nothing else.
  select count(*) into v_expected from public.scorecard_items i where i.scorecard_id = v_card.id and not i.archived;
  select count(distinct i.id) into v_given
    from jsonb_array_elements(coalesce(p -> 'items', '[]'::jsonb)) a
    join public.scorecard_items i on i.id = (a ->> 'item_id')::uuid and i.scorecard_id = v_card.id and not i.archived
   where a ->> 'answer' in ('yes', 'no') or (a ->> 'answer' = 'partial' and i.partial_credit);
  if v_given <> v_expected or jsonb_array_length(coalesce(p -> 'items', '[]'::jsonb)) <> v_expected then
    raise exception 'a score needs one valid answer per scorecard item (% of % given)', v_given, v_expected using errcode = 'SP422';
  end if;
  if coalesce(p ->> 'scorer', '') not in ('openai', 'offline') or jsonb_typeof(coalesce(p -> 'tips', '[]'::jsonb)) <> 'array' then
    raise exception 'scorer must be openai or offline, tips an array' using errcode = 'SP400';
  end if;
  insert into public.scorecard_answers (org_id, item_id, user_sim_id, answer, evidence_quote, evidence_time, source, is_current)
  select v_s.org_id, (a ->> 'item_id')::uuid, v_s.id, a ->> 'answer', left(a ->> 'evidence_quote', 1000),
         nullif(a ->> 'evidence_time', '')::numeric, 'ai', true
    from jsonb_array_elements(p -> 'items') a;
  select private.scorecard_total(jsonb_agg(jsonb_build_object('weight', i.weight, 'answer', a.answer)))
    into v_total
    from public.scorecard_answers a join public.scorecard_items i on i.id = a.item_id
   where a.user_sim_id = v_s.id and a.is_current;
  update public.user_sims
     set status = 'scored', scored_at = now(), score = coalesce(v_total, 0), passed = coalesce(v_total, 0) >= v_card.pass_score,
         scorer = p ->> 'scorer', model = coalesce(model, p ->> 'model'), score_error = null,
         tips = (select coalesce(jsonb_agg(left(t #>> '{}', 500)), '[]'::jsonb)
                   from (select t from jsonb_array_elements(coalesce(p -> 'tips', '[]'::jsonb)) t limit 5) x),
         tokens_in = tokens_in + v_tokens_in, tokens_out = tokens_out + v_tokens_out
   where id = v_s.id
  returning * into v_s;
  -- What the LLM cost over the whole session (buyer and scorer), at list price.
  if v_s.buyer = 'openai' or v_s.scorer = 'openai' then
    perform private.add_cost(v_s.org_id, 'openai', coalesce(v_s.model, 'gpt-4o') || ':input_tokens', v_s.tokens_in, 'user_sim', v_s.id, now());
    perform private.add_cost(v_s.org_id, 'openai', coalesce(v_s.model, 'gpt-4o') || ':output_tokens', v_s.tokens_out, 'user_sim', v_s.id, now());
    update public.user_sims
       set cost_usd = (select coalesce(sum(c.cost_usd), 0) from public.provider_costs c where c.source_type = 'user_sim' and c.source_id = v_s.id)
     where id = v_s.id
    returning * into v_s;
  end if;
  -- The session as a sales activity (goals' sim_score averages metadata.score).
  select a.id into v_agent from public.agents a where a.org_id = v_s.org_id and a.user_id = v_s.user_id limit 1;
  insert into public.activities (org_id, agent_id, user_id, type, value, occurred_at, source_type, source_id, title, metadata)
  values (v_s.org_id, v_agent, v_s.user_id, 'sim', 0, v_s.started_at, 'user_sim', v_s.id,
          left('Practice: ' || (select t.name from public.sim_templates t where t.id = v_s.template_id), 200),
          jsonb_build_object('score', v_s.score, 'passed', v_s.passed, 'template_id', v_s.template_id, 'attempt', v_s.attempt))
  on conflict (source_type, source_id) do nothing;
  return v_s;
end;
$$;
comment on function public.record_sim_score(uuid, jsonb) is
  'Backend only (sims function): writes a session''s score in one go — one answer per scorecard item (evidence quote and time), total, pass/fail, tips — then its activity (type sim, metadata.score) and provider costs. Idempotent; refuses partial scores (SP422).';

create function public.note_sim_score_error(p_session_id uuid, p_error text)
returns void
language sql
set search_path = ''
as $$
  update public.user_sims set score_error = left(p_error, 500) where id = p_session_id and status = 'ended';
$$;
comment on function public.note_sim_score_error(uuid, text) is 'Backend only (sims function): why scoring failed (the session stays ended; ending it again retries).';

-- Reading ------------------------------------------------------------------------
create function public.sim_session(p_session_id uuid)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_s public.user_sims;
begin
  perform private.require_user();
  select * into v_s from public.user_sims where id = p_session_id; -- RLS
  if v_s.id is null then
    raise exception 'session not found' using errcode = 'SP404';
  end if;
  return jsonb_build_object(
    'session', to_jsonb(v_s),
    'template', (select to_jsonb(t) from public.sim_templates t where t.id = v_s.template_id),
    'user_name', (select coalesce(p.full_name, p.email) from public.profiles p where p.id = v_s.user_id),
    'turns', (select coalesce(jsonb_agg(jsonb_build_object('seq', t.seq, 'role', t.role, 'content', t.content, 'at_seconds', t.at_seconds)
                                        order by t.seq), '[]'::jsonb)
                from public.user_sim_turns t where t.user_sim_id = v_s.id),
    'scorecard', (select jsonb_build_object('id', c.id, 'name', c.name, 'pass_score', c.pass_score) from public.scorecards c where c.id = v_s.scorecard_id),
    'items', (select coalesce(jsonb_agg(jsonb_build_object(
                 'item_id', i.id, 'key', i.key, 'question', i.question, 'guidance', i.guidance, 'weight', i.weight,
                 'partial_credit', i.partial_credit, 'answer', a.answer, 'evidence_quote', a.evidence_quote, 'evidence_time', a.evidence_time) order by i.position, i.key), '[]'::jsonb)
                from public.scorecard_items i
                left join public.scorecard_answers a on a.item_id = i.id and a.user_sim_id = v_s.id and a.is_current
               where i.scorecard_id = v_s.scorecard_id and not i.archived));
end;
$$;
comment on function public.sim_session(uuid) is
  'A session with its template, turns and (once scored) each scorecard item''s answer and evidence — what the chat and the report show after a reload. Errors: SP401, SP404.';

create function public.sim_leaderboard(p_org_id uuid, p_template_id uuid default null)
returns table (user_id uuid, user_name text, template_id uuid, template_name text, attempts bigint,
               first_score integer, best_score integer, passed boolean, last_at timestamptz)
language sql
stable
set search_path = ''
as $$
  -- RLS: managers see the team, members their own rows.
  select s.user_id, (select coalesce(p.full_name, p.email) from public.profiles p where p.id = s.user_id),
         s.template_id, t.name, count(*),
         (array_agg(s.score order by s.attempt) filter (where s.status = 'scored'))[1],
         max(s.score), bool_or(coalesce(s.passed, false)), max(s.started_at)
    from public.user_sims s join public.sim_templates t on t.id = s.template_id
   where s.org_id = p_org_id and (p_template_id is null or s.template_id = p_template_id)
   group by s.user_id, s.template_id, t.name
   order by max(s.score) desc nulls last, count(*) asc;
$$;
comment on function public.sim_leaderboard(uuid, uuid) is
  'Best score per rep and SIM, with first score and attempts: the team for managers, their own rows for members (RLS).';

create function public.sim_assignments(p_org_id uuid)
returns table (id uuid, template_id uuid, template_name text, user_id uuid, user_name text, due_at timestamptz,
               min_attempts integer, focus_keys text[], attempts bigint, scored bigint, best_score integer, status text)
language sql
stable
set search_path = ''
as $$
  -- RLS: managers see the organization's assignments, members their own.
  select a.id, a.template_id, t.name, a.user_id, (select coalesce(p.full_name, p.email) from public.profiles p where p.id = a.user_id),
         a.due_at, a.min_attempts, a.focus_keys, count(s.id), count(s.id) filter (where s.status = 'scored'), max(s.score),
         case
           when count(s.id) filter (where s.status = 'scored') >= a.min_attempts and bool_or(coalesce(s.passed, false)) then 'completed'
           when a.due_at is not null and a.due_at < now() then 'past_due'
           when count(s.id) filter (where s.status = 'scored') >= a.min_attempts
                or (t.max_attempts is not null and count(s.id) >= t.max_attempts) then 'did_not_pass'
           when count(s.id) = 0 then 'not_started'
           else 'in_progress'
         end
    from public.sims a
    join public.sim_templates t on t.id = a.template_id
    left join public.user_sims s on s.user_id = a.user_id and s.template_id = a.template_id and s.started_at >= a.created_at
   where a.org_id = p_org_id
   group by a.id, t.id
   order by a.due_at nulls last, a.created_at;
$$;
comment on function public.sim_assignments(uuid) is
  'Assignments with progress and status: completed (min attempts scored, one passed), past_due, did_not_pass (attempts used without a pass), not_started, in_progress. Sessions count from the assignment on.';

create function public.duplicate_sim_template(p_template_id uuid)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  v_id uuid;
begin
  perform private.require_user();
  -- Invoker rights: RLS decides who may read the original and insert the copy.
  insert into public.sim_templates (org_id, name, persona_name, persona_role, company, temperament, difficulty, scenario,
                                    objectives, objections, scorecard_id, time_limit_minutes, max_attempts)
  select org_id, left('Copy of ' || name, 200), persona_name, persona_role, company, temperament, difficulty, scenario,
         objectives, objections, scorecard_id, time_limit_minutes, max_attempts
    from public.sim_templates where id = p_template_id
  returning id into v_id;
  if v_id is null then
    raise exception 'SIM not found' using errcode = 'SP404';
  end if;
  return v_id;
end;
$$;
comment on function public.duplicate_sim_template(uuid) is 'Managers copy a SIM template (built-in or their own) to edit it. Errors: SP401, SP404, 42501 (not a manager).';

-- Grants -----------------------------------------------------------------------
revoke execute on function private.seed_sim_library(uuid) from public, anon, authenticated;
revoke execute on function private.sim_sessions_used(uuid) from public, anon, authenticated;
revoke execute on function public.start_sim_session(uuid, uuid) from public, anon;
grant execute on function public.start_sim_session(uuid, uuid) to authenticated;
revoke execute on function public.record_sim_turn(uuid, text, text, integer, integer, text, text) from public, anon, authenticated;
grant execute on function public.record_sim_turn(uuid, text, text, integer, integer, text, text) to service_role;
revoke execute on function public.end_sim_session(uuid) from public, anon, authenticated;
grant execute on function public.end_sim_session(uuid) to service_role;
revoke execute on function public.record_sim_score(uuid, jsonb) from public, anon, authenticated;
grant execute on function public.record_sim_score(uuid, jsonb) to service_role;
revoke execute on function public.note_sim_score_error(uuid, text) from public, anon, authenticated;
grant execute on function public.note_sim_score_error(uuid, text) to service_role;
revoke execute on function public.sim_session(uuid) from public, anon;
grant execute on function public.sim_session(uuid) to authenticated;
revoke execute on function public.sim_leaderboard(uuid, uuid) from public, anon;
grant execute on function public.sim_leaderboard(uuid, uuid) to authenticated;
revoke execute on function public.sim_assignments(uuid) from public, anon;
grant execute on function public.sim_assignments(uuid) to authenticated;
revoke execute on function public.duplicate_sim_template(uuid) from public, anon;
grant execute on function public.duplicate_sim_template(uuid) to authenticated;

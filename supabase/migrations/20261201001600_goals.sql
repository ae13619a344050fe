-- Goals: a target for a metric over a period, for one member or agent, a
-- team (a set of agents), or the whole organization. Progress is computed
-- live in SQL from calls, insights and activities, with pace; a pg_cron job
-- closes finished periods into goal_snapshots and rolls recurring goals over.
--
-- Periods are calendar dates in the organization's time zone; period_end is
-- inclusive. Rates (conversion_rate 0..1) and averages (script_adherence and
-- sim_score, 0..100) are compared with their target as they stand; counts
-- and sums are paced linearly over the period's days.

-- Types ------------------------------------------------------------------------
create type public.goal_metric as enum (
  'calls_handled', 'analyzed_calls', 'conversions', 'conversion_rate', 'upsell_revenue',
  'activities', 'sim_score', 'script_adherence', 'referrals_won');
comment on type public.goal_metric is
  'calls_handled: calls started (not orphaned); analyzed_calls, conversions, conversion_rate (0..1), upsell_revenue, script_adherence (avg 0..100): current insights of those calls; activities: activities of goals.activity_type; sim_score: average score of scored SIM sessions (user_sims; each writes a type-sim activity with metadata.score); referrals_won: referral steps to won.';

create type public.goal_period as enum ('week', 'month', 'quarter', 'custom');
comment on type public.goal_period is 'week (ISO, from Monday), month, quarter, or a custom date range (at most 366 days).';

create type public.goal_scope as enum ('member', 'team', 'organization');
comment on type public.goal_scope is
  'member: one member (user_id) and/or agent (agent_id); team: the agents in goal_members, summed; organization: everything in the organization.';

-- Tables -----------------------------------------------------------------------
create table public.goals (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 200),
  metric public.goal_metric not null,
  activity_type text check (activity_type in ('call', 'email', 'meeting', 'demo', 'proposal', 'follow_up', 'note', 'sim', 'referral')),
  scope public.goal_scope not null,
  user_id uuid references auth.users (id) on delete cascade,
  agent_id uuid references public.agents (id) on delete cascade,
  target numeric(14, 4) not null check (target > 0),
  period public.goal_period not null,
  period_start date not null,
  period_end date not null,
  recurring boolean not null default false,
  closed_at timestamptz,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (period_end >= period_start and period_end - period_start <= 366),
  check (not (recurring and period = 'custom')),
  check ((metric = 'activities') = (activity_type is not null)),
  check ((scope = 'member') = (user_id is not null or agent_id is not null))
);
comment on table public.goals is
  'Targets for a metric over a period (the current one for recurring goals). Owners, admins and managers write; agents read their own goals and the team and organization goals they count toward. Progress: goal_progress(); history: goal_snapshots.';

create table public.goal_members (
  goal_id uuid not null references public.goals (id) on delete cascade,
  agent_id uuid not null references public.agents (id) on delete cascade,
  org_id uuid not null references public.organizations (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (goal_id, agent_id)
);
comment on table public.goal_members is 'The agents whose work counts toward a team goal.';

create table public.goal_snapshots (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  -- The snapshot outlives an edited or deleted goal: everything it describes is copied.
  goal_id uuid references public.goals (id) on delete set null,
  name text not null,
  metric public.goal_metric not null,
  activity_type text,
  scope public.goal_scope not null,
  user_id uuid references auth.users (id) on delete set null,
  agent_id uuid references public.agents (id) on delete set null,
  member_agent_ids uuid[] not null default '{}',
  target numeric(14, 4) not null,
  period public.goal_period not null,
  period_start date not null,
  period_end date not null,
  actual numeric,
  sample_size bigint not null,
  status text not null check (status in ('reached', 'missed', 'no_data')),
  closed_at timestamptz not null default now(),
  unique (goal_id, period_start)
);
comment on table public.goal_snapshots is
  'One row per goal and finished period, written by the close-goal-periods cron job (private.close_goal_periods): the target and result as they were, so history survives later edits. Read-only for everyone.';

-- Indexes ------------------------------------------------------------------------
create index goals_org_id_idx on public.goals (org_id, period_end);
create index goals_user_id_idx on public.goals (user_id);
create index goals_agent_id_idx on public.goals (agent_id);
create index goals_created_by_idx on public.goals (created_by);
create index goals_open_idx on public.goals (period_end) where closed_at is null;
create index goal_members_agent_id_idx on public.goal_members (agent_id);
create index goal_members_org_id_idx on public.goal_members (org_id);
create index goal_snapshots_org_id_idx on public.goal_snapshots (org_id, period_end desc);
create index goal_snapshots_user_id_idx on public.goal_snapshots (user_id);
create index goal_snapshots_agent_id_idx on public.goal_snapshots (agent_id);
-- Progress reads the current insight of each call in the period without the heap.
create index insights_current_measures_idx on public.insights (call_id)
  include (converted, upsell_amount, adherence_score, sentiment_score) where is_current;

-- Triggers -----------------------------------------------------------------------
create function private.goal_period_end(p_period public.goal_period, p_start date)
returns date
language sql
immutable
set search_path = ''
as $$
  select (p_start + case p_period when 'week' then interval '7 days' when 'month' then interval '1 month'
                                  else interval '3 months' end)::date - 1;
$$;
comment on function private.goal_period_end(public.goal_period, date) is 'Last day of the week, month or quarter that starts on p_start.';

create function private.normalize_goal()
returns trigger
language plpgsql
-- security definer: checks that the goal's member/agent belongs to its
-- organization whatever the caller may read.
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    new.org_id := old.org_id;
  end if;
  -- An API caller who does not manage the organization learns nothing here:
  -- the RLS check that follows refuses the row.
  if current_setting('role', true) = 'authenticated'
     and not private.has_org_role(new.org_id, array['owner', 'admin', 'manager']::public.org_role[]) then
    return new;
  end if;
  perform private.bounded_text(new.name, 200, 'name');
  if char_length(btrim(coalesce(new.name, ''))) = 0 then
    raise exception 'name is required' using errcode = 'SP400';
  end if;
  if new.target is null or new.target <= 0 or new.target > 1e12 then
    raise exception 'target must be positive' using errcode = 'SP400';
  end if;
  if new.metric = 'conversion_rate' and new.target > 1 then
    raise exception 'a conversion rate target is a fraction between 0 and 1' using errcode = 'SP400';
  end if;
  if new.metric in ('script_adherence', 'sim_score') and new.target > 100 then
    raise exception 'score targets are between 0 and 100' using errcode = 'SP400';
  end if;
  if (new.metric = 'activities') <> (new.activity_type is not null) then
    raise exception 'activity_type is required for (and only for) the activities metric' using errcode = 'SP400';
  end if;
  if new.scope = 'member' and (tg_op = 'INSERT' or new.user_id is distinct from old.user_id
                                or new.agent_id is distinct from old.agent_id or new.scope is distinct from old.scope) then
    if new.user_id is null and new.agent_id is null then
      raise exception 'a member goal needs user_id or agent_id' using errcode = 'SP400';
    end if;
    if new.user_id is not null and not exists (
      select 1 from public.memberships m where m.org_id = new.org_id and m.user_id = new.user_id) then
      raise exception 'that user is not a member of the organization' using errcode = 'SP422';
    end if;
    if new.agent_id is not null and not exists (
      select 1 from public.agents a where a.id = new.agent_id and a.org_id = new.org_id) then
      raise exception 'that agent is not in the organization' using errcode = 'SP422';
    end if;
  elsif new.scope <> 'member' then
    new.user_id := null;
    new.agent_id := null;
  end if;
  if new.period_start is null then
    raise exception 'period_start is required' using errcode = 'SP400';
  end if;
  if new.period = 'custom' then
    if new.recurring then
      raise exception 'custom periods do not recur' using errcode = 'SP400';
    end if;
    if new.period_end is null or new.period_end < new.period_start or new.period_end - new.period_start > 366 then
      raise exception 'a custom period ends on or after its start, within 366 days' using errcode = 'SP400';
    end if;
  else
    new.period_start := date_trunc(new.period::text, new.period_start::timestamp)::date;
    new.period_end := private.goal_period_end(new.period, new.period_start);
  end if;
  return new;
end;
$$;
comment on function private.normalize_goal() is
  'BEFORE INSERT/UPDATE on goals: bounded name (SP400), sane targets, a member/agent of the organization (SP422), periods snapped to the week/month/quarter that contains period_start.';
create trigger goals_normalize before insert or update on public.goals
  for each row execute function private.normalize_goal();
create trigger goals_updated_at before update on public.goals
  for each row execute function private.set_updated_at();
create trigger goals_created_by before insert or update on public.goals
  for each row execute function private.set_created_by();
create trigger goals_audit after insert or update or delete on public.goals
  for each row execute function private.audit_row();

create function private.check_goal_member()
returns trigger
language plpgsql
-- security definer: reads the goal and agent regardless of the caller's RLS.
security definer
set search_path = ''
as $$
begin
  new.org_id := (select g.org_id from public.goals g where g.id = new.goal_id and g.scope = 'team');
  if new.org_id is null then
    -- no such team goal: for an API caller RLS refuses the row (learning nothing)
    if current_setting('role', true) = 'authenticated' then
      return new;
    end if;
    raise exception 'members are added to team goals only' using errcode = 'SP422';
  end if;
  if current_setting('role', true) = 'authenticated'
     and not private.has_org_role(new.org_id, array['owner', 'admin', 'manager']::public.org_role[]) then
    return new;
  end if;
  if not exists (select 1 from public.agents a where a.id = new.agent_id and a.org_id = new.org_id) then
    raise exception 'that agent is not in the organization' using errcode = 'SP422';
  end if;
  return new;
end;
$$;
comment on function private.check_goal_member() is 'BEFORE INSERT on goal_members: a team goal, an agent of the same organization; org_id follows the goal.';
create trigger goal_members_check before insert or update on public.goal_members
  for each row execute function private.check_goal_member();
create trigger goal_members_audit after insert or update or delete on public.goal_members
  for each row execute function private.audit_row();

-- RLS helpers --------------------------------------------------------------------
create function private.my_goal_ids()
returns setof uuid
language sql
stable
-- security definer: reads goals, goal_members and agents without re-entering RLS.
security definer
set search_path = ''
as $$
  -- Goals the caller counts toward, in organizations they are a member of now:
  -- their own, the teams their agent is in, and the organization's.
  select g.id
    from public.goals g
    join public.memberships m on m.org_id = g.org_id and m.user_id = (select auth.uid())
   where g.scope = 'organization'
      or g.user_id = m.user_id
      or g.agent_id in (select a.id from public.agents a where a.user_id = m.user_id and a.org_id = g.org_id)
      or (g.scope = 'team' and exists (
            select 1 from public.goal_members gm join public.agents a on a.id = gm.agent_id
             where gm.goal_id = g.id and a.user_id = m.user_id));
$$;
comment on function private.my_goal_ids() is
  'Goals the caller counts toward (own member goals, team goals with their agent, organization goals), live members only.';

-- RLS ------------------------------------------------------------------------
alter table public.goals enable row level security;
alter table public.goal_members enable row level security;
alter table public.goal_snapshots enable row level security;

create policy "Managers read all goals; members the goals they count toward" on public.goals
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or id in (select private.my_goal_ids())
         or (select private.is_platform_admin()));
create policy "Managers set goals" on public.goals
  for insert to authenticated
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Managers edit goals" on public.goals
  for update to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])))
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Managers delete goals" on public.goals
  for delete to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));

create policy "Readers of a goal read its members" on public.goal_members
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or goal_id in (select private.my_goal_ids())
         or (select private.is_platform_admin()));
create policy "Managers add team members to goals" on public.goal_members
  for insert to authenticated
  with check (goal_id in (select g.id from public.goals g
                           where g.org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])))
              and org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Managers remove team members from goals" on public.goal_members
  for delete to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));

create policy "Readers of a goal read its history; managers all of it" on public.goal_snapshots
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or goal_id in (select private.my_goal_ids())
         or (select private.is_platform_admin()));

revoke all on public.goals, public.goal_members, public.goal_snapshots from anon, authenticated;
grant select, delete on public.goals to authenticated;
grant insert (org_id, name, metric, activity_type, scope, user_id, agent_id, target, period, period_start, period_end, recurring),
      update (name, metric, activity_type, scope, user_id, agent_id, target, period, period_start, period_end, recurring)
  on public.goals to authenticated;
grant select, insert (goal_id, agent_id), delete on public.goal_members to authenticated;
grant select on public.goal_snapshots to authenticated;

-- Functions ----------------------------------------------------------------------

-- The measurement, for the backend and the definer entry points below only:
-- it reads every row of the organization it is given.
create function private.goal_measure_raw(
  p_org_id uuid, p_metric public.goal_metric, p_activity_type text,
  p_agent_ids uuid[], p_user_ids uuid[], p_from timestamptz, p_to timestamptz)
returns table (actual numeric, sample_size bigint)
language sql
stable
set search_path = ''
as $$
  with c as (
    select c.id from public.calls c
     where p_metric in ('calls_handled', 'analyzed_calls', 'conversions', 'conversion_rate', 'upsell_revenue', 'script_adherence')
       and c.org_id = p_org_id and c.started_at >= p_from and c.started_at < p_to
       and c.status <> 'orphaned'
       and (p_agent_ids is null or c.agent_id = any (p_agent_ids))
  ), i as (
    select i.converted, i.upsell_amount, i.adherence_score
      from c join public.insights i on i.call_id = c.id and i.is_current
     where p_metric <> 'calls_handled'
  ), a as (
    select a.type, a.metadata from public.activities a
     where p_metric in ('activities', 'sim_score', 'referrals_won')
       and a.org_id = p_org_id and a.occurred_at >= p_from and a.occurred_at < p_to
       and a.type = case p_metric when 'activities' then p_activity_type when 'sim_score' then 'sim' else 'referral' end
       and (p_agent_ids is null or a.agent_id = any (p_agent_ids) or a.user_id = any (p_user_ids))
  )
  select case p_metric
           when 'calls_handled' then (select count(*) from c)::numeric
           when 'analyzed_calls' then (select count(*) from i)::numeric
           when 'conversions' then (select count(*) filter (where converted) from i)::numeric
           when 'conversion_rate' then (select round(avg(case when converted then 1.0 else 0.0 end), 4) from i)
           when 'upsell_revenue' then (select coalesce(sum(upsell_amount), 0) from i)
           when 'script_adherence' then (select round(avg(adherence_score), 1) from i)
           when 'activities' then (select count(*) from a)::numeric
           when 'sim_score' then (select round(avg((metadata ->> 'score')::numeric), 1) from a
                                   where jsonb_typeof(metadata -> 'score') = 'number')
           when 'referrals_won' then (select count(*) from a where metadata ->> 'to_status' = 'won')::numeric
         end,
         case p_metric
           when 'calls_handled' then (select count(*) from c)
           when 'script_adherence' then (select count(adherence_score) from i)
           when 'sim_score' then (select count(*) from a where jsonb_typeof(metadata -> 'score') = 'number')
           when 'activities' then (select count(*) from a)
           when 'referrals_won' then (select count(*) from a where metadata ->> 'to_status' = 'won')
           else (select count(*) from i)
         end;
$$;
comment on function private.goal_measure_raw(uuid, public.goal_metric, text, uuid[], uuid[], timestamptz, timestamptz) is
  'A metric over [p_from, p_to) for an organization, optionally only for some agents (and, for activities, their users); actual and the number of rows it rests on. No access check: callers check.';

create function private.goal_subject(p_goal public.goals, out agent_ids uuid[], out user_ids uuid[])
language sql
stable
set search_path = ''
as $$
  select case p_goal.scope
           when 'organization' then null
           when 'team' then coalesce((select array_agg(gm.agent_id) from public.goal_members gm where gm.goal_id = p_goal.id), '{}')
           else coalesce((select array_agg(a.id) from public.agents a
                           where a.org_id = p_goal.org_id and (a.id = p_goal.agent_id or a.user_id = p_goal.user_id)), '{}')
         end,
         case p_goal.scope
           when 'organization' then null
           when 'team' then coalesce((select array_agg(a.user_id) from public.goal_members gm join public.agents a on a.id = gm.agent_id
                                       where gm.goal_id = p_goal.id and a.user_id is not null), '{}')
           else coalesce((select array_agg(distinct u) from (
                            select p_goal.user_id as u
                            union select a.user_id from public.agents a where a.id = p_goal.agent_id) s
                          where u is not null), '{}')
         end;
$$;
comment on function private.goal_subject(public.goals) is
  'Whose work a goal counts: the agents (and their users) of a member or team goal; null for the whole organization.';

create function private.org_today(p_org_id uuid)
returns date
language sql
stable
set search_path = ''
as $$
  select (now() at time zone coalesce((select o.time_zone from public.organizations o where o.id = p_org_id), 'UTC'))::date;
$$;
comment on function private.org_today(uuid) is 'Today''s date in the organization''s time zone.';

create function private.goal_window(p_org_id uuid, p_start date, p_end date, out from_ts timestamptz, out to_ts timestamptz)
language sql
stable
set search_path = ''
as $$
  select (p_start::timestamp at time zone tz), ((p_end + 1)::timestamp at time zone tz)
    from (select coalesce((select o.time_zone from public.organizations o where o.id = p_org_id), 'UTC') as tz) z;
$$;
comment on function private.goal_window(uuid, date, date) is 'The instants [from, to) that the dates p_start..p_end (inclusive) cover in the organization''s time zone.';

create function private.goal_status(p_metric public.goal_metric, p_target numeric, p_actual numeric, p_expected numeric)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when p_actual is null then 'no_data'
    when p_actual >= p_target then 'reached'
    when p_actual >= p_expected then 'on_track'
    else 'behind'
  end;
$$;
comment on function private.goal_status(public.goal_metric, numeric, numeric, numeric) is
  'reached (actual >= target), on_track (actual >= expected at this date), behind; no_data when a rate or average has no sample yet.';

create function private.goal_measure(p_goal_id uuid, p_as_of date default null)
returns table (actual numeric, sample_size bigint, expected numeric, days_elapsed integer, days_total integer, status text)
language plpgsql
stable
-- security definer: team and organization totals count calls and activities
-- the caller may not read row by row (an agent sees the team's total, not
-- its members' calls). Answers only for goals the caller may read.
security definer
set search_path = ''
as $$
declare
  g public.goals;
  s record;
  w record;
  v_today date;
  v_elapsed integer;
  v_total integer;
  v_expected numeric;
  v_actual numeric;
  v_n bigint;
begin
  select * into g from public.goals where id = p_goal_id;
  if g.id is null
     or not (private.has_org_role(g.org_id, array['owner', 'admin', 'manager']::public.org_role[])
             or g.id in (select private.my_goal_ids())
             or private.is_platform_admin()) then
    return;
  end if;
  v_today := coalesce(p_as_of, private.org_today(g.org_id));
  s := private.goal_subject(g);
  w := private.goal_window(g.org_id, g.period_start, least(g.period_end, greatest(v_today, g.period_start - 1)));
  if v_today < g.period_start then
    v_actual := case when g.metric in ('conversion_rate', 'script_adherence', 'sim_score') then null else 0 end;
    v_n := 0;
  else
    select m.actual, m.sample_size into v_actual, v_n
      from private.goal_measure_raw(g.org_id, g.metric, g.activity_type, s.agent_ids, s.user_ids, w.from_ts, w.to_ts) m;
  end if;
  v_total := g.period_end - g.period_start + 1;
  v_elapsed := least(greatest(v_today - g.period_start + 1, 0), v_total);
  v_expected := case
    when g.metric in ('conversion_rate', 'script_adherence', 'sim_score') then g.target
    else round(g.target * v_elapsed / v_total, 2)
  end;
  return query select v_actual, v_n, v_expected, v_elapsed, v_total, private.goal_status(g.metric, g.target, v_actual, v_expected);
end;
$$;
comment on function private.goal_measure(uuid, date) is
  'Progress of one goal the caller may read, as of p_as_of (default: today in the organization''s time zone): actual up to that day, expected pace, status.';

create function public.goal_progress(p_as_of date default null, p_user_id uuid default null, p_include_closed boolean default false)
returns table (goal_id uuid, name text, metric public.goal_metric, activity_type text, scope public.goal_scope,
               user_id uuid, agent_id uuid, subject_name text, member_agent_ids uuid[], period public.goal_period,
               period_start date, period_end date, recurring boolean, closed boolean, target numeric, actual numeric,
               sample_size bigint, expected numeric, percent numeric, pace numeric, projected numeric,
               days_elapsed integer, days_total integer, status text)
language sql
stable
set search_path = ''
as $$
  select g.id, g.name, g.metric, g.activity_type, g.scope, g.user_id, g.agent_id,
         case g.scope when 'organization' then o.name when 'team' then 'Team'
              else coalesce(p.full_name, p.email, ag.name) end,
         coalesce((select array_agg(gm.agent_id order by gm.agent_id) from public.goal_members gm where gm.goal_id = g.id), '{}'),
         g.period, g.period_start, g.period_end, g.recurring, g.closed_at is not null, g.target,
         m.actual, m.sample_size, m.expected,
         round(100 * m.actual / g.target, 1),
         -- actual / expected: 1 = exactly on pace
         case when m.expected > 0 then round(m.actual / m.expected, 3) end,
         -- counts and sums, extrapolated linearly to the end of the period
         case when g.metric in ('conversion_rate', 'script_adherence', 'sim_score') then m.actual
              when m.days_elapsed > 0 then round(m.actual * m.days_total / m.days_elapsed, 2) end,
         m.days_elapsed, m.days_total, m.status
    from public.goals g
    join public.organizations o on o.id = g.org_id
    left join public.profiles p on p.id = g.user_id
    left join public.agents ag on ag.id = g.agent_id
    cross join lateral private.goal_measure(g.id, p_as_of) m
   where g.org_id = any (array(select private.scope_org_ids()))
     and (p_include_closed or g.closed_at is null)
     and (p_user_id is null or g.user_id = p_user_id
          or g.agent_id in (select a.id from public.agents a where a.user_id = p_user_id))
   order by g.period_end, g.scope, g.name, g.id;
$$;
comment on function public.goal_progress(date, uuid, boolean) is
  'The goals screen: every goal of the caller''s current organization the caller may read (managers all; agents their own, their teams'' and the organization''s), with live progress as of p_as_of (default today, organization time zone): actual, sample_size (rows it rests on), expected (target × elapsed days / period days for counts and sums; the target itself for rates and averages), percent of target, pace (actual / expected), projected end-of-period value, status reached | on_track | behind | no_data. p_user_id narrows to one member''s own goals; closed (finished, non-recurring) goals only with p_include_closed.';

create function public.goal_summary(p_limit integer default 5)
returns jsonb
language sql
stable
set search_path = ''
as $$
  with gp as (select * from public.goal_progress())
  select jsonb_build_object(
    'total', (select count(*) from gp),
    'reached', (select count(*) from gp where status = 'reached'),
    'on_track', (select count(*) from gp where status = 'on_track'),
    'behind', (select count(*) from gp where status = 'behind'),
    'goals', coalesce((
      select jsonb_agg(jsonb_build_object('goal_id', goal_id, 'name', name, 'metric', metric, 'subject_name', subject_name,
                                          'target', target, 'actual', actual, 'expected', expected, 'percent', percent,
                                          'status', status, 'period_end', period_end) order by o)
        from (select gp.*, row_number() over (order by case status when 'behind' then 0 when 'on_track' then 1 else 2 end,
                                                       period_end, name) as o from gp) x
       where o <= least(greatest(coalesce(p_limit, 5), 1), 20)), '[]'::jsonb));
$$;
comment on function public.goal_summary(integer) is
  'The dashboard''s goal widget: counts of open goals by status and the p_limit (at most 20) most urgent ones (behind first) with target, actual, expected and percent. Same visibility as goal_progress.';

-- pg_cron: close finished periods --------------------------------------------------
create function private.close_goal_periods(p_today date default null)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  g public.goals;
  s record;
  w record;
  m record;
  v_today date;
  v_closed integer := 0;
begin
  for g in select * from public.goals where closed_at is null and period_end < coalesce(p_today, current_date + 1)
           order by id for update skip locked loop
    v_today := coalesce(p_today, private.org_today(g.org_id));
    -- A recurring goal that was not closed for several periods closes each of them.
    while g.period_end < v_today loop
      s := private.goal_subject(g);
      w := private.goal_window(g.org_id, g.period_start, g.period_end);
      select * into m from private.goal_measure_raw(g.org_id, g.metric, g.activity_type, s.agent_ids, s.user_ids, w.from_ts, w.to_ts);
      insert into public.goal_snapshots (org_id, goal_id, name, metric, activity_type, scope, user_id, agent_id, member_agent_ids,
                                         target, period, period_start, period_end, actual, sample_size, status)
      values (g.org_id, g.id, g.name, g.metric, g.activity_type, g.scope, g.user_id, g.agent_id,
              coalesce((select array_agg(gm.agent_id order by gm.agent_id) from public.goal_members gm where gm.goal_id = g.id), '{}'),
              g.target, g.period, g.period_start, g.period_end, m.actual, m.sample_size,
              case when m.actual is null then 'no_data' when m.actual >= g.target then 'reached' else 'missed' end)
      on conflict (goal_id, period_start) do nothing;
      if found then
        v_closed := v_closed + 1;
      end if;
      if not g.recurring then
        update public.goals set closed_at = now() where id = g.id;
        exit;
      end if;
      g.period_start := g.period_end + 1;
      g.period_end := private.goal_period_end(g.period, g.period_start);
      update public.goals set period_start = g.period_start where id = g.id;
    end loop;
  end loop;
  return v_closed;
end;
$$;
comment on function private.close_goal_periods(date) is
  'pg_cron (hourly): for every goal whose period ended before today (its organization''s time zone, or p_today), writes the period''s snapshot once and then closes the goal, or — recurring — moves it to the next period (repeatedly, if runs were missed). Idempotent: a snapshot exists at most once per goal and period.';

-- Grants --------------------------------------------------------------------------
grant execute on function private.my_goal_ids() to authenticated;
grant execute on function private.goal_measure(uuid, date) to authenticated;
revoke execute on function public.goal_progress(date, uuid, boolean) from public, anon;
grant execute on function public.goal_progress(date, uuid, boolean) to authenticated;
revoke execute on function public.goal_summary(integer) from public, anon;
grant execute on function public.goal_summary(integer) to authenticated;

select cron.schedule('close-goal-periods', '17 * * * *', 'select private.close_goal_periods()');

-- Manager dashboard: KPI, trend and leaderboard RPCs (one round trip per
-- widget, under the caller's RLS), scoped to the caller's current
-- organization.
--
-- Dashboard at scale: per-agent per-day aggregates of calls and their current
-- insights, maintained incrementally by statement-level triggers, so the KPI,
-- trend and leaderboard RPCs read a few thousand rows instead of every call.
-- Days are UTC calendar days of calls.started_at (the RPCs' p_from/p_to).
-- The aggregates are sums and counts only, so each change is a delta: remove
-- the old rows' contribution, add the new rows'. Averages are sum / n.

-- Dashboard RPCs (security invoker: RLS decides what is counted) -----------------
-- They describe the caller's current organization (profiles.current_org_id,
-- the org switcher) so someone in several organizations never sees them mixed;
-- without a current organization (staff), everything RLS lets them see.

create function private.scope_org_ids()
returns setof uuid
language sql
stable
-- security definer: reads the caller's profile and the organization ids;
-- RLS on the queried tables still decides what is visible.
security definer
set search_path = ''
as $$
  with cur as (select p.current_org_id from public.profiles p
                where p.id = (select auth.uid()) and p.current_org_id is not null)
  select current_org_id from cur
  union all
  select o.id from public.organizations o where not exists (select 1 from cur);
$$;
comment on function private.scope_org_ids() is
  'The organizations dashboards describe: the caller''s current one, or (without one) every organization — RLS narrows it further. Used as org_id = any (array(select private.scope_org_ids())) so the index on org_id applies.';
grant execute on function private.scope_org_ids() to authenticated;

create table public.call_stats_daily (
  org_id uuid not null references public.organizations (id) on delete cascade,
  -- The call's agent; the nil uuid stands for "no agent" (calls not yet
  -- attributed) so the key can be a plain primary key.
  agent_id uuid not null,
  day date not null,
  calls integer not null default 0,
  in_pipeline integer not null default 0,
  failed integer not null default 0,
  analyzed integer not null default 0,
  converted integer not null default 0,
  upsell_revenue numeric(14, 2) not null default 0,
  sentiment_sum numeric(14, 3) not null default 0,
  sentiment_n integer not null default 0,
  adherence_sum bigint not null default 0,
  adherence_n integer not null default 0,
  primary key (org_id, day, agent_id)
);
comment on table public.call_stats_daily is
  'Per organization, agent and UTC day: calls (by pipeline state) and the sums of their current insights. Written only by triggers on calls and insights; dashboards read it.';
create index call_stats_daily_agent_day_idx on public.call_stats_daily (agent_id, day);

-- Contributions: a call's part (counted once per call) and its current
-- insight's part, each signed (+1 added, -1 removed) --------------------------------
create type private.call_stat as (
  org_id uuid, agent_id uuid, day date, calls integer, in_pipeline integer, failed integer, analyzed integer,
  converted integer, upsell_revenue numeric, sentiment_sum numeric, sentiment_n integer, adherence_sum bigint, adherence_n integer
);
comment on type private.call_stat is 'One signed contribution to a call_stats_daily row.';

create function private.call_part(c public.calls, p_sign integer)
returns private.call_stat
language sql
immutable
set search_path = ''
as $$
  select row(c.org_id, coalesce(c.agent_id, '00000000-0000-0000-0000-000000000000'), (c.started_at at time zone 'UTC')::date,
             p_sign,
             p_sign * case when c.status in ('in_progress', 'received', 'transcribing', 'analyzing') then 1 else 0 end,
             p_sign * case when c.status = 'failed' then 1 else 0 end,
             0, 0, 0, 0, 0, 0, 0)::private.call_stat;
$$;

create function private.insight_part(c public.calls, i public.insights, p_sign integer)
returns private.call_stat
language sql
immutable
set search_path = ''
as $$
  select row(c.org_id, coalesce(c.agent_id, '00000000-0000-0000-0000-000000000000'), (c.started_at at time zone 'UTC')::date,
             0, 0, 0, p_sign, p_sign * case when i.converted then 1 else 0 end, p_sign * i.upsell_amount,
             p_sign * i.sentiment_score, p_sign,
             p_sign * coalesce(i.adherence_score, 0), p_sign * case when i.adherence_score is null then 0 else 1 end)::private.call_stat;
$$;

-- Contributions that cancel out (a call moving between pipeline states that
-- count the same: in_progress → received → transcribing → analyzing are all
-- `in_pipeline`) upsert nothing: such a change would otherwise lock the
-- agent's row of the day until commit, and concurrent recording webhooks and
-- analyses of one agent's calls would wait for each other on it.
create function private.call_stats_add(p_parts private.call_stat[])
returns void
language sql
-- security definer: the aggregates are written by triggers on behalf of
-- whoever changed a call or an insight (workers, RPCs); nobody else writes.
security definer
set search_path = ''
as $$
  insert into public.call_stats_daily as s (org_id, agent_id, day, calls, in_pipeline, failed, analyzed, converted,
                                            upsell_revenue, sentiment_sum, sentiment_n, adherence_sum, adherence_n)
  select p.org_id, p.agent_id, p.day, sum(p.calls), sum(p.in_pipeline), sum(p.failed), sum(p.analyzed), sum(p.converted),
         sum(p.upsell_revenue), sum(p.sentiment_sum), sum(p.sentiment_n), sum(p.adherence_sum), sum(p.adherence_n)
    from unnest(p_parts) p
   where p.org_id is not null
   group by p.org_id, p.day, p.agent_id
  -- Nothing to add: the row is left alone (and unlocked).
  having (sum(p.calls), sum(p.in_pipeline), sum(p.failed), sum(p.analyzed), sum(p.converted), sum(p.upsell_revenue),
          sum(p.sentiment_sum), sum(p.sentiment_n), sum(p.adherence_sum), sum(p.adherence_n))
         is distinct from (0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::numeric, 0::numeric, 0::bigint, 0::numeric, 0::bigint)
   -- Rows locked in key order, so concurrent writers cannot deadlock.
   order by p.org_id, p.day, p.agent_id
  on conflict (org_id, day, agent_id) do update set
    calls = s.calls + excluded.calls,
    in_pipeline = s.in_pipeline + excluded.in_pipeline,
    failed = s.failed + excluded.failed,
    analyzed = s.analyzed + excluded.analyzed,
    converted = s.converted + excluded.converted,
    upsell_revenue = s.upsell_revenue + excluded.upsell_revenue,
    sentiment_sum = s.sentiment_sum + excluded.sentiment_sum,
    sentiment_n = s.sentiment_n + excluded.sentiment_n,
    adherence_sum = s.adherence_sum + excluded.adherence_sum,
    adherence_n = s.adherence_n + excluded.adherence_n;
$$;
comment on function private.call_stats_add(private.call_stat[]) is
  'Adds signed contributions to call_stats_daily, summed per organization, day and agent (calls without an organization are not counted; sums that cancel out touch nothing).';

-- Triggers ------------------------------------------------------------------------
-- Calls: the trigger asks first whether any call moved between aggregate rows
-- or buckets (organization, agent, UTC day, and in pipeline / failed /
-- other — the only parts of a call that count); a change that moved none (a
-- recording callback, a step of the pipeline, a new transcript status) returns
-- at once, without building or adding contributions.
create function private.call_stats_on_calls()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_moved uuid[];
begin
  if tg_op = 'INSERT' then
    if not exists (select 1 from new_rows n where n.org_id is not null) then
      return null;
    end if;
    perform private.call_stats_add(array(
      select private.call_part(n, 1) from new_rows n
      union all
      select private.insight_part(n, i, 1) from new_rows n join public.insights i on i.call_id = n.id and i.is_current));
    return null;
  end if;
  select array_agg(o.id) into v_moved
    from old_rows o join new_rows n on n.id = o.id
   where (o.org_id, o.agent_id, (o.started_at at time zone 'UTC')::date,
          case when o.status in ('in_progress', 'received', 'transcribing', 'analyzing') then 1 when o.status = 'failed' then 2 else 0 end)
         is distinct from
         (n.org_id, n.agent_id, (n.started_at at time zone 'UTC')::date,
          case when n.status in ('in_progress', 'received', 'transcribing', 'analyzing') then 1 when n.status = 'failed' then 2 else 0 end);
  if v_moved is null then
    return null;
  end if;
  perform private.call_stats_add(array(
    select private.call_part(o, -1) from old_rows o where o.id = any (v_moved)
    union all
    select private.insight_part(o, i, -1) from old_rows o join public.insights i on i.call_id = o.id and i.is_current
     where o.id = any (v_moved)
    union all
    select private.call_part(n, 1) from new_rows n where n.id = any (v_moved)
    union all
    select private.insight_part(n, i, 1) from new_rows n join public.insights i on i.call_id = n.id and i.is_current
     where n.id = any (v_moved)));
  return null;
end;
$$;
comment on function private.call_stats_on_calls() is
  'calls (insert, update) → call_stats_daily: for the calls that moved between aggregate rows or buckets, removes the old rows'' contributions (with their current insights) and adds the new rows''.';

create trigger calls_stats_insert after insert on public.calls
  referencing new table as new_rows for each statement execute function private.call_stats_on_calls();
create trigger calls_stats_update after update on public.calls
  referencing old table as old_rows new table as new_rows for each statement execute function private.call_stats_on_calls();

-- A deleted call's insights are removed by the cascade before a statement
-- trigger on calls could read them, so deletions are counted per row, before.
create function private.call_stats_on_call_delete()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.call_stats_add(array(
    select private.call_part(old, -1)
    union all
    select private.insight_part(old, i, -1) from public.insights i where i.call_id = old.id and i.is_current));
  return old;
end;
$$;
comment on function private.call_stats_on_call_delete() is
  'calls (delete) → call_stats_daily: removes the call''s contribution and its current insight''s while both still exist.';
create trigger calls_stats_delete before delete on public.calls
  for each row execute function private.call_stats_on_call_delete();

-- Insights: only current ones count. When a call is deleted its insights were
-- already removed with it (the join finds no call when the cascade reaches them).
create function private.call_stats_on_insights()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform private.call_stats_add(array(
      select private.insight_part(c, n, 1) from new_rows n join public.calls c on c.id = n.call_id where n.is_current));
  elsif tg_op = 'UPDATE' then
    perform private.call_stats_add(array(
      select private.insight_part(c, o, -1) from old_rows o join public.calls c on c.id = o.call_id where o.is_current
      union all
      select private.insight_part(c, n, 1) from new_rows n join public.calls c on c.id = n.call_id where n.is_current));
  else
    perform private.call_stats_add(array(
      select private.insight_part(c, o, -1) from old_rows o join public.calls c on c.id = o.call_id where o.is_current));
  end if;
  return null;
end;
$$;
comment on function private.call_stats_on_insights() is
  'insights → call_stats_daily: current insights'' sums under their call''s organization, agent and day.';

create trigger insights_stats_insert after insert on public.insights
  referencing new table as new_rows for each statement execute function private.call_stats_on_insights();
create trigger insights_stats_update after update on public.insights
  referencing old table as old_rows new table as new_rows for each statement execute function private.call_stats_on_insights();
create trigger insights_stats_delete after delete on public.insights
  referencing old table as old_rows for each statement execute function private.call_stats_on_insights();

-- Backfill from the rows as they are.
select private.call_stats_add(array(
  select private.call_part(c, 1) from public.calls c
  union all
  select private.insight_part(c, i, 1) from public.calls c join public.insights i on i.call_id = c.id and i.is_current));

-- RLS: as the calls behind them (managers their organization, agents their
-- own agent's rows while they are members, staff everything) ---------------------
alter table public.call_stats_daily enable row level security;
create policy "Readers of the calls read their aggregates" on public.call_stats_daily
  for select to authenticated
  using (
    org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
    or agent_id in (select a.id from public.agents a
                     where a.user_id = (select auth.uid())
                       and exists (select 1 from public.memberships m where m.user_id = a.user_id and m.org_id = a.org_id))
    or (select private.is_platform_admin())
  );
revoke all on public.call_stats_daily from anon, authenticated;
grant select on public.call_stats_daily to authenticated;

-- The dashboard RPCs on the aggregates ------------------------------------------
create function public.dashboard_kpis(p_from date, p_to date, p_agent_id uuid default null)
returns jsonb
language sql
stable
set search_path = ''
as $$
  with s as (
    select * from public.call_stats_daily s
     where s.day between p_from and p_to
       and (p_agent_id is null or s.agent_id = p_agent_id)
       and s.org_id = any (array(select private.scope_org_ids()))
  ), t as (
    select coalesce(sum(calls), 0) as calls, coalesce(sum(analyzed), 0) as analyzed, coalesce(sum(in_pipeline), 0) as in_pipeline,
           coalesce(sum(failed), 0) as failed, coalesce(sum(converted), 0) as converted, coalesce(sum(upsell_revenue), 0) as upsell,
           sum(sentiment_sum) as sentiment_sum, sum(sentiment_n) as sentiment_n,
           sum(adherence_sum) as adherence_sum, sum(adherence_n) as adherence_n
      from s
  )
  select jsonb_build_object(
    'calls', t.calls,
    'analyzed_calls', t.analyzed,
    'in_pipeline', t.in_pipeline,
    'failed', t.failed,
    'converted_calls', t.converted,
    'conversion_rate', round(t.converted::numeric / nullif(t.analyzed, 0), 4),
    'upsell_revenue', t.upsell,
    'avg_sentiment', round(t.sentiment_sum / nullif(t.sentiment_n, 0), 3),
    'avg_adherence', round(t.adherence_sum::numeric / nullif(t.adherence_n, 0), 1)
  ) from t;
$$;
comment on function public.dashboard_kpis(date, date, uuid) is
  'KPIs of the calls of the caller''s current organization started between p_from and p_to (inclusive) that the caller may see, optionally for one agent: calls, analyzed calls, conversion rate, upsell revenue, average sentiment and script adherence.';

create function public.dashboard_trend(p_from date, p_to date, p_agent_id uuid default null)
returns table (day date, calls bigint, analyzed bigint, converted bigint, upsell_revenue numeric, avg_sentiment numeric, avg_adherence numeric)
language sql
stable
set search_path = ''
as $$
  select d::date as day,
         coalesce(sum(s.calls), 0)::bigint,
         coalesce(sum(s.analyzed), 0)::bigint,
         coalesce(sum(s.converted), 0)::bigint,
         coalesce(sum(s.upsell_revenue), 0),
         round(sum(s.sentiment_sum) / nullif(sum(s.sentiment_n), 0), 3),
         round(sum(s.adherence_sum)::numeric / nullif(sum(s.adherence_n), 0), 1)
    from generate_series(p_from, p_to, interval '1 day') d
    left join public.call_stats_daily s
      on s.day = d::date
     and (p_agent_id is null or s.agent_id = p_agent_id)
     and s.org_id = any (array(select private.scope_org_ids()))
   group by d
   order by d;
$$;
comment on function public.dashboard_trend(date, date, uuid) is 'Per-day series of the dashboard KPIs between p_from and p_to (inclusive).';

create function public.agent_leaderboard(p_from date, p_to date)
returns table (agent_id uuid, agent_name text, calls bigint, analyzed bigint, converted bigint,
               conversion_rate numeric, upsell_revenue numeric, avg_sentiment numeric, avg_adherence numeric)
language sql
stable
set search_path = ''
as $$
  select a.id, a.name,
         coalesce(sum(s.calls), 0)::bigint, coalesce(sum(s.analyzed), 0)::bigint, coalesce(sum(s.converted), 0)::bigint,
         round(sum(s.converted)::numeric / nullif(sum(s.analyzed), 0), 4),
         coalesce(sum(s.upsell_revenue), 0),
         round(sum(s.sentiment_sum) / nullif(sum(s.sentiment_n), 0), 3),
         round(sum(s.adherence_sum)::numeric / nullif(sum(s.adherence_n), 0), 1)
    from public.agents a
    left join public.call_stats_daily s on s.agent_id = a.id and s.org_id = a.org_id and s.day between p_from and p_to
   where a.org_id = any (array(select private.scope_org_ids()))
   group by a.id, a.name
   order by coalesce(sum(s.upsell_revenue), 0) desc, coalesce(sum(s.converted), 0) desc, a.name;
$$;
comment on function public.agent_leaderboard(date, date) is 'Per-agent KPIs for the period, best first (upsell revenue, then conversions).';

-- Grants -----------------------------------------------------------------------
grant execute on function public.dashboard_kpis(date, date, uuid) to authenticated;
grant execute on function public.dashboard_trend(date, date, uuid) to authenticated;
grant execute on function public.agent_leaderboard(date, date) to authenticated;

-- Manager dashboard: KPI, trend and leaderboard RPCs (one round trip per
-- widget, under the caller's RLS), scoped to the caller's current
-- organization.

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

create function public.dashboard_kpis(p_from date, p_to date, p_agent_id uuid default null)
returns jsonb
language sql
stable
set search_path = ''
as $$
  with c as (
    select c.id, c.status from public.calls c
     where c.started_at >= p_from and c.started_at < p_to + 1
       and (p_agent_id is null or c.agent_id = p_agent_id)
       and c.org_id is not null
       and c.org_id = any (array(select private.scope_org_ids()))
  ), i as (
    select i.* from public.insights i join c on c.id = i.call_id where i.is_current
  )
  select jsonb_build_object(
    'calls', (select count(*) from c),
    'analyzed_calls', (select count(*) from i),
    'in_pipeline', (select count(*) from c where c.status in ('in_progress', 'received', 'transcribing', 'analyzing')),
    'failed', (select count(*) from c where c.status = 'failed'),
    'converted_calls', (select count(*) from i where i.converted),
    'conversion_rate', (select round(avg(case when i.converted then 1.0 else 0.0 end), 4) from i),
    'upsell_revenue', (select coalesce(sum(i.upsell_amount), 0) from i),
    'avg_sentiment', (select round(avg(i.sentiment_score), 3) from i),
    'avg_adherence', (select round(avg(i.adherence_score), 1) from i)
  );
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
         count(c.id) as calls,
         count(i.id) as analyzed,
         count(i.id) filter (where i.converted) as converted,
         coalesce(sum(i.upsell_amount), 0) as upsell_revenue,
         round(avg(i.sentiment_score), 3) as avg_sentiment,
         round(avg(i.adherence_score), 1) as avg_adherence
    from generate_series(p_from, p_to, interval '1 day') d
    left join public.calls c
      on c.started_at >= d and c.started_at < d + interval '1 day'
     and (p_agent_id is null or c.agent_id = p_agent_id) and c.org_id is not null
     and c.org_id = any (array(select private.scope_org_ids()))
    left join public.insights i on i.call_id = c.id and i.is_current
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
         count(c.id), count(i.id), count(i.id) filter (where i.converted),
         round(avg(case when i.converted then 1.0 when i.id is not null then 0.0 end), 4),
         coalesce(sum(i.upsell_amount), 0),
         round(avg(i.sentiment_score), 3),
         round(avg(i.adherence_score), 1)
    from public.agents a
    left join public.calls c on c.agent_id = a.id and c.started_at >= p_from and c.started_at < p_to + 1
    left join public.insights i on i.call_id = c.id and i.is_current
   where a.org_id = any (array(select private.scope_org_ids()))
   group by a.id, a.name
   order by coalesce(sum(i.upsell_amount), 0) desc, count(i.id) filter (where i.converted) desc, a.name;
$$;
comment on function public.agent_leaderboard(date, date) is 'Per-agent KPIs for the period, best first (upsell revenue, then conversions).';

-- Grants -----------------------------------------------------------------------
grant execute on function public.dashboard_kpis(date, date, uuid) to authenticated;
grant execute on function public.dashboard_trend(date, date, uuid) to authenticated;
grant execute on function public.agent_leaderboard(date, date) to authenticated;

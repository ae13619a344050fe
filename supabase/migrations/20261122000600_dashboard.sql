-- Manager dashboard and coaching: KPI, trend and leaderboard RPCs (one round
-- trip per widget, under the caller's RLS), call search over transcripts,
-- and comments pinned to a time in a call.

-- Comments ---------------------------------------------------------------------
create table public.call_comments (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  call_id uuid not null references public.calls (id) on delete cascade,
  author_id uuid references auth.users (id) on delete set null default auth.uid(),
  at_seconds numeric(8, 2) not null check (at_seconds >= 0),
  body text not null check (char_length(btrim(body)) between 1 and 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.call_comments is
  'Coaching comments pinned to a moment of a call. Managers write; everyone who can see the call reads.';

create index call_comments_call_id_idx on public.call_comments (call_id, at_seconds);
create index call_comments_org_id_idx on public.call_comments (org_id);
create index call_comments_author_id_idx on public.call_comments (author_id);

create function private.set_comment_author()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- The author is the caller; the organization is the call's.
  if tg_op = 'INSERT' then
    new.author_id := coalesce(auth.uid(), new.author_id);
  else
    new.author_id := old.author_id;
    new.call_id := old.call_id;
    new.org_id := old.org_id;
  end if;
  return new;
end;
$$;
comment on function private.set_comment_author() is 'call_comments: author = caller; call and organization never change.';
create trigger call_comments_author before insert or update on public.call_comments
  for each row execute function private.set_comment_author();
create trigger call_comments_updated_at before update on public.call_comments
  for each row execute function private.set_updated_at();

alter table public.call_comments enable row level security;
create policy "Readers of a call read its comments" on public.call_comments
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or call_id in (select private.agent_call_ids())
         or (select private.is_platform_admin()));
create policy "Managers comment on their organization's calls" on public.call_comments
  for insert to authenticated
  with check (
    org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
    and call_id in (select c.id from public.calls c where c.org_id = call_comments.org_id)
  );
create policy "Authors edit their comments" on public.call_comments
  for update to authenticated
  using (author_id = (select auth.uid()))
  with check (author_id = (select auth.uid()));
create policy "Authors and admins delete comments" on public.call_comments
  for delete to authenticated
  using (author_id = (select auth.uid())
         or org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])));

revoke all on public.call_comments from anon, authenticated;
grant select, delete on public.call_comments to authenticated;
grant insert (org_id, call_id, at_seconds, body), update (at_seconds, body) on public.call_comments to authenticated;

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

create function public.search_calls(
  p_query text default null,
  p_from date default null,
  p_to date default null,
  p_agent_id uuid default null,
  p_outcome text default null,
  p_sentiment text default null,
  p_status text default null,
  p_limit integer default 25,
  p_offset integer default 0
)
returns table (id uuid, started_at timestamptz, duration_seconds integer, status public.call_status, error text,
               agent_id uuid, agent_name text, from_number text, converted boolean, upsell_amount numeric,
               sentiment_label text, sentiment_score numeric, adherence_score integer, summary text,
               snippet text, total_count bigint)
language sql
stable
set search_path = ''
as $$
  with q as (
    select case when nullif(btrim(p_query), '') is null then null
                else pg_catalog.websearch_to_tsquery('english', p_query) end as tsq
  )
  select c.id, c.started_at, c.duration_seconds, c.status, c.error, c.agent_id, a.name, c.from_number,
         i.converted, i.upsell_amount, i.sentiment_label, i.sentiment_score, i.adherence_score, i.summary,
         case when q.tsq is not null
              then pg_catalog.ts_headline('english', t.full_text, q.tsq, 'StartSel=«, StopSel=», MaxWords=18, MinWords=6')
         end,
         count(*) over ()
    from public.calls c
    cross join q
    left join public.agents a on a.id = c.agent_id
    left join public.insights i on i.call_id = c.id and i.is_current
    left join public.transcripts t on t.call_id = c.id
   where c.org_id is not null
     and c.org_id = any (array(select private.scope_org_ids()))
     and (q.tsq is null or t.search @@ q.tsq)
     and (p_from is null or c.started_at >= p_from)
     and (p_to is null or c.started_at < p_to + 1)
     and (p_agent_id is null or c.agent_id = p_agent_id)
     and (p_outcome is null or (p_outcome = 'converted' and i.converted) or (p_outcome = 'not_converted' and not i.converted))
     and (p_sentiment is null or i.sentiment_label = p_sentiment)
     and (p_status is null or c.status::text = p_status)
   order by c.started_at desc nulls last, c.id
   limit least(greatest(coalesce(p_limit, 25), 1), 100) offset greatest(coalesce(p_offset, 0), 0);
$$;
comment on function public.search_calls(text, date, date, uuid, text, text, text, integer, integer) is
  'Calls the caller may see, newest first, filtered by period, agent, outcome (converted|not_converted), sentiment, status and a full-text query over transcripts (with a highlighted snippet); total_count for paging.';

grant execute on function public.dashboard_kpis(date, date, uuid) to authenticated;
grant execute on function public.dashboard_trend(date, date, uuid) to authenticated;
grant execute on function public.agent_leaderboard(date, date) to authenticated;
grant execute on function public.search_calls(text, date, date, uuid, text, text, text, integer, integer) to authenticated;

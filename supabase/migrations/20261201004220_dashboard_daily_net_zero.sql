-- call_stats_daily: a change whose contributions cancel out (a call moving
-- between pipeline states that count the same — in_progress → received →
-- transcribing → analyzing are all `in_pipeline`) no longer upserts its row.
-- Before, every such change locked the agent's row of the day until commit,
-- so concurrent recording webhooks and analyses of one agent's calls waited
-- for each other on it (the webhook ack's one statement serialised there).

create or replace function private.call_stats_add(p_parts private.call_stat[])
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

-- The calls trigger asks first whether any call moved between aggregate rows
-- or buckets (organization, agent, UTC day, and in pipeline / failed /
-- other — the only parts of a call that count); a change that moved none (a
-- recording callback, a step of the pipeline, a new transcript status) returns
-- at once, without building or adding contributions.
create or replace function private.call_stats_on_calls()
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

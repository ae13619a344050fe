-- The dashboard's per-agent per-day aggregates equal the rows they summarize
-- after every kind of change (new calls and insights, re-analysis, status
-- changes, a call moved to another agent or day or organization, deletions),
-- and are read under the same visibility as the calls.
begin;
\ir fixtures.sql
select plan(14);
select tests.create_tenants();

-- What the aggregates must equal: the rows, summed by the table owner.
create function pg_temp.reference()
returns table (org_id uuid, agent_id uuid, day date, calls bigint, in_pipeline bigint, failed bigint, analyzed bigint,
               converted bigint, upsell numeric, sentiment_sum numeric, sentiment_n bigint, adherence_sum bigint, adherence_n bigint)
language sql as $$
  select c.org_id, coalesce(c.agent_id, '00000000-0000-0000-0000-000000000000'), (c.started_at at time zone 'UTC')::date,
         count(*), count(*) filter (where c.status in ('in_progress', 'received', 'transcribing', 'analyzing')),
         count(*) filter (where c.status = 'failed'), count(i.id), count(i.id) filter (where i.converted),
         coalesce(sum(i.upsell_amount), 0), coalesce(sum(i.sentiment_score), 0), count(i.sentiment_score),
         coalesce(sum(i.adherence_score), 0), count(i.adherence_score)
    from public.calls c left join public.insights i on i.call_id = c.id and i.is_current
   where c.org_id is not null
   group by 1, 2, 3;
$$;
create function pg_temp.stored()
returns table (org_id uuid, agent_id uuid, day date, calls bigint, in_pipeline bigint, failed bigint, analyzed bigint,
               converted bigint, upsell numeric, sentiment_sum numeric, sentiment_n bigint, adherence_sum bigint, adherence_n bigint)
language sql as $$
  select org_id, agent_id, day, calls, in_pipeline, failed, analyzed, converted, upsell_revenue, sentiment_sum, sentiment_n,
         adherence_sum, adherence_n
    from public.call_stats_daily where calls <> 0;
$$;
create function pg_temp.matches() returns boolean language sql as $$
  select not exists (select * from pg_temp.reference() except select * from pg_temp.stored())
     and not exists (select * from pg_temp.stored() except select * from pg_temp.reference());
$$;
create function pg_temp.insight(p_call uuid, p_run text, p_converted boolean, p_upsell numeric, p_sentiment numeric, p_adherence integer)
returns void language sql as $$
  update public.insights set is_current = false where call_id = p_call and is_current;
  insert into public.insights (org_id, call_id, run_key, analyzer, model, prompt_version, sentiment_score, sentiment_label,
                               converted, upsell_amount, adherence_score, summary, data)
  select c.org_id, c.id, p_run, 'offline', 'm', 'v', p_sentiment, 'neutral', p_converted, p_upsell, p_adherence, 's', '{}'
    from public.calls c where c.id = p_call;
$$;

select ok(pg_temp.matches(), 'the backfill equals the rows already there');

-- 60 calls over two tenants, three agents, ten days and every status.
select tests.create_call('k' || g, case when g % 4 = 0 then 'globex' else 'acme' end,
                         case when g % 4 = 0 then 'agent_globex' when g % 2 = 0 then 'agent_acme1' else 'agent_acme2' end,
                         (array['analyzed', 'received', 'transcribing', 'failed', 'analyzed'])[1 + g % 5]::public.call_status,
                         now() - (g % 10) * interval '1 day' - (g % 7) * interval '1 hour', 60 + g)
  from generate_series(1, 60) g;
select pg_temp.insight(tests.id('k' || g), 'r1', g % 3 = 0, (g % 5) * 10, ((g % 9) - 4) / 4.0, case when g % 6 = 0 then null else 10 * (g % 10) end)
  from generate_series(1, 60) g where g % 5 in (0, 4);
select ok(pg_temp.matches(), 'after new calls and their insights');

select pg_temp.insight(tests.id('k' || g), 'r2', true, 99, 0.9, 95) from generate_series(1, 60) g where g % 10 = 0;
select ok(pg_temp.matches(), 'after re-analysis (a new current insight)');

update public.calls set status = 'analyzed' where id in (select tests.id('k' || g) from generate_series(1, 60) g where g % 5 = 2);
update public.calls set status = 'failed' where id = tests.id('k3');
select ok(pg_temp.matches(), 'after status changes');

update public.calls set agent_id = tests.id('agent_acme1') where id = tests.id('k5');
update public.calls set started_at = started_at - interval '3 days' where id in (tests.id('k9'), tests.id('k14'));
select ok(pg_temp.matches(), 'after a call moves to another agent and calls move to another day');

update public.calls set org_id = null, agent_id = null where id = tests.id('k1');
select ok(pg_temp.matches(), 'a call leaving every organization leaves the aggregates');
update public.calls set org_id = tests.id('acme'), agent_id = tests.id('agent_acme2') where id = tests.id('k1');
select ok(pg_temp.matches(), 'and counts again when it is attributed');

delete from public.insights where call_id = tests.id('k4') and is_current;
delete from public.calls where id in (tests.id('k10'), tests.id('k15'), tests.id('k19'));
select ok(pg_temp.matches(), 'after an insight and calls (with their insights) are deleted');
select is((select count(*)::int from public.call_stats_daily where calls < 0 or analyzed < 0 or calls = 0 and
           (analyzed, converted, upsell_revenue, sentiment_n, adherence_n) <> (0, 0, 0, 0, 0)), 0,
  'no negative counts, and a day without calls keeps no sums');

-- Visibility: as the calls behind them.
select tests.authenticate_as('acme_manager');
select is((select count(distinct org_id)::int from public.call_stats_daily), 1, 'a manager reads only their organization''s aggregates');
select is((public.dashboard_kpis(current_date - 30, current_date) ->> 'calls')::int,
          (select count(*)::int from public.calls where org_id = tests.id('acme') and started_at >= current_date - 30),
  'the KPIs read from the aggregates equal the rows');
select tests.clear_authentication();

select tests.authenticate_as('acme_agent1');
select is((select array_agg(distinct agent_id) from public.call_stats_daily), array[tests.id('agent_acme1')::uuid],
  'an agent reads only their own agent''s aggregates');
select tests.clear_authentication();

delete from public.memberships where org_id = tests.id('acme') and user_id = tests.id('acme_agent1');
select tests.authenticate_as('acme_agent1');
select is((select count(*)::int from public.call_stats_daily), 0, 'a removed member reads none');
select tests.clear_authentication();

select tests.authenticate_as_anon();
select throws_ok($$select * from public.call_stats_daily$$, '42501', null, 'anonymous callers read nothing');
select tests.clear_authentication();

select * from finish();
rollback;

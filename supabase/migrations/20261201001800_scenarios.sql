-- What-if scenarios: revenue projections from a handful of inputs, pre-filled
-- with the organization's measured figures, and the conversation-driven
-- lever — how conversion moved with script adherence (and with customer
-- sentiment) on the organization's own analyzed calls.
--
-- Statistics (scenario_baseline's levers): a linear probability model
-- converted (0/1) = a + b·x over the current insights of the calls started in
-- the window, fitted with regr_slope/regr_intercept; the standard error of b
-- is heteroskedasticity-robust (HC1, since a 0/1 outcome's variance depends
-- on x) and the 95 % interval is b ± 1.96·SE (normal approximation). Below
-- 30 calls, or fewer than 5 conversions or 5 non-conversions, or no spread
-- in x, the lever says insufficient_data instead of a number. It is an
-- association on observational data, not a causal effect: better agents may
-- both follow the script and close more.
--
-- Owners, admins and managers only (agents see neither the organization's
-- figures nor its scenarios): SP403.

-- Tables -----------------------------------------------------------------------
create table public.what_if_scenarios (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 200),
  inputs jsonb not null check (jsonb_typeof(inputs) = 'object'),
  window_days integer not null default 90 check (window_days between 7 and 365),
  notes text check (char_length(notes) <= 2000),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, name)
);
comment on table public.what_if_scenarios is
  'Saved, named what-if scenarios: inputs {agents, calls_per_agent_per_day, working_days_per_month, conversion_rate, average_deal_value, upsell_rate, upsell_amount, script_adherence} and the measurement window their lever uses. Owners, admins and managers only. Compare with scenario_compare().';

-- Indexes ------------------------------------------------------------------------
create index what_if_scenarios_created_by_idx on public.what_if_scenarios (created_by);

-- Functions used by triggers -------------------------------------------------------
create function private.scenario_inputs(p jsonb)
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
declare
  k record;
  v numeric;
  v_out jsonb := '{}'::jsonb;
  v_max numeric;
begin
  if p is null or jsonb_typeof(p) <> 'object' then
    raise exception 'inputs must be a JSON object' using errcode = 'SP400';
  end if;
  for k in select * from jsonb_each(p) loop
    v_max := case k.key
      when 'agents' then 100000 when 'calls_per_agent_per_day' then 1000 when 'working_days_per_month' then 31
      when 'conversion_rate' then 1 when 'average_deal_value' then 1e9 when 'upsell_rate' then 1
      when 'upsell_amount' then 1e9 when 'script_adherence' then 100 end;
    if v_max is null then
      raise exception 'unknown input %', left(k.key, 40) using errcode = 'SP400';
    end if;
    if jsonb_typeof(k.value) = 'null' then
      continue;
    end if;
    if jsonb_typeof(k.value) <> 'number' then
      raise exception '% must be a number', k.key using errcode = 'SP400';
    end if;
    v := k.value::numeric;
    if v < 0 or v > v_max then
      raise exception '% must be between 0 and %', k.key, v_max using errcode = 'SP400';
    end if;
    v_out := v_out || jsonb_build_object(k.key, v);
  end loop;
  return v_out;
end;
$$;
comment on function private.scenario_inputs(jsonb) is
  'Validates scenario inputs (known keys, numbers within range, SP400) and returns them without nulls.';

create function private.guard_scenario()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform private.bounded_text(new.name, 200, 'name');
  perform private.bounded_text(new.notes, 2000, 'notes');
  if char_length(btrim(coalesce(new.name, ''))) = 0 then
    raise exception 'name is required' using errcode = 'SP400';
  end if;
  if new.window_days is null or new.window_days not between 7 and 365 then
    raise exception 'window_days must be between 7 and 365' using errcode = 'SP400';
  end if;
  new.name := btrim(new.name);
  new.inputs := private.scenario_inputs(new.inputs);
  if tg_op = 'UPDATE' then
    new.org_id := old.org_id;
  end if;
  return new;
end;
$$;
comment on function private.guard_scenario() is 'BEFORE INSERT/UPDATE on what_if_scenarios: bounded name and notes, validated inputs (SP400).';

-- Triggers -----------------------------------------------------------------------
create trigger what_if_scenarios_guard before insert or update on public.what_if_scenarios
  for each row execute function private.guard_scenario();
create trigger what_if_scenarios_updated_at before update on public.what_if_scenarios
  for each row execute function private.set_updated_at();
create trigger what_if_scenarios_created_by before insert or update on public.what_if_scenarios
  for each row execute function private.set_created_by();
create trigger what_if_scenarios_audit after insert or update or delete on public.what_if_scenarios
  for each row execute function private.audit_row();

-- RLS ------------------------------------------------------------------------
alter table public.what_if_scenarios enable row level security;
create policy "Managers read their organization's scenarios" on public.what_if_scenarios
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or (select private.is_platform_admin()));
create policy "Managers save scenarios" on public.what_if_scenarios
  for insert to authenticated
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Managers edit scenarios" on public.what_if_scenarios
  for update to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])))
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Managers delete scenarios" on public.what_if_scenarios
  for delete to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));

revoke all on public.what_if_scenarios from anon, authenticated;
grant select, delete on public.what_if_scenarios to authenticated;
grant insert (org_id, name, inputs, window_days, notes), update (name, inputs, window_days, notes)
  on public.what_if_scenarios to authenticated;

-- Functions ----------------------------------------------------------------------
create function private.scenario_org(p_window_days integer)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  v_org uuid;
begin
  perform private.require_user();
  if p_window_days is null or p_window_days not between 7 and 365 then
    raise exception 'p_window_days must be between 7 and 365' using errcode = 'SP400';
  end if;
  select p.current_org_id into v_org from public.profiles p where p.id = auth.uid();
  if v_org is null then
    raise exception 'choose an organization first' using errcode = 'SP404';
  end if;
  if not private.has_org_role(v_org, array['owner', 'admin', 'manager']::public.org_role[]) then
    raise exception 'what-if scenarios are for owners, admins and managers' using errcode = 'SP403';
  end if;
  return v_org;
end;
$$;
comment on function private.scenario_org(integer) is
  'The caller''s current organization, when they manage it (SP401, SP404, SP403); checks the measurement window (7-365 days, SP400).';

create function private.scenario_min_n() returns integer language sql immutable set search_path = ''
as $$ select 30 $$;
comment on function private.scenario_min_n() is 'The fewest analyzed calls a lever is estimated from.';

create function private.scenario_lever(p_org_id uuid, p_from timestamptz, p_to timestamptz, p_x text)
returns jsonb
language sql
stable
set search_path = ''
as $$
  with d as (
    select case p_x when 'script_adherence' then i.adherence_score::float8 else i.sentiment_score::float8 end as x,
           case when i.converted then 1.0::float8 else 0.0::float8 end as y
      from public.calls c join public.insights i on i.call_id = c.id and i.is_current
     where c.org_id = p_org_id and c.started_at >= p_from and c.started_at < p_to
  ), f as (
    select count(*) as n, sum(y) as conversions, regr_slope(y, x) as b, regr_intercept(y, x) as a,
           avg(x) as xbar, regr_sxx(y, x) as sxx, corr(y, x) as r
      from d where x is not null
  ), se as (
    -- HC1 heteroskedasticity-robust standard error of the slope
    select sqrt(f.n::float8 / (f.n - 2) * sum((d.x - f.xbar) ^ 2 * (d.y - (f.a + f.b * d.x)) ^ 2) / f.sxx ^ 2) as se
      from d, f
     where d.x is not null and f.n > 2 and f.sxx > 0
     group by f.n, f.sxx
  ), unit as (select case p_x when 'script_adherence' then 10.0 else 0.1 end::float8 as u)
  select case
    when f.n < private.scenario_min_n() or f.conversions < 5 or f.n - f.conversions < 5 or coalesce(f.sxx, 0) = 0 then
      jsonb_build_object('status', 'insufficient_data', 'n', f.n, 'conversions', coalesce(f.conversions, 0)::int,
                         'min_n', private.scenario_min_n(),
                         'reason', 'needs at least ' || private.scenario_min_n() || ' analyzed calls with at least 5 conversions and 5 non-conversions, and some spread in ' || p_x)
    else jsonb_build_object(
      'status', 'ok', 'n', f.n, 'conversions', f.conversions::int, 'min_n', private.scenario_min_n(),
      'model', 'linear probability, converted ~ ' || p_x || ', HC1 robust SE, 95 % CI = slope ± 1.96·SE',
      'mean_x', round(f.xbar::numeric, 3),
      'intercept', round(f.a::numeric, 6),
      'slope', round(f.b::numeric, 6),
      'slope_se', round(se.se::numeric, 6),
      'slope_ci95', jsonb_build_array(round((f.b - 1.96 * se.se)::numeric, 6), round((f.b + 1.96 * se.se)::numeric, 6)),
      'correlation', round(f.r::numeric, 4),
      'per_unit', unit.u,
      'conversion_points_per_unit', round((100 * f.b * unit.u)::numeric, 3),
      'conversion_points_per_unit_ci95', jsonb_build_array(round((100 * (f.b - 1.96 * se.se) * unit.u)::numeric, 3),
                                                           round((100 * (f.b + 1.96 * se.se) * unit.u)::numeric, 3)),
      'significant', (f.b - 1.96 * se.se) > 0 or (f.b + 1.96 * se.se) < 0)
  end
    from f cross join unit left join se on true;
$$;
comment on function private.scenario_lever(uuid, timestamptz, timestamptz, text) is
  'Linear-probability fit of conversion on script_adherence (per 10 points) or customer sentiment (per 0.1) over an organization''s analyzed calls in [p_from, p_to), with HC1 SE and 95 % CI; insufficient_data below the minimum.';

create function private.scenario_measured(p_org_id uuid, p_window_days integer)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_tz text := coalesce((select o.time_zone from public.organizations o where o.id = p_org_id), 'UTC');
  v_to timestamptz := now();
  v_from timestamptz := now() - make_interval(days => p_window_days);
  c record;
  i record;
  w record;
  v_first date;
  v_span integer;
begin
  select count(*) as calls, count(distinct agent_id) as agents,
         count(distinct (agent_id, (started_at at time zone v_tz)::date)) filter (where agent_id is not null) as agent_days,
         count(*) filter (where agent_id is not null) as agent_calls,
         count(distinct (started_at at time zone v_tz)::date) as days,
         min((started_at at time zone v_tz)::date) as first_day
    into c
    from public.calls
   where org_id = p_org_id and started_at >= v_from and started_at < v_to and status <> 'orphaned';
  select count(*) as n, avg(case when ins.converted then 1.0 else 0.0 end) as conv,
         count(*) filter (where ins.upsell_amount > 0) as upsells,
         avg(ins.upsell_amount) filter (where ins.upsell_amount > 0) as upsell_amount,
         count(ins.adherence_score) as adherence_n, avg(ins.adherence_score) as adherence,
         avg(ins.sentiment_score) as sentiment
    into i
    from public.calls cc join public.insights ins on ins.call_id = cc.id and ins.is_current
   where cc.org_id = p_org_id and cc.started_at >= v_from and cc.started_at < v_to;
  select count(*) as n, avg(a.value) as v into w
    from public.activities a
   where a.org_id = p_org_id and a.outcome = 'won' and a.value > 0 and a.occurred_at >= v_from and a.occurred_at < v_to;
  v_first := c.first_day;
  v_span := case when v_first is not null then (v_to at time zone v_tz)::date - v_first + 1 end;
  return jsonb_build_object(
    'agents', jsonb_build_object('value', nullif(c.agents, 0), 'n', c.calls,
      'how', 'distinct agents who took calls in the window'),
    'calls_per_agent_per_day', jsonb_build_object('value', case when c.agent_days > 0 then round(c.agent_calls::numeric / c.agent_days, 2) end,
      'n', c.agent_days, 'how', 'calls per agent on the days the agent took calls'),
    'working_days_per_month', jsonb_build_object('value', case when v_span > 0 then round(c.days::numeric / v_span * 365.25 / 12, 1) end,
      'n', c.days, 'how', 'days with calls, per month, since the first call in the window'),
    'conversion_rate', jsonb_build_object('value', round(i.conv, 4), 'n', i.n, 'how', 'converted share of analyzed calls'),
    'average_deal_value', jsonb_build_object('value', round(w.v, 2), 'n', w.n,
      'how', 'mean value of won activities (manual entries with outcome won, won referrals) — calls carry no deal value'),
    'upsell_rate', jsonb_build_object('value', case when i.n > 0 then round(i.upsells::numeric / i.n, 4) end, 'n', i.n,
      'how', 'share of analyzed calls with an upsell'),
    'upsell_amount', jsonb_build_object('value', round(i.upsell_amount, 2), 'n', i.upsells, 'how', 'mean upsell amount where there was one'),
    'script_adherence', jsonb_build_object('value', round(i.adherence, 1), 'n', i.adherence_n, 'how', 'mean adherence score of analyzed calls (0-100)'),
    'customer_sentiment', jsonb_build_object('value', round(i.sentiment, 3), 'n', i.n, 'how', 'mean sentiment score of analyzed calls (-1..1)'));
end;
$$;
comment on function private.scenario_measured(uuid, integer) is
  'The organization''s measured figures over the last p_window_days, each {value, n, how}; value null when there is no data.';

create function public.scenario_baseline(p_window_days integer default 90)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_org uuid := private.scenario_org(p_window_days);
begin
  return jsonb_build_object(
    'org_id', v_org,
    'window_days', p_window_days,
    'from', now() - make_interval(days => p_window_days),
    'to', now(),
    'figures', private.scenario_measured(v_org, p_window_days),
    'levers', jsonb_build_object(
      'script_adherence', private.scenario_lever(v_org, now() - make_interval(days => p_window_days), now(), 'script_adherence'),
      'customer_sentiment', private.scenario_lever(v_org, now() - make_interval(days => p_window_days), now(), 'customer_sentiment')));
end;
$$;
comment on function public.scenario_baseline(integer) is
  'The what-if screen''s pre-fill: the caller''s current organization''s measured figures over the last p_window_days (7-365) — agents, calls per agent per day, working days per month, conversion rate, average deal value, upsell rate and amount, script adherence, sentiment — each {value, n, how}, value null without data (never a default); and the levers: conversion vs script adherence (per 10 points) and vs customer sentiment (per 0.1), linear probability fit with HC1 95 % CI and n, or status insufficient_data below 30 calls (5 conversions / 5 non-conversions). Managers and up (SP403).';

create function private.scenario_project(p_org_id uuid, p_inputs jsonb, p_window_days integer)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v jsonb := private.scenario_inputs(p_inputs);
  v_measured jsonb := private.scenario_measured(p_org_id, p_window_days);
  v_lever jsonb := private.scenario_lever(p_org_id, now() - make_interval(days => p_window_days), now(), 'script_adherence');
  v_agents numeric := (v ->> 'agents')::numeric;
  v_cpd numeric := (v ->> 'calls_per_agent_per_day')::numeric;
  v_days numeric := (v ->> 'working_days_per_month')::numeric;
  v_conv numeric := (v ->> 'conversion_rate')::numeric;
  v_deal numeric := coalesce((v ->> 'average_deal_value')::numeric, 0);
  v_up_rate numeric := coalesce((v ->> 'upsell_rate')::numeric, 0);
  v_up_amount numeric := coalesce((v ->> 'upsell_amount')::numeric, 0);
  v_adh numeric := (v ->> 'script_adherence')::numeric;
  v_adh_measured numeric := (v_measured #>> '{script_adherence,value}')::numeric;
  v_delta numeric;
  v_conv_lo numeric;
  v_conv_hi numeric;
  v_calls numeric;
  v_effect jsonb := null;
  v_per_month numeric;
  v_gaps jsonb;
  w numeric := 12.0 / 52;  -- a week is 12/52 of a month
begin
  if v_agents is null or v_cpd is null or v_days is null or v_conv is null then
    raise exception 'agents, calls_per_agent_per_day, working_days_per_month and conversion_rate are required' using errcode = 'SP400';
  end if;
  v_calls := v_agents * v_cpd * v_days;
  v_conv_lo := v_conv;
  v_conv_hi := v_conv;
  if v_adh is not null and v_adh_measured is not null and v_adh <> v_adh_measured then
    if v_lever ->> 'status' = 'ok' then
      v_delta := (v_adh - v_adh_measured);
      v_conv_lo := least(greatest(v_conv + v_delta * (v_lever #>> '{slope_ci95,0}')::numeric, 0), 1);
      v_conv_hi := least(greatest(v_conv + v_delta * (v_lever #>> '{slope_ci95,1}')::numeric, 0), 1);
      if v_conv_lo > v_conv_hi then
        select v_conv_hi, v_conv_lo into v_conv_lo, v_conv_hi;
      end if;
      v_conv := least(greatest(v_conv + v_delta * (v_lever ->> 'slope')::numeric, 0), 1);
      v_effect := jsonb_build_object('status', 'applied', 'adherence_change', v_delta,
        'conversion_rate', round(v_conv, 4), 'conversion_rate_ci95', jsonb_build_array(round(v_conv_lo, 4), round(v_conv_hi, 4)),
        'n', v_lever -> 'n');
    else
      v_effect := jsonb_build_object('status', 'insufficient_data', 'n', v_lever -> 'n', 'min_n', v_lever -> 'min_n');
    end if;
  end if;
  v_per_month := v_calls * (v_conv * v_deal + v_up_rate * v_up_amount);
  -- Gap to the organization's open organization-wide goals, the projection
  -- scaled to each goal's period (positive gap = short of the target).
  select coalesce(jsonb_agg(jsonb_build_object(
           'goal_id', g.id, 'name', g.name, 'metric', g.metric, 'period_start', g.period_start, 'period_end', g.period_end,
           'target', g.target, 'projected', round(x.projected, 2), 'gap', round(g.target - x.projected, 2))
           order by g.period_end, g.name), '[]'::jsonb)
    into v_gaps
    from public.goals g
    cross join lateral (select (g.period_end - g.period_start + 1) / (365.25 / 12) as months) pm
    cross join lateral (select case g.metric
        when 'calls_handled' then v_calls * pm.months
        when 'analyzed_calls' then v_calls * pm.months
        when 'conversions' then v_calls * v_conv * pm.months
        when 'conversion_rate' then v_conv
        when 'upsell_revenue' then v_calls * v_up_rate * v_up_amount * pm.months
        when 'script_adherence' then coalesce(v_adh, v_adh_measured)
      end as projected) x
   where g.org_id = p_org_id and g.scope = 'organization' and g.closed_at is null and x.projected is not null;
  return jsonb_build_object(
    'inputs', v,
    'calls', jsonb_build_object('week', round(v_calls * w, 1), 'month', round(v_calls, 1), 'quarter', round(v_calls * 3, 1)),
    'conversions', jsonb_build_object('week', round(v_calls * v_conv * w, 1), 'month', round(v_calls * v_conv, 1),
                                      'quarter', round(v_calls * v_conv * 3, 1)),
    'revenue', jsonb_build_object('week', round(v_per_month * w, 2), 'month', round(v_per_month, 2), 'quarter', round(v_per_month * 3, 2)),
    'revenue_ci95', case when v_effect ->> 'status' = 'applied' then jsonb_build_object(
        'month', jsonb_build_array(round(v_calls * (v_conv_lo * v_deal + v_up_rate * v_up_amount), 2),
                                   round(v_calls * (v_conv_hi * v_deal + v_up_rate * v_up_amount), 2)),
        'quarter', jsonb_build_array(round(3 * v_calls * (v_conv_lo * v_deal + v_up_rate * v_up_amount), 2),
                                     round(3 * v_calls * (v_conv_hi * v_deal + v_up_rate * v_up_amount), 2))) end,
    'adherence_effect', v_effect,
    'goal_gaps', v_gaps,
    'formula', 'calls = agents × calls/agent/day × working days; revenue = calls × (conversion rate × average deal value + upsell rate × upsell amount); week = 12/52 month, quarter = 3 months');
end;
$$;
comment on function private.scenario_project(uuid, jsonb, integer) is 'The projection of scenario_projection for an organization (no access check).';

create function public.scenario_projection(p_inputs jsonb, p_window_days integer default 90)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_org uuid := private.scenario_org(p_window_days);
begin
  if pg_column_size(p_inputs) > 2000 then
    raise exception 'inputs are too large' using errcode = 'SP400';
  end if;
  return private.scenario_project(v_org, p_inputs, p_window_days);
end;
$$;
comment on function public.scenario_projection(jsonb, integer) is
  'The what-if screen''s live result for inputs {agents, calls_per_agent_per_day, working_days_per_month, conversion_rate (required), average_deal_value, upsell_rate, upsell_amount, script_adherence}: calls, conversions and revenue per week/month/quarter; when script_adherence differs from the measured one and the lever has enough data, the conversion rate moved by the measured slope with its 95 % CI (revenue_ci95), else adherence_effect.status = insufficient_data; goal_gaps against the organization''s open organization-wide goals. Managers and up (SP403); inputs out of range SP400.';

create function public.scenario_compare(p_ids uuid[])
returns table (id uuid, name text, window_days integer, inputs jsonb, projection jsonb, updated_at timestamptz)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_org uuid := private.scenario_org(90);
begin
  if p_ids is null or cardinality(p_ids) not between 1 and 10 then
    raise exception 'compare 1 to 10 scenarios' using errcode = 'SP400';
  end if;
  return query
  select s.id, s.name, s.window_days, s.inputs, private.scenario_project(s.org_id, s.inputs, s.window_days), s.updated_at
    from unnest(p_ids) with ordinality as u(id, ord)
    join public.what_if_scenarios s on s.id = u.id and s.org_id = v_org
   order by u.ord;
end;
$$;
comment on function public.scenario_compare(uuid[]) is
  'Side-by-side comparison of 1-10 saved scenarios of the caller''s current organization, in the order given: inputs and projection (as scenario_projection) of each; ids that are not the caller''s are left out. Managers and up (SP403).';

revoke execute on function public.scenario_baseline(integer) from public, anon;
grant execute on function public.scenario_baseline(integer) to authenticated;
revoke execute on function public.scenario_projection(jsonb, integer) from public, anon;
grant execute on function public.scenario_projection(jsonb, integer) to authenticated;
revoke execute on function public.scenario_compare(uuid[]) from public, anon;
grant execute on function public.scenario_compare(uuid[]) to authenticated;
grant execute on function private.scenario_org(integer) to authenticated;
grant execute on function private.scenario_min_n() to authenticated;
grant execute on function private.scenario_lever(uuid, timestamptz, timestamptz, text) to authenticated;
grant execute on function private.scenario_measured(uuid, integer) to authenticated;
grant execute on function private.scenario_project(uuid, jsonb, integer) to authenticated;
grant execute on function private.scenario_inputs(jsonb) to authenticated;

-- The practice ↔ real loop of SIMs: for an agent, the scorecard items they
-- miss most on their last N real calls; "practice this" assigns a SIM that
-- targets those items and is judged on the same (call script) scorecard; and
-- each targeted item's hit rate on real calls before and after the practice,
-- with the number of calls behind each figure.

-- The caller-visible real-call answers of a member, per call-script item.
create function private.member_call_answers(p_org_id uuid, p_user_id uuid)
returns table (call_id uuid, started_at timestamptz, item_key text, question text, credit numeric)
language sql
stable
set search_path = ''
as $$
  -- Invoker rights: RLS on calls and scorecard_answers decides what the caller sees.
  select c.id, c.started_at, i.key, i.question,
         case a.answer when 'yes' then 1.0 when 'partial' then 0.5 else 0.0 end
    from public.calls c
    join public.agents ag on ag.id = c.agent_id and ag.user_id = p_user_id
    join public.scorecard_answers a on a.call_id = c.id and a.is_current
    join public.scorecard_items i on i.id = a.item_id and not i.archived
    join public.scorecards s on s.id = i.scorecard_id and s.source_script_id is not null
   where c.org_id = p_org_id;
$$;
comment on function private.member_call_answers(uuid, uuid) is 'Current scorecard answers of a member''s real calls (call-script scorecard), as the caller may see them.';

create function public.practice_weak_items(p_org_id uuid, p_user_id uuid, p_keys text[], p_due_at timestamptz default null)
returns uuid
language plpgsql
-- security definer: creates the targeted template and the assignment after checking the caller (a manager, or the member for themselves).
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_user();
  v_card uuid;
  v_questions text[];
  v_name text;
  v_template uuid;
  v_sim uuid;
begin
  if not (private.has_org_role(p_org_id, array['owner', 'admin', 'manager']::public.org_role[])
          or (p_user_id = v_uid and private.is_member(p_org_id))) then
    raise exception 'not allowed' using errcode = 'SP403';
  end if;
  if not exists (select 1 from public.memberships m where m.org_id = p_org_id and m.user_id = p_user_id) then
    raise exception 'member not found' using errcode = 'SP404';
  end if;
  if p_keys is null or cardinality(p_keys) not between 1 and 5 then
    raise exception 'choose one to five items' using errcode = 'SP400';
  end if;
  select s.id into v_card from public.scorecards s
    join public.call_scripts cs on cs.id = s.source_script_id and cs.is_default
   where s.org_id = p_org_id;
  select array_agg(i.question order by i.position) into v_questions
    from public.scorecard_items i where i.scorecard_id = v_card and i.key = any (p_keys) and not i.archived;
  if v_card is null or coalesce(cardinality(v_questions), 0) <> cardinality(p_keys) then
    raise exception 'unknown scorecard items' using errcode = 'SP400';
  end if;
  v_name := left('Targeted practice: ' || array_to_string(v_questions, '; '), 200);
  select t.id into v_template from public.sim_templates t
   where t.org_id = p_org_id and t.name = v_name and t.scorecard_id = v_card and not t.is_builtin;
  if v_template is null then
    insert into public.sim_templates (org_id, name, persona_name, persona_role, company, temperament, difficulty, scenario,
                                      objectives, objections, scorecard_id, time_limit_minutes)
    values (p_org_id, v_name, 'Jordan Blake', 'Head of operations', 'Brightline Services', 'busy and to the point', 3,
            'Jordan calls in after seeing your offer and wants to know whether it fits. Run the call the way your call script asks.',
            v_questions[1:10],
            '[{"text": "I''m not sure this is a priority for us right now.", "after_turn": 1}]'::jsonb, v_card, 10)
    returning id into v_template;
  end if;
  insert into public.sims (org_id, template_id, user_id, due_at, min_attempts, focus_keys, note)
  values (p_org_id, v_template, p_user_id, p_due_at, 1, p_keys, 'Targets the items missed most on real calls.')
  returning id into v_sim;
  return v_sim;
end;
$$;
comment on function public.practice_weak_items(uuid, uuid, text[], timestamptz) is
  '"Practice this": assigns the member a SIM targeting these call-script items (1-5 keys), judged on the call-script scorecard; the template is reused for the same items. Managers for anyone, members for themselves. Returns the assignment. Errors: SP400, SP401, SP403, SP404.';

-- The member a report is about, and its bound on calls.
create function private.practice_member(p_user_id uuid, p_n integer, p_name text)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  v_user uuid := coalesce(p_user_id, private.require_user());
begin
  if p_n is null or p_n not between 1 and 200 then
    raise exception '% must be between 1 and 200', p_name using errcode = 'SP400';
  end if;
  return v_user;
end;
$$;
comment on function private.practice_member(uuid, integer, text) is
  'p_user_id, or the caller (SP401 when not signed in); SP400 unless p_n (the parameter p_name) is 1 to 200.';

create function public.weak_scorecard_items(p_org_id uuid, p_user_id uuid default null, p_last_n integer default 20)
returns table (item_key text, question text, calls bigint, hit_rate numeric)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_user uuid;
begin
  v_user := private.practice_member(p_user_id, p_last_n, 'p_last_n');
  return query
  with recent as (
    select distinct m.call_id, m.started_at from private.member_call_answers(p_org_id, v_user) m
     order by m.started_at desc limit p_last_n
  )
  select m.item_key, min(m.question), count(*), round(avg(m.credit), 3)
    from private.member_call_answers(p_org_id, v_user) m
   where m.call_id in (select r.call_id from recent r)
   group by m.item_key
   order by avg(m.credit), count(*) desc, m.item_key;
end;
$$;
comment on function public.weak_scorecard_items(uuid, uuid, integer) is
  'The call-script scorecard items a member (default: the caller) misses most on their last N analyzed real calls: hit rate 0..1 (partial = half) and the number of calls. Agents see their own, managers their team''s (RLS). Errors: SP400, SP401.';

create function public.practice_effect(p_org_id uuid, p_user_id uuid default null, p_window integer default 20)
returns table (sim_id uuid, template_name text, assigned_at timestamptz, practiced_at timestamptz, practice_sessions bigint,
               item_key text, question text, before_calls bigint, before_rate numeric, after_calls bigint, after_rate numeric)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_user uuid := private.practice_member(p_user_id, p_window, 'p_window');
begin
  return query
  with targeted as (
    select a.id, t.name, a.created_at, a.focus_keys,
           (select min(s.started_at) from public.user_sims s
             where s.user_id = a.user_id and s.template_id = a.template_id and s.status = 'scored' and s.started_at >= a.created_at) practiced,
           (select count(*) from public.user_sims s
             where s.user_id = a.user_id and s.template_id = a.template_id and s.status = 'scored' and s.started_at >= a.created_at) n
      from public.sims a join public.sim_templates t on t.id = a.template_id
     where a.org_id = p_org_id and a.user_id = v_user and cardinality(a.focus_keys) > 0
  ), answers as (
    select * from private.member_call_answers(p_org_id, v_user)
  )
  select g.id, g.name, g.created_at, g.practiced, g.n, k.key,
         (select min(x.question) from answers x where x.item_key = k.key),
         b.n, b.rate, f.n, f.rate
    from targeted g
   cross join lateral unnest(g.focus_keys) k(key)
   cross join lateral (
     select count(*) n, round(avg(x.credit), 3) rate from (
       select x.credit from answers x where x.item_key = k.key and x.started_at < g.created_at
        order by x.started_at desc limit p_window) x) b
   cross join lateral (
     select count(*) n, round(avg(x.credit), 3) rate from (
       select x.credit from answers x where x.item_key = k.key and g.practiced is not null and x.started_at > g.practiced
        order by x.started_at limit p_window) x) f
   order by g.created_at desc, k.key;
end;
$$;
comment on function public.practice_effect(uuid, uuid, integer) is
  'For each targeted assignment of a member (default: the caller): each targeted item''s hit rate on real calls before the assignment (last p_window calls) and after the first scored practice (next p_window calls), each with its number of calls; null rate without calls. RLS applies. Errors: SP400, SP401.';

-- Grants -----------------------------------------------------------------------
revoke execute on function private.member_call_answers(uuid, uuid) from public, anon;
grant execute on function private.member_call_answers(uuid, uuid) to authenticated;
revoke execute on function public.practice_weak_items(uuid, uuid, text[], timestamptz) from public, anon;
grant execute on function public.practice_weak_items(uuid, uuid, text[], timestamptz) to authenticated;
revoke execute on function private.practice_member(uuid, integer, text) from public, anon;
grant execute on function private.practice_member(uuid, integer, text) to authenticated;
revoke execute on function public.weak_scorecard_items(uuid, uuid, integer) from public, anon;
grant execute on function public.weak_scorecard_items(uuid, uuid, integer) to authenticated;
revoke execute on function public.practice_effect(uuid, uuid, integer) from public, anon;
grant execute on function public.practice_effect(uuid, uuid, integer) to authenticated;

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

-- Grants -----------------------------------------------------------------------
revoke execute on function private.member_call_answers(uuid, uuid) from public, anon;
grant execute on function private.member_call_answers(uuid, uuid) to authenticated;
revoke execute on function public.practice_weak_items(uuid, uuid, text[], timestamptz) from public, anon;
grant execute on function public.practice_weak_items(uuid, uuid, text[], timestamptz) to authenticated;

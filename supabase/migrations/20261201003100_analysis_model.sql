-- The analysis model (LLM cost): one choice, in this order —
--   1. the plan's default (plans.limits.analysis_model; a mini-class model
--      when the plan names none),
--   2. the organization's setting (organizations.analysis_model, set by
--      owners and admins through set_analysis_model, audited by the
--      organizations audit trigger),
--   3. the budget cap's cheaper model near the tenant's cap (budget_caps),
--   4. escalation: the analyzer asks the larger model (plans.limits.
--      escalation_model, gpt-4o by default) once, only when the chosen
--      model's output failed validation after its retries; the insight
--      records the model and why (insights.model_reason).
-- The analyzer reads all of it through public.analysis_model(org).
--
-- Error codes: see supabase/functions/_shared/errors.ts.

-- The models an organization may choose (each has list prices in provider_prices).
create function private.analysis_models()
returns text[]
language sql
immutable
set search_path = ''
as $$ select array['gpt-4o-mini', 'gpt-4o']::text[] $$;
comment on function private.analysis_models() is 'The analysis models an organization may choose: a mini-class default and the larger one.';

alter table public.organizations
  add column analysis_model text check (analysis_model is null or analysis_model = any (private.analysis_models()));
comment on column public.organizations.analysis_model is
  'The model that analyzes this organization''s calls (null: the plan''s default). Owners and admins set it with set_analysis_model.';

-- Functions --------------------------------------------------------------------------
create function public.set_analysis_model(p_org_id uuid, p_model text)
returns void
language plpgsql
-- security definer: writes organizations.analysis_model for owners and admins (checked first).
security definer
set search_path = ''
as $$
begin
  perform private.require_user();
  if not private.has_org_role(p_org_id, array['owner', 'admin']::public.org_role[]) then
    raise exception 'only owners and admins choose the analysis model' using errcode = 'SP403';
  end if;
  if p_model is not null and not p_model = any (private.analysis_models()) then
    raise exception 'the analysis model must be one of %', array_to_string(private.analysis_models(), ', ') using errcode = 'SP400';
  end if;
  update public.organizations set analysis_model = p_model where id = p_org_id;
end;
$$;
comment on function public.set_analysis_model(uuid, text) is
  'Owners and admins: the organization''s analysis model (one of private.analysis_models(); null for the plan''s default). Audited.';

create function public.analysis_model_options(p_org_id uuid)
returns jsonb
language plpgsql
stable
-- security definer: reads the plan's limits (private.entitlements) for members (checked first).
security definer
set search_path = ''
as $$
declare
  v_limits jsonb;
begin
  perform private.require_user();
  if not (p_org_id in (select private.user_org_ids()) or (select private.is_platform_admin())) then
    raise exception 'not a member of this organization' using errcode = 'SP403';
  end if;
  v_limits := private.entitlements(p_org_id) -> 'limits';
  return jsonb_build_object(
    'models', to_jsonb(private.analysis_models()),
    'plan_default', coalesce(v_limits ->> 'analysis_model', 'gpt-4o-mini'),
    'selected', (select o.analysis_model from public.organizations o where o.id = p_org_id));
end;
$$;
comment on function public.analysis_model_options(uuid) is
  'Members: the analysis models to choose from, the plan''s default and the organization''s choice (null: the plan''s).';

create function public.analysis_model(p_org_id uuid)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_limits jsonb := private.entitlements(p_org_id) -> 'limits';
  v_model text := coalesce(v_limits ->> 'analysis_model', 'gpt-4o-mini');
  v_escalation text := coalesce(v_limits ->> 'escalation_model', 'gpt-4o');
  v_source text := 'plan';
  v_org_model text;
  v_cap public.budget_caps;
  v_spent numeric;
  v_reason text;
begin
  select o.analysis_model into v_org_model from public.organizations o where o.id = p_org_id;
  if v_org_model is not null then
    v_model := v_org_model;
    v_source := 'organization';
  end if;
  select * into v_cap from public.budget_caps b where b.org_id = p_org_id;
  if found and v_cap.cheaper_model <> v_model then
    v_spent := private.month_spend(p_org_id);
    if v_spent >= v_cap.switch_at * v_cap.monthly_usd then
      insert into public.budget_notices (org_id, month, spent_usd, cap_usd, model)
      values (p_org_id, date_trunc('month', now())::date, v_spent, v_cap.monthly_usd, v_cap.cheaper_model)
      on conflict (org_id, month) do nothing;
      v_reason := format('budget: $%s of the $%s monthly cap spent (%s%%); %s instead of %s',
                         round(v_spent, 2), round(v_cap.monthly_usd, 2), round(100 * v_spent / v_cap.monthly_usd), v_cap.cheaper_model, v_model);
      v_model := v_cap.cheaper_model;
      v_source := 'budget';
    end if;
  end if;
  return jsonb_build_object(
    'model', v_model,
    'reason', v_reason,
    'source', v_source,
    'escalation_model', case when v_escalation <> v_model then v_escalation end);
end;
$$;
comment on function public.analysis_model(uuid) is
  'Backend only (analyzer): the model to analyze with — the plan''s default, the organization''s setting, or the budget cap''s cheaper model once this month''s provider costs reach switch_at × cap (then a notice for the month, once) — why (reason), and the larger model to escalate to once when its output fails validation (null: none).';

-- Grants -------------------------------------------------------------------------
revoke execute on function private.analysis_models() from public;
grant execute on function private.analysis_models() to authenticated, service_role;
revoke execute on function public.set_analysis_model(uuid, text) from public, anon;
grant execute on function public.set_analysis_model(uuid, text) to authenticated;
revoke execute on function public.analysis_model_options(uuid) from public, anon;
grant execute on function public.analysis_model_options(uuid) to authenticated;
revoke execute on function public.analysis_model(uuid) from public, anon, authenticated;
grant execute on function public.analysis_model(uuid) to service_role;

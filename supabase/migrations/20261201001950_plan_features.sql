-- Plan features enforced where the data is written: a feature the plan lacks
-- is refused with SP402 (the SPA shows an upgrade prompt instead of the tool).
-- Coaching comments need the `coaching` feature.

create function private.assert_feature(p_org_id uuid, p_feature text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if not coalesce((private.entitlements(p_org_id) -> 'features') ? p_feature, false) then
    raise exception 'plan feature required: %', p_feature
      using errcode = 'SP402', hint = 'Upgrade the plan on the billing page.';
  end if;
end;
$$;
comment on function private.assert_feature(uuid, text) is
  'Raises SP402 when the organization''s effective plan (private.entitlements) lacks p_feature.';

create function private.enforce_coaching_feature()
returns trigger
language plpgsql
-- security definer: entitlements read the organization's subscription and
-- overrides, which members do not read row by row.
security definer
set search_path = ''
as $$
begin
  perform private.assert_feature(new.org_id, 'coaching');
  return new;
end;
$$;
comment on function private.enforce_coaching_feature() is
  'call_comments: coaching comments need a plan with the coaching feature (SP402).';
create trigger call_comments_plan_feature before insert on public.call_comments
  for each row execute function private.enforce_coaching_feature();


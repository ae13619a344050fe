-- Which PII types an organization redacts from its transcripts:
-- organizations.settings.redact_types, an array of type names. Unset means
-- every type. The analyze job reads it; the counts per type it redacted are
-- stored with the transcript (transcripts.redactions).

create function private.valid_redact_types(p_settings jsonb)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select case
    when not (p_settings ? 'redact_types') then true
    when jsonb_typeof(p_settings -> 'redact_types') <> 'array' then false
    else coalesce((
      select bool_and(jsonb_typeof(t) = 'string' and (t #>> '{}') in
        ('CARD', 'CVV', 'SSN', 'EMAIL', 'PHONE', 'ACCOUNT', 'DOB', 'ADDRESS', 'NAME'))
      from jsonb_array_elements(p_settings -> 'redact_types') as t
    ), true) and jsonb_array_length(p_settings -> 'redact_types') <= 9
  end
$$;

-- The check runs as whoever updates the organization (owners and admins through the API).
revoke all on function private.valid_redact_types(jsonb) from public, anon;
grant execute on function private.valid_redact_types(jsonb) to authenticated, service_role;

alter table public.organizations
  add constraint organizations_redact_types_valid check (private.valid_redact_types(settings));

-- Owners and admins set it through the API; a bad value is SP400, not a raw check violation.
create function public.set_redaction_types(p_org_id uuid, p_types text[])
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_settings jsonb;
begin
  if p_org_id is null or p_org_id not in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])) then
    raise exception 'only owners and admins change what is redacted' using errcode = 'SP403';
  end if;
  v_settings := jsonb_build_object('redact_types', to_jsonb(coalesce(p_types, array[]::text[])));
  if not private.valid_redact_types(v_settings) then
    raise exception 'unknown redaction type' using errcode = 'SP400';
  end if;
  update public.organizations
     set settings = settings || v_settings
   where id = p_org_id
  returning settings -> 'redact_types' into v_settings;
  return v_settings;
end
$$;

revoke all on function public.set_redaction_types(uuid, text[]) from public, anon;
grant execute on function public.set_redaction_types(uuid, text[]) to authenticated;

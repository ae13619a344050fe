-- Consent ledger: per call, whether the recording notice played and which
-- text, the jurisdiction of the caller's number (its country from
-- libphonenumber-js in the functions; a US/Canada state or province from the
-- area code here) and whether that jurisdiction needs one party's consent or
-- every party's. The analyzer checks the ledger first: a call without the
-- consent its jurisdiction requires is stored but not analyzed.
--
-- Error codes: see supabase/functions/_shared/errors.ts.

-- Tables -----------------------------------------------------------------------
create table public.consent_regions (
  region text primary key check (region ~ '^[A-Z]{2}(-[A-Z0-9]{1,3})?$'),
  rule text not null check (rule in ('one_party', 'all_party')),
  note text not null check (char_length(note) <= 200)
);
comment on table public.consent_regions is
  'Recording-consent rule per country (ISO 3166-1) or subdivision (US-CA): one_party (the agent''s consent suffices) or all_party (every party must be told). A region not listed counts as all_party.';

create table public.consent_area_codes (
  npa text primary key check (npa ~ '^[2-9][0-9]{2}$'),
  region text not null references public.consent_regions (region)
);
comment on table public.consent_area_codes is
  'North American area codes of subdivisions whose rule differs from their country''s (all-party states). Numbers with other area codes take the country''s rule.';

create table public.call_consents (
  call_id uuid primary key references public.calls (id) on delete cascade,
  org_id uuid not null references public.organizations (id) on delete cascade,
  region text not null,
  rule text not null check (rule in ('one_party', 'all_party')),
  notice_played boolean not null,
  notice_text text check (char_length(notice_text) <= 500),
  -- voice: written when the voice webhook played (or did not play) the notice;
  -- analyzer: the voice webhook never saw the call, so no notice is on record.
  source text not null check (source in ('voice', 'analyzer')),
  recorded_at timestamptz not null default now(),
  analysis_allowed boolean generated always as (rule = 'one_party' or notice_played) stored
);
comment on table public.call_consents is
  'Consent ledger: one row per call — region, its rule, whether and which recording notice played, when. analysis_allowed is false when the region needs every party''s consent and no notice played.';

-- Indexes ------------------------------------------------------------------------
create index call_consents_org_id_idx on public.call_consents (org_id, recorded_at desc);
create index consent_area_codes_region_idx on public.consent_area_codes (region);

-- RLS ------------------------------------------------------------------------
alter table public.consent_regions enable row level security;
alter table public.consent_area_codes enable row level security;
alter table public.call_consents enable row level security;

create policy "Signed-in users read the consent rules" on public.consent_regions
  for select to authenticated using (true);
create policy "Signed-in users read the area codes of consent rules" on public.consent_area_codes
  for select to authenticated using (true);
create policy "Members read the consent of the calls they can see" on public.call_consents
  for select to authenticated
  using (call_id in (select c.id from public.calls c));

revoke all on public.consent_regions, public.consent_area_codes, public.call_consents from anon, authenticated;
grant select on public.consent_regions, public.consent_area_codes, public.call_consents to authenticated;

-- Rules (reference data; staff keep it current) ------------------------------------
insert into public.consent_regions (region, rule, note) values
  ('US', 'one_party', 'Federal law and most states: one party'),
  ('US-CA', 'all_party', 'California Penal Code 632'),
  ('US-FL', 'all_party', 'Florida Statutes 934.03'),
  ('US-IL', 'all_party', 'Illinois 720 ILCS 5/14-2'),
  ('US-MD', 'all_party', 'Maryland Courts 10-402'),
  ('US-MA', 'all_party', 'Massachusetts ch. 272 s. 99'),
  ('US-MT', 'all_party', 'Montana 45-8-213'),
  ('US-NH', 'all_party', 'New Hampshire 570-A:2'),
  ('US-PA', 'all_party', 'Pennsylvania 18 Pa.C.S. 5703'),
  ('US-WA', 'all_party', 'Washington RCW 9.73.030'),
  ('CA', 'one_party', 'Canada: Criminal Code s. 184'),
  ('GB', 'one_party', 'United Kingdom: RIPA (businesses still give notice)'),
  ('IE', 'one_party', 'Ireland'),
  ('AU', 'all_party', 'Australia: strictest state rules apply'),
  ('DE', 'all_party', 'Germany: StGB 201'),
  ('FR', 'all_party', 'France'),
  ('ES', 'one_party', 'Spain'),
  ('IT', 'one_party', 'Italy'),
  ('NL', 'one_party', 'Netherlands');
insert into public.consent_area_codes (npa, region)
select npa, region from (values
  ('US-CA', array['209','213','279','310','323','341','350','408','415','424','442','510','530','559','562','619','626','628','650','657','661','669','707','714','747','760','805','818','820','831','840','858','909','916','925','949','951']),
  ('US-FL', array['239','305','321','324','352','386','407','448','561','645','656','689','727','728','754','772','786','813','850','863','904','941','954']),
  ('US-IL', array['217','224','309','312','331','447','464','618','630','708','730','773','779','815','847','861','872']),
  ('US-MD', array['227','240','301','410','443','667']),
  ('US-MA', array['339','351','413','508','617','774','781','857','978']),
  ('US-MT', array['406']),
  ('US-NH', array['603']),
  ('US-PA', array['215','223','267','272','412','445','484','570','582','610','717','724','814','835','878']),
  ('US-WA', array['206','253','360','425','509','564'])
) v(region, codes), unnest(v.codes) npa;

-- Functions --------------------------------------------------------------------------
create function private.consent_region(p_number text, p_country text)
returns text
language sql
stable
set search_path = ''
as $$
  -- NANP numbers: a listed area code names the subdivision.
  select coalesce(
    case when p_country in ('US', 'CA') and p_number ~ '^\+1[2-9][0-9]{9}$'
         then (select a.region from public.consent_area_codes a where a.npa = substr(p_number, 3, 3)) end,
    nullif(upper(btrim(p_country)), ''),
    'ZZ');
$$;
comment on function private.consent_region(text, text) is
  'The jurisdiction of a caller: the subdivision of a listed North American area code, else the country (libphonenumber-js, passed in), else ZZ (unknown).';

create function public.record_call_consent(p_call_id uuid, p_country text, p_notice text, p_source text default 'voice')
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_call public.calls;
  v_region text;
  v_row public.call_consents;
  v_country text := nullif(btrim(coalesce(p_country, '')), '');
begin
  select * into v_call from public.calls c where c.id = p_call_id;
  if not found or v_call.org_id is null then
    return null;
  end if;
  if v_country is not null and v_country !~ '^[A-Za-z]{2}$' then
    raise exception 'country must be an ISO 3166-1 alpha-2 code' using errcode = 'SP400';
  end if;
  v_region := private.consent_region(v_call.from_number, upper(v_country));
  insert into public.call_consents (call_id, org_id, region, rule, notice_played, notice_text, source)
  values (p_call_id, v_call.org_id, v_region,
          coalesce((select r.rule from public.consent_regions r where r.region = v_region),
                   (select r.rule from public.consent_regions r where r.region = split_part(v_region, '-', 1)),
                   'all_party'),
          nullif(btrim(coalesce(p_notice, '')), '') is not null, left(nullif(btrim(coalesce(p_notice, '')), ''), 500),
          coalesce(p_source, 'voice'))
  on conflict (call_id) do nothing;
  select * into v_row from public.call_consents c where c.call_id = p_call_id;
  return jsonb_build_object(
    'region', v_row.region, 'rule', v_row.rule, 'notice_played', v_row.notice_played,
    'analysis_allowed', v_row.analysis_allowed,
    'reason', case when not v_row.analysis_allowed then
      format('Not analyzed: %s requires every party''s consent and no recording notice played', v_row.region) end);
end;
$$;
comment on function public.record_call_consent(uuid, text, text, text) is
  'Backend only: writes the call''s consent ledger row once (the first writer wins: the voice webhook when it saw the call, else the analyzer) and says whether the call may be analyzed, and why not.';

-- twilio-voice knows the call SID; this wraps record_call_consent for it.
create function public.record_call_consent_by_sid(p_call_sid text, p_country text, p_notice text)
returns jsonb
language sql
set search_path = ''
as $$
  select public.record_call_consent(c.id, p_country, p_notice, 'voice') from public.calls c where c.twilio_call_sid = p_call_sid;
$$;
comment on function public.record_call_consent_by_sid(text, text, text) is 'Backend only (twilio-voice): record_call_consent for the call with this Twilio SID.';

-- Registry: the ledger is evidence, kept as long as its call; erased with it.
insert into private.data_rules (table_name, position, org_column, call_column, match_columns, erase_action, note) values
  ('call_consents', 15, 'org_id', 'call_id', '{}', 'delete', 'Consent evidence: kept as long as its call, erased with it.');

-- Grants -------------------------------------------------------------------------
grant execute on function private.consent_region(text, text) to service_role;
revoke execute on function public.record_call_consent(uuid, text, text, text) from public, anon, authenticated;
grant execute on function public.record_call_consent(uuid, text, text, text) to service_role;
revoke execute on function public.record_call_consent_by_sid(text, text, text) from public, anon, authenticated;
grant execute on function public.record_call_consent_by_sid(text, text, text) to service_role;

-- Referrals: who referred whom, moved along submitted → contacted →
-- qualified → won | lost (a timestamp per step, valid transitions only),
-- with deal value, reward status and an owner. Duplicates (the same phone
-- number or email address in the organization, normalised) are refused
-- with SP409. Every step — the submission included — writes an activity of
-- type referral, so referrals count toward goals (referrals_won, activities).

-- Types ------------------------------------------------------------------------
create type public.referral_status as enum ('submitted', 'contacted', 'qualified', 'won', 'lost');
comment on type public.referral_status is 'submitted -> contacted -> qualified -> won; lost from any open step.';
create type public.referrer_kind as enum ('customer', 'partner', 'employee');
comment on type public.referrer_kind is 'Who made the referral.';
create type public.reward_status as enum ('none', 'pending', 'paid');
comment on type public.reward_status is 'The referrer''s reward: none, pending (owed), paid.';

-- Tables -----------------------------------------------------------------------
create table public.referrals (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  referrer_kind public.referrer_kind not null,
  referrer_name text not null check (char_length(btrim(referrer_name)) between 1 and 200),
  referred_name text not null check (char_length(btrim(referred_name)) between 1 and 200),
  referred_phone text check (char_length(referred_phone) <= 32),
  referred_email text check (char_length(referred_email) <= 320),
  -- Normalised for duplicate detection: digits only (a leading 00 dropped),
  -- and the trimmed, lower-cased address.
  phone_key text generated always as (
    nullif(regexp_replace(regexp_replace(coalesce(referred_phone, ''), '[^0-9]', '', 'g'), '^00', ''), '')) stored,
  email_key text generated always as (nullif(lower(btrim(coalesce(referred_email, ''))), '')) stored,
  status public.referral_status not null default 'submitted',
  submitted_at timestamptz not null default now(),
  contacted_at timestamptz,
  qualified_at timestamptz,
  won_at timestamptz,
  lost_at timestamptz,
  deal_value numeric(12, 2) check (deal_value >= 0),
  reward_status public.reward_status not null default 'none',
  owner_id uuid references auth.users (id) on delete set null,
  notes text check (char_length(notes) <= 2000),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (referred_phone is not null or referred_email is not null)
);
comment on table public.referrals is
  'Referred prospects. Members submit; the owner (default: the submitter) and managers move the status; managers set the reward. At most one referral per normalised phone number and per email address in an organization (SP409). Each status step writes a type-referral activity (source_type referral_<status>, source_id = the referral).';

-- Indexes ------------------------------------------------------------------------
create index referrals_org_id_idx on public.referrals (org_id, status, submitted_at desc);
create index referrals_owner_id_idx on public.referrals (owner_id);
create index referrals_created_by_idx on public.referrals (created_by);
create unique index referrals_one_per_phone on public.referrals (org_id, phone_key) where phone_key is not null;
create unique index referrals_one_per_email on public.referrals (org_id, email_key) where email_key is not null;

-- Triggers -----------------------------------------------------------------------
create function private.guard_referral()
returns trigger
language plpgsql
-- security definer: reads the caller's role in the organization.
security definer
set search_path = ''
as $$
declare
  v_manager boolean := private.has_org_role(coalesce(new.org_id, old.org_id), array['owner', 'admin', 'manager']::public.org_role[]);
  v_api boolean := auth.uid() is not null;
begin
  -- A caller outside the organization learns nothing here: RLS refuses the row.
  if current_setting('role', true) = 'authenticated' and not private.is_member(coalesce(new.org_id, old.org_id)) then
    return new;
  end if;
  perform private.bounded_text(new.referrer_name, 200, 'referrer_name');
  perform private.bounded_text(new.referred_name, 200, 'referred_name');
  perform private.bounded_text(new.referred_phone, 32, 'referred_phone');
  perform private.bounded_text(new.referred_email, 320, 'referred_email');
  perform private.bounded_text(new.notes, 2000, 'notes');
  if char_length(btrim(coalesce(new.referrer_name, ''))) = 0 or char_length(btrim(coalesce(new.referred_name, ''))) = 0 then
    raise exception 'referrer and referred names are required' using errcode = 'SP400';
  end if;
  if nullif(btrim(new.referred_phone), '') is null and nullif(btrim(new.referred_email), '') is null then
    raise exception 'a phone number or an email address is required' using errcode = 'SP400';
  end if;
  if nullif(btrim(new.referred_email), '') is not null and new.referred_email !~ '^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$' then
    raise exception 'invalid email address' using errcode = 'SP400';
  end if;
  if nullif(btrim(new.referred_phone), '') is not null and length(regexp_replace(new.referred_phone, '[^0-9]', '', 'g')) not between 6 and 15 then
    raise exception 'a phone number has 6 to 15 digits' using errcode = 'SP400';
  end if;
  if new.deal_value is not null and (new.deal_value < 0 or new.deal_value > 1e9) then
    raise exception 'deal_value must be between 0 and 1,000,000,000' using errcode = 'SP400';
  end if;
  if tg_op = 'INSERT' then
    new.status := 'submitted';
    new.submitted_at := now();
    new.contacted_at := null; new.qualified_at := null; new.won_at := null; new.lost_at := null;
    if v_api then
      new.owner_id := coalesce(new.owner_id, auth.uid());
      if not v_manager then
        new.owner_id := auth.uid(); -- agents own what they submit
        new.reward_status := 'none';
      end if;
    end if;
  else
    new.org_id := old.org_id;
    new.submitted_at := old.submitted_at;
    if v_api and not v_manager and (new.reward_status is distinct from old.reward_status or new.owner_id is distinct from old.owner_id) then
      raise exception 'only owners, admins and managers set rewards and owners' using errcode = 'SP403';
    end if;
    if new.status is distinct from old.status then
      if not (old.status, new.status) in (('submitted', 'contacted'), ('contacted', 'qualified'), ('qualified', 'won'),
                                          ('submitted', 'lost'), ('contacted', 'lost'), ('qualified', 'lost')) then
        raise exception 'a % referral cannot become %', old.status, new.status using errcode = 'SP422';
      end if;
      case new.status
        when 'contacted' then new.contacted_at := now();
        when 'qualified' then new.qualified_at := now();
        when 'won' then new.won_at := now();
        when 'lost' then new.lost_at := now();
        else null;
      end case;
    else
      new.contacted_at := old.contacted_at; new.qualified_at := old.qualified_at;
      new.won_at := old.won_at; new.lost_at := old.lost_at;
    end if;
  end if;
  if new.owner_id is not null and not exists (
    select 1 from public.memberships m where m.org_id = new.org_id and m.user_id = new.owner_id) then
    raise exception 'the owner must be a member of the organization' using errcode = 'SP422';
  end if;
  return new;
end;
$$;
comment on function private.guard_referral() is
  'BEFORE INSERT/UPDATE on referrals: bounded text and a contact (SP400); new referrals start submitted; status moves only submitted -> contacted -> qualified -> won, or to lost from an open step (SP422), stamping the step''s time; only managers change reward status or owner (SP403).';

create function private.referral_activity()
returns trigger
language plpgsql
-- security definer: writes an automatic activity, which API roles cannot write.
security definer
set search_path = ''
as $$
declare
  v_user uuid := coalesce(auth.uid(), new.owner_id);
begin
  if tg_op = 'UPDATE' and new.status is not distinct from old.status then
    return null;
  end if;
  insert into public.activities (org_id, agent_id, user_id, type, outcome, value, occurred_at, source_type, source_id,
                                 contact, title, metadata)
  select new.org_id, (select a.id from public.agents a where a.org_id = new.org_id and a.user_id = v_user), v_user,
         'referral',
         case new.status when 'won' then 'won' when 'lost' then 'lost' else null end,
         case when new.status = 'won' then coalesce(new.deal_value, 0) else 0 end,
         now(), 'referral_' || new.status::text, new.id, new.referred_name,
         'Referral ' || new.status::text || ': ' || new.referred_name,
         jsonb_build_object('referral_id', new.id, 'to_status', new.status,
                            'from_status', case when tg_op = 'UPDATE' then old.status end,
                            'referrer_kind', new.referrer_kind)
  on conflict (source_type, source_id) do nothing;
  return null;
end;
$$;
comment on function private.referral_activity() is
  'AFTER INSERT / status change on referrals: one activity of type referral per step, by the caller (or the owner), valued at the deal value when won.';

create trigger referrals_guard before insert or update on public.referrals
  for each row execute function private.guard_referral();
create trigger referrals_updated_at before update on public.referrals
  for each row execute function private.set_updated_at();
create trigger referrals_created_by before insert or update on public.referrals
  for each row execute function private.set_created_by();
create trigger referrals_activity after insert or update of status on public.referrals
  for each row execute function private.referral_activity();
create trigger referrals_audit after insert or update or delete on public.referrals
  for each row execute function private.audit_row();

-- RLS ------------------------------------------------------------------------
alter table public.referrals enable row level security;

create policy "Managers read referrals; members those they own or submitted" on public.referrals
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or ((owner_id = (select auth.uid()) or created_by = (select auth.uid())) and org_id in (select private.user_org_ids()))
         or (select private.is_platform_admin()));
create policy "Members submit referrals" on public.referrals
  for insert to authenticated
  with check (org_id in (select private.user_org_ids()));
create policy "Managers and owners of a referral update it" on public.referrals
  for update to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or (owner_id = (select auth.uid()) and org_id in (select private.user_org_ids())))
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
              or org_id in (select private.user_org_ids()));
create policy "Managers delete referrals" on public.referrals
  for delete to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));

revoke all on public.referrals from anon, authenticated;
grant select, delete on public.referrals to authenticated;
grant insert (org_id, referrer_kind, referrer_name, referred_name, referred_phone, referred_email, deal_value, reward_status, owner_id, notes),
      update (referrer_kind, referrer_name, referred_name, referred_phone, referred_email, status, deal_value, reward_status, owner_id, notes)
  on public.referrals to authenticated;

-- Functions ----------------------------------------------------------------------
create function public.submit_referral(
  p_org_id uuid, p_referrer_kind public.referrer_kind, p_referrer_name text, p_referred_name text,
  p_referred_phone text default null, p_referred_email text default null, p_deal_value numeric default null,
  p_notes text default null)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  v_id uuid;
begin
  perform private.require_user();
  if not private.is_member(p_org_id) then
    raise exception 'not a member of this organization' using errcode = 'SP403';
  end if;
  begin
    insert into public.referrals (org_id, referrer_kind, referrer_name, referred_name, referred_phone, referred_email, deal_value, notes)
    values (p_org_id, p_referrer_kind, btrim(p_referrer_name), btrim(p_referred_name), nullif(btrim(p_referred_phone), ''),
            nullif(btrim(p_referred_email), ''), p_deal_value, p_notes)
    returning id into v_id;
  exception when unique_violation then
    raise exception 'this person was already referred to the organization (same phone number or email address)'
      using errcode = 'SP409';
  end;
  return v_id;
end;
$$;
comment on function public.submit_referral(uuid, public.referrer_kind, text, text, text, text, numeric, text) is
  'Submits a referral (any member; the caller owns it). Duplicates — the same phone number (digits only) or email address (case-insensitive) already referred in the organization — are refused with SP409, without saying by whom. Errors: SP401, SP403, SP400 (text bounds, no contact), SP409.';

create function public.set_referral_status(p_referral_id uuid, p_status public.referral_status, p_deal_value numeric default null)
returns public.referrals
language plpgsql
set search_path = ''
as $$
declare
  r public.referrals;
begin
  perform private.require_user();
  update public.referrals
     set status = p_status, deal_value = coalesce(p_deal_value, deal_value)
   where id = p_referral_id
  returning * into r;
  if r.id is null then
    raise exception 'referral not found' using errcode = 'SP404';
  end if;
  return r;
end;
$$;
comment on function public.set_referral_status(uuid, public.referral_status, numeric) is
  'Moves a referral one step (its owner or a manager): submitted -> contacted -> qualified -> won, or to lost; optionally records the deal value. Writes the step''s activity. Errors: SP401, SP404 (not found or not yours), SP422 (invalid transition).';

create function public.list_referrals(p_status public.referral_status default null, p_owner_id uuid default null,
                                      p_query text default null, p_limit integer default 50, p_offset integer default 0)
returns table (id uuid, referrer_kind public.referrer_kind, referrer_name text, referred_name text, referred_phone text,
               referred_email text, status public.referral_status, submitted_at timestamptz, contacted_at timestamptz,
               qualified_at timestamptz, won_at timestamptz, lost_at timestamptz, deal_value numeric,
               reward_status public.reward_status, owner_id uuid, owner_name text, notes text,
               next_statuses public.referral_status[], total_count bigint, status_counts jsonb)
language plpgsql
stable
set search_path = ''
as $$
begin
  perform private.bounded_text(p_query, 200, 'the search query');
  return query
  with r as (
    select * from public.referrals x
     where x.org_id = any (array(select private.scope_org_ids()))
       and (p_owner_id is null or x.owner_id = p_owner_id)
       and (p_query is null or x.referred_name ilike '%' || p_query || '%' or x.referrer_name ilike '%' || p_query || '%'
            or x.email_key like '%' || lower(p_query) || '%')
  ), counts as (
    select jsonb_object_agg(s.status, s.n) as c from (select r.status, count(*) as n from r group by r.status) s
  )
  select r.id, r.referrer_kind, r.referrer_name, r.referred_name, r.referred_phone, r.referred_email, r.status,
         r.submitted_at, r.contacted_at, r.qualified_at, r.won_at, r.lost_at, r.deal_value, r.reward_status, r.owner_id,
         coalesce(p.full_name, p.email), r.notes,
         case r.status when 'submitted' then array['contacted', 'lost']::public.referral_status[]
                       when 'contacted' then array['qualified', 'lost']::public.referral_status[]
                       when 'qualified' then array['won', 'lost']::public.referral_status[]
                       else '{}'::public.referral_status[] end,
         count(*) over (), coalesce((select c from counts), '{}'::jsonb)
    from r left join public.profiles p on p.id = r.owner_id
   where p_status is null or r.status = p_status
   order by r.submitted_at desc, r.id
   limit least(greatest(coalesce(p_limit, 50), 1), 200) offset greatest(coalesce(p_offset, 0), 0);
end;
$$;
comment on function public.list_referrals(public.referral_status, uuid, text, integer, integer) is
  'The referrals screen: referrals of the caller''s current organization they may see (managers all, members the ones they own or submitted), newest first, by status, owner and a name/email search (at most 200 characters, SP400); with the allowed next statuses, total_count for paging and status_counts for the pipeline header (before the status filter).';

-- The security invoker RPCs here (and in later domains) check sign-in with it.
grant execute on function private.require_user() to authenticated;
revoke execute on function public.submit_referral(uuid, public.referrer_kind, text, text, text, text, numeric, text) from public, anon;
grant execute on function public.submit_referral(uuid, public.referrer_kind, text, text, text, text, numeric, text) to authenticated;
revoke execute on function public.set_referral_status(uuid, public.referral_status, numeric) from public, anon;
grant execute on function public.set_referral_status(uuid, public.referral_status, numeric) to authenticated;
revoke execute on function public.list_referrals(public.referral_status, uuid, text, integer, integer) from public, anon;
grant execute on function public.list_referrals(public.referral_status, uuid, text, integer, integer) to authenticated;

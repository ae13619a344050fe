-- Access fixes from the security review (fixed forward):
--  * a removed member read the transcripts, insights, comments and activities
--    of the calls they took, and could still edit their comments: the helpers
--    and policies that say "the caller's own" now require a live membership,
--    and leaving an organization unlinks the member's agent there;
--  * search_calls took a query of any length (seconds of database time, or a
--    stack-depth error, for any member): its text is bounded;
--  * re-inviting an address sent an email every time: re-invitations are
--    throttled per address;
--  * service_role could insert forged audit rows: only the audit trigger writes;
--  * stripe-webhook answered 500 to a validly signed but malformed event, so
--    Stripe would retry it for days: such events are acknowledged and recorded
--    in stripe_refused_events;
--  * plans had two permissive SELECT policies for authenticated (advisor lint
--    multiple_permissive_policies): one policy per role now.

-- Tables -----------------------------------------------------------------------------

create table public.stripe_refused_events (
  id bigint generated always as identity primary key,
  event_id text check (char_length(event_id) <= 255),
  type text check (char_length(type) <= 255),
  reason text not null check (char_length(reason) <= 500),
  payload jsonb not null,
  received_at timestamptz not null default now()
);
comment on table public.stripe_refused_events is
  'Validly signed Stripe events that cannot be applied (malformed): acknowledged to Stripe, kept here for staff, applied never.';
create index stripe_refused_events_received_at_idx on public.stripe_refused_events (received_at desc);
alter table public.stripe_refused_events enable row level security;
create policy "Staff read refused Stripe events" on public.stripe_refused_events
  for select to authenticated
  using ((select private.is_platform_admin()));
revoke all on public.stripe_refused_events from anon, authenticated, service_role;
grant select on public.stripe_refused_events to authenticated;

-- Triggers -------------------------------------------------------------------------

-- Leaving (removal, or leaving by oneself) unlinks the member's agent in that
-- organization, so nothing of theirs there stays tied to their login.
create function private.unlink_agent_of_former_member()
returns trigger
language plpgsql
-- security definer: agents is not writable by the member being removed.
security definer
set search_path = ''
as $$
begin
  update public.agents set user_id = null where org_id = old.org_id and user_id = old.user_id;
  return old;
end;
$$;
comment on function private.unlink_agent_of_former_member() is
  'AFTER DELETE on memberships: unlinks the former member''s agent in that organization.';
create trigger memberships_unlink_agent after delete on public.memberships
  for each row execute function private.unlink_agent_of_former_member();

-- Re-invitations of one address to one organization: at most one a minute and
-- five a day (each one emails the address). SP429, and nothing is changed.
create function private.throttle_invitations()
returns trigger
language plpgsql
-- security definer: counts the organization's earlier invitations whatever the caller may read.
security definer
set search_path = ''
as $$
declare
  v_last timestamptz;
  v_day integer;
begin
  select max(created_at), count(*) filter (where created_at > now() - interval '1 day')
    into v_last, v_day
    from public.invitations where org_id = new.org_id and email = new.email;
  if v_last > now() - interval '1 minute' or v_day >= 5 then
    raise exception '% was invited moments ago or too often today; try again later', new.email using errcode = 'SP429';
  end if;
  return new;
end;
$$;
comment on function private.throttle_invitations() is
  'BEFORE INSERT on invitations: at most one invitation a minute and five a day per organization and address (SP429).';
create index invitations_org_email_created_idx on public.invitations (org_id, email, created_at desc);
create trigger invitations_throttle before insert on public.invitations
  for each row execute function private.throttle_invitations();

-- Helpers ---------------------------------------------------------------------------

create or replace function private.agent_call_ids()
returns setof uuid
language sql
stable
-- security definer: reads calls/agents of the caller without re-entering RLS.
security definer
set search_path = ''
as $$
  select c.id from public.calls c join public.agents a on a.id = c.agent_id
   where a.user_id = (select auth.uid())
     and exists (select 1 from public.memberships m where m.user_id = a.user_id and m.org_id = c.org_id);
$$;
comment on function private.agent_call_ids() is
  'Calls taken by the agent linked to the caller, in organizations the caller is a member of now.';

-- Text parameters of RPCs get a bound, with a stable code (SP400).
create function private.bounded_text(p_value text, p_max integer, p_name text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_value is not null and char_length(p_value) > p_max then
    raise exception '% is too long (at most % characters)', p_name, p_max using errcode = 'SP400';
  end if;
  return p_value;
end;
$$;
comment on function private.bounded_text(text, integer, text) is
  'Returns p_value, or raises SP400 when it is longer than p_max characters.';
grant execute on function private.bounded_text(text, integer, text) to authenticated, service_role;

-- Policies --------------------------------------------------------------------------

drop policy "Managers read their organization's activities; agents their own" on public.activities;
create policy "Managers read their organization's activities; members their own" on public.activities
  for select to authenticated
  using (
    org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
    or (user_id = (select auth.uid()) and org_id in (select private.user_org_ids()))
    or (select private.is_platform_admin())
  );

drop policy "Authors edit their comments" on public.call_comments;
create policy "Authors who are still members edit their comments" on public.call_comments
  for update to authenticated
  using (author_id = (select auth.uid()) and org_id in (select private.user_org_ids()))
  with check (author_id = (select auth.uid()) and org_id in (select private.user_org_ids()));
drop policy "Authors and admins delete comments" on public.call_comments;
create policy "Authors who are still members, and admins, delete comments" on public.call_comments
  for delete to authenticated
  using ((author_id = (select auth.uid()) and org_id in (select private.user_org_ids()))
         or org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])));

drop policy "Anyone reads the active plans" on public.plans;
drop policy "Staff read retired plans too" on public.plans;
create policy "Visitors read the active plans" on public.plans
  for select to anon
  using (active);
create policy "Users read the active plans; staff all plans" on public.plans
  for select to authenticated
  using (active or (select private.is_platform_admin()));

-- Only the audit trigger (security definer, owned by the table's owner) writes audit rows.
revoke insert on public.audit_logs from service_role;

-- Functions ---------------------------------------------------------------------------

-- search_calls: the same query (moved, unchanged, to private), behind a public
-- entry point that bounds its text parameters first.
alter function public.search_calls(text, date, date, uuid, text, text, text, integer, integer) set schema private;
alter function private.search_calls(text, date, date, uuid, text, text, text, integer, integer) rename to search_calls_unbounded;
comment on function private.search_calls_unbounded(text, date, date, uuid, text, text, text, integer, integer) is
  'The body of public.search_calls, without its input bounds; called only by it.';

create function public.search_calls(
  p_query text default null,
  p_from date default null,
  p_to date default null,
  p_agent_id uuid default null,
  p_outcome text default null,
  p_sentiment text default null,
  p_status text default null,
  p_limit integer default 25,
  p_offset integer default 0
)
returns table (id uuid, started_at timestamptz, duration_seconds integer, status public.call_status, error text,
               agent_id uuid, agent_name text, from_number text, converted boolean, upsell_amount numeric,
               sentiment_label text, sentiment_score numeric, adherence_score integer, summary text,
               snippet text, total_count bigint)
language plpgsql
stable
set search_path = ''
as $$
begin
  perform private.bounded_text(p_query, 200, 'the search query');
  perform private.bounded_text(p_outcome, 32, 'p_outcome');
  perform private.bounded_text(p_sentiment, 32, 'p_sentiment');
  perform private.bounded_text(p_status, 32, 'p_status');
  return query select * from private.search_calls_unbounded(
    p_query, p_from, p_to, p_agent_id, p_outcome, p_sentiment, p_status, p_limit, p_offset);
end;
$$;
comment on function public.search_calls(text, date, date, uuid, text, text, text, integer, integer) is
  'Calls in the caller''s scope matching a full-text query and filters, newest first, with snippets. The query is at most 200 characters (SP400).';
grant execute on function public.search_calls(text, date, date, uuid, text, text, text, integer, integer) to authenticated;

create function public.record_refused_stripe_event(p_payload jsonb, p_reason text)
returns void
language sql
-- security definer: service_role has no direct write on the table.
security definer
set search_path = ''
as $$
  insert into public.stripe_refused_events (event_id, type, reason, payload)
  values (left(p_payload ->> 'id', 255), left(p_payload ->> 'type', 255), left(p_reason, 500), p_payload);
$$;
comment on function public.record_refused_stripe_event(jsonb, text) is
  'Backend only (stripe-webhook): records a validly signed event that cannot be applied.';
revoke execute on function public.record_refused_stripe_event(jsonb, text) from public, anon, authenticated;
grant execute on function public.record_refused_stripe_event(jsonb, text) to service_role;

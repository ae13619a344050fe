-- Privacy: what data the platform keeps and for how long. The data registry
-- (private.data_rules: one row per table that holds tenant data, saying how
-- it ages out and how a person is erased from it), legal holds, the pg_cron
-- retention purge (batched, idempotent, logged in purge_runs), deletion
-- requests with receipts, and the provider-side recording deletes (jobs).
--
-- Error codes: see supabase/functions/_shared/errors.ts.

-- Tables -----------------------------------------------------------------------
create table private.data_rules (
  table_name text primary key check (table_name ~ '^[a-z_][a-z0-9_]{0,62}$'),
  -- Lower runs first: children before the rows they reference, audit_logs last
  -- (erasing audited rows writes audit rows of its own).
  position integer not null,
  org_column text not null default 'org_id',
  -- Retention: rows older than the organization's window (by time_column) are
  -- deleted or anonymised; 'keep' leaves the table alone.
  time_column text,
  retention_action text not null default 'keep' check (retention_action in ('keep', 'delete', 'anonymise')),
  -- Erasure: rows of the person's calls (call_column = a call id), rows whose
  -- match_columns contain the person's email / phone / name, and rows whose
  -- user_columns hold the member's user id.
  call_column text,
  match_columns text[] not null default '{}',
  erase_action text not null default 'delete' check (erase_action in ('delete', 'anonymise')),
  user_columns text[] not null default '{}',
  user_action text not null default 'nullify' check (user_action in ('delete', 'nullify', 'anonymise')),
  -- column -> SQL expression (the row is `t`) an anonymised row gets.
  anonymise jsonb not null default '{}'::jsonb check (jsonb_typeof(anonymise) = 'object'),
  -- A provider recording SID column: its recording is deleted at the provider
  -- (delete_recording job) before the row is purged or erased.
  recording_column text,
  note text not null,
  check (retention_action = 'keep' or time_column is not null),
  check ((retention_action <> 'anonymise' and erase_action <> 'anonymise' and user_action <> 'anonymise')
         or anonymise <> '{}'::jsonb)
);
comment on table private.data_rules is
  'The data registry: every table holding tenant data has one row saying how retention ages it out and how a person is erased from it. A new domain registers its tables with one INSERT each; the purge and deletion requests read only this table. Written by migrations only.';

create table public.legal_holds (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  -- null: the whole organization is on hold.
  call_id uuid references public.calls (id) on delete cascade,
  reason text not null check (char_length(btrim(reason)) between 3 and 500),
  placed_by uuid references auth.users (id) on delete set null,
  placed_at timestamptz not null default now(),
  released_by uuid references auth.users (id) on delete set null,
  released_at timestamptz,
  release_reason text check (char_length(release_reason) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.legal_holds is
  'Legal holds on an organization (call_id null) or one call: while active (released_at null) nothing they cover is purged or erased. Placed and released through place_legal_hold/release_legal_hold; audited.';

create table public.purge_runs (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  table_name text not null,
  action text not null check (action in ('delete', 'anonymise', 'recording')),
  cutoff timestamptz not null,
  rows integer not null check (rows > 0),
  created_at timestamptz not null default now()
);
comment on table public.purge_runs is
  'Log of the retention purge: what it removed per organization and table, up to which cutoff. Counts only, no personal data.';

create table public.deletion_requests (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  subject_kind text not null check (subject_kind in ('member', 'phone', 'email')),
  -- pending -> erased (rows gone, provider recordings being deleted) -> completed
  status text not null default 'pending' check (status in ('pending', 'erased', 'completed')),
  requested_by uuid references auth.users (id) on delete set null,
  requested_at timestamptz not null default now(),
  completed_at timestamptz,
  -- {table: rows} removed or anonymised, plus recordings deleted at the provider.
  receipt jsonb,
  pending_recording_sids text[] not null default '{}',
  recordings_deleted integer not null default 0
);
comment on table public.deletion_requests is
  'Requests to erase a person (a member, or a caller by phone or email) from an organization, processed by the erase_person job. The person is named only in private.deletion_subjects, until erased; the receipt says what was removed (counts per table), when and at whose request.';

create table private.deletion_subjects (
  request_id uuid primary key references public.deletion_requests (id) on delete cascade,
  -- The person (user id, E.164 number or email), kept only until the erasure runs.
  subject text not null check (char_length(subject) <= 320)
);
comment on table private.deletion_subjects is
  'Who a pending deletion request is about; deleted by erase_person, so nothing names the person afterwards. Not exposed.';

-- Indexes ------------------------------------------------------------------------
create index legal_holds_org_id_idx on public.legal_holds (org_id) where released_at is null;
create index legal_holds_call_id_idx on public.legal_holds (call_id) where released_at is null;
create index legal_holds_placed_by_idx on public.legal_holds (placed_by);
create index legal_holds_released_by_idx on public.legal_holds (released_by);
create index purge_runs_org_id_idx on public.purge_runs (org_id, created_at desc);
create index deletion_requests_org_id_idx on public.deletion_requests (org_id, requested_at desc);
create index deletion_requests_requested_by_idx on public.deletion_requests (requested_by);
create index calls_org_id_created_at_idx on public.calls (org_id, created_at);
create index calls_from_number_idx on public.calls (org_id, from_number);

-- Triggers -----------------------------------------------------------------------
create trigger legal_holds_updated_at before update on public.legal_holds
  for each row execute function private.set_updated_at();
create trigger legal_holds_audit after insert or update or delete on public.legal_holds
  for each row execute function private.audit_row();
create trigger deletion_requests_audit after insert on public.deletion_requests
  for each row execute function private.audit_row();

-- RLS ------------------------------------------------------------------------
alter table private.data_rules enable row level security;
alter table public.legal_holds enable row level security;
alter table public.purge_runs enable row level security;
alter table public.deletion_requests enable row level security;

create policy "Owners and admins read their organization's legal holds" on public.legal_holds
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[]))
         or (select private.is_platform_admin()));
create policy "Owners and admins read their organization's purge log" on public.purge_runs
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[]))
         or (select private.is_platform_admin()));
create policy "Owners read their organization's deletion requests" on public.deletion_requests
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner']::public.org_role[]))
         or (select private.is_platform_admin()));

revoke all on private.data_rules from anon, authenticated;
revoke all on public.legal_holds, public.purge_runs, public.deletion_requests from anon, authenticated;
grant select on public.legal_holds, public.purge_runs to authenticated;
grant select on public.deletion_requests to authenticated;
alter table private.deletion_subjects enable row level security;
revoke all on private.deletion_subjects from anon, authenticated;

-- The registry: every table of tenant data in this schema ----------------------
insert into private.data_rules
  (table_name, position, org_column, time_column, retention_action, call_column, match_columns, erase_action,
   user_columns, user_action, anonymise, recording_column, note) values
  ('transcripts', 10, 'org_id', 'created_at', 'delete', 'call_id', '{full_text,original_text,segments}', 'delete',
   '{}', 'nullify', '{}', null, 'Transcripts go with the window and with their call.'),
  ('insights', 20, 'org_id', 'created_at', 'anonymise', 'call_id', '{summary,data}', 'delete',
   '{}', 'nullify',
   '{"summary": "''[removed under the retention policy]''", "data": "private.strip_quotes(t.data)"}',
   null, 'Scores stay for the dashboards; quotes and the summary go with the window.'),
  ('call_comments', 30, 'org_id', 'created_at', 'delete', 'call_id', '{body}', 'delete',
   '{author_id}', 'delete', '{}', null, 'Coaching comments go with the window and with their call or author.'),
  ('activities', 40, 'org_id', null, 'keep', 'source_id', '{contact,title,notes,metadata}', 'delete',
   '{user_id,created_by}', 'nullify', '{}', null, 'Sales history stays; rows about the person are erased.'),
  ('referrals', 50, 'org_id', null, 'keep', null, '{referrer_name,referred_name,referred_phone,referred_email,phone_key,email_key,notes}', 'delete',
   '{owner_id,created_by}', 'nullify', '{}', null, 'Referrals naming the person are erased.'),
  ('invitations', 60, 'org_id', null, 'keep', null, '{email}', 'delete',
   '{invited_by,accepted_by,created_by}', 'nullify', '{}', null, 'Invitations to the person are erased.'),
  ('goals', 70, 'org_id', null, 'keep', null, '{}', 'delete',
   '{user_id}', 'delete', '{}', null, 'A member''s own goals are erased with them.'),
  ('goal_snapshots', 71, 'org_id', null, 'keep', null, '{}', 'delete',
   '{user_id}', 'nullify', '{}', null, 'Closed periods stay without the member.'),
  ('what_if_scenarios', 80, 'org_id', null, 'keep', null, '{name,notes}', 'delete',
   '{created_by}', 'nullify', '{}', null, 'Scenarios stay without their author.'),
  ('agents', 90, 'org_id', null, 'keep', null, '{name,phone}', 'anonymise',
   '{user_id}', 'anonymise', '{"name": "''Deleted person''", "phone": "null", "user_id": "null"}', null,
   'An erased agent stays as "Deleted person" so the organization''s figures still add up.'),
  ('phone_numbers', 95, 'org_id', null, 'keep', null, '{forward_to}', 'anonymise',
   '{created_by}', 'nullify', '{"forward_to": "null"}', null, 'A number forwarding to the person stops forwarding.'),
  ('calls', 100, 'org_id', 'created_at', 'anonymise', 'id', '{from_number,to_number}', 'delete',
   '{}', 'nullify', '{"recording_url": "null"}', 'twilio_recording_sid',
   'Recordings are deleted at Twilio after the window (the call row and its figures stay); a caller''s calls are erased.'),
  ('memberships', 110, 'org_id', null, 'keep', null, '{}', 'delete',
   '{user_id}', 'delete', '{}', null, 'An erased member leaves the organization.'),
  ('deletion_requests', 120, 'org_id', null, 'keep', null, '{}', 'delete',
   '{}', 'nullify', '{}', null, 'Receipts keep no personal data (the subject lives in private.deletion_subjects until erased).'),
  ('audit_logs', 1000, 'org_id', null, 'keep', null, '{old_values,new_values}', 'anonymise',
   '{actor_id}', 'nullify', '{"old_values": "''{\"redacted\": true}''::jsonb", "new_values": "''{\"redacted\": true}''::jsonb"}', null,
   'Audit rows that carried the person''s data keep who/when/what table, not the values.');

-- The domains that landed beside data protection: email, trackers (metrics,
-- hits, alerts), scorecards and SIMs. Aggregates without personal data
-- (call_stats_daily) are kept: they hold counts and sums only.
insert into private.data_rules
  (table_name, position, org_column, time_column, retention_action, call_column, match_columns, erase_action,
   user_columns, user_action, anonymise, recording_column, note) values
  -- Email: messages go with the window; mail to or from the person is erased.
  ('email_events', 1, 'org_id', 'created_at', 'delete', null, '{reason}', 'delete',
   '{}', 'nullify', '{}', null, 'Delivery events go with the window.'),
  ('messages', 2, 'org_id', 'created_at', 'delete', null,
   '{from_address,to_address,reply_to,subject,body_text,body_html,stripped_text}', 'delete',
   '{sent_by}', 'nullify', '{}', null, 'Emails go with the window; mail to or from the person is erased.'),
  ('thread_reads', 3, 'org_id', null, 'keep', null, '{}', 'delete',
   '{user_id}', 'delete', '{}', null, 'A member''s read marks go with them.'),
  ('threads', 4, 'org_id', 'last_message_at', 'delete', null, '{contact_email,contact_name,subject}', 'delete',
   '{created_by}', 'nullify', '{}', null, 'Conversations go when their last message is past the window, and with the person they are with.'),
  ('email_templates', 5, 'org_id', null, 'keep', null, '{}', 'delete',
   '{updated_by}', 'nullify', '{}', null, 'Templates stay without their editor.'),
  -- Conversation: figures and hits of a call go with the caller's calls; hit quotes with the window.
  ('tracker_hits', 11, 'org_id', 'created_at', 'delete', 'call_id', '{quote}', 'delete',
   '{}', 'nullify', '{}', null, 'Hits quote the transcript: they go with the window and with their call.'),
  ('tracker_alerts', 12, 'org_id', null, 'keep', 'call_id', '{}', 'delete',
   '{}', 'nullify', '{}', null, 'Alerts go with their call.'),
  ('call_metrics', 13, 'org_id', null, 'keep', 'call_id', '{}', 'delete',
   '{}', 'nullify', '{}', null, 'Talk figures stay for the dashboards; they go with their call.'),
  ('trackers', 14, 'org_id', null, 'keep', null, '{}', 'delete',
   '{created_by}', 'nullify', '{}', null, 'Trackers stay without their author.'),
  -- Scorecards: a call's answers quote it.
  ('scorecard_answers', 15, 'org_id', 'created_at', 'anonymise', 'call_id', '{evidence_quote,note}', 'delete',
   '{answered_by}', 'nullify', '{"evidence_quote": "null", "note": "null"}', null,
   'Answers stay for the hit rates; their quotes and notes go with the window; a caller''s calls take theirs.'),
  ('scorecards', 16, 'org_id', null, 'keep', null, '{}', 'delete',
   '{created_by}', 'nullify', '{}', null, 'Scorecards stay without their author.'),
  -- SIMs: the practice conversation goes with the window; a member's sessions and assignments with them.
  ('user_sim_turns', 17, 'org_id', 'created_at', 'delete', null, '{content}', 'delete',
   '{user_id}', 'delete', '{}', null, 'Practice conversations go with the window and with the member.'),
  ('user_sims', 18, 'org_id', null, 'keep', null, '{}', 'delete',
   '{user_id}', 'delete', '{}', null, 'A member''s practice sessions (and scores) are erased with them.'),
  ('sims', 19, 'org_id', null, 'keep', null, '{note}', 'delete',
   '{user_id}', 'delete', '{}', null, 'Assignments to the member are erased with them.'),
  ('sim_templates', 21, 'org_id', null, 'keep', null, '{}', 'delete',
   '{created_by}', 'nullify', '{}', null, 'SIM templates stay without their author.');

-- Helpers ------------------------------------------------------------------------
create function private.strip_quotes(p jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select case jsonb_typeof(p)
    when 'object' then (select coalesce(jsonb_object_agg(e.key, private.strip_quotes(e.value)), '{}'::jsonb)
                          from jsonb_each(p) e where e.key not in ('quote', 'text'))
    when 'array' then (select coalesce(jsonb_agg(private.strip_quotes(e.value) order by e.n), '[]'::jsonb)
                         from jsonb_array_elements(p) with ordinality e(value, n))
    else p end;
$$;
comment on function private.strip_quotes(jsonb) is 'The insight data without its quotes (every "quote" and "text" key, at any depth): what retention leaves of an insight.';

create function private.retention_cutoff(p_org_id uuid, p_at timestamptz default now())
returns timestamptz
language sql
stable
set search_path = ''
as $$
  select p_at - make_interval(months => o.retention_months) from public.organizations o where o.id = p_org_id;
$$;
comment on function private.retention_cutoff(uuid, timestamptz) is 'Data created before this instant is past the organization''s retention window.';

create function private.org_on_hold(p_org_id uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (select 1 from public.legal_holds h
                  where h.org_id = p_org_id and h.call_id is null and h.released_at is null);
$$;

create function private.held_call_ids(p_org_id uuid)
returns uuid[]
language sql
stable
set search_path = ''
as $$
  select coalesce(array_agg(h.call_id), '{}') from public.legal_holds h
   where h.org_id = p_org_id and h.call_id is not null and h.released_at is null;
$$;

create function private.is_org_admin_or_staff(p_org_id uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
  select private.has_org_role(p_org_id, array['owner', 'admin']::public.org_role[]) or private.is_platform_admin();
$$;
comment on function private.is_org_admin_or_staff(uuid) is 'The caller is an owner or admin of the organization, or SalesPulse staff.';

create function private.next_purge_at(p_at timestamptz default now())
returns timestamptz
language sql
stable
set search_path = ''
as $$
  -- The purge cron job runs at minute 23 of every hour.
  select case when date_trunc('hour', p_at) + interval '23 minutes' > p_at
              then date_trunc('hour', p_at) + interval '23 minutes'
              else date_trunc('hour', p_at) + interval '1 hour 23 minutes' end;
$$;

-- The set clause and the "still differs" predicate of a rule's anonymisation.
create function private.rule_anonymise_sql(p_rule private.data_rules, p_columns text[] default null)
returns text[]
language sql
stable
set search_path = ''
as $$
  select array[
    string_agg(format('%I = %s', a.key, a.value #>> '{}'), ', '),
    '(' || string_agg(format('t.%I::text is distinct from (%s)::text', a.key, a.value #>> '{}'), ' or ') || ')']
    from jsonb_each(p_rule.anonymise) a
   where p_columns is null or a.key = any (p_columns);
$$;

-- Retention purge ------------------------------------------------------------------
create function private.purge_expired(p_batch integer default 500)
returns integer
language plpgsql
-- security definer: the cron job runs it; it writes every registered table.
security definer
set search_path = ''
as $$
declare
  v_org record;
  v_rule private.data_rules;
  v_cutoff timestamptz;
  v_held uuid[];
  v_where text;
  v_anon text[];
  v_n integer;
  v_total integer := 0;
  v_sids text[];
  v_batch integer := greatest(1, least(coalesce(p_batch, 500), 10000));
begin
  for v_org in select o.id from public.organizations o where not private.org_on_hold(o.id) order by o.id loop
    v_cutoff := private.retention_cutoff(v_org.id);
    v_held := private.held_call_ids(v_org.id);
    for v_rule in select * from private.data_rules r where r.retention_action <> 'keep' order by r.position loop
      v_where := format('t.%I = $1 and t.%I < $2', v_rule.org_column, v_rule.time_column);
      if v_rule.call_column is not null then
        v_where := v_where || format(' and (t.%I is null or not (t.%I = any ($3)))', v_rule.call_column, v_rule.call_column);
      end if;
      if v_rule.retention_action = 'anonymise' then
        v_anon := private.rule_anonymise_sql(v_rule);
        v_where := v_where || ' and ' || v_anon[2];
      end if;
      -- Provider recordings first: the job deletes them at the provider (idempotent by SID).
      if v_rule.recording_column is not null then
        execute format('select array_agg(s) from (select t.%I::text as s from public.%I t where %s and t.%I is not null limit $4) x',
                       v_rule.recording_column, v_rule.table_name, v_where, v_rule.recording_column)
          into v_sids using v_org.id, v_cutoff, v_held, v_batch;
        if v_sids is not null then
          perform public.enqueue_job('delete_recording', v_org.id, jsonb_build_object('recording_sid', s), 'delete_recording:' || s)
             from unnest(v_sids) s;
          insert into public.purge_runs (org_id, table_name, action, cutoff, rows)
          values (v_org.id, v_rule.table_name, 'recording', v_cutoff, cardinality(v_sids));
        end if;
      end if;
      if v_rule.retention_action = 'delete' then
        execute format('delete from public.%1$I where ctid in (select t.ctid from public.%1$I t where %2$s limit $4)',
                       v_rule.table_name, v_where)
          using v_org.id, v_cutoff, v_held, v_batch;
      else
        execute format('update public.%1$I t set %2$s where t.ctid in (select t.ctid from public.%1$I t where %3$s limit $4)',
                       v_rule.table_name, v_anon[1], v_where)
          using v_org.id, v_cutoff, v_held, v_batch;
      end if;
      get diagnostics v_n = row_count;
      if v_n > 0 then
        insert into public.purge_runs (org_id, table_name, action, cutoff, rows)
        values (v_org.id, v_rule.table_name, v_rule.retention_action, v_cutoff, v_n);
        v_total := v_total + v_n;
      end if;
    end loop;
  end loop;
  return v_total;
end;
$$;
comment on function private.purge_expired(integer) is
  'The retention purge (pg_cron, hourly): for every organization not on legal hold, deletes or anonymises up to p_batch rows per registered table older than its window, skipping calls on hold, and queues provider recording deletes. Idempotent: a row once purged no longer matches. Each step is logged in purge_runs.';

-- Owner-facing RPCs ----------------------------------------------------------------
create function public.retention_policy(p_org_id uuid)
returns jsonb
language plpgsql
stable
-- security definer: reads the registry and holds for an owner/admin (checked first).
security definer
set search_path = ''
as $$
declare
  v_org public.organizations;
begin
  perform private.require_user();
  if not private.is_org_admin_or_staff(p_org_id) then
    raise exception 'only owners and admins see the retention policy' using errcode = 'SP403';
  end if;
  select * into v_org from public.organizations o where o.id = p_org_id;
  return jsonb_build_object(
    'retention_months', v_org.retention_months,
    'cutoff', private.retention_cutoff(p_org_id),
    'next_purge_at', private.next_purge_at(),
    'on_hold', private.org_on_hold(p_org_id),
    'purges', (select coalesce(jsonb_agg(jsonb_build_object('table', r.table_name, 'action', r.retention_action,
                                                            'recordings', r.recording_column is not null) order by r.position), '[]')
                 from private.data_rules r where r.retention_action <> 'keep'),
    'holds', (select coalesce(jsonb_agg(jsonb_build_object('id', h.id, 'call_id', h.call_id, 'reason', h.reason,
                                                           'placed_at', h.placed_at, 'placed_by', p.email) order by h.placed_at desc), '[]')
                from public.legal_holds h left join public.profiles p on p.id = h.placed_by
               where h.org_id = p_org_id and h.released_at is null),
    'last_purge', (select jsonb_build_object('at', max(pr.created_at), 'rows', sum(pr.rows))
                     from public.purge_runs pr where pr.org_id = p_org_id
                      and pr.created_at > (select max(x.created_at) from public.purge_runs x where x.org_id = p_org_id) - interval '1 hour'));
end;
$$;
comment on function public.retention_policy(uuid) is
  'Owners/admins (and staff): the organization''s retention window, the cutoff it implies today, when the purge next runs, what it purges, the active legal holds and the last purge.';

create function public.set_retention_months(p_org_id uuid, p_months integer)
returns void
language plpgsql
-- security definer: writes organizations for an owner (checked first); audited by its trigger.
security definer
set search_path = ''
as $$
begin
  perform private.require_user();
  if not (private.has_org_role(p_org_id, array['owner']::public.org_role[])) then
    raise exception 'only owners set the retention policy' using errcode = 'SP403';
  end if;
  if p_months is null or p_months not between 1 and 120 then
    raise exception 'retention must be 1 to 120 months' using errcode = 'SP400';
  end if;
  update public.organizations set retention_months = p_months where id = p_org_id;
end;
$$;
comment on function public.set_retention_months(uuid, integer) is 'Owners: how many months calls and their data are kept (1–120).';

create function public.place_legal_hold(p_org_id uuid, p_reason text, p_call_id uuid default null)
returns uuid
language plpgsql
-- security definer: legal_holds is written only here (owners/admins/staff, checked first).
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_user();
  v_id uuid;
begin
  if not private.is_org_admin_or_staff(p_org_id) then
    raise exception 'only owners, admins and staff place legal holds' using errcode = 'SP403';
  end if;
  if p_reason is null or char_length(btrim(p_reason)) not between 3 and 500 then
    raise exception 'a reason of 3 to 500 characters is required' using errcode = 'SP400';
  end if;
  if p_call_id is not null and not exists (select 1 from public.calls c where c.id = p_call_id and c.org_id = p_org_id) then
    raise exception 'no such call in this organization' using errcode = 'SP404';
  end if;
  insert into public.legal_holds (org_id, call_id, reason, placed_by)
  values (p_org_id, p_call_id, btrim(p_reason), v_uid) returning id into v_id;
  return v_id;
end;
$$;
comment on function public.place_legal_hold(uuid, text, uuid) is
  'Owners, admins and staff: puts the organization (or one call) on legal hold; nothing it covers is purged or erased until released. Audited.';

create function public.release_legal_hold(p_hold_id uuid, p_reason text default null)
returns void
language plpgsql
-- security definer: as place_legal_hold.
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_user();
  v_hold public.legal_holds;
begin
  select * into v_hold from public.legal_holds h where h.id = p_hold_id and h.released_at is null for update;
  if not found or not private.is_org_admin_or_staff(v_hold.org_id) then
    raise exception 'no active legal hold % visible to you', p_hold_id using errcode = 'SP404';
  end if;
  if char_length(p_reason) > 500 then
    raise exception 'the reason is at most 500 characters' using errcode = 'SP400';
  end if;
  update public.legal_holds set released_at = now(), released_by = v_uid, release_reason = nullif(btrim(p_reason), '')
   where id = p_hold_id;
end;
$$;
comment on function public.release_legal_hold(uuid, text) is 'Owners, admins and staff: ends a legal hold (who and why are kept, and audited).';

-- Deletion requests ------------------------------------------------------------------
create function public.request_deletion(p_org_id uuid, p_kind text, p_subject text)
returns uuid
language plpgsql
-- security definer: deletion_requests and jobs are written only here (owners/staff, checked first).
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_user();
  v_subject text := btrim(coalesce(p_subject, ''));
  v_id uuid;
begin
  if not (private.has_org_role(p_org_id, array['owner']::public.org_role[]) or private.is_platform_admin()) then
    raise exception 'only owners and staff file deletion requests' using errcode = 'SP403';
  end if;
  if char_length(v_subject) > 320 then
    raise exception 'the subject is at most 320 characters' using errcode = 'SP400';
  end if;
  if p_kind = 'member' then
    if v_subject !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      raise exception 'a member is named by their user id' using errcode = 'SP400';
    end if;
    if not exists (select 1 from public.memberships m where m.org_id = p_org_id and m.user_id = v_subject::uuid) then
      raise exception 'no such member' using errcode = 'SP404';
    end if;
    if exists (select 1 from public.memberships m where m.org_id = p_org_id and m.user_id = v_subject::uuid and m.role = 'owner') then
      raise exception 'an owner cannot be erased; transfer ownership first' using errcode = 'SP422';
    end if;
  elsif p_kind = 'phone' then
    if v_subject !~ '^\+[1-9][0-9]{6,14}$' then
      raise exception 'the phone number must be in E.164 form (+15551234567)' using errcode = 'SP400';
    end if;
  elsif p_kind = 'email' then
    v_subject := lower(v_subject);
    if v_subject !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' then
      raise exception 'not an email address' using errcode = 'SP400';
    end if;
  else
    raise exception 'kind must be member, phone or email' using errcode = 'SP400';
  end if;
  if private.org_on_hold(p_org_id) then
    raise exception 'the organization is on legal hold; nothing can be erased until it is released' using errcode = 'SP409';
  end if;
  insert into public.deletion_requests (org_id, subject_kind, requested_by)
  values (p_org_id, p_kind, v_uid) returning id into v_id;
  insert into private.deletion_subjects (request_id, subject) values (v_id, v_subject);
  perform public.enqueue_job('erase_person', p_org_id, jsonb_build_object('request_id', v_id), 'erase_person:' || v_id);
  return v_id;
end;
$$;
comment on function public.request_deletion(uuid, text, text) is
  'Owners and staff: asks for a person (kind member = user id, phone = E.164, email) to be erased from the organization. The erase_person job does it; the request then holds a receipt without personal data.';

create function private.like_pattern(p text)
returns text
language sql
immutable
set search_path = ''
as $$ select '%' || replace(replace(replace(p, '\', '\\'), '%', '\%'), '_', '\_') || '%' $$;

create function public.erase_person(p_request_id uuid)
returns jsonb
language plpgsql
-- security definer: erases across every registered table (and the auth user of a member who belongs nowhere else).
security definer
set search_path = ''
as $$
declare
  v_req public.deletion_requests;
  v_subject text;
  v_uid uuid;
  v_tokens text[];
  v_patterns text[];
  v_calls uuid[] := '{}'::uuid[];
  v_held uuid[];
  v_rule private.data_rules;
  v_match text;
  v_where text;
  v_anon text[];
  v_n integer;
  v_receipt jsonb := '{}'::jsonb;
  v_sids text[] := '{}'::text[];
  v_more text[];
  v_nulled integer;
  v_account boolean := false;
  v_account_checked boolean := false;
begin
  select * into v_req from public.deletion_requests r where r.id = p_request_id for update;
  if not found then
    raise exception 'no deletion request %', p_request_id using errcode = 'SP404';
  end if;
  if v_req.status <> 'pending' then
    return jsonb_build_object('status', v_req.status, 'recording_sids', to_jsonb(v_req.pending_recording_sids));
  end if;
  select d.subject into v_subject from private.deletion_subjects d where d.request_id = p_request_id;

  if v_req.subject_kind = 'member' then
    v_uid := v_subject::uuid;
    select array_remove(array[p.email, case when char_length(p.full_name) >= 5 then p.full_name end, v_uid::text], null)
      into v_tokens from public.profiles p where p.id = v_uid;
    v_tokens := coalesce(v_tokens, array[v_uid::text])
      || coalesce((select array_agg(x) from public.agents a,
                     unnest(array[a.phone, case when char_length(a.name) >= 5 then a.name end]) x
                    where a.org_id = v_req.org_id and a.user_id = v_uid and x is not null), '{}');
  elsif v_req.subject_kind = 'phone' then
    v_tokens := array[v_subject, substr(v_subject, 2)];
  else
    v_tokens := array[v_subject];
  end if;
  select array_agg(private.like_pattern(t)) into v_patterns from unnest(v_tokens) t where t is not null;
  v_held := private.held_call_ids(v_req.org_id);

  -- The person's calls (a caller's): the calls rule's match columns.
  if v_req.subject_kind <> 'member' then
    select '(' || string_agg(format('t.%I::text ilike any ($2)', c), ' or ') || ')' into v_match
      from private.data_rules r, unnest(r.match_columns) c where r.table_name = 'calls';
    execute format('select coalesce(array_agg(t.id), ''{}'') from public.calls t where t.org_id = $1 and %s and not (t.id = any ($3))', v_match)
      into v_calls using v_req.org_id, v_patterns, v_held;
  end if;

  for v_rule in select * from private.data_rules r order by r.position loop
    -- A member who belongs to no other organization loses their account (and profile)
    -- before the audit log is redacted.
    if v_rule.position >= 1000 and not v_account_checked then
      v_account_checked := true;
      if v_uid is not null and not exists (select 1 from public.memberships m where m.user_id = v_uid) then
        delete from auth.users u where u.id = v_uid;
        v_account := found;
      end if;
    end if;
    if v_rule.table_name = 'audit_logs' then
      alter table public.audit_logs disable trigger audit_logs_append_only;
    end if;

    -- Rows about the person: their calls' rows and rows naming them.
    v_match := null;
    if cardinality(v_rule.match_columns) > 0 then
      select string_agg(format('t.%I::text ilike any ($2)', c), ' or ') into v_match from unnest(v_rule.match_columns) c;
    end if;
    if v_rule.call_column is not null then
      v_match := concat_ws(' or ', v_match, format('t.%I = any ($3)', v_rule.call_column));
    end if;
    if v_match is not null then
      v_where := format('t.%I = $1 and (%s)', v_rule.org_column, v_match);
      if v_rule.call_column is not null then
        v_where := v_where || format(' and not coalesce(t.%I = any ($4), false)', v_rule.call_column);
      end if;
      if v_rule.recording_column is not null then
        execute format('select array_agg(t.%I::text) from public.%I t where %s and t.%I is not null',
                       v_rule.recording_column, v_rule.table_name, v_where, v_rule.recording_column)
          into v_more using v_req.org_id, v_patterns, v_calls, v_held;
        v_sids := v_sids || coalesce(v_more, '{}');
      end if;
      if v_rule.erase_action = 'delete' then
        execute format('delete from public.%I t where %s', v_rule.table_name, v_where)
          using v_req.org_id, v_patterns, v_calls, v_held;
      else
        v_anon := private.rule_anonymise_sql(v_rule);
        execute format('update public.%I t set %s where %s and %s', v_rule.table_name, v_anon[1], v_where, v_anon[2])
          using v_req.org_id, v_patterns, v_calls, v_held;
      end if;
      get diagnostics v_n = row_count;
      if v_n > 0 then
        v_receipt := jsonb_set(v_receipt, array[v_rule.table_name], to_jsonb(coalesce((v_receipt ->> v_rule.table_name)::int, 0) + v_n));
      end if;
    end if;

    -- Rows the member owns or authored.
    if v_uid is not null and cardinality(v_rule.user_columns) > 0 then
      select string_agg(format('t.%I = $2', c), ' or ') into v_match from unnest(v_rule.user_columns) c;
      v_where := format('t.%I = $1 and (%s)', v_rule.org_column, v_match);
      if v_rule.user_action = 'delete' then
        execute format('delete from public.%I t where %s', v_rule.table_name, v_where) using v_req.org_id, v_uid;
        get diagnostics v_n = row_count;
      else
        v_n := 0;
        if v_rule.user_action = 'anonymise' then
          v_anon := private.rule_anonymise_sql(v_rule);
          execute format('update public.%I t set %s where %s', v_rule.table_name, v_anon[1], v_where) using v_req.org_id, v_uid;
          get diagnostics v_n = row_count;
        end if;
        for v_match in select c from unnest(v_rule.user_columns) c loop
          execute format('update public.%1$I t set %2$I = null where t.%3$I = $1 and t.%2$I = $2', v_rule.table_name, v_match, v_rule.org_column)
            using v_req.org_id, v_uid;
          get diagnostics v_nulled = row_count;
          v_n := greatest(v_n, v_nulled);
        end loop;
      end if;
      if v_n > 0 then
        v_receipt := jsonb_set(v_receipt, array[v_rule.table_name], to_jsonb(coalesce((v_receipt ->> v_rule.table_name)::int, 0) + v_n));
      end if;
    end if;

    if v_rule.table_name = 'audit_logs' then
      alter table public.audit_logs enable trigger audit_logs_append_only;
    end if;
  end loop;

  select coalesce(array_agg(distinct s), '{}') into v_sids from unnest(v_sids) s;
  delete from private.deletion_subjects d where d.request_id = p_request_id;
  update public.deletion_requests r
     set status = 'erased', pending_recording_sids = v_sids,
         receipt = jsonb_build_object('rows', v_receipt, 'account_deleted', v_account,
                                      'calls_on_hold_kept', cardinality(v_held), 'recordings_to_delete', cardinality(v_sids))
   where r.id = p_request_id;
  return jsonb_build_object('status', 'erased', 'recording_sids', to_jsonb(v_sids));
end;
$$;
comment on function public.erase_person(uuid) is
  'Backend only (erase_person job): erases the request''s person from every table of the registry (calls on legal hold excepted), drops the subject and returns the provider recordings still to delete. A second run returns the recordings still pending.';

create function public.finish_deletion_request(p_request_id uuid, p_deleted_sids text[])
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_req public.deletion_requests;
begin
  update public.deletion_requests r
     set pending_recording_sids = array(select s from unnest(r.pending_recording_sids) s where not (s = any (coalesce(p_deleted_sids, '{}')))),
         recordings_deleted = r.recordings_deleted + (select count(*) from unnest(r.pending_recording_sids) s where s = any (coalesce(p_deleted_sids, '{}')))
   where r.id = p_request_id and r.status = 'erased'
  returning * into v_req;
  if found and cardinality(v_req.pending_recording_sids) = 0 then
    update public.deletion_requests r
       set status = 'completed', completed_at = now(),
           receipt = r.receipt || jsonb_build_object('recordings_deleted', r.recordings_deleted, 'completed_at', now())
     where r.id = p_request_id
    returning * into v_req;
  end if;
  return jsonb_build_object('status', v_req.status, 'pending', cardinality(v_req.pending_recording_sids));
end;
$$;
comment on function public.finish_deletion_request(uuid, text[]) is
  'Backend only (erase_person job): records the provider recordings deleted; the request is completed when none is left.';

-- pg_cron ------------------------------------------------------------------------
select cron.schedule('retention-purge', '23 * * * *', 'select private.purge_expired(500)');

-- Grants -------------------------------------------------------------------------
grant execute on function public.retention_policy(uuid) to authenticated;
grant execute on function public.set_retention_months(uuid, integer) to authenticated;
grant execute on function public.place_legal_hold(uuid, text, uuid) to authenticated;
grant execute on function public.release_legal_hold(uuid, text) to authenticated;
grant execute on function public.request_deletion(uuid, text, text) to authenticated;
revoke execute on function public.erase_person(uuid) from public, anon, authenticated;
grant execute on function public.erase_person(uuid) to service_role;
revoke execute on function public.finish_deletion_request(uuid, text[]) from public, anon, authenticated;
grant execute on function public.finish_deletion_request(uuid, text[]) to service_role;

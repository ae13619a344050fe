-- The data registry (private.data_rules) for the domains that landed beside
-- data protection: email, conversation (metrics, trackers), scorecards, SIMs
-- and voice practice (whose turns, keyed by session, are purged by the voice
-- domain's own retention job and go with their session). Each table says how retention ages it out and how a person is erased
-- from it; children come before the rows they reference. Aggregates without
-- personal data (call_stats_daily) are kept: they hold counts and sums only.

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
   '{created_by}', 'nullify', '{}', null, 'SIM templates stay without their author.'),
  -- Voice: a member's sessions (with their turns and usage) go with them.
  ('voice_usage_records', 22, 'org_id', null, 'keep', null, '{error}', 'delete',
   '{}', 'nullify', '{}', null, 'Provider usage stays for costs; it goes with its session.'),
  ('voice_sessions', 23, 'org_id', null, 'keep', null, '{end_reason}', 'delete',
   '{user_id}', 'delete', '{}', null, 'A member''s voice sessions (turns and usage with them) are erased with them.'),
  ('voice_scenarios', 24, 'org_id', null, 'keep', null, '{}', 'delete',
   '{created_by}', 'nullify', '{}', null, 'Scenarios stay without their author.'),
  ('voice_personas', 25, 'org_id', null, 'keep', null, '{}', 'delete',
   '{created_by}', 'nullify', '{}', null, 'Personas stay without their author.'),
  ('voice_settings', 26, 'org_id', null, 'keep', null, '{}', 'delete',
   '{updated_by}', 'nullify', '{}', null, 'Settings stay without their editor.');

-- A suspended organization's members create nothing in the tables added after
-- suspension landed either (the same trigger as every tenant table).
do $$
declare
  t text;
begin
  for t in
    select c.table_name from information_schema.columns c
      join information_schema.tables x on x.table_schema = c.table_schema and x.table_name = c.table_name
     where c.table_schema = 'public' and c.column_name = 'org_id' and x.table_type = 'BASE TABLE'
       and not exists (select 1 from pg_trigger g where g.tgrelid = format('public.%I', c.table_name)::regclass
                                                    and g.tgname = c.table_name || '_suspended')
       and c.table_name not in ('audit_logs', 'staff_actions', 'jobs', 'deletion_requests', 'legal_holds')
     order by 1
  loop
    execute format('create trigger %I before insert on public.%I for each row execute function private.refuse_when_suspended()',
                   t || '_suspended', t);
  end loop;
end;
$$;

-- Voice scenarios practise a SIM template.
alter table public.voice_scenarios
  add constraint voice_scenarios_sim_template_id_fkey foreign key (sim_template_id)
  references public.sim_templates (id) on delete set null;
create index voice_scenarios_sim_template_id_idx on public.voice_scenarios (sim_template_id);

-- Voice turns carry their organization like every tenant table (tenant
-- isolation, the registry, suspension): set from the session on insert.
alter table public.voice_turns add column org_id uuid references public.organizations (id) on delete cascade;
update public.voice_turns t set org_id = s.org_id from public.voice_sessions s where s.id = t.session_id;
alter table public.voice_turns alter column org_id set not null;
create index voice_turns_org_id_idx on public.voice_turns (org_id);

create function private.set_voice_turn_org()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.org_id := (select s.org_id from public.voice_sessions s where s.id = new.session_id);
  return new;
end;
$$;
comment on function private.set_voice_turn_org() is 'voice_turns: the organization is the session''s.';
create trigger voice_turns_org before insert on public.voice_turns
  for each row execute function private.set_voice_turn_org();
create trigger voice_turns_suspended before insert on public.voice_turns
  for each row execute function private.refuse_when_suspended();

insert into private.data_rules
  (table_name, position, org_column, time_column, retention_action, call_column, match_columns, erase_action,
   user_columns, user_action, anonymise, recording_column, note) values
  ('voice_turns', 21, 'org_id', 'at', 'delete', null, '{text}', 'delete',
   '{}', 'nullify', '{}', null, 'Voice transcripts go with the window and with their session.');

-- Organizations created by any caller (the service role's REST included) get
-- their built-in SIM library: the trigger runs as its owner.
alter function private.organization_sim_library() security definer;

-- Suspension is about what members create: the check reads the caller's role
-- first, so the service role's inserts (webhooks, the worker: the hot path)
-- skip the row's serialization and the organization lookup.
create or replace function private.refuse_when_suspended()
returns trigger
language plpgsql
-- security definer: reads organizations whatever the caller's RLS.
security definer
set search_path = ''
as $$
begin
  if coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role', '') = 'authenticated'
     and not private.is_platform_admin()
     and exists (select 1 from public.organizations o
                  where o.id = (to_jsonb(new) ->> 'org_id')::uuid and o.suspended_at is not null) then
    raise exception 'this organization is suspended: you can read its data but not add to it' using errcode = 'SP403';
  end if;
  return new;
end;
$$;
-- The dashboard's aggregates are written by triggers on calls and insights,
-- never by a member: no suspension check on every call's bookkeeping.
drop trigger call_stats_daily_suspended on public.call_stats_daily;

-- Email: per-organization templates, conversations (threads) and their
-- messages, delivery events, read marks, and the bookkeeping: every sent or
-- received message of a conversation is an `email` activity (email goals
-- count it). Sending is in *_email_send.sql (private.send_email /
-- public.send_email_message → a `send_email` job → Mailgun), inbound mail
-- and delivery events from `mailgun-inbound` in *_email_inbound.sql.
--
-- Addresses: a thread's replies go to reply+<reply_token>@<Mailgun domain>;
-- mail to <organization slug>@<Mailgun domain> is threaded by its
-- In-Reply-To / References headers within that organization, or lands in the
-- organization's unmatched inbox. Message-Id values are stored without the
-- angle brackets.
--
-- Error codes: see supabase/functions/_shared/errors.ts.

-- Types ---------------------------------------------------------------------------
create type public.email_direction as enum ('outbound', 'inbound');
create type public.email_status as enum ('queued', 'sent', 'delivered', 'failed', 'bounced', 'complained', 'received', 'canceled');
comment on type public.email_status is
  'outbound: queued -> sent -> delivered | failed | bounced | complained (canceled: no longer to be sent); inbound: received.';

-- Tables --------------------------------------------------------------------------
create table public.email_templates (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  key text not null check (key ~ '^[a-z][a-z0-9_]{0,40}$'),
  name text not null check (char_length(name) between 1 and 100),
  subject text not null check (char_length(subject) between 1 and 300),
  body_text text not null check (char_length(body_text) between 1 and 10000),
  body_html text check (char_length(body_html) <= 20000),
  variables text[] not null default '{}',
  late_variables text[] not null default '{}',
  updated_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, key)
);
comment on table public.email_templates is
  'Email templates of an organization ({{variable}} placeholders in subject, text and HTML). variables: what the sender must supply; late_variables: filled in by the send job itself (e.g. a single-use link). Seeded with defaults for every organization.';

create table public.threads (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  subject text not null check (char_length(subject) <= 300),
  contact_email text not null check (char_length(contact_email) <= 320),
  contact_name text check (char_length(contact_name) <= 200),
  reply_token text not null unique default encode(extensions.gen_random_bytes(12), 'hex'),
  unmatched boolean not null default false,
  source_type text check (source_type in ('call', 'referral', 'sim')),
  source_id uuid,
  created_by uuid references auth.users (id) on delete set null,
  last_message_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((source_type is null) = (source_id is null))
);
comment on table public.threads is
  'An email conversation with one contact. Replies come back to reply+<reply_token>@<domain>. unmatched: inbound mail that matched no thread (the organization''s unmatched inbox). source_type/source_id: the call, referral or SIM it started from.';

create table public.messages (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  thread_id uuid references public.threads (id) on delete cascade,
  direction public.email_direction not null,
  status public.email_status not null,
  from_address text not null check (char_length(from_address) <= 640),
  to_address text not null check (char_length(to_address) <= 640),
  reply_to text check (char_length(reply_to) <= 640),
  subject text not null check (char_length(subject) <= 300),
  body_text text not null check (char_length(body_text) <= 100000),
  body_html text check (char_length(body_html) <= 200000),
  stripped_text text check (char_length(stripped_text) <= 100000),
  template_key text,
  message_id_header text check (char_length(message_id_header) <= 998),
  in_reply_to text check (char_length(in_reply_to) <= 998),
  references_header text check (char_length(references_header) <= 8000),
  mailgun_id text check (char_length(mailgun_id) <= 998),
  matched_by text check (matched_by in ('token', 'in_reply_to', 'references', 'unmatched')),
  attachments jsonb not null default '[]'::jsonb check (jsonb_typeof(attachments) = 'array'),
  sent_by uuid references auth.users (id) on delete set null,
  payload jsonb not null default '{}'::jsonb,
  error text check (char_length(error) <= 1000),
  sent_at timestamptz,
  status_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.messages is
  'Every email sent or received. thread_id null: a system email (invitations, notices) that belongs to no conversation and is readable by no member. Message-Id/In-Reply-To/References without angle brackets; attachments are recorded as [{name, type, size}] (their content is not kept).';

create table public.email_events (
  id text primary key check (char_length(id) <= 200),
  org_id uuid not null references public.organizations (id) on delete cascade,
  message_id uuid not null references public.messages (id) on delete cascade,
  event text not null check (event in ('delivered', 'failed', 'bounced', 'complained')),
  severity text check (severity in ('permanent', 'temporary')),
  reason text check (char_length(reason) <= 500),
  occurred_at timestamptz not null,
  created_at timestamptz not null default now()
);
comment on table public.email_events is 'Mailgun delivery events (once per Mailgun event id) and the message they are about.';

create table public.thread_reads (
  thread_id uuid not null references public.threads (id) on delete cascade,
  org_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  read_at timestamptz not null default now(),
  primary key (thread_id, user_id)
);
comment on table public.thread_reads is 'When each member last read a thread: inbound messages after it are unread.';

create table private.mailgun_webhook_tokens (
  token text primary key,
  seen_at timestamptz not null default now()
);
comment on table private.mailgun_webhook_tokens is
  'Tokens of accepted Mailgun posts (inbound and events): a post whose token was seen is a replay and is refused.';

-- Indexes -------------------------------------------------------------------------
create index email_templates_updated_by_idx on public.email_templates (updated_by);
create index threads_org_last_idx on public.threads (org_id, last_message_at desc);
create index threads_created_by_idx on public.threads (created_by);
create index threads_source_idx on public.threads (source_type, source_id);
create index messages_thread_idx on public.messages (thread_id, created_at);
create index messages_org_idx on public.messages (org_id, created_at desc);
create index messages_sent_by_idx on public.messages (sent_by);
create unique index messages_org_message_id_idx on public.messages (org_id, message_id_header) where message_id_header is not null;
create index messages_mailgun_id_idx on public.messages (mailgun_id) where mailgun_id is not null;
create index messages_message_id_idx on public.messages (message_id_header) where message_id_header is not null;
create index email_events_message_idx on public.email_events (message_id);
create index email_events_org_idx on public.email_events (org_id);
create index thread_reads_user_idx on public.thread_reads (user_id);
create index thread_reads_org_idx on public.thread_reads (org_id);
create index mailgun_webhook_tokens_seen_idx on private.mailgun_webhook_tokens (seen_at);

-- Triggers ------------------------------------------------------------------------
create trigger email_templates_updated_at before update on public.email_templates
  for each row execute function private.set_updated_at();
create trigger threads_updated_at before update on public.threads
  for each row execute function private.set_updated_at();
create trigger messages_updated_at before update on public.messages
  for each row execute function private.set_updated_at();

-- A sent or received message of a conversation is an `email` activity (once).
create function private.email_activity()
returns trigger
language plpgsql
-- security definer: writes the automatic activity row (RLS admits only manual ones).
security definer
set search_path = ''
as $$
declare
  v_user uuid;
  v_thread public.threads;
begin
  if new.thread_id is null then
    return null;
  end if;
  if not ((new.direction = 'outbound' and new.status in ('sent', 'delivered', 'complained'))
          or new.direction = 'inbound') then
    return null;
  end if;
  select * into v_thread from public.threads where id = new.thread_id;
  v_user := case when new.direction = 'outbound' then coalesce(new.sent_by, v_thread.created_by) else v_thread.created_by end;
  insert into public.activities (org_id, agent_id, user_id, type, outcome, value, occurred_at, source_type, source_id,
                                 contact, title, metadata)
  values (new.org_id, (select a.id from public.agents a where a.org_id = new.org_id and a.user_id = v_user), v_user,
          'email', 'completed', 0, coalesce(new.sent_at, new.created_at),
          case new.direction when 'outbound' then 'email_sent' else 'email_received' end, new.id,
          left(case new.direction when 'outbound' then new.to_address else new.from_address end, 200),
          left(case new.direction when 'outbound' then 'Email sent: ' else 'Email received: ' end || new.subject, 200),
          jsonb_build_object('thread_id', new.thread_id, 'message_id', new.id, 'direction', new.direction))
  on conflict (source_type, source_id) do nothing;
  return null;
end;
$$;
comment on function private.email_activity() is
  'AFTER INSERT/UPDATE OF status on messages: a sent (outbound) or received (inbound) message of a thread becomes one email activity of the thread''s member.';
create trigger messages_activity after insert or update of status on public.messages
  for each row execute function private.email_activity();

-- RLS -----------------------------------------------------------------------------
alter table public.email_templates enable row level security;
alter table public.threads enable row level security;
alter table public.messages enable row level security;
alter table public.email_events enable row level security;
alter table public.thread_reads enable row level security;
alter table private.mailgun_webhook_tokens enable row level security;

-- Threads a member started, in organizations they belong to now.
create function private.own_thread_ids()
returns setof uuid
language sql
stable
-- security definer: reads threads/memberships of the caller without re-entering RLS.
security definer
set search_path = ''
as $$
  select t.id from public.threads t
   where t.created_by = (select auth.uid())
     and exists (select 1 from public.memberships m where m.user_id = t.created_by and m.org_id = t.org_id);
$$;
comment on function private.own_thread_ids() is 'Threads the caller started, in organizations the caller is a member of now.';

create policy "Members read their organization's email templates" on public.email_templates
  for select to authenticated
  using (org_id in (select private.user_org_ids()));
create policy "Managers read their organization's threads; members their own" on public.threads
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or id in (select private.own_thread_ids()));
create policy "Readers of a thread read its messages" on public.messages
  for select to authenticated
  using (thread_id is not null
         and (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
              or thread_id in (select private.own_thread_ids())));
create policy "Managers read their organization's delivery events" on public.email_events
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Members read their own thread reads" on public.thread_reads
  for select to authenticated
  using (user_id = (select auth.uid()) and org_id in (select private.user_org_ids()));

revoke all on public.email_templates, public.threads, public.messages, public.email_events, public.thread_reads
  from anon, authenticated;
grant select on public.email_templates, public.threads, public.messages, public.email_events, public.thread_reads
  to authenticated;
revoke all on private.mailgun_webhook_tokens from public, anon, authenticated;

-- Templates -------------------------------------------------------------------------
create function private.default_email_templates()
returns table (key text, name text, subject text, body_text text, variables text[], late_variables text[])
language sql
immutable
set search_path = ''
as $$
  values
    ('call_follow_up', 'Call follow-up', 'Following up on our call',
     E'Hi {{contact_name}},\n\nThank you for your time on the phone. A short summary of what we discussed:\n\n{{summary}}\n\nNext steps:\n{{next_steps}}\n\nBest regards,\n{{sender_name}}',
     array['contact_name', 'summary', 'next_steps', 'sender_name'], '{}'::text[]),
    ('referral_introduction', 'Referral introduction', '{{referrer_name}} suggested we get in touch',
     E'Hi {{referred_name}},\n\n{{referrer_name}} thought you might like to hear from {{org_name}}. Would you have a few minutes for a call this week?\n\nBest regards,\n{{sender_name}}',
     array['referred_name', 'referrer_name', 'org_name', 'sender_name'], '{}'::text[]),
    ('sim_assignment', 'SIM assignment', 'New practice session: {{sim_name}}',
     E'Hi {{assignee_name}},\n\n{{assigner_name}} assigned you the practice session "{{sim_name}}" (due {{due_date}}).\n\nStart it here: {{site_url}}/app/sims',
     array['assignee_name', 'assigner_name', 'sim_name', 'due_date'], array['site_url']),
    ('goal_reached', 'Goal reached', 'Goal reached: {{goal_name}}',
     E'Congratulations {{member_name}}!\n\nYou reached your goal "{{goal_name}}": {{actual}} of {{target}}.',
     array['member_name', 'goal_name', 'actual', 'target'], '{}'::text[]),
    ('invitation', 'Invitation', 'You''re invited to join {{org_name}} on SalesPulse',
     E'You''ve been invited to join {{org_name}} on SalesPulse as {{role}}.\n\nAccept the invitation: {{accept_link}}\n\nThe link works once and expires on {{expires_at}}.',
     array['org_name', 'role', 'expires_at'], array['accept_link']),
    ('tracker_alert', 'Tracker alert', 'Tracker "{{tracker_name}}" fired on a call',
     E'The tracker "{{tracker_name}}" of {{org_name}} was heard on a new call:\n\n{{hits}}\n\nOpen the call: {{site_url}}{{call_path}}',
     array['tracker_name', 'org_name', 'hits', 'call_path'], array['site_url']);
$$;
comment on function private.default_email_templates() is 'The templates every organization starts with.';

create function private.seed_email_templates()
returns trigger
language plpgsql
-- security definer: runs when an organization is created by any caller.
security definer
set search_path = ''
as $$
begin
  insert into public.email_templates (org_id, key, name, subject, body_text, variables, late_variables)
  select new.id, d.key, d.name, d.subject, d.body_text, d.variables, d.late_variables
    from private.default_email_templates() d
  on conflict (org_id, key) do nothing;
  return null;
end;
$$;
comment on function private.seed_email_templates() is 'AFTER INSERT on organizations: the default email templates.';
create trigger organizations_email_templates after insert on public.organizations
  for each row execute function private.seed_email_templates();

insert into public.email_templates (org_id, key, name, subject, body_text, variables, late_variables)
select o.id, d.key, d.name, d.subject, d.body_text, d.variables, d.late_variables
  from public.organizations o cross join private.default_email_templates() d
on conflict (org_id, key) do nothing;

create function private.template_placeholders(p_text text)
returns text[]
language sql
immutable
set search_path = ''
as $$
  select coalesce(array_agg(distinct m[1]), '{}') from regexp_matches(coalesce(p_text, ''), '\{\{\s*([a-z][a-z0-9_]*)\s*\}\}', 'g') m;
$$;
comment on function private.template_placeholders(text) is 'The {{variable}} names used in a template text.';

-- Substitutes {{name}} with the values of p_vars (HTML-escaped when p_html);
-- placeholders without a value are left as they are.
create function private.render_template_text(p_text text, p_vars jsonb, p_html boolean)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_out text := p_text;
  v_key text;
  v_val text;
begin
  if p_text is null then
    return null;
  end if;
  for v_key, v_val in select * from jsonb_each_text(coalesce(p_vars, '{}'::jsonb)) loop
    if p_html then
      v_val := replace(replace(replace(replace(replace(coalesce(v_val, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;');
    end if;
    v_out := regexp_replace(v_out, '\{\{\s*' || v_key || '\s*\}\}', replace(coalesce(v_val, ''), '\', '\\'), 'g');
  end loop;
  return v_out;
end;
$$;
comment on function private.render_template_text(text, jsonb, boolean) is 'A template text with {{variables}} filled in (HTML-escaped for HTML).';

-- The template rendered with p_vars, after checking them: every variable the
-- template declares (but not its late ones) given, no other, each a string of
-- at most 4,000 characters (SP400); SP404 for an unknown template.
create function private.render_email_template(p_org_id uuid, p_key text, p_vars jsonb)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_t public.email_templates;
  v_vars jsonb := coalesce(p_vars, '{}'::jsonb);
  v_missing text[];
  v_unknown text[];
begin
  select * into v_t from public.email_templates where org_id = p_org_id and key = p_key;
  if not found then
    raise exception 'no email template %', coalesce(p_key, '(null)') using errcode = 'SP404';
  end if;
  if jsonb_typeof(v_vars) <> 'object' or pg_column_size(v_vars) > 40000 then
    raise exception 'variables must be a JSON object under 40 kB' using errcode = 'SP400';
  end if;
  if exists (select 1 from jsonb_each(v_vars) e where jsonb_typeof(e.value) <> 'string' or char_length(e.value #>> '{}') > 4000) then
    raise exception 'every variable must be a string of at most 4000 characters' using errcode = 'SP400';
  end if;
  select array_agg(v order by v) into v_missing from unnest(v_t.variables) v where not v_vars ? v;
  if v_missing is not null then
    raise exception 'missing template variables: %', array_to_string(v_missing, ', ') using errcode = 'SP400';
  end if;
  select array_agg(k order by k) into v_unknown from jsonb_object_keys(v_vars) k where k <> all (v_t.variables);
  if v_unknown is not null then
    raise exception 'unknown template variables: %', array_to_string(v_unknown, ', ') using errcode = 'SP400';
  end if;
  return jsonb_build_object(
    'template_key', v_t.key,
    'subject', left(private.render_template_text(v_t.subject, v_vars, false), 300),
    'text', private.render_template_text(v_t.body_text, v_vars, false),
    'html', private.render_template_text(v_t.body_html, v_vars, true),
    'late_variables', to_jsonb(v_t.late_variables));
end;
$$;
comment on function private.render_email_template(uuid, text, jsonb) is
  'Renders an organization''s template with validated variables (SP400 missing/unknown/too long, SP404 no such template).';

create function public.email_template_preview(p_org_id uuid, p_key text, p_variables jsonb)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
begin
  perform private.require_user();
  if not private.is_member(p_org_id) then
    raise exception 'not a member of this organization' using errcode = 'SP403';
  end if;
  return private.render_email_template(p_org_id, private.bounded_text(p_key, 41, 'template key'), p_variables);
end;
$$;
comment on function public.email_template_preview(uuid, text, jsonb) is
  'Members: an email template rendered with the given variables, before sending ({subject, text, html}). SP400 for missing or unknown variables.';

create function public.save_email_template(p_org_id uuid, p_key text, p_subject text, p_body_text text, p_body_html text default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_t public.email_templates;
  v_used text[];
begin
  perform private.require_user();
  if not private.has_org_role(p_org_id, array['owner', 'admin', 'manager']::public.org_role[]) then
    raise exception 'only owners, admins and managers edit email templates' using errcode = 'SP403';
  end if;
  select * into v_t from public.email_templates where org_id = p_org_id and key = p_key;
  if not found then
    raise exception 'no email template %', p_key using errcode = 'SP404';
  end if;
  if coalesce(char_length(btrim(p_subject)), 0) not between 1 and 300
     or coalesce(char_length(btrim(p_body_text)), 0) not between 1 and 10000
     or char_length(p_body_html) > 20000 then
    raise exception 'subject (1-300), text (1-10000) and HTML (at most 20000 characters) are required' using errcode = 'SP400';
  end if;
  v_used := private.template_placeholders(p_subject) || private.template_placeholders(p_body_text)
            || private.template_placeholders(p_body_html);
  if exists (select 1 from unnest(v_used) u where u <> all (v_t.variables || v_t.late_variables)) then
    raise exception 'the template uses variables it does not have (allowed: %)',
      array_to_string(v_t.variables || v_t.late_variables, ', ') using errcode = 'SP400';
  end if;
  update public.email_templates
     set subject = p_subject, body_text = p_body_text, body_html = nullif(p_body_html, ''), updated_by = auth.uid()
   where id = v_t.id;
end;
$$;
comment on function public.save_email_template(uuid, text, text, text, text) is
  'Owners/admins/managers edit a template''s subject and bodies; only its declared variables may be used (SP400).';

-- Grants ---------------------------------------------------------------------------
revoke execute on function private.email_activity() from public, anon, authenticated;
revoke execute on function private.seed_email_templates() from public, anon, authenticated;
revoke execute on function private.own_thread_ids() from public, anon;
grant execute on function private.own_thread_ids() to authenticated;
revoke execute on function private.default_email_templates() from public, anon, authenticated;
revoke execute on function private.template_placeholders(text) from public, anon, authenticated;
grant execute on function private.template_placeholders(text) to service_role;
revoke execute on function private.render_template_text(text, jsonb, boolean) from public, anon;
grant execute on function private.render_template_text(text, jsonb, boolean) to authenticated, service_role;
revoke execute on function private.render_email_template(uuid, text, jsonb) from public, anon;
grant execute on function private.render_email_template(uuid, text, jsonb) to authenticated, service_role;
revoke execute on function public.email_template_preview(uuid, text, jsonb) from public, anon;
grant execute on function public.email_template_preview(uuid, text, jsonb) to authenticated;
revoke execute on function public.save_email_template(uuid, text, text, text, text) from public, anon;
grant execute on function public.save_email_template(uuid, text, text, text, text) to authenticated;

-- Email: per-organization templates, conversations (threads) and their
-- messages, the one path every email the product sends takes
-- (private.send_email / public.send_email_message → a `send_email` job →
-- Mailgun), inbound replies and delivery events from `mailgun-inbound`
-- (signature checked there; the token is claimed here, in the same
-- transaction that stores), and the bookkeeping: every sent or received
-- message of a conversation is an `email` activity (email goals count it).
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
     E'Hi {{assignee_name}},\n\n{{assigner_name}} assigned you the practice session "{{sim_name}}" (due {{due_date}}).\n\nStart it here: {{link}}',
     array['assignee_name', 'assigner_name', 'sim_name', 'due_date', 'link'], '{}'::text[]),
    ('goal_reached', 'Goal reached', 'Goal reached: {{goal_name}}',
     E'Congratulations {{member_name}}!\n\nYou reached your goal "{{goal_name}}": {{actual}} of {{target}}.',
     array['member_name', 'goal_name', 'actual', 'target'], '{}'::text[]),
    ('invitation', 'Invitation', 'You''re invited to join {{org_name}} on SalesPulse',
     E'You''ve been invited to join {{org_name}} on SalesPulse as {{role}}.\n\nAccept the invitation: {{accept_link}}\n\nThe link works once and expires on {{expires_at}}.',
     array['org_name', 'role', 'expires_at'], array['accept_link']);
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

-- Sending ---------------------------------------------------------------------------
create function private.normalize_email(p_address text)
returns text
language sql
immutable
set search_path = ''
as $$
  select lower(btrim(coalesce((regexp_match(p_address, '<([^<>]+)>'))[1], p_address)));
$$;
comment on function private.normalize_email(text) is 'The bare lower-case address of "Name <a@b>" or "a@b".';

-- Stores an outbound message and queues its send_email job (the one path).
create function private.queue_email(
  p_org_id uuid, p_to text, p_subject text, p_text text, p_html text, p_sender uuid, p_thread_id uuid,
  p_template_key text, p_payload jsonb default '{}'::jsonb, p_dedupe_key text default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_to text := private.normalize_email(p_to);
  v_id uuid;
begin
  if v_to !~ '^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$' or char_length(v_to) > 320 then
    raise exception 'invalid email address' using errcode = 'SP400';
  end if;
  insert into public.messages (org_id, thread_id, direction, status, from_address, to_address, subject, body_text,
                               body_html, template_key, sent_by, payload)
  values (p_org_id, p_thread_id, 'outbound', 'queued', '', v_to, left(p_subject, 300), p_text, p_html, p_template_key,
          p_sender, coalesce(p_payload, '{}'::jsonb))
  returning id into v_id;
  if p_thread_id is not null then
    update public.threads set last_message_at = now() where id = p_thread_id;
  end if;
  perform public.enqueue_job('send_email', p_org_id, jsonb_build_object('message_id', v_id),
                             coalesce(p_dedupe_key, 'email:' || v_id::text), now(), 6);
  return v_id;
end;
$$;
comment on function private.queue_email(uuid, text, text, text, text, uuid, uuid, text, jsonb, text) is
  'Backend: stores an outbound message (queued) and enqueues its send_email job (retries with backoff, dead letter).';

-- The entry point for the product's own emails (SIM assignment notices, goal
-- notices, invitations): renders the organization's template with validated
-- variables and queues it. p_threaded starts a conversation with the
-- recipient (replies then thread into it).
create function private.send_email(
  p_org_id uuid, p_to text, p_template_key text, p_variables jsonb,
  p_sender uuid default null, p_threaded boolean default false, p_source_type text default null,
  p_source_id uuid default null, p_payload jsonb default '{}'::jsonb, p_dedupe_key text default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_r jsonb := private.render_email_template(p_org_id, p_template_key, p_variables);
  v_thread uuid;
begin
  if p_threaded then
    insert into public.threads (org_id, subject, contact_email, created_by, source_type, source_id)
    values (p_org_id, v_r ->> 'subject', private.normalize_email(p_to), p_sender, p_source_type, p_source_id)
    returning id into v_thread;
  end if;
  return private.queue_email(p_org_id, p_to, v_r ->> 'subject', v_r ->> 'text', v_r ->> 'html', p_sender, v_thread,
                             p_template_key, p_payload, p_dedupe_key);
end;
$$;
comment on function private.send_email(uuid, text, text, jsonb, uuid, boolean, text, uuid, jsonb, text) is
  'Backend entry point for every templated email (e.g. the SIM domain: template sim_assignment): renders and queues; returns the message id.';

-- Invitations (tenancy's invite_member) go through the same path.
create or replace function private.enqueue_email_job(p_kind text, p_org_id uuid, p_payload jsonb, p_dedupe_key text)
returns void
language plpgsql
-- security definer: renders from the organization's templates and stores the message.
security definer
set search_path = ''
as $$
declare
  v_inv record;
begin
  if p_kind = 'send_invitation_email' then
    select i.id, i.email, i.role, i.expires_at, o.name as org_name into v_inv
      from public.invitations i join public.organizations o on o.id = i.org_id
     where i.id = (p_payload ->> 'invitation_id')::uuid;
    perform private.send_email(p_org_id, v_inv.email, 'invitation',
      jsonb_build_object('org_name', v_inv.org_name, 'role', v_inv.role::text,
                         'expires_at', to_char(v_inv.expires_at at time zone 'UTC', 'Dy, DD Mon YYYY HH24:MI:SS "GMT"')),
      p_payload => jsonb_build_object('invitation_id', v_inv.id), p_dedupe_key => p_dedupe_key);
  else
    perform public.enqueue_job(p_kind, p_org_id, p_payload, p_dedupe_key);
  end if;
end;
$$;
comment on function private.enqueue_email_job(text, uuid, jsonb, text) is
  'Queues an email: invitations render the invitation template through private.send_email; other kinds are plain jobs.';

create function private.readable_call(p_call_id uuid)
returns public.calls
language sql
stable
set search_path = ''
as $$
  select c.* from public.calls c
   where c.id = p_call_id
     and (c.org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
          or c.id in (select private.agent_call_ids()));
$$;
comment on function private.readable_call(uuid) is 'The call when the caller may read it (managers of its organization, its agent).';

create function public.send_email_message(
  p_org_id uuid, p_to text, p_subject text, p_body text, p_thread_id uuid default null,
  p_template_key text default null, p_source_type text default null, p_source_id uuid default null,
  p_contact_name text default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_user();
  v_thread public.threads;
  v_to text;
  v_subject text := btrim(coalesce(p_subject, ''));
  v_id uuid;
begin
  if not private.is_member(p_org_id) then
    raise exception 'not a member of this organization' using errcode = 'SP403';
  end if;
  perform private.bounded_text(p_to, 320, 'to'), private.bounded_text(p_subject, 300, 'subject'),
          private.bounded_text(p_body, 20000, 'body'), private.bounded_text(p_contact_name, 200, 'contact name'),
          private.bounded_text(p_template_key, 41, 'template key');
  if coalesce(btrim(p_body), '') = '' then
    raise exception 'the message is empty' using errcode = 'SP400';
  end if;
  if p_thread_id is not null then
    select * into v_thread from public.threads t
     where t.id = p_thread_id and t.org_id = p_org_id
       and (private.has_org_role(p_org_id, array['owner', 'admin', 'manager']::public.org_role[]) or t.created_by = v_uid);
    if not found then
      raise exception 'no such thread' using errcode = 'SP404';
    end if;
    v_to := coalesce(nullif(btrim(p_to), ''), v_thread.contact_email);
    if v_subject = '' then
      v_subject := case when v_thread.subject ~* '^re:' then v_thread.subject else 'Re: ' || v_thread.subject end;
    end if;
    if v_thread.unmatched then
      -- Answering mail from the unmatched inbox makes it a conversation of the one who answers.
      update public.threads set unmatched = false, created_by = coalesce(created_by, v_uid) where id = v_thread.id;
    end if;
  else
    if v_subject = '' then
      raise exception 'a subject is required' using errcode = 'SP400';
    end if;
    if p_source_type is not null and p_source_type not in ('call', 'referral') then
      raise exception 'source_type must be call or referral' using errcode = 'SP400';
    end if;
    if p_source_type = 'call' and (private.readable_call(p_source_id)).org_id is distinct from p_org_id then
      raise exception 'no such call' using errcode = 'SP404';
    end if;
    if p_source_type = 'referral' and not exists (select 1 from public.referrals r where r.id = p_source_id and r.org_id = p_org_id) then
      raise exception 'no such referral' using errcode = 'SP404';
    end if;
    v_to := btrim(coalesce(p_to, ''));
    insert into public.threads (org_id, subject, contact_email, contact_name, created_by, source_type, source_id)
    values (p_org_id, v_subject, private.normalize_email(v_to), nullif(btrim(p_contact_name), ''), v_uid,
            p_source_type, case when p_source_type is not null then p_source_id end)
    returning * into v_thread;
  end if;
  v_id := private.queue_email(p_org_id, v_to, v_subject, p_body, null, v_uid, v_thread.id, p_template_key);
  insert into public.thread_reads (thread_id, org_id, user_id) values (v_thread.id, p_org_id, v_uid)
  on conflict (thread_id, user_id) do update set read_at = now();
  return jsonb_build_object('thread_id', v_thread.id, 'message_id', v_id);
end;
$$;
comment on function public.send_email_message(uuid, text, text, text, uuid, text, text, uuid, text) is
  'Members send an email: a new thread (optionally from a call or referral they can read) or a reply in a thread they can read. Queued for sending; returns {thread_id, message_id}. SP400, SP403, SP404.';

create function public.draft_call_follow_up(p_call_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_call public.calls;
  v_ins public.insights;
  v_steps text;
  v_sender text;
  v_r jsonb;
begin
  perform private.require_user();
  v_call := private.readable_call(p_call_id);
  if v_call.id is null then
    raise exception 'no such call' using errcode = 'SP404';
  end if;
  select * into v_ins from public.insights where call_id = v_call.id and is_current;
  select string_agg('- ' || (s ->> 'step'), E'\n') into v_steps
    from jsonb_array_elements(coalesce(v_ins.data -> 'next_steps', '[]'::jsonb)) s;
  select coalesce(p.full_name, p.email) into v_sender from public.profiles p where p.id = auth.uid();
  v_r := private.render_email_template(v_call.org_id, 'call_follow_up', jsonb_build_object(
    'contact_name', 'there',
    'summary', left(coalesce(v_ins.summary, 'Thanks again for the conversation.'), 4000),
    'next_steps', left(coalesce(v_steps, '- We will be in touch.'), 4000),
    'sender_name', left(coalesce(v_sender, 'The team'), 200)));
  return v_r || jsonb_build_object('source_type', 'call', 'source_id', v_call.id, 'org_id', v_call.org_id, 'to', null);
end;
$$;
comment on function public.draft_call_follow_up(uuid) is
  'A follow-up email for a call the caller can read, from its current insight''s summary and next steps and the call_follow_up template.';

create function public.draft_referral_email(p_referral_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ref public.referrals;
  v_sender text;
  v_r jsonb;
begin
  perform private.require_user();
  select * into v_ref from public.referrals r where r.id = p_referral_id and r.org_id in (select private.user_org_ids());
  if not found then
    raise exception 'no such referral' using errcode = 'SP404';
  end if;
  select coalesce(p.full_name, p.email) into v_sender from public.profiles p where p.id = auth.uid();
  v_r := private.render_email_template(v_ref.org_id, 'referral_introduction', jsonb_build_object(
    'referred_name', v_ref.referred_name, 'referrer_name', v_ref.referrer_name,
    'org_name', (select o.name from public.organizations o where o.id = v_ref.org_id),
    'sender_name', left(coalesce(v_sender, 'The team'), 200)));
  return v_r || jsonb_build_object('source_type', 'referral', 'source_id', v_ref.id, 'org_id', v_ref.org_id,
                                   'to', v_ref.referred_email, 'contact_name', v_ref.referred_name);
end;
$$;
comment on function public.draft_referral_email(uuid) is
  'An introduction email to a referral of the caller''s organization (referral_introduction template), addressed to its email.';

-- Reading ---------------------------------------------------------------------------
create function public.list_threads(p_org_id uuid, p_unmatched boolean default false, p_limit integer default 50)
returns table (id uuid, subject text, contact_email text, contact_name text, unmatched boolean, source_type text,
               source_id uuid, created_by uuid, last_message_at timestamptz, message_count integer, unread integer,
               last_direction public.email_direction, last_status public.email_status, last_snippet text)
language sql
stable
set search_path = ''
as $$
  select t.id, t.subject, t.contact_email, t.contact_name, t.unmatched, t.source_type, t.source_id, t.created_by,
         t.last_message_at,
         (select count(*)::int from public.messages m where m.thread_id = t.id),
         (select count(*)::int from public.messages m
           where m.thread_id = t.id and m.direction = 'inbound'
             and m.created_at > coalesce((select r.read_at from public.thread_reads r
                                           where r.thread_id = t.id and r.user_id = (select auth.uid())), '-infinity')),
         l.direction, l.status, left(coalesce(l.stripped_text, l.body_text), 140)
    from public.threads t
    left join lateral (select m.direction, m.status, m.stripped_text, m.body_text from public.messages m
                        where m.thread_id = t.id order by m.created_at desc, m.id desc limit 1) l on true
   where t.org_id = p_org_id and t.unmatched = coalesce(p_unmatched, false)
   order by t.last_message_at desc, t.id
   limit greatest(1, least(coalesce(p_limit, 50), 200));
$$;
comment on function public.list_threads(uuid, boolean, integer) is
  'Threads of an organization the caller can read (RLS), newest first, with message count, the caller''s unread inbound messages and the last message''s status. p_unmatched: the unmatched inbox (managers).';

create function public.mark_thread_read(p_thread_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_user();
  v_org uuid;
begin
  select t.org_id into v_org from public.threads t where t.id = p_thread_id
     and (private.has_org_role(t.org_id, array['owner', 'admin', 'manager']::public.org_role[])
          or t.id in (select private.own_thread_ids()));
  if v_org is null then
    raise exception 'no such thread' using errcode = 'SP404';
  end if;
  insert into public.thread_reads (thread_id, org_id, user_id) values (p_thread_id, v_org, v_uid)
  on conflict (thread_id, user_id) do update set read_at = now();
end;
$$;
comment on function public.mark_thread_read(uuid) is 'The caller has read a thread they can read (its unread count drops to 0).';

-- Backend: the send job ---------------------------------------------------------------
create function public.email_for_sending(p_message_id uuid, p_domain text)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_m public.messages;
  v_t public.threads;
  v_org public.organizations;
  v_prev text[];
begin
  select * into v_m from public.messages where id = p_message_id and direction = 'outbound' for update;
  if not found then
    raise exception 'no outbound message %', p_message_id using errcode = 'SP404';
  end if;
  select * into v_org from public.organizations where id = v_m.org_id;
  if v_m.message_id_header is null then
    v_m.message_id_header := 'm-' || replace(v_m.id::text, '-', '') || '@' || p_domain;
  end if;
  if v_m.thread_id is not null then
    select * into v_t from public.threads where id = v_m.thread_id;
    v_m.reply_to := 'reply+' || v_t.reply_token || '@' || p_domain;
    v_m.from_address := '"' || replace(v_org.name, '"', '') || '" <' || v_org.slug || '@' || p_domain || '>';
    select array_agg(x.message_id_header order by x.created_at, x.id) into v_prev
      from public.messages x
     where x.thread_id = v_m.thread_id and x.id <> v_m.id and x.message_id_header is not null
       and x.created_at <= v_m.created_at;
  else
    v_m.from_address := 'SalesPulse <no-reply@' || p_domain || '>';
  end if;
  update public.messages
     set message_id_header = v_m.message_id_header, reply_to = v_m.reply_to, from_address = v_m.from_address,
         in_reply_to = v_prev[array_length(v_prev, 1)],
         references_header = left(array_to_string(v_prev[greatest(1, coalesce(array_length(v_prev, 1), 0) - 20):], ' '), 8000)
   where id = v_m.id
   returning * into v_m;
  return jsonb_build_object('id', v_m.id, 'status', v_m.status, 'from', v_m.from_address, 'to', v_m.to_address,
    'reply_to', v_m.reply_to, 'subject', v_m.subject, 'text', v_m.body_text, 'html', v_m.body_html,
    'message_id', v_m.message_id_header, 'in_reply_to', v_m.in_reply_to, 'references', v_m.references_header,
    'template_key', v_m.template_key, 'payload', v_m.payload);
end;
$$;
comment on function public.email_for_sending(uuid, text) is
  'Backend (send_email job): the message as it goes out, with its Message-Id, Reply-To (reply+<token>@domain), From, In-Reply-To and References fixed on the row (the same on every retry).';

create function public.record_email_result(p_message_id uuid, p_status public.email_status, p_mailgun_id text default null,
                                           p_error text default null)
returns void
language plpgsql
set search_path = ''
as $$
begin
  if p_status not in ('sent', 'failed', 'canceled') then
    raise exception 'status must be sent, failed or canceled' using errcode = 'SP400';
  end if;
  update public.messages
     set status = p_status, mailgun_id = coalesce(btrim(p_mailgun_id, '<> '), mailgun_id), error = left(p_error, 1000),
         sent_at = case when p_status = 'sent' then now() else sent_at end, status_at = now()
   where id = p_message_id and status = 'queued';
end;
$$;
comment on function public.record_email_result(uuid, public.email_status, text, text) is
  'Backend (send_email job): a queued message was sent (Mailgun id), failed for good, or canceled. Later calls change nothing.';

-- Backend: mailgun-inbound -------------------------------------------------------------
create function private.claim_mailgun_token(p_token text)
returns void
language plpgsql
-- security definer: the token table is private to the table owner.
security definer
set search_path = ''
as $$
begin
  if coalesce(char_length(p_token), 0) not between 10 and 200 then
    raise exception 'invalid token' using errcode = 'SP400';
  end if;
  insert into private.mailgun_webhook_tokens (token) values (p_token) on conflict (token) do nothing;
  if not found then
    raise exception 'this token was used before' using errcode = 'SP409';
  end if;
  delete from private.mailgun_webhook_tokens where seen_at < now() - interval '2 days';
end;
$$;
comment on function private.claim_mailgun_token(text) is 'Records a Mailgun post''s token; SP409 when it was seen before (a replay).';

create function private.message_ids_of(p_header text)
returns text[]
language sql
immutable
set search_path = ''
as $$
  select coalesce(array_agg(m[1]) filter (where char_length(m[1]) <= 998), '{}')
    from regexp_matches(left(coalesce(p_header, ''), 8000), '<([^<>\s]+)>', 'g') m;
$$;
comment on function private.message_ids_of(text) is 'The Message-Id values in a header such as References, without brackets.';

create function public.ingest_inbound_email(p jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_recipient text := private.normalize_email(p ->> 'recipient');
  v_domain text := lower(p ->> 'domain');
  v_local text;
  v_org_id uuid;
  v_thread public.threads;
  v_matched text;
  v_msgid text := btrim(p ->> 'message_id', '<> ');
  v_refs text[];
  v_from text := private.normalize_email(p ->> 'from');
  v_id uuid;
  v_existing uuid;
begin
  perform private.claim_mailgun_token(p ->> 'token');
  if coalesce(v_msgid, '') = '' or char_length(v_msgid) > 998 then
    raise exception 'the message has no Message-Id' using errcode = 'SP400';
  end if;
  if v_from !~ '^[^@\s]+@[^@\s]+$' or char_length(v_from) > 320 then
    raise exception 'the message has no valid sender' using errcode = 'SP400';
  end if;
  if split_part(v_recipient, '@', 2) is distinct from v_domain then
    raise exception 'not a recipient of this domain' using errcode = 'SP404';
  end if;
  v_local := split_part(v_recipient, '@', 1);
  -- 1. The reply token names the thread (and so the organization).
  if v_local ~ '^reply\+[0-9a-f]{24}$' then
    select * into v_thread from public.threads where reply_token = substr(v_local, 7);
    if not found then
      raise exception 'no thread for this reply address' using errcode = 'SP404';
    end if;
    v_org_id := v_thread.org_id;
    v_matched := 'token';
  else
    select o.id into v_org_id from public.organizations o where o.slug = v_local;
    if v_org_id is null then
      raise exception 'no organization receives mail at this address' using errcode = 'SP404';
    end if;
  end if;
  select id into v_existing from public.messages where org_id = v_org_id and message_id_header = v_msgid;
  if v_existing is not null then
    return jsonb_build_object('outcome', 'duplicate', 'message_id', v_existing);
  end if;
  -- 2. Headers, within the recipient's organization only.
  if v_thread.id is null then
    select t.* into v_thread from public.messages m join public.threads t on t.id = m.thread_id
     where m.org_id = v_org_id and m.message_id_header = any (private.message_ids_of(p ->> 'in_reply_to'))
     limit 1;
    if found then
      v_matched := 'in_reply_to';
    end if;
  end if;
  if v_thread.id is null then
    v_refs := private.message_ids_of(p ->> 'references');
    select t.* into v_thread from public.messages m join public.threads t on t.id = m.thread_id
     where m.org_id = v_org_id and m.message_id_header = any (v_refs)
     order by array_position(v_refs, m.message_id_header) desc
     limit 1;
    if found then
      v_matched := 'references';
    end if;
  end if;
  -- 3. Otherwise the organization's unmatched inbox.
  if v_thread.id is null then
    insert into public.threads (org_id, subject, contact_email, contact_name, unmatched)
    values (v_org_id, left(coalesce(nullif(btrim(p ->> 'subject'), ''), '(no subject)'), 300), v_from,
            left(nullif(btrim(split_part(p ->> 'from', '<', 1), ' "'), ''), 200), true)
    returning * into v_thread;
    v_matched := 'unmatched';
  end if;
  insert into public.messages (org_id, thread_id, direction, status, from_address, to_address, subject, body_text,
                               body_html, stripped_text, message_id_header, in_reply_to, references_header,
                               matched_by, attachments, sent_at)
  values (v_org_id, v_thread.id, 'inbound', 'received', left(p ->> 'from', 640), left(v_recipient, 640),
          left(coalesce(p ->> 'subject', ''), 300), left(coalesce(p ->> 'body_plain', p ->> 'stripped_text', ''), 100000),
          left(p ->> 'body_html', 200000), left(p ->> 'stripped_text', 100000), v_msgid,
          (private.message_ids_of(p ->> 'in_reply_to'))[1], left(p ->> 'references', 8000), v_matched,
          coalesce(p -> 'attachments', '[]'::jsonb), now())
  returning id into v_id;
  update public.threads set last_message_at = now() where id = v_thread.id;
  return jsonb_build_object('outcome', 'stored', 'message_id', v_id, 'thread_id', v_thread.id, 'matched_by', v_matched,
                            'org_id', v_org_id);
end;
$$;
comment on function public.ingest_inbound_email(jsonb) is
  'Backend (mailgun-inbound, after the signature check): claims the token (SP409 replay), then threads the message by reply token, In-Reply-To, References (within the recipient''s organization), or files it in that organization''s unmatched inbox. Idempotent on Message-Id. SP400 malformed, SP404 unknown recipient.';

create function public.apply_email_event(p jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_id text := btrim(p ->> 'message_id', '<> ');
  v_m public.messages;
  v_event text := p ->> 'event';
  v_status public.email_status;
  v_rank int;
begin
  perform private.claim_mailgun_token(p ->> 'token');
  if v_event is null or v_event not in ('delivered', 'failed', 'bounced', 'complained')
     or coalesce(char_length(p ->> 'event_id'), 0) not between 1 and 200 then
    raise exception 'unknown event' using errcode = 'SP400';
  end if;
  select * into v_m from public.messages
   where direction = 'outbound' and (message_id_header = v_id or mailgun_id = v_id)
   order by created_at limit 1 for update;
  if not found then
    return jsonb_build_object('outcome', 'unknown_message');
  end if;
  insert into public.email_events (id, org_id, message_id, event, severity, reason, occurred_at)
  values (p ->> 'event_id', v_m.org_id, v_m.id, v_event, p ->> 'severity', left(p ->> 'reason', 500),
          coalesce(to_timestamp((p ->> 'occurred_at')::double precision), now()))
  on conflict (id) do nothing;
  if not found then
    return jsonb_build_object('outcome', 'duplicate');
  end if;
  -- A temporary failure changes nothing (Mailgun tries again); later states win over earlier ones.
  if v_event = 'failed' and p ->> 'severity' = 'temporary' then
    return jsonb_build_object('outcome', 'recorded', 'status', v_m.status);
  end if;
  v_status := v_event::public.email_status;
  v_rank := array_position(array['queued', 'sent', 'delivered', 'failed', 'bounced', 'complained']::text[], v_status::text);
  if v_rank > coalesce(array_position(array['queued', 'sent', 'delivered', 'failed', 'bounced', 'complained']::text[], v_m.status::text), 0) then
    update public.messages set status = v_status, status_at = now(), error = left(p ->> 'reason', 1000)
     where id = v_m.id;
  end if;
  return jsonb_build_object('outcome', 'applied', 'message_id', v_m.id, 'status', greatest(v_status, v_m.status));
end;
$$;
comment on function public.apply_email_event(jsonb) is
  'Backend (mailgun-inbound /events, after the signature check): claims the token (SP409 replay) and applies a delivered / failed (permanent) / bounced / complained event to its message once per event id; earlier states never overwrite later ones.';

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
revoke execute on function private.normalize_email(text) from public, anon, authenticated;
grant execute on function private.normalize_email(text) to service_role;
revoke execute on function private.queue_email(uuid, text, text, text, text, uuid, uuid, text, jsonb, text) from public, anon, authenticated;
grant execute on function private.queue_email(uuid, text, text, text, text, uuid, uuid, text, jsonb, text) to service_role;
revoke execute on function private.send_email(uuid, text, text, jsonb, uuid, boolean, text, uuid, jsonb, text) from public, anon, authenticated;
grant execute on function private.send_email(uuid, text, text, jsonb, uuid, boolean, text, uuid, jsonb, text) to service_role;
revoke execute on function private.enqueue_email_job(text, uuid, jsonb, text) from public, anon, authenticated;
revoke execute on function private.readable_call(uuid) from public, anon;
grant execute on function private.readable_call(uuid) to authenticated;
revoke execute on function public.email_template_preview(uuid, text, jsonb) from public, anon;
grant execute on function public.email_template_preview(uuid, text, jsonb) to authenticated;
revoke execute on function public.save_email_template(uuid, text, text, text, text) from public, anon;
grant execute on function public.save_email_template(uuid, text, text, text, text) to authenticated;
revoke execute on function public.send_email_message(uuid, text, text, text, uuid, text, text, uuid, text) from public, anon;
grant execute on function public.send_email_message(uuid, text, text, text, uuid, text, text, uuid, text) to authenticated;
revoke execute on function public.draft_call_follow_up(uuid) from public, anon;
grant execute on function public.draft_call_follow_up(uuid) to authenticated;
revoke execute on function public.draft_referral_email(uuid) from public, anon;
grant execute on function public.draft_referral_email(uuid) to authenticated;
revoke execute on function public.list_threads(uuid, boolean, integer) from public, anon;
grant execute on function public.list_threads(uuid, boolean, integer) to authenticated;
revoke execute on function public.mark_thread_read(uuid) from public, anon;
grant execute on function public.mark_thread_read(uuid) to authenticated;
revoke execute on function public.email_for_sending(uuid, text) from public, anon, authenticated;
grant execute on function public.email_for_sending(uuid, text) to service_role;
revoke execute on function public.record_email_result(uuid, public.email_status, text, text) from public, anon, authenticated;
grant execute on function public.record_email_result(uuid, public.email_status, text, text) to service_role;
revoke execute on function private.claim_mailgun_token(text) from public, anon, authenticated;
grant execute on function private.claim_mailgun_token(text) to service_role;
revoke execute on function private.message_ids_of(text) from public, anon, authenticated;
grant execute on function private.message_ids_of(text) to service_role;
revoke execute on function public.ingest_inbound_email(jsonb) from public, anon, authenticated;
grant execute on function public.ingest_inbound_email(jsonb) to service_role;
revoke execute on function public.apply_email_event(jsonb) from public, anon, authenticated;
grant execute on function public.apply_email_event(jsonb) to service_role;

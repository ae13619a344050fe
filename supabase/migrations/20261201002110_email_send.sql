-- Email, sending: the one path every email of the product takes
-- (private.send_email for the product's own emails, public.send_email_message
-- for members; invitations through private.enqueue_email_job), the drafts
-- the composer is pre-filled with, the messages screen's reads, and what the
-- send_email job (process-jobs) calls. Tables and templates: *_email.sql.
--
-- Error codes: see supabase/functions/_shared/errors.ts.

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

-- Invitation and other emails go out as queued jobs (tenancy's invite_member):
-- invitations through the same path as every templated email.
create function private.enqueue_email_job(p_kind text, p_org_id uuid, p_payload jsonb, p_dedupe_key text)
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
  -- A member's mailbox, not a bulk sender: at most 100 emails an hour.
  if (select count(*) from public.messages m where m.sent_by = v_uid and m.created_at > now() - interval '1 hour') >= 100 then
    raise exception 'you have sent 100 emails in the last hour; try again later' using errcode = 'SP429';
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
  'Members send an email: a new thread (optionally from a call or referral they can read) or a reply in a thread they can read. Queued for sending; returns {thread_id, message_id}. SP400, SP403, SP404, SP429 (100 an hour).';

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

-- Grants ---------------------------------------------------------------------------
revoke execute on function private.normalize_email(text) from public, anon, authenticated;
grant execute on function private.normalize_email(text) to service_role;
revoke execute on function private.queue_email(uuid, text, text, text, text, uuid, uuid, text, jsonb, text) from public, anon, authenticated;
grant execute on function private.queue_email(uuid, text, text, text, text, uuid, uuid, text, jsonb, text) to service_role;
revoke execute on function private.send_email(uuid, text, text, jsonb, uuid, boolean, text, uuid, jsonb, text) from public, anon, authenticated;
grant execute on function private.send_email(uuid, text, text, jsonb, uuid, boolean, text, uuid, jsonb, text) to service_role;
revoke execute on function private.enqueue_email_job(text, uuid, jsonb, text) from public, anon, authenticated;
revoke execute on function private.readable_call(uuid) from public, anon;
grant execute on function private.readable_call(uuid) to authenticated;
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

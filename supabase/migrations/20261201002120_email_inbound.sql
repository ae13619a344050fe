-- Email, inbound: what mailgun-inbound calls after it has checked
-- Mailgun's signature — the replay check (a post's token is claimed in the
-- transaction that stores), threading of inbound mail, and delivery events.
-- Tables: *_email.sql.
--
-- Error codes: see supabase/functions/_shared/errors.ts.

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

-- The thread of the last of p_ids sent in the organization.
create function private.match_thread(p_org_id uuid, p_ids text[])
returns setof public.threads
language sql
stable
set search_path = ''
as $$
  select t.* from public.messages m join public.threads t on t.id = m.thread_id
   where m.org_id = p_org_id and m.message_id_header = any (p_ids)
   order by array_position(p_ids, m.message_id_header) desc
   limit 1;
$$;
comment on function private.match_thread(uuid, text[]) is
  'The thread of the message of p_org_id whose Message-Id comes last in p_ids (a header such as References), if any.';

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
  v_header text;
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
  -- 2. Headers, within the recipient's organization only: In-Reply-To, then References.
  foreach v_header in array array['in_reply_to', 'references'] loop
    exit when v_thread.id is not null;
    select * into v_thread from private.match_thread(v_org_id, private.message_ids_of(p ->> v_header));
    if found then
      v_matched := v_header;
    end if;
  end loop;
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

-- Grants ---------------------------------------------------------------------------
revoke execute on function private.claim_mailgun_token(text) from public, anon, authenticated;
grant execute on function private.claim_mailgun_token(text) to service_role;
revoke execute on function private.message_ids_of(text) from public, anon, authenticated;
grant execute on function private.message_ids_of(text) to service_role;
revoke execute on function public.apply_email_event(jsonb) from public, anon, authenticated;
grant execute on function public.apply_email_event(jsonb) to service_role;
revoke execute on function private.match_thread(uuid, text[]) from public, anon, authenticated;
grant execute on function private.match_thread(uuid, text[]) to service_role;
revoke execute on function public.ingest_inbound_email(jsonb) from public, anon, authenticated;
grant execute on function public.ingest_inbound_email(jsonb) to service_role;

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

-- Grants ---------------------------------------------------------------------------
revoke execute on function private.claim_mailgun_token(text) from public, anon, authenticated;
grant execute on function private.claim_mailgun_token(text) to service_role;
revoke execute on function private.message_ids_of(text) from public, anon, authenticated;
grant execute on function private.message_ids_of(text) to service_role;
revoke execute on function public.apply_email_event(jsonb) from public, anon, authenticated;
grant execute on function public.apply_email_event(jsonb) to service_role;

-- Shared checks: the SQL that several functions repeated, once each, and the
-- functions that repeated it, moved here from their domain files and
-- rewritten to call it (issue #23). Names, signatures, error codes, messages
-- and grants are unchanged.
--
-- Fix forward: a database made from the earlier files already has the moved
-- functions; `create or replace` and the re-issued comments and grants give
-- it the same definitions a fresh database gets from this file alone. Only
-- functions nothing before this file depends on moved (no policy, trigger or
-- sql-language body of an earlier file calls them). The trigger functions
-- private.check_current_org, check_agent_member and check_number_agent stay
-- in their domain files: their triggers are created there, right after them.
--
-- Error codes: see supabase/functions/_shared/errors.ts.

-- Helpers ---------------------------------------------------------------------------

-- Tenancy: the caller's role, required to be one of p_roles.
create or replace function private.require_org_role(p_org_id uuid, p_roles public.org_role[], p_message text)
returns public.org_role
language plpgsql
stable
set search_path = ''
as $$
declare
  v_role public.org_role;
begin
  perform private.require_user();
  v_role := private.org_role(p_org_id);
  if v_role is null or v_role <> all (p_roles) then
    raise exception '%', p_message using errcode = 'SP403';
  end if;
  return v_role;
end;
$$;
comment on function private.require_org_role(uuid, public.org_role[], text) is
  'The caller''s role in p_org_id; SP401 when not signed in, SP403 (with p_message) when not a member with one of p_roles.';

-- Tenancy: a member the caller (an owner or admin) may manage.
create or replace function private.require_manageable_member(p_org_id uuid, p_user_id uuid, p_message text)
returns public.org_role
language plpgsql
stable
set search_path = ''
as $$
declare
  v_my_role public.org_role := private.require_org_role(p_org_id, array['owner', 'admin']::public.org_role[],
                                                        'only owners and admins manage members');
  v_their_role public.org_role;
begin
  select m.role into v_their_role from public.memberships m where m.org_id = p_org_id and m.user_id = p_user_id;
  if v_their_role is null then
    raise exception 'not a member of this organization' using errcode = 'SP404';
  end if;
  if private.role_rank(v_their_role) > private.role_rank(v_my_role) then
    raise exception '%', p_message using errcode = 'SP403';
  end if;
  return v_my_role;
end;
$$;
comment on function private.require_manageable_member(uuid, uuid, text) is
  'The caller''s role when they are an owner or admin of p_org_id (SP401, SP403 otherwise) and p_user_id is a member (SP404) whose role is not above theirs (SP403 with p_message). For functions that run as their owner.';

-- SIMs practice: the member a report is about, and its bound on calls.
create or replace function private.practice_member(p_user_id uuid, p_n integer, p_name text)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  v_user uuid := coalesce(p_user_id, private.require_user());
begin
  if p_n is null or p_n not between 1 and 200 then
    raise exception '% must be between 1 and 200', p_name using errcode = 'SP400';
  end if;
  return v_user;
end;
$$;
comment on function private.practice_member(uuid, integer, text) is
  'p_user_id, or the caller (SP401 when not signed in); SP400 unless p_n (the parameter p_name) is 1 to 200.';

-- Observability: a Prometheus histogram of samples per label value.
create or replace function private.histogram_rows(p_metric text, p_label text, p_buckets double precision[],
                                                  p_keys text[], p_samples double precision[])
returns table (metric text, labels jsonb, value double precision)
language sql
immutable
set search_path = ''
as $$
  with d as (select x.k, x.s from unnest(p_keys, p_samples) x(k, s)),
       b as (select unnest(p_buckets || array['Infinity'::double precision]) as le)
  select p_metric || '_bucket',
         jsonb_build_object(p_label, k.k, 'le', case when b.le = 'Infinity' then '+Inf' else b.le::text end),
         (select count(*) from d where d.k = k.k and d.s <= b.le)::double precision
    from (select distinct d.k from d) k cross join b
  union all
  select p_metric || '_sum', jsonb_build_object(p_label, d.k), sum(d.s) from d group by d.k
  union all
  select p_metric || '_count', jsonb_build_object(p_label, d.k), count(*)::double precision from d group by d.k;
$$;
comment on function private.histogram_rows(text, text, double precision[], text[], double precision[]) is
  'The _bucket (cumulative, le = each of p_buckets and +Inf), _sum and _count rows of p_metric for the samples p_samples, labelled p_label = p_keys (pairwise).';

-- Email inbound: the thread of the last of p_ids sent in the organization.
create or replace function private.match_thread(p_org_id uuid, p_ids text[])
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

-- Tenancy RPCs (moved from tenancy_rpcs) ---------------------------------------------------
create or replace function public.invite_member(p_org_id uuid, p_email text, p_role public.org_role)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_user();
  v_my_role public.org_role := private.require_org_role(p_org_id, array['owner', 'admin', 'manager']::public.org_role[],
                                                        'only owners, admins and managers can invite');
  v_email text := lower(btrim(coalesce(p_email, '')));
  v_id uuid;
begin
  if p_role is null or private.role_rank(p_role) > private.role_rank(v_my_role) then
    raise exception 'you cannot invite someone with a role above your own' using errcode = 'SP403';
  end if;
  if v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' then
    raise exception 'invalid email address' using errcode = 'SP400';
  end if;
  if exists (
    select 1 from public.memberships m join public.profiles p on p.id = m.user_id
     where m.org_id = p_org_id and p.email = v_email
  ) then
    raise exception '% is already a member', v_email using errcode = 'SP409';
  end if;
  -- Re-inviting replaces the pending invitation.
  update public.invitations set revoked_at = now()
   where org_id = p_org_id and email = v_email and accepted_at is null and revoked_at is null;
  insert into public.invitations (org_id, email, role, invited_by)
  values (p_org_id, v_email, p_role, v_uid)
  returning id into v_id;
  perform private.enqueue_email_job('send_invitation_email', p_org_id,
    jsonb_build_object('invitation_id', v_id), 'invitation:' || v_id::text);
  return v_id;
end;
$$;
comment on function public.invite_member(uuid, text, public.org_role) is
  'Invites an email address to the organization with a role no higher than the caller''s (owners/admins/managers). Queues the invitation email. Errors: SP401, SP403, SP400, SP409 (already a member).';

create or replace function public.change_member_role(p_org_id uuid, p_user_id uuid, p_role public.org_role)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_my_role public.org_role := private.require_manageable_member(p_org_id, p_user_id, 'you cannot manage a role above your own');
begin
  if p_role is null or private.role_rank(p_role) > private.role_rank(v_my_role) then
    raise exception 'you cannot manage a role above your own' using errcode = 'SP403';
  end if;
  update public.memberships set role = p_role where org_id = p_org_id and user_id = p_user_id;
end;
$$;
comment on function public.change_member_role(uuid, uuid, public.org_role) is
  'Changes a member''s role (owners/admins; never to or from a role above the caller''s; the last owner stays). Errors: SP401, SP403, SP404, SP422.';

create or replace function public.remove_member(p_org_id uuid, p_user_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_manageable_member(p_org_id, p_user_id, 'you cannot remove a member above your own role');
  delete from public.memberships where org_id = p_org_id and user_id = p_user_id;
  update public.profiles set current_org_id = null where id = p_user_id and current_org_id = p_org_id;
end;
$$;
comment on function public.remove_member(uuid, uuid) is
  'Removes a member (owners/admins; not above the caller''s role; never the last owner). Access ends at once. Errors: SP401, SP403, SP404, SP422.';

-- SIMs practice (moved from sims_practice) --------------------------------------------------
create or replace function public.weak_scorecard_items(p_org_id uuid, p_user_id uuid default null, p_last_n integer default 20)
returns table (item_key text, question text, calls bigint, hit_rate numeric)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_user uuid;
begin
  v_user := private.practice_member(p_user_id, p_last_n, 'p_last_n');
  return query
  with recent as (
    select distinct m.call_id, m.started_at from private.member_call_answers(p_org_id, v_user) m
     order by m.started_at desc limit p_last_n
  )
  select m.item_key, min(m.question), count(*), round(avg(m.credit), 3)
    from private.member_call_answers(p_org_id, v_user) m
   where m.call_id in (select r.call_id from recent r)
   group by m.item_key
   order by avg(m.credit), count(*) desc, m.item_key;
end;
$$;
comment on function public.weak_scorecard_items(uuid, uuid, integer) is
  'The call-script scorecard items a member (default: the caller) misses most on their last N analyzed real calls: hit rate 0..1 (partial = half) and the number of calls. Agents see their own, managers their team''s (RLS). Errors: SP400, SP401.';

create or replace function public.practice_effect(p_org_id uuid, p_user_id uuid default null, p_window integer default 20)
returns table (sim_id uuid, template_name text, assigned_at timestamptz, practiced_at timestamptz, practice_sessions bigint,
               item_key text, question text, before_calls bigint, before_rate numeric, after_calls bigint, after_rate numeric)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_user uuid := private.practice_member(p_user_id, p_window, 'p_window');
begin
  return query
  with targeted as (
    select a.id, t.name, a.created_at, a.focus_keys,
           (select min(s.started_at) from public.user_sims s
             where s.user_id = a.user_id and s.template_id = a.template_id and s.status = 'scored' and s.started_at >= a.created_at) practiced,
           (select count(*) from public.user_sims s
             where s.user_id = a.user_id and s.template_id = a.template_id and s.status = 'scored' and s.started_at >= a.created_at) n
      from public.sims a join public.sim_templates t on t.id = a.template_id
     where a.org_id = p_org_id and a.user_id = v_user and cardinality(a.focus_keys) > 0
  ), answers as (
    select * from private.member_call_answers(p_org_id, v_user)
  )
  select g.id, g.name, g.created_at, g.practiced, g.n, k.key,
         (select min(x.question) from answers x where x.item_key = k.key),
         b.n, b.rate, f.n, f.rate
    from targeted g
   cross join lateral unnest(g.focus_keys) k(key)
   cross join lateral (
     select count(*) n, round(avg(x.credit), 3) rate from (
       select x.credit from answers x where x.item_key = k.key and x.started_at < g.created_at
        order by x.started_at desc limit p_window) x) b
   cross join lateral (
     select count(*) n, round(avg(x.credit), 3) rate from (
       select x.credit from answers x where x.item_key = k.key and g.practiced is not null and x.started_at > g.practiced
        order by x.started_at limit p_window) x) f
   order by g.created_at desc, k.key;
end;
$$;
comment on function public.practice_effect(uuid, uuid, integer) is
  'For each targeted assignment of a member (default: the caller): each targeted item''s hit rate on real calls before the assignment (last p_window calls) and after the first scored practice (next p_window calls), each with its number of calls; null rate without calls. RLS applies. Errors: SP400, SP401.';

-- Email inbound (moved from email_inbound) --------------------------------------------------
create or replace function public.ingest_inbound_email(p jsonb)
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

-- Observability (moved from observability) --------------------------------------------------
create or replace function public.staff_metrics()
returns table (metric text, labels jsonb, value double precision)
language plpgsql
stable
security definer
set search_path = ''
as $$
-- security definer: staff read counts across every tenant; the check below
-- (live, not the JWT claim) decides who may.
declare
  v_job_buckets double precision[] := array[1, 5, 15, 60, 300, 900, 3600];
  v_latency_buckets double precision[] := array[0.25, 0.5, 1, 2, 5, 10, 30];
begin
  if not (select private.is_platform_admin()) then
    raise exception 'Metrics are for SalesPulse staff' using errcode = 'SP403';
  end if;

  -- Queue depth by kind and status.
  return query
    select 'salespulse_jobs', jsonb_build_object('kind', j.kind, 'status', j.status::text), count(*)::double precision
      from public.jobs j group by j.kind, j.status;

  -- Failed attempts (retried or dead-lettered), by kind.
  return query
    select 'salespulse_job_failed_attempts_total', jsonb_build_object('kind', j.kind),
           sum(greatest(j.attempts - case when j.status = 'succeeded' then 1 else 0 end, 0))::double precision
      from public.jobs j where j.attempts > 0 group by j.kind;

  -- Job latency (enqueued → finished) of finished jobs, as a cumulative histogram.
  return query
    select h.* from (
      select array_agg(j.kind) k, array_agg(extract(epoch from j.finished_at - j.created_at)::double precision) s
        from public.jobs j where j.finished_at is not null) d
     cross join lateral private.histogram_rows('salespulse_job_duration_seconds', 'kind', v_job_buckets, d.k, d.s) h;

  -- Webhook outcomes: Stripe's ledger, and Twilio recordings ingested.
  return query
    select 'salespulse_webhook_events_total', jsonb_build_object('provider', 'stripe', 'outcome', e.outcome),
           count(*)::double precision
      from public.stripe_events e group by e.outcome;
  return query
    select 'salespulse_webhook_events_total', jsonb_build_object('provider', 'twilio', 'outcome', 'recording_ingested'),
           count(*)::double precision
      from public.calls c where c.twilio_recording_sid is not null;

  -- Provider calls made by the analysis: errors are failed analyze_call
  -- attempts; latency is the analyzer's time per insight, as a histogram.
  return query
    select h.* from (
      select array_agg(i.analyzer) k, array_agg((i.latency_ms / 1000.0)::double precision) s from public.insights i) d
     cross join lateral private.histogram_rows('salespulse_analysis_latency_seconds', 'analyzer', v_latency_buckets, d.k, d.s) h;
  return query
    select 'salespulse_provider_errors_total', jsonb_build_object('provider', 'analysis', 'outcome', j.status::text),
           sum(greatest(j.attempts - case when j.status = 'succeeded' then 1 else 0 end, 0))::double precision
      from public.jobs j where j.kind = 'analyze_call' and j.attempts > 0 group by j.status;

  -- Analysis cost and tokens (every insight, current or not), and provider fees.
  return query
    select 'salespulse_analysis_cost_usd_total', jsonb_build_object('analyzer', i.analyzer, 'model', i.model),
           sum(i.cost_usd)::double precision
      from public.insights i group by i.analyzer, i.model;
  return query
    select 'salespulse_analysis_tokens_total', jsonb_build_object('direction', t.direction, 'model', t.model), t.n
      from (select 'in' as direction, i.model, sum(i.tokens_in)::double precision as n from public.insights i group by i.model
            union all
            select 'out', i.model, sum(i.tokens_out)::double precision from public.insights i group by i.model) t;
  return query
    select 'salespulse_provider_cost_usd_total', jsonb_build_object('provider', p.provider, 'item', p.item),
           sum(p.cost_usd)::double precision
      from public.provider_costs p group by p.provider, p.item;
end;
$$;
comment on function public.staff_metrics() is
  'Staff only (SP403 otherwise): the metrics the `metrics` function serves in Prometheus text format — queue depth by kind and status, failed attempts, job latency histogram, webhook outcomes, analysis latency histogram, provider errors, analysis cost and tokens, provider fees. One row per sample.';

-- Grants ---------------------------------------------------------------------------------
-- The helpers run as their callers: the security definer RPCs' owner, or the
-- API role of an invoker function (practice reports: authenticated; inbound
-- mail: service_role).
revoke execute on function private.practice_member(uuid, integer, text) from public, anon;
grant execute on function private.practice_member(uuid, integer, text) to authenticated;
revoke execute on function private.match_thread(uuid, text[]) from public, anon, authenticated;
grant execute on function private.match_thread(uuid, text[]) to service_role;

revoke execute on function public.invite_member(uuid, text, public.org_role) from public, anon;
grant execute on function public.invite_member(uuid, text, public.org_role) to authenticated;
revoke execute on function public.change_member_role(uuid, uuid, public.org_role) from public, anon;
grant execute on function public.change_member_role(uuid, uuid, public.org_role) to authenticated;
revoke execute on function public.remove_member(uuid, uuid) from public, anon;
grant execute on function public.remove_member(uuid, uuid) to authenticated;
revoke execute on function public.weak_scorecard_items(uuid, uuid, integer) from public, anon;
grant execute on function public.weak_scorecard_items(uuid, uuid, integer) to authenticated;
revoke execute on function public.practice_effect(uuid, uuid, integer) from public, anon;
grant execute on function public.practice_effect(uuid, uuid, integer) to authenticated;
revoke execute on function public.ingest_inbound_email(jsonb) from public, anon, authenticated;
grant execute on function public.ingest_inbound_email(jsonb) to service_role;
revoke execute on function public.staff_metrics() from public, anon;
grant execute on function public.staff_metrics() to authenticated, service_role;

-- Conversation metrics and keyword/topic trackers.
--
-- call_metrics: one row per call, computed by the analyze job from the
--   timestamped segments (talk/listen ratio, longest monologue, interruptions,
--   questions the agent asked, silence, words per minute) plus the customer's
--   sentiment trajectory. agent_conversation_metrics() averages them per agent
--   for the dashboard.
-- trackers: per-organization lists of terms (a topic and its synonyms:
--   competitors, pricing, cancellation …). When a transcript is saved its
--   segments are matched (whole words, any case) and the hits stored with
--   their times; a tracker with alert = true that fires on a call records an
--   activity and emails the organization's managers (one SQL call site:
--   private.enqueue_tracker_alert_email).

-- Conversation metrics ----------------------------------------------------------
create table public.call_metrics (
  call_id uuid primary key references public.calls (id) on delete cascade,
  org_id uuid not null references public.organizations (id) on delete cascade,
  agent_id uuid references public.agents (id) on delete set null,
  talk_ratio numeric(5, 4) check (talk_ratio between 0 and 1),
  longest_monologue_seconds numeric(10, 2) not null default 0 check (longest_monologue_seconds >= 0),
  interruptions integer not null default 0 check (interruptions >= 0),
  agent_questions integer not null default 0 check (agent_questions >= 0),
  silence_seconds numeric(10, 2) not null default 0 check (silence_seconds >= 0),
  agent_wpm numeric(7, 2) check (agent_wpm >= 0),
  customer_wpm numeric(7, 2) check (customer_wpm >= 0),
  metrics jsonb not null default '{}'::jsonb check (jsonb_typeof(metrics) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.call_metrics is
  'Conversation metrics of a call from its timestamped segments: talk_ratio is the agent''s share of talk time; metrics holds the full figures per speaker and the customer''s sentiment trajectory.';
create index call_metrics_org_id_idx on public.call_metrics (org_id);
create index call_metrics_agent_id_idx on public.call_metrics (agent_id);
create trigger call_metrics_updated_at before update on public.call_metrics
  for each row execute function private.set_updated_at();

alter table public.call_metrics enable row level security;
create policy "Readers of a call read its metrics" on public.call_metrics
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or call_id in (select private.agent_call_ids())
         or (select private.is_platform_admin()));
revoke all on public.call_metrics from anon, authenticated;
grant select on public.call_metrics to authenticated;

create function public.record_call_metrics(p_call_id uuid, p jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_call public.calls;
begin
  select * into v_call from public.calls where id = p_call_id;
  if v_call.id is null or v_call.org_id is null then
    raise exception 'call % not found', p_call_id using errcode = 'SP404';
  end if;
  insert into public.call_metrics as m (call_id, org_id, agent_id, talk_ratio, longest_monologue_seconds,
                                         interruptions, agent_questions, silence_seconds, agent_wpm, customer_wpm, metrics)
  values (v_call.id, v_call.org_id, v_call.agent_id, (p ->> 'talk_ratio')::numeric,
          coalesce((p ->> 'longest_monologue_seconds')::numeric, 0), coalesce((p ->> 'interruptions')::int, 0),
          coalesce((p ->> 'agent_questions')::int, 0), coalesce((p ->> 'silence_seconds')::numeric, 0),
          (p ->> 'agent_wpm')::numeric, (p ->> 'customer_wpm')::numeric, coalesce(p, '{}'::jsonb))
  on conflict (call_id) do update
     set agent_id = excluded.agent_id, talk_ratio = excluded.talk_ratio,
         longest_monologue_seconds = excluded.longest_monologue_seconds, interruptions = excluded.interruptions,
         agent_questions = excluded.agent_questions, silence_seconds = excluded.silence_seconds,
         agent_wpm = excluded.agent_wpm, customer_wpm = excluded.customer_wpm, metrics = excluded.metrics;
end;
$$;
comment on function public.record_call_metrics(uuid, jsonb) is 'Stores (or replaces) the conversation metrics of a call. Service role (the analyze job).';
revoke execute on function public.record_call_metrics(uuid, jsonb) from public, anon, authenticated;
grant execute on function public.record_call_metrics(uuid, jsonb) to service_role;

-- Per agent, for the dashboard (security invoker: RLS decides what is counted).
create function public.agent_conversation_metrics(p_from date, p_to date)
returns table (agent_id uuid, agent_name text, calls bigint, talk_ratio numeric, longest_monologue_seconds numeric,
               interruptions_per_call numeric, questions_per_call numeric, silence_seconds numeric, agent_wpm numeric)
language sql
stable
set search_path = ''
as $$
  select a.id, a.name, count(m.call_id),
         round(avg(m.talk_ratio), 3), round(avg(m.longest_monologue_seconds), 1),
         round(avg(m.interruptions), 2), round(avg(m.agent_questions), 2),
         round(avg(m.silence_seconds), 1), round(avg(m.agent_wpm), 1)
    from public.agents a
    join public.calls c on c.agent_id = a.id and c.started_at >= p_from and c.started_at < p_to + 1
    join public.call_metrics m on m.call_id = c.id
   where a.org_id = any (array(select private.scope_org_ids()))
   group by a.id, a.name
   order by a.name;
$$;
comment on function public.agent_conversation_metrics(date, date) is
  'Average conversation metrics per agent over the calls started between p_from and p_to (inclusive) that the caller may see.';
revoke execute on function public.agent_conversation_metrics(date, date) from public, anon;
grant execute on function public.agent_conversation_metrics(date, date) to authenticated;

-- Trackers ------------------------------------------------------------------------
create function private.valid_tracker_terms(p_terms text[])
returns boolean
language sql
immutable
set search_path = ''
as $$
  select coalesce(bool_and(t is not null and char_length(btrim(t)) between 1 and 60), false)
    from unnest(p_terms) as t
$$;
revoke all on function private.valid_tracker_terms(text[]) from public, anon;
grant execute on function private.valid_tracker_terms(text[]) to authenticated, service_role;

create table public.trackers (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 80),
  -- the topic's words and phrases, synonyms included ("cancel", "cancellation", "terminate")
  terms text[] not null check (cardinality(terms) between 1 and 50 and private.valid_tracker_terms(terms)),
  alert boolean not null default false,
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, name)
);
comment on table public.trackers is
  'Keyword/topic trackers of an organization: a name and its terms (synonyms included), matched as whole words in every new transcript; alert = true notifies the managers when one fires.';
create index trackers_created_by_idx on public.trackers (created_by);
create trigger trackers_updated_at before update on public.trackers
  for each row execute function private.set_updated_at();

create table public.tracker_hits (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  call_id uuid not null references public.calls (id) on delete cascade,
  tracker_id uuid not null references public.trackers (id) on delete cascade,
  term text not null,
  segment integer not null check (segment >= 0),
  time_seconds numeric(10, 2) not null check (time_seconds >= 0),
  speaker text not null check (speaker in ('agent', 'customer')),
  quote text not null check (char_length(quote) <= 2000),
  created_at timestamptz not null default now()
);
comment on table public.tracker_hits is 'Where a tracker''s terms were said in a call: the term, the segment, its start time, the speaker and the segment''s (redacted) text.';
create index tracker_hits_call_id_idx on public.tracker_hits (call_id, time_seconds);
create index tracker_hits_tracker_id_call_id_idx on public.tracker_hits (tracker_id, call_id);
create index tracker_hits_org_id_idx on public.tracker_hits (org_id);

-- One alert per tracker and call (what the activity and the email point at).
create table public.tracker_alerts (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  tracker_id uuid not null references public.trackers (id) on delete cascade,
  call_id uuid not null references public.calls (id) on delete cascade,
  hits integer not null check (hits > 0),
  created_at timestamptz not null default now(),
  unique (tracker_id, call_id)
);
comment on table public.tracker_alerts is 'A tracker with alert = true that fired on a call: recorded once, with an activity and an email to the managers.';
create index tracker_alerts_call_id_idx on public.tracker_alerts (call_id);
create index tracker_alerts_org_id_idx on public.tracker_alerts (org_id);

alter table public.trackers enable row level security;
alter table public.tracker_alerts enable row level security;
alter table public.tracker_hits enable row level security;
create policy "Members read their organization's trackers" on public.trackers
  for select to authenticated
  using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()));
create policy "Managers add trackers" on public.trackers
  for insert to authenticated
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Managers change trackers" on public.trackers
  for update to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])))
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Managers remove trackers" on public.trackers
  for delete to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Readers of a call read its tracker hits" on public.tracker_hits
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or call_id in (select private.agent_call_ids())
         or (select private.is_platform_admin()));

create policy "Readers of a call read its tracker alerts" on public.tracker_alerts
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or call_id in (select private.agent_call_ids())
         or (select private.is_platform_admin()));

revoke all on public.trackers, public.tracker_hits, public.tracker_alerts from anon, authenticated;
grant select on public.tracker_alerts to authenticated;
grant select, delete on public.trackers to authenticated;
grant insert (org_id, name, terms, alert), update (name, terms, alert) on public.trackers to authenticated;
grant select on public.tracker_hits to authenticated;

-- The one place a tracker alert email is queued: the organization's owners,
-- admins and managers each get the template with the hits (time, speaker,
-- term) and the call's path; once per tracker, call and recipient.
create function private.enqueue_tracker_alert_email(p_org_id uuid, p_tracker_id uuid, p_call_id uuid)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_vars jsonb;
  v_to text;
begin
  select jsonb_build_object(
           'tracker_name', t.name,
           'org_name', o.name,
           'call_path', '/app/calls/' || p_call_id::text,
           'hits', coalesce((
             select string_agg(format('  %s:%s  %s: "%s"', floor(h.time_seconds / 60)::int,
                                      lpad((floor(h.time_seconds)::int % 60)::text, 2, '0'), h.speaker, h.term),
                               E'\n' order by h.time_seconds)
               from (select * from public.tracker_hits where tracker_id = p_tracker_id and call_id = p_call_id
                      order by time_seconds limit 20) h), ''))
    into v_vars
    from public.trackers t join public.organizations o on o.id = t.org_id
   where t.id = p_tracker_id;
  if v_vars is null then
    return;
  end if;
  for v_to in
    select distinct p.email from public.memberships m join public.profiles p on p.id = m.user_id
     where m.org_id = p_org_id and m.role in ('owner', 'admin', 'manager') and p.email is not null
  loop
    perform private.send_email(p_org_id, v_to, 'tracker_alert', v_vars,
      p_source_type => 'call', p_source_id => p_call_id,
      p_dedupe_key => 'tracker-alert:' || p_tracker_id::text || ':' || p_call_id::text || ':' || v_to);
  end loop;
end;
$$;
revoke all on function private.enqueue_tracker_alert_email(uuid, uuid, uuid) from public, anon, authenticated;

/** Whole-word, any-case pattern of a term ("price match" also matches "Price  match"). */
create function private.tracker_term_pattern(p_term text)
returns text
language sql
immutable
set search_path = ''
as $$
  select '\m' || regexp_replace(regexp_replace(btrim(p_term), '([.^$*+?()\[\]{}|\\-])', '\\\1', 'g'), '\s+', '\\s+', 'g') || '\M'
$$;

-- Matches a call's transcript against its organization's trackers: replaces
-- the call's hits; alerts once per tracker and call.
create function private.match_trackers(p_call_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_call public.calls;
  v_segments jsonb;
  v_hits integer;
  v_alert uuid;
  r record;
begin
  select * into v_call from public.calls where id = p_call_id;
  select segments into v_segments from public.transcripts where call_id = p_call_id;
  if v_call.org_id is null or v_segments is null then
    return 0;
  end if;
  delete from public.tracker_hits where call_id = p_call_id;
  insert into public.tracker_hits (org_id, call_id, tracker_id, term, segment, time_seconds, speaker, quote)
  select distinct on (t.id, s.ord) v_call.org_id, p_call_id, t.id, term.value, (s.ord - 1)::int,
         greatest(coalesce((s.seg ->> 'start')::numeric, 0), 0), coalesce(s.seg ->> 'speaker', 'customer'),
         left(s.seg ->> 'text', 2000)
    from public.trackers t
    cross join lateral unnest(t.terms) with ordinality as term(value, n)
    cross join lateral jsonb_array_elements(v_segments) with ordinality as s(seg, ord)
   where t.org_id = v_call.org_id
     and (s.seg ->> 'text') ~* private.tracker_term_pattern(term.value)
     and coalesce(s.seg ->> 'speaker', '') in ('agent', 'customer')
   order by t.id, s.ord, term.n;
  get diagnostics v_hits = row_count;
  -- Alerts: an activity of the call's agent and an email to the managers, once per tracker and call.
  for r in
    select t.id, t.name, count(*) as hits, min(h.time_seconds) as first_at
      from public.trackers t join public.tracker_hits h on h.tracker_id = t.id and h.call_id = p_call_id
     where t.alert
     group by t.id, t.name
  loop
    insert into public.tracker_alerts (org_id, tracker_id, call_id, hits)
    values (v_call.org_id, r.id, p_call_id, r.hits)
    on conflict (tracker_id, call_id) do nothing
    returning id into v_alert;
    continue when v_alert is null;
    insert into public.activities (org_id, agent_id, user_id, type, value, occurred_at, source_type, source_id, metadata)
    values (v_call.org_id, v_call.agent_id, null, 'note', 0, now(), 'tracker_alert', v_alert,
            jsonb_build_object('kind', 'tracker_alert', 'tracker_id', r.id, 'tracker', r.name, 'call_id', p_call_id,
                               'hits', r.hits, 'first_at', r.first_at));
    perform private.enqueue_tracker_alert_email(v_call.org_id, r.id, p_call_id);
  end loop;
  return v_hits;
end;
$$;
revoke all on function private.match_trackers(uuid) from public, anon, authenticated;

create function private.transcripts_match_trackers()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.match_trackers(new.call_id);
  return null;
end;
$$;
create trigger transcripts_match_trackers after insert or update of segments on public.transcripts
  for each row execute function private.transcripts_match_trackers();

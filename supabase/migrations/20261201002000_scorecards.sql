-- Scorecards: one rubric for real calls and practice (SIM sessions). Weighted
-- yes/no items (optionally with partial credit) and a pass score; the AI
-- answers each item with an evidence quote and its time, a manager may
-- override an item (the AI's answer stays in the history). Each organization's
-- default call script is mirrored as its first scorecard ("Call script"), kept
-- in step with the script; calls' AI answers come from the insight's checklist,
-- so the adherence KPI (insights.adherence_score) keeps its meaning.
-- SIM sessions' answers are added by the sims migration.

-- Tables -----------------------------------------------------------------------
create table public.scorecards (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 200),
  description text check (char_length(description) <= 1000),
  pass_score integer not null default 70 check (pass_score between 0 and 100),
  -- The call script this scorecard mirrors (its items follow the script's).
  source_script_id uuid unique references public.call_scripts (id) on delete set null,
  is_builtin boolean not null default false,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.scorecards is
  'Rubrics that judge real calls and SIM sessions alike: weighted yes/no items and a pass score (0-100). source_script_id: mirrors that call script (items follow it).';

create table public.scorecard_items (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  scorecard_id uuid not null references public.scorecards (id) on delete cascade,
  -- Stable key within the scorecard; for a mirrored script, the script item's id.
  key text not null check (key ~ '^[A-Za-z0-9_-]{1,64}$'),
  question text not null check (char_length(btrim(question)) between 1 and 300),
  guidance text check (char_length(guidance) <= 1000),
  weight integer not null default 1 check (weight between 1 and 10),
  partial_credit boolean not null default false,
  position integer not null default 0,
  archived boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (scorecard_id, key)
);
comment on table public.scorecard_items is
  'One yes/no question about an observable action ("Did the rep ask about the budget?"), its weight (1-10) and whether half credit is allowed. Archived items keep their answers but no longer count.';

create table public.scorecard_answers (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  item_id uuid not null references public.scorecard_items (id) on delete cascade,
  call_id uuid references public.calls (id) on delete cascade,
  answer text not null check (answer in ('yes', 'partial', 'no')),
  evidence_quote text check (char_length(evidence_quote) <= 1000),
  evidence_time numeric(10, 2) check (evidence_time >= 0),
  note text check (char_length(note) <= 1000),
  source text not null check (source in ('ai', 'manager')),
  answered_by uuid references auth.users (id) on delete set null,
  is_current boolean not null default true,
  created_at timestamptz not null default now()
);
comment on table public.scorecard_answers is
  'Answers to scorecard items, append-only: the AI''s (source ai, with evidence) and managers'' overrides (source manager, answered_by, created_at). One current answer per subject and item; earlier ones are the history.';

-- Indexes ------------------------------------------------------------------------
create index scorecards_org_id_idx on public.scorecards (org_id);
create index scorecards_created_by_idx on public.scorecards (created_by);
create index scorecard_items_org_id_idx on public.scorecard_items (org_id);
create index scorecard_answers_org_id_idx on public.scorecard_answers (org_id);
create index scorecard_answers_item_id_idx on public.scorecard_answers (item_id);
create index scorecard_answers_call_id_idx on public.scorecard_answers (call_id, item_id);
create index scorecard_answers_answered_by_idx on public.scorecard_answers (answered_by);
create unique index scorecard_answers_one_current_call on public.scorecard_answers (call_id, item_id)
  where is_current and call_id is not null;

-- Triggers -----------------------------------------------------------------------
create trigger scorecards_updated_at before update on public.scorecards
  for each row execute function private.set_updated_at();
create trigger scorecards_created_by before insert or update on public.scorecards
  for each row execute function private.set_created_by();
create trigger scorecards_audit after insert or update or delete on public.scorecards
  for each row execute function private.audit_row();
create trigger scorecard_items_updated_at before update on public.scorecard_items
  for each row execute function private.set_updated_at();
create trigger scorecard_items_audit after insert or update or delete on public.scorecard_items
  for each row execute function private.audit_row();

-- An item belongs to its scorecard's organization (whatever org_id the caller sent).
create function private.scorecard_item_org()
returns trigger
language plpgsql
-- security definer: reads the scorecard whatever the caller may see.
security definer
set search_path = ''
as $$
begin
  select s.org_id into new.org_id from public.scorecards s where s.id = new.scorecard_id;
  if new.org_id is null then
    raise exception 'scorecard not found' using errcode = 'SP404';
  end if;
  return new;
end;
$$;
comment on function private.scorecard_item_org() is 'BEFORE INSERT/UPDATE on scorecard_items: org_id is the scorecard''s.';
create trigger scorecard_items_org before insert or update of scorecard_id on public.scorecard_items
  for each row execute function private.scorecard_item_org();

-- The default call script's scorecard follows the script: an item per
-- checklist entry (keyed by its id), removed entries archived.
create function private.sync_script_scorecard()
returns trigger
language plpgsql
-- security definer: scorecards are written by managers, the sync runs for whoever edits the script.
security definer
set search_path = ''
as $$
declare
  v_card uuid;
begin
  if not new.is_default then
    return null;
  end if;
  select id into v_card from public.scorecards where source_script_id = new.id;
  if v_card is null then
    insert into public.scorecards (org_id, name, description, pass_score, source_script_id)
    values (new.org_id, 'Call script', 'Mirrors the call script "' || left(new.name, 150) || '": each checklist item is a question.', 70, new.id)
    returning id into v_card;
  end if;
  insert into public.scorecard_items as i (scorecard_id, key, question, guidance, position, archived)
  select v_card, e ->> 'id', left(e ->> 'label', 300), left(e ->> 'description', 1000), n::integer, false
    from jsonb_array_elements(new.items) with ordinality as x (e, n)
   where coalesce(e ->> 'id', '') ~ '^[A-Za-z0-9_-]{1,64}$' and btrim(coalesce(e ->> 'label', '')) <> ''
  on conflict (scorecard_id, key) do update
     set question = excluded.question, guidance = excluded.guidance, position = excluded.position, archived = false;
  update public.scorecard_items i set archived = true
   where i.scorecard_id = v_card and not i.archived
     and not exists (select 1 from jsonb_array_elements(new.items) e where e ->> 'id' = i.key);
  return null;
end;
$$;
comment on function private.sync_script_scorecard() is
  'AFTER INSERT/UPDATE on call_scripts: the default script''s scorecard gets an item per checklist entry (removed entries archived, answers kept).';
create trigger call_scripts_scorecard after insert or update of items, is_default on public.call_scripts
  for each row execute function private.sync_script_scorecard();

-- A call's AI answers: the insight's checklist, item by item, with the
-- checklist entry's evidence. A manager's override stays current.
create function private.insight_scorecard_answers()
returns trigger
language plpgsql
-- security definer: scorecard answers are written by the backend only.
security definer
set search_path = ''
as $$
declare
  v_card uuid;
begin
  select s.id into v_card from public.scorecards s where s.source_script_id = new.script_id;
  if v_card is null then
    return null;
  end if;
  -- Earlier AI answers stop being current unless a manager's is.
  update public.scorecard_answers a set is_current = false
   where a.call_id = new.call_id and a.is_current and a.source = 'ai';
  insert into public.scorecard_answers (org_id, item_id, call_id, answer, evidence_quote, evidence_time, source, is_current)
  select new.org_id, i.id, new.call_id,
         case when (c ->> 'done')::boolean then 'yes' else 'no' end,
         left(c #>> '{evidence,quote}', 1000), nullif(c #>> '{evidence,time}', '')::numeric, 'ai',
         not exists (select 1 from public.scorecard_answers m
                      where m.call_id = new.call_id and m.item_id = i.id and m.is_current)
    from public.scorecard_items i
    join jsonb_array_elements(coalesce(new.data #> '{script_adherence,checklist}', '[]'::jsonb)) c on c ->> 'item_id' = i.key
   where i.scorecard_id = v_card and not i.archived;
  return null;
end;
$$;
comment on function private.insight_scorecard_answers() is
  'AFTER INSERT on insights: the call''s scorecard answers from its checklist (source ai); a manager''s current override is kept.';
create trigger insights_scorecard after insert on public.insights
  for each row execute function private.insight_scorecard_answers();

-- RLS ------------------------------------------------------------------------
alter table public.scorecards enable row level security;
alter table public.scorecard_items enable row level security;
alter table public.scorecard_answers enable row level security;

create policy "Members read their organization's scorecards" on public.scorecards
  for select to authenticated
  using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()));
create policy "Managers add scorecards" on public.scorecards
  for insert to authenticated
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])) and not is_builtin);
create policy "Managers edit scorecards" on public.scorecards
  for update to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])))
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Managers delete their own scorecards" on public.scorecards
  for delete to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         and not is_builtin and source_script_id is null);

create policy "Members read their organization's scorecard items" on public.scorecard_items
  for select to authenticated
  using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()));
create policy "Managers add scorecard items" on public.scorecard_items
  for insert to authenticated
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));
create policy "Managers edit scorecard items" on public.scorecard_items
  for update to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])))
  with check (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[])));

create policy "Readers of a call read its scorecard answers" on public.scorecard_answers
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or call_id in (select private.agent_call_ids())
         or (select private.is_platform_admin()));

revoke all on public.scorecards, public.scorecard_items, public.scorecard_answers from anon, authenticated;
grant select, delete on public.scorecards to authenticated;
grant insert (org_id, name, description, pass_score), update (name, description, pass_score) on public.scorecards to authenticated;
grant select on public.scorecard_items to authenticated;
grant insert (org_id, scorecard_id, key, question, guidance, weight, partial_credit, position),
      update (question, guidance, weight, partial_credit, position, archived) on public.scorecard_items to authenticated;
grant select on public.scorecard_answers to authenticated;

-- Functions ----------------------------------------------------------------------

-- 0-100 from current answers: yes = 1, partial = 0.5 (only where allowed), no = 0, by weight.
create function private.scorecard_total(p_answers jsonb)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case when sum((a ->> 'weight')::numeric) > 0 then
    round(100 * sum((a ->> 'weight')::numeric * case a ->> 'answer' when 'yes' then 1 when 'partial' then 0.5 else 0 end)
          / sum((a ->> 'weight')::numeric))::integer end
    from jsonb_array_elements(p_answers) a;
$$;
comment on function private.scorecard_total(jsonb) is 'Weighted score 0-100 of [{weight, answer}] (yes 1, partial 0.5, no 0); null without items.';

create function public.call_scorecard(p_call_id uuid)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_call public.calls;
  v_card public.scorecards;
  v_items jsonb;
begin
  perform private.require_user();
  -- RLS: the caller must be able to read the call.
  select * into v_call from public.calls where id = p_call_id;
  if v_call.id is null then
    raise exception 'call not found' using errcode = 'SP404';
  end if;
  select s.* into v_card from public.scorecards s
    join public.insights i on i.script_id = s.source_script_id and i.call_id = p_call_id and i.is_current;
  if v_card.id is null then
    return null;
  end if;
  select coalesce(jsonb_agg(jsonb_build_object(
           'item_id', i.id, 'key', i.key, 'question', i.question, 'weight', i.weight, 'partial_credit', i.partial_credit,
           'answer', cur.answer, 'source', cur.source, 'evidence_quote', cur.evidence_quote, 'evidence_time', cur.evidence_time,
           'note', cur.note, 'answered_by', cur.answered_by,
           'answered_by_name', (select coalesce(p.full_name, p.email) from public.profiles p where p.id = cur.answered_by),
           'answered_at', cur.created_at,
           'history', (select coalesce(jsonb_agg(jsonb_build_object('answer', h.answer, 'source', h.source, 'evidence_quote', h.evidence_quote,
                         'evidence_time', h.evidence_time, 'note', h.note, 'answered_at', h.created_at,
                         'answered_by_name', (select coalesce(p.full_name, p.email) from public.profiles p where p.id = h.answered_by))
                         order by h.created_at), '[]'::jsonb)
                         from public.scorecard_answers h where h.call_id = p_call_id and h.item_id = i.id and not h.is_current)
         ) order by i.position, i.key), '[]'::jsonb)
    into v_items
    from public.scorecard_items i
    left join public.scorecard_answers cur on cur.item_id = i.id and cur.call_id = p_call_id and cur.is_current
   where i.scorecard_id = v_card.id and not i.archived;
  return jsonb_build_object(
    'scorecard_id', v_card.id, 'name', v_card.name, 'pass_score', v_card.pass_score,
    'items', v_items,
    'total', private.scorecard_total((select jsonb_agg(jsonb_build_object('weight', x ->> 'weight', 'answer', x ->> 'answer'))
                                       from jsonb_array_elements(v_items) x where x ->> 'answer' is not null)),
    'can_override', private.has_org_role(v_call.org_id, array['owner', 'admin', 'manager']::public.org_role[]));
end;
$$;
comment on function public.call_scorecard(uuid) is
  'The scorecard of a call (coaching page): each item with its current answer (AI or a manager''s override), evidence and earlier answers, the weighted total and pass score. Null when the call has no scorecard yet. Errors: SP401, SP404.';

create function public.override_call_scorecard_item(p_call_id uuid, p_item_id uuid, p_answer text, p_note text default null)
returns uuid
language plpgsql
-- security definer: scorecard answers have no write grant; the caller's role is checked here.
security definer
set search_path = ''
as $$
declare
  v_call public.calls;
  v_item public.scorecard_items;
  v_id uuid;
begin
  perform private.require_user();
  perform private.bounded_text(p_note, 1000, 'p_note');
  select * into v_call from public.calls where id = p_call_id;
  if v_call.id is null or not private.has_org_role(v_call.org_id, array['owner', 'admin', 'manager']::public.org_role[]) then
    raise exception 'call not found' using errcode = 'SP404';
  end if;
  select * into v_item from public.scorecard_items where id = p_item_id and org_id = v_call.org_id;
  if v_item.id is null then
    raise exception 'scorecard item not found' using errcode = 'SP404';
  end if;
  if p_answer is null or p_answer not in ('yes', 'partial', 'no') or (p_answer = 'partial' and not v_item.partial_credit) then
    raise exception 'answer must be yes or no (partial where the item allows it)' using errcode = 'SP400';
  end if;
  update public.scorecard_answers set is_current = false where call_id = p_call_id and item_id = p_item_id and is_current;
  insert into public.scorecard_answers (org_id, item_id, call_id, answer, note, source, answered_by, is_current)
  values (v_call.org_id, p_item_id, p_call_id, p_answer, nullif(btrim(p_note), ''), 'manager', auth.uid(), true)
  returning id into v_id;
  return v_id;
end;
$$;
comment on function public.override_call_scorecard_item(uuid, uuid, text, text) is
  'Managers (owners, admins) override one scorecard item of a call; the earlier answers (the AI''s included) stay as history with who and when. Errors: SP400, SP401, SP404.';

-- Existing organizations: their default call script becomes their first
-- scorecard, and their analyzed calls get its AI answers from their current insight.
update public.call_scripts set items = items where is_default;
insert into public.scorecard_answers (org_id, item_id, call_id, answer, evidence_quote, evidence_time, source, is_current)
select ins.org_id, i.id, ins.call_id, case when (c ->> 'done')::boolean then 'yes' else 'no' end,
       left(c #>> '{evidence,quote}', 1000), nullif(c #>> '{evidence,time}', '')::numeric, 'ai', true
  from public.insights ins
  join public.scorecards s on s.source_script_id = ins.script_id
  join public.scorecard_items i on i.scorecard_id = s.id and not i.archived
  join jsonb_array_elements(coalesce(ins.data #> '{script_adherence,checklist}', '[]'::jsonb)) c on c ->> 'item_id' = i.key
 where ins.is_current;

-- Grants -----------------------------------------------------------------------
revoke execute on function private.scorecard_total(jsonb) from public, anon;
grant execute on function private.scorecard_total(jsonb) to authenticated, service_role;
revoke execute on function public.call_scorecard(uuid) from public, anon;
grant execute on function public.call_scorecard(uuid) to authenticated;
revoke execute on function public.override_call_scorecard_item(uuid, uuid, text, text) from public, anon;
grant execute on function public.override_call_scorecard_item(uuid, uuid, text, text) to authenticated;

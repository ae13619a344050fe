-- Coaching: comments pinned to a time in a call (the drill-down's recording
-- and transcript are served by the call-recording function and insights).

-- Tables -----------------------------------------------------------------------
create table public.call_comments (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  call_id uuid not null references public.calls (id) on delete cascade,
  author_id uuid references auth.users (id) on delete set null default auth.uid(),
  at_seconds numeric(8, 2) not null check (at_seconds >= 0),
  body text not null check (char_length(btrim(body)) between 1 and 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.call_comments is
  'Coaching comments pinned to a moment of a call. Managers write; everyone who can see the call reads.';

-- Indexes ------------------------------------------------------------------------
create index call_comments_call_id_idx on public.call_comments (call_id, at_seconds);
create index call_comments_org_id_idx on public.call_comments (org_id);
create index call_comments_author_id_idx on public.call_comments (author_id);

-- Triggers -----------------------------------------------------------------------
create function private.set_comment_author()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- The author is the caller; the organization is the call's.
  if tg_op = 'INSERT' then
    new.author_id := coalesce(auth.uid(), new.author_id);
  else
    new.author_id := old.author_id;
    new.call_id := old.call_id;
    new.org_id := old.org_id;
  end if;
  return new;
end;
$$;
comment on function private.set_comment_author() is 'call_comments: author = caller; call and organization never change.';
create trigger call_comments_author before insert or update on public.call_comments
  for each row execute function private.set_comment_author();
create trigger call_comments_updated_at before update on public.call_comments
  for each row execute function private.set_updated_at();

create function private.enforce_coaching_feature()
returns trigger
language plpgsql
-- security definer: entitlements read the organization's subscription and
-- overrides, which members do not read row by row.
security definer
set search_path = ''
as $$
begin
  perform private.assert_feature(new.org_id, 'coaching');
  return new;
end;
$$;
comment on function private.enforce_coaching_feature() is
  'call_comments: coaching comments need a plan with the coaching feature (SP402).';
create trigger call_comments_plan_feature before insert on public.call_comments
  for each row execute function private.enforce_coaching_feature();

-- RLS ------------------------------------------------------------------------
alter table public.call_comments enable row level security;
create policy "Readers of a call read its comments" on public.call_comments
  for select to authenticated
  using (org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
         or call_id in (select private.agent_call_ids())
         or (select private.is_platform_admin()));
create policy "Managers comment on their organization's calls" on public.call_comments
  for insert to authenticated
  with check (
    org_id in (select private.user_org_ids(array['owner', 'admin', 'manager']::public.org_role[]))
    and call_id in (select c.id from public.calls c where c.org_id = call_comments.org_id)
  );
create policy "Authors who are still members edit their comments" on public.call_comments
  for update to authenticated
  using (author_id = (select auth.uid()) and org_id in (select private.user_org_ids()))
  with check (author_id = (select auth.uid()) and org_id in (select private.user_org_ids()));
create policy "Authors who are still members, and admins, delete comments" on public.call_comments
  for delete to authenticated
  using ((author_id = (select auth.uid()) and org_id in (select private.user_org_ids()))
         or org_id in (select private.user_org_ids(array['owner', 'admin']::public.org_role[])));

revoke all on public.call_comments from anon, authenticated;
grant select, delete on public.call_comments to authenticated;
grant insert (org_id, call_id, at_seconds, body), update (at_seconds, body) on public.call_comments to authenticated;

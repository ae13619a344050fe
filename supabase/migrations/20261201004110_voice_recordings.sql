-- Voice recordings: the audio of each turn (the rep's microphone, the buyer's voice) as a WAV,
-- kept only when the organization turned recording on (voice_settings.recording_enabled), in
-- Postgres (no object storage runs locally). Not exposed to the API: the voice-recording
-- function serves a session's recording to its owner and the organization's admins (an RLS
-- check on voice_sessions, then a signed 5-minute URL). Purged with the transcripts (the data
-- registry's window and the voice retention job: with their session), and deleted with the
-- user (their sessions cascade) and by a deletion request for the member.

create table public.voice_recordings (
  session_id uuid not null references public.voice_sessions (id) on delete cascade,
  seq integer not null,
  org_id uuid not null references public.organizations (id) on delete cascade,
  speaker text not null check (speaker in ('rep', 'buyer')),
  sample_rate integer not null check (sample_rate in (16000, 24000)),
  seconds numeric(8, 3) not null check (seconds > 0 and seconds <= 60),
  -- A mono 16-bit PCM WAV, at most 60 seconds at 24 kHz (the stream cuts a longer turn).
  audio bytea not null check (octet_length(audio) between 46 and 2880044 and substring(audio from 1 for 4) = '\x52494646'::bytea),
  created_at timestamptz not null default now(),
  primary key (session_id, seq),
  foreign key (session_id, seq) references public.voice_turns (session_id, seq) on delete cascade
);
comment on table public.voice_recordings is
  'The audio of a voice session''s turns (WAV), written by the stream only when the organization records; served by voice-recording to the session''s owner and the organization''s admins.';
create index voice_recordings_org_idx on public.voice_recordings (org_id, created_at);

alter table public.voice_recordings enable row level security;
revoke all on public.voice_recordings from anon, authenticated;
grant all on public.voice_recordings to service_role;
-- No API role gets a grant; this policy says so to the RLS advisor too (no row matches), and
-- keeps a later grant from exposing the audio by accident.
create policy "Served by voice-recording only" on public.voice_recordings for all to authenticated
  using (false) with check (false);
create trigger voice_recordings_suspended before insert on public.voice_recordings
  for each row execute function private.refuse_when_suspended();

insert into private.data_rules
  (table_name, position, org_column, time_column, retention_action, call_column, match_columns, erase_action,
   user_columns, user_action, anonymise, recording_column, note) values
  ('voice_recordings', 20, 'org_id', 'created_at', 'delete', null, '{}', 'delete',
   '{}', 'nullify', '{}', null, 'Recorded voice audio goes with the window and with its session (and its member).');

comment on function private.purge_voice_data() is
  'pg_cron, daily: deletes voice sessions (turns, recordings, usage records) that ended before the organization''s retention (365 days by default). Billable usage_records stay.';

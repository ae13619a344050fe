-- Sessions nobody ended (the browser went away): a running session counts against the voice
-- minutes only up to its maximum length, and a pg_cron sweep ends those past it, billing them
-- like any other (voice_end_session caps them at max_seconds).

create or replace function private.voice_minutes_used(p_org_id uuid)
returns numeric
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(sum(case when s.ended_at is null
                           then least(extract(epoch from (now() - s.started_at)), s.max_seconds)
                           else s.seconds end) / 60, 0)
    from public.voice_sessions s
   where s.org_id = p_org_id and s.started_at >= private.period_start(p_org_id);
$$;
comment on function private.voice_minutes_used(uuid) is
  'Voice minutes of the organization this billing period; running sessions count up to now, at most their max_seconds.';

create function private.end_stale_voice_sessions()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
  v_n integer := 0;
begin
  for v_id in
    select s.id from public.voice_sessions s
     where s.ended_at is null and s.started_at + make_interval(secs => s.max_seconds) + interval '5 minutes' < now()
  loop
    perform public.voice_end_session(v_id, now(), 'ended', 'abandoned: not ended by the client');
    v_n := v_n + 1;
  end loop;
  return v_n;
end;
$$;
comment on function private.end_stale_voice_sessions() is
  'pg_cron, every minute: ends voice sessions 5 minutes past their maximum length that no client ended (billed up to max_seconds).';
revoke execute on function private.end_stale_voice_sessions() from public, anon, authenticated;
select cron.schedule('end-stale-voice-sessions', '* * * * *', 'select private.end_stale_voice_sessions()');

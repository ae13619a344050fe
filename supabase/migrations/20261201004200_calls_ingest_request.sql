-- The recording webhook's ack in ONE statement: ingest_recording with the
-- request id it runs under, so the function needs no explicit transaction
-- (BEGIN, set_config, the call, COMMIT were four round trips; now one, whose
-- implicit transaction commits the call and its job before the result comes
-- back, i.e. before the 200).

create function public.ingest_recording(p jsonb, p_request_id text)
returns jsonb
language plpgsql
set search_path = ''
as $$
begin
  -- Local to this statement's transaction: the job enqueued below keeps it.
  if nullif(p_request_id, '') is not null then
    perform pg_catalog.set_config('request.id', left(p_request_id, 128), true);
  end if;
  return public.ingest_recording(p);
end;
$$;
comment on function public.ingest_recording(jsonb, text) is
  'Backend only (twilio-recording): ingest_recording(p) under the request id p_request_id (the job it enqueues keeps it), in the caller''s one statement.';

revoke execute on function public.ingest_recording(jsonb, text) from public, anon, authenticated;
grant execute on function public.ingest_recording(jsonb, text) to service_role;

-- The side-by-side comparison of the voice providers for an organization's admins: per kind
-- (stt/tts) and provider over the last p_days — calls, errors, error rate, median latency,
-- audio minutes, provider cost and cost per minute — from voice_usage_records.

create function public.voice_provider_comparison(p_org_id uuid, p_days integer default 30)
returns table (
  kind text,
  provider text,
  calls bigint,
  errors bigint,
  error_rate numeric,
  p50_latency_ms numeric,
  audio_minutes numeric,
  provider_cost_usd numeric,
  cost_per_minute_usd numeric
)
language plpgsql
stable
-- security definer: aggregates the organization's usage after the admin check below.
security definer
set search_path = ''
as $$
begin
  perform private.require_user();
  if not (private.has_org_role(p_org_id, array['owner', 'admin']::public.org_role[]) or private.is_platform_admin()) then
    raise exception 'only owners and admins compare voice providers' using errcode = 'SP403';
  end if;
  if p_days is null or p_days < 1 or p_days > 366 then
    raise exception 'p_days must be between 1 and 366' using errcode = 'SP400';
  end if;
  return query
    select u.kind, u.provider,
           count(*),
           count(*) filter (where not u.ok),
           round((count(*) filter (where not u.ok))::numeric / count(*), 4),
           (percentile_cont(0.5) within group (order by u.latency_ms) filter (where u.ok))::numeric,
           round(sum(u.audio_seconds) / 60, 3),
           round(sum(u.provider_cost_usd), 6),
           case when sum(u.audio_seconds) > 0 then round(sum(u.provider_cost_usd) / (sum(u.audio_seconds) / 60), 6) end
      from public.voice_usage_records u
     where u.org_id = p_org_id and u.occurred_at >= now() - make_interval(days => p_days)
     group by u.kind, u.provider
     order by u.kind, u.provider;
end;
$$;
comment on function public.voice_provider_comparison(uuid, integer) is
  'Owners and admins (and staff): the voice providers side by side over the last p_days — calls, errors, error rate, median latency, audio minutes, provider cost and cost per minute.';
revoke execute on function public.voice_provider_comparison(uuid, integer) from public, anon;
grant execute on function public.voice_provider_comparison(uuid, integer) to authenticated;

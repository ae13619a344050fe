-- Consent: a call whose jurisdiction requires every party's consent, without
-- the recording notice having played, is stored but not analyzed. Its own
-- file: a new enum value cannot be used in the transaction that adds it.
alter type public.call_status add value 'not_analyzed' after 'failed';
comment on type public.call_status is
  'in_progress (voice webhook seen) -> received (recording ready) -> transcribing -> analyzing -> analyzed | failed | not_analyzed (kept, but the consent its jurisdiction requires is missing: see call_consents); orphaned = no organization owns the number.';

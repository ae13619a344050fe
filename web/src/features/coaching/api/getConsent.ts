// The call's consent ledger row: its jurisdiction, that jurisdiction's rule,
// whether the recording notice played (and which), and whether the call may
// be analyzed (RLS: whoever can see the call).
import { queryOptions, useQuery } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";

export interface CallConsent {
  region: string;
  rule: "one_party" | "all_party";
  notice_played: boolean;
  notice_text: string | null;
  source: "voice" | "analyzer";
  recorded_at: string;
  analysis_allowed: boolean;
}

export async function getConsent(callId: string): Promise<CallConsent | null> {
  const { data, error } = await supabase.from("call_consents")
    .select("region, rule, notice_played, notice_text, source, recorded_at, analysis_allowed")
    .eq("call_id", callId).maybeSingle();
  if (error) throw error;
  return (data ?? null) as CallConsent | null;
}

export const consentQueryOptions = (callId: string) =>
  queryOptions({ queryKey: ["coaching", callId, "consent"] as const, queryFn: () => getConsent(callId) });

export const useConsent = (callId: string) => useQuery(consentQueryOptions(callId));

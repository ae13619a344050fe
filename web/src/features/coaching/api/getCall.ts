// The call's header data; polled every 3 s while the pipeline works on it.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { type CallDetail, isProcessing } from "./types";

export const POLL_MS = 3_000;

export async function getCall(callId: string): Promise<CallDetail | null> {
  const { data, error } = await supabase
    .from("calls")
    .select("id, org_id, status, error, started_at, duration_seconds, direction, from_number, twilio_recording_sid, agent:agents(id, name)")
    .eq("id", callId)
    .maybeSingle();
  if (error) throw error;
  return (data as CallDetail | null) ?? null;
}

export const callQueryOptions = (callId: string) =>
  queryOptions({
    queryKey: ["coaching", callId, "call"] as const,
    queryFn: () => getCall(callId),
    refetchInterval: (query) => (isProcessing(query.state.data?.status) ? POLL_MS : false),
  });

export const useCall = (callId: string) => useQuery(callQueryOptions(callId));

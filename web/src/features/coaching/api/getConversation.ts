// The call's conversation metrics (talk ratio, monologue, interruptions,
// questions, silence, pace) and its tracker hits with their times.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";

export interface CallMetrics {
  talk_ratio: number | null;
  longest_monologue_seconds: number;
  interruptions: number;
  agent_questions: number;
  silence_seconds: number;
  agent_wpm: number | null;
  customer_wpm: number | null;
  metrics: {
    longest_monologue_speaker?: "agent" | "customer" | null;
    sentiment?: { customer?: { trajectory?: { trend?: string; end_state?: string } } };
  };
}

export interface TrackerHit {
  id: string;
  term: string;
  time_seconds: number;
  speaker: "agent" | "customer";
  tracker: { id: string; name: string } | null;
}

export async function getCallMetrics(callId: string): Promise<CallMetrics | null> {
  const { data, error } = await supabase
    .from("call_metrics")
    .select("talk_ratio, longest_monologue_seconds, interruptions, agent_questions, silence_seconds, agent_wpm, customer_wpm, metrics")
    .eq("call_id", callId)
    .maybeSingle();
  if (error) throw error;
  return (data as CallMetrics | null) ?? null;
}

export async function getTrackerHits(callId: string): Promise<TrackerHit[]> {
  const { data, error } = await supabase
    .from("tracker_hits")
    .select("id, term, time_seconds, speaker, tracker:trackers(id, name)")
    .eq("call_id", callId)
    .order("time_seconds");
  if (error) throw error;
  return (data ?? []) as unknown as TrackerHit[];
}

export const callMetricsQueryOptions = (callId: string) =>
  queryOptions({ queryKey: ["coaching", callId, "metrics"] as const, queryFn: () => getCallMetrics(callId) });
export const trackerHitsQueryOptions = (callId: string) =>
  queryOptions({ queryKey: ["coaching", callId, "tracker-hits"] as const, queryFn: () => getTrackerHits(callId) });

export const useCallMetrics = (callId: string) => useQuery(callMetricsQueryOptions(callId));
export const useTrackerHits = (callId: string) => useQuery(trackerHitsQueryOptions(callId));

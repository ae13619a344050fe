// Voice practice's server side as the screen uses it: the organization's voice scenarios and
// price per minute (RLS: members read them), starting and ending a session through the Edge
// Functions, the questions of the scorecard items a score names, and a session's recording.
import { useQuery } from "@tanstack/react-query";
import { callFunction } from "../../lib/functions";
import { useOrg } from "../../lib/session";
import { supabase } from "../../lib/supabase";

export interface VoiceScenario {
  id: string;
  title: string;
  brief: string;
}

export function useVoiceScenarios() {
  const { orgId } = useOrg();
  return useQuery({
    queryKey: ["voice", orgId, "scenarios"],
    queryFn: async (): Promise<VoiceScenario[]> => {
      const { data, error } = await supabase.from("voice_scenarios").select("id, title, brief").eq("org_id", orgId).order("title");
      if (error) throw error;
      return data ?? [];
    },
  });
}

/** The price per minute in force now: the organization's own, else the platform default; null when unknown. */
export function useVoicePrice() {
  const { orgId } = useOrg();
  return useQuery({
    queryKey: ["voice", orgId, "price"],
    queryFn: async (): Promise<number | null> => {
      const { data, error } = await supabase.from("voice_prices").select("org_id, price_per_minute, effective_from")
        .lte("effective_from", new Date().toISOString()).order("effective_from", { ascending: false }).limit(50);
      if (error) return null;
      const rows = data ?? [];
      const row = rows.find((r) => r.org_id === orgId) ?? rows.find((r) => r.org_id === null);
      return row ? Number(row.price_per_minute) : null;
    },
  });
}

export interface StartedVoice {
  session_id: string;
  token: string;
  stream_url: string;
  max_seconds: number;
  started_at: string;
  ice_servers: unknown[];
}

export const startVoiceSession = (orgId: string, scenarioId: string | null) =>
  callFunction<StartedVoice>("voice-start-session", { org_id: orgId, ...(scenarioId ? { scenario_id: scenarioId } : {}) });

export interface VoiceScoreItem {
  item_id: string;
  answer: "yes" | "partial" | "no";
  evidence_quote: string | null;
  evidence_time: number | null;
}

export interface EndedVoice {
  session_id: string;
  status: string;
  seconds: number;
  billable_minutes: number;
  cost_usd: number;
  score: { items?: VoiceScoreItem[]; tips?: string[]; scorer?: string } | null;
  scored: boolean;
  /** The organization records: voice-recording plays it. */
  recorded?: boolean;
}

export const endVoiceSession = (sessionId: string) => callFunction<EndedVoice>("voice-end-session", { session_id: sessionId });

export interface VoiceRecordingUrl {
  url: string;
  expires_at: string;
  turns: number;
  seconds: number;
}

/** A signed URL of the session's recording (good for 5 minutes; the player asks again once it expired). */
export function useVoiceRecording(sessionId: string) {
  return useQuery({
    queryKey: ["voice", "recording", sessionId],
    queryFn: () => callFunction<VoiceRecordingUrl>("voice-recording", { session_id: sessionId }),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

/** The questions (and weights) of the scorecard items a score answers. */
export function useScoreItems(ids: string[]) {
  return useQuery({
    queryKey: ["voice", "score-items", ids],
    enabled: ids.length > 0,
    queryFn: async () => {
      const { data, error } = await supabase.from("scorecard_items").select("id, question, weight").in("id", ids);
      if (error) throw error;
      return new Map((data ?? []).map((i) => [i.id, i]));
    },
  });
}

// Conversation metrics per agent for the period: one agent_conversation_metrics round trip.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { num, numOrNull } from "../../../lib/coerce";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";
import type { DashboardFilters } from "../filters";

export interface AgentConversationRow {
  agent_id: string;
  agent_name: string;
  calls: number;
  talk_ratio: number | null;
  longest_monologue_seconds: number | null;
  interruptions_per_call: number | null;
  questions_per_call: number | null;
  silence_seconds: number | null;
  agent_wpm: number | null;
}

export async function fetchConversationMetrics(range: Pick<DashboardFilters, "from" | "to">): Promise<AgentConversationRow[]> {
  const { data, error } = await supabase.rpc("agent_conversation_metrics", { p_from: range.from, p_to: range.to });
  if (error) throw error;
  return ((data ?? []) as Record<string, unknown>[]).map((r) => ({
    agent_id: String(r.agent_id),
    agent_name: String(r.agent_name ?? ""),
    calls: num(r.calls),
    talk_ratio: numOrNull(r.talk_ratio),
    longest_monologue_seconds: numOrNull(r.longest_monologue_seconds),
    interruptions_per_call: numOrNull(r.interruptions_per_call),
    questions_per_call: numOrNull(r.questions_per_call),
    silence_seconds: numOrNull(r.silence_seconds),
    agent_wpm: numOrNull(r.agent_wpm),
  }));
}

export const conversationMetricsQueryKey = (orgId: string) => ["dashboard", orgId, "conversation"] as const;

export function useConversationMetrics(range: Pick<DashboardFilters, "from" | "to">, opts: { refetchInterval?: number | false } = {}) {
  const { orgId } = useOrg();
  return useQuery({
    ...queryOptions({
      queryKey: [...conversationMetricsQueryKey(orgId), { from: range.from, to: range.to }] as const,
      queryFn: () => fetchConversationMetrics(range),
    }),
    refetchInterval: opts.refetchInterval ?? false,
  });
}

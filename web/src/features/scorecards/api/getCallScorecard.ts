// A call's scorecard (call_scorecard): each item's current answer — the AI's
// from the analysis, or a manager's override — with evidence and history.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";

export type Answer = "yes" | "partial" | "no";
export interface HistoryEntry {
  answer: Answer;
  source: "ai" | "manager";
  evidence_quote: string | null;
  evidence_time: number | null;
  note: string | null;
  answered_at: string;
  answered_by_name: string | null;
}
export interface CallScorecardItem {
  item_id: string;
  key: string;
  question: string;
  weight: number;
  partial_credit: boolean;
  answer: Answer | null;
  source: "ai" | "manager" | null;
  evidence_quote: string | null;
  evidence_time: number | null;
  note: string | null;
  answered_by_name: string | null;
  answered_at: string | null;
  history: HistoryEntry[];
}
export interface CallScorecardView {
  scorecard_id: string;
  name: string;
  pass_score: number;
  total: number | null;
  can_override: boolean;
  items: CallScorecardItem[];
}

export async function fetchCallScorecard(callId: string): Promise<CallScorecardView | null> {
  const { data, error } = await supabase.rpc("call_scorecard", { p_call_id: callId });
  if (error) throw error;
  return (data ?? null) as unknown as CallScorecardView | null;
}

export const callScorecardQueryOptions = (callId: string) =>
  queryOptions({ queryKey: ["call-scorecard", callId] as const, queryFn: () => fetchCallScorecard(callId) });

export function useCallScorecard(callId: string) {
  return useQuery(callScorecardQueryOptions(callId));
}

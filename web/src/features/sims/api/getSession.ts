// One practice session as stored: template, turns and (once scored) each
// scorecard item's answer and evidence — so a reload shows the same chat.
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Database } from "../../../../../supabase/functions/_shared/database.types";
import { supabase } from "../../../lib/supabase";
import type { SimTemplate } from "./listTemplates";

export type SessionRow = Database["public"]["Tables"]["user_sims"]["Row"];
export interface SessionTurn {
  seq: number;
  role: "rep" | "buyer";
  content: string;
  at_seconds: number;
}
export interface SessionItem {
  item_id: string;
  key: string;
  question: string;
  weight: number;
  answer: "yes" | "partial" | "no" | null;
  evidence_quote: string | null;
  evidence_time: number | null;
}
export interface SessionView {
  session: SessionRow;
  template: SimTemplate;
  user_name: string | null;
  turns: SessionTurn[];
  scorecard: { id: string; name: string; pass_score: number };
  items: SessionItem[];
}

export async function fetchSession(id: string): Promise<SessionView> {
  const { data, error } = await supabase.rpc("sim_session", { p_session_id: id });
  if (error) throw error;
  return data as unknown as SessionView;
}

export const sessionQueryOptions = (id: string) =>
  queryOptions({ queryKey: ["sim-session", id] as const, queryFn: () => fetchSession(id) });

export function useSimSession(id: string) {
  return useQuery(sessionQueryOptions(id));
}

// The organization's scorecards with their items: the scorecard editor and the SIM template form's picker share it.
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Database } from "../../../../supabase/functions/_shared/database.types";
import { useOrg } from "../session";
import { supabase } from "../supabase";

export type Scorecard = Database["public"]["Tables"]["scorecards"]["Row"];
export type ScorecardItem = Database["public"]["Tables"]["scorecard_items"]["Row"];
export type ScorecardWithItems = Scorecard & { items: ScorecardItem[] };

export async function fetchScorecards(orgId: string): Promise<ScorecardWithItems[]> {
  const { data, error } = await supabase.from("scorecards").select("*").eq("org_id", orgId).order("created_at");
  if (error) throw error;
  const cards = data ?? [];
  if (!cards.length) return [];
  const { data: items, error: e2 } = await supabase.from("scorecard_items").select("*").in("scorecard_id", cards.map((c) => c.id)).order("position");
  if (e2) throw e2;
  return cards.map((c) => ({ ...c, items: (items ?? []).filter((i) => i.scorecard_id === c.id) }));
}

export const scorecardsQueryOptions = (orgId: string) =>
  queryOptions({ queryKey: ["scorecards", orgId] as const, queryFn: () => fetchScorecards(orgId) });

export function useScorecards() {
  const { orgId } = useOrg();
  return useQuery(scorecardsQueryOptions(orgId));
}

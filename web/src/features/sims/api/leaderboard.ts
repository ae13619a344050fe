// Best score per rep and SIM, with first score and attempts (sim_leaderboard):
// the team for managers, their own rows for members.
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Database } from "../../../../../supabase/functions/_shared/database.types";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";

export type LeaderboardRow = Database["public"]["Functions"]["sim_leaderboard"]["Returns"][number];

export async function fetchLeaderboard(orgId: string): Promise<LeaderboardRow[]> {
  const { data, error } = await supabase.rpc("sim_leaderboard", { p_org_id: orgId });
  if (error) throw error;
  return data ?? [];
}

export const leaderboardQueryOptions = (orgId: string) =>
  queryOptions({ queryKey: ["sims", orgId, "leaderboard"] as const, queryFn: () => fetchLeaderboard(orgId) });

export function useLeaderboard() {
  const { orgId } = useOrg();
  return useQuery(leaderboardQueryOptions(orgId));
}

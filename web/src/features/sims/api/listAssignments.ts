// Assignments with progress and status (sim_assignments): managers see the
// organization's, members their own.
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Database } from "../../../../../supabase/functions/_shared/database.types";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";

export type Assignment = Database["public"]["Functions"]["sim_assignments"]["Returns"][number];
export type AssignmentStatus = "not_started" | "in_progress" | "completed" | "past_due" | "did_not_pass";

export async function fetchAssignments(orgId: string): Promise<Assignment[]> {
  const { data, error } = await supabase.rpc("sim_assignments", { p_org_id: orgId });
  if (error) throw error;
  return data ?? [];
}

export const assignmentsQueryOptions = (orgId: string) =>
  queryOptions({ queryKey: ["sims", orgId, "assignments"] as const, queryFn: () => fetchAssignments(orgId) });

export function useAssignments() {
  const { orgId } = useOrg();
  return useQuery(assignmentsQueryOptions(orgId));
}

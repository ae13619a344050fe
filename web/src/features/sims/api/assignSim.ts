// Managers assign a SIM to a member, with a due date and minimum attempts.
import { useInvalidatingMutation } from "../../../lib/mutations";
import { supabase } from "../../../lib/supabase";
import { assignmentsQueryOptions } from "./listAssignments";

export interface AssignInput {
  templateId: string;
  userId: string;
  dueAt: string | null;
  minAttempts: number;
}

export async function assignSim(orgId: string, a: AssignInput): Promise<void> {
  const { error } = await supabase.from("sims").insert({
    org_id: orgId,
    template_id: a.templateId,
    user_id: a.userId,
    due_at: a.dueAt,
    min_attempts: a.minAttempts,
  });
  if (error) throw error;
}

export function useAssignSim(orgId: string) {
  return useInvalidatingMutation((a: AssignInput) => assignSim(orgId, a), [assignmentsQueryOptions(orgId).queryKey], "success");
}

// "Practice this": assigns the member a SIM that targets these call-script
// items (managers for anyone, members for themselves); returns the assignment
// and its template so a member can start right away.
import { useInvalidatingMutation } from "../../../lib/mutations";
import { supabase } from "../../../lib/supabase";

export async function practiceWeakItems(orgId: string, userId: string, keys: string[]): Promise<{ simId: string; templateId: string }> {
  const { data, error } = await supabase.rpc("practice_weak_items", { p_org_id: orgId, p_user_id: userId, p_keys: keys });
  if (error) throw error;
  const simId = data as string;
  const { data: sim, error: e2 } = await supabase.from("sims").select("template_id").eq("id", simId).single();
  if (e2) throw e2;
  return { simId, templateId: sim.template_id };
}

export function usePracticeWeakItems(orgId: string, userId: string) {
  return useInvalidatingMutation((keys: string[]) => practiceWeakItems(orgId, userId, keys), [["sims", orgId]], "success");
}

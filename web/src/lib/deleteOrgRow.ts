// Deleting one row of an organization's table. RLS does not refuse a delete it
// does not allow: it deletes nothing. So the deleted row is selected back, and
// none coming back is the refusal, said in the caller's words.
import { supabase } from "./supabase";

type OrgTable = "activities" | "agents" | "goals" | "what_if_scenarios";

export async function deleteOrgRow(table: OrgTable, orgId: string, id: string, refusal: string): Promise<void> {
  const { data, error } = await supabase.from(table).delete().eq("id", id).eq("org_id", orgId).select("id");
  if (error) throw error;
  if (!data?.length) throw new Error(refusal);
}

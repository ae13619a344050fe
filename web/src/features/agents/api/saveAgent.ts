// Adds or edits an agent through PostgREST (RLS: owners, admins and managers).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { type Agent, agentsQueryOptions } from "../../../lib/queries/agents";

export interface AgentInput {
  name: string;
  phone: string | null;
  user_id: string | null;
  active: boolean;
}

/** `id` given: update those fields; otherwise a new agent of the organization. */
export async function saveAgent(orgId: string, input: { id?: string } & Partial<AgentInput>): Promise<Agent> {
  const { id, ...fields } = input;
  const query = id
    ? supabase.from("agents").update(fields).eq("id", id).eq("org_id", orgId)
    : supabase.from("agents").insert({ org_id: orgId, name: fields.name ?? "", phone: fields.phone ?? null, user_id: fields.user_id ?? null, active: fields.active ?? true });
  const { data, error } = await query.select("id, org_id, name, phone, user_id, active, created_at").single();
  if (error) throw error;
  return data as Agent;
}

export function useSaveAgent(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { id?: string } & Partial<AgentInput>) => saveAgent(orgId, input),
    onSettled: () => qc.invalidateQueries({ queryKey: agentsQueryOptions(orgId).queryKey }),
  });
}

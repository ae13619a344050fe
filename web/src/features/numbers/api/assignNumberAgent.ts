// Points a number at another agent (PostgREST; RLS lets owners/admins update
// agent_id, and a trigger refuses another organization's agent).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { phoneNumbersQueryOptions } from "./getPhoneNumbers";

export interface AssignInput {
  id: string;
  agentId: string | null;
}

export async function assignNumberAgent({ id, agentId }: AssignInput): Promise<void> {
  const { data, error } = await supabase.from("phone_numbers").update({ agent_id: agentId }).eq("id", id).select("id");
  if (error) throw error;
  if (!data?.length) throw new Error("The number was not updated — you may no longer have access to it.");
}

export function useAssignNumberAgent(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: assignNumberAgent,
    onSettled: () => qc.invalidateQueries({ queryKey: phoneNumbersQueryOptions(orgId).queryKey }),
  });
}

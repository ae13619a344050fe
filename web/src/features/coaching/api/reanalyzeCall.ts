// Managers re-run the analysis of a call (e.g. after editing the script).
// SQL refuses while the call is still processing (SP409).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { callQueryOptions } from "./getCall";

export async function reanalyzeCall(callId: string): Promise<number> {
  const { data, error } = await supabase.rpc("reanalyze_call", { p_call_id: callId });
  if (error) throw error;
  return data as number;
}

export function useReanalyzeCall(callId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => reanalyzeCall(callId),
    onSettled: () => qc.invalidateQueries({ queryKey: callQueryOptions(callId).queryKey }),
  });
}

// A manager overrides one item of a call's scorecard; the earlier answers stay as history.
import { useInvalidatingMutation } from "../../../lib/mutations";
import { supabase } from "../../../lib/supabase";
import { type Answer, callScorecardQueryOptions } from "./getCallScorecard";

export async function overrideItem(callId: string, itemId: string, answer: Answer, note: string | null): Promise<void> {
  const { error } = await supabase.rpc("override_call_scorecard_item", {
    p_call_id: callId,
    p_item_id: itemId,
    p_answer: answer,
    ...(note ? { p_note: note } : {}),
  });
  if (error) throw error;
}

export function useOverrideItem(callId: string) {
  return useInvalidatingMutation(
    (v: { itemId: string; answer: Answer; note: string | null }) => overrideItem(callId, v.itemId, v.answer, v.note),
    [callScorecardQueryOptions(callId).queryKey],
  );
}

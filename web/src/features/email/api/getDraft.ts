// A pre-filled email: a call's follow-up (its insight's summary and next
// steps in the call_follow_up template) or an introduction to a referral.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";

export type DraftSource = { kind: "call" | "referral"; id: string };
export interface Draft {
  subject: string;
  text: string;
  template_key: string;
  source_type: "call" | "referral";
  source_id: string;
  to: string | null;
  contact_name?: string | null;
}

export async function fetchDraft(src: DraftSource): Promise<Draft> {
  const { data, error } = src.kind === "call"
    ? await supabase.rpc("draft_call_follow_up", { p_call_id: src.id })
    : await supabase.rpc("draft_referral_email", { p_referral_id: src.id });
  if (error) throw error;
  return data as unknown as Draft;
}

export const draftQueryOptions = (src: DraftSource) =>
  queryOptions({ queryKey: ["email-draft", src.kind, src.id] as const, queryFn: () => fetchDraft(src), staleTime: Infinity });

export function useDraft(src: DraftSource | null) {
  return useQuery({ ...draftQueryOptions(src ?? { kind: "call", id: "" }), enabled: Boolean(src) });
}

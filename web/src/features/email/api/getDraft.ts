// A pre-filled email from the email-draft function: a call's follow-up (its
// insight's summary and next steps in the call_follow_up template, rewritten
// by the model when the backend has an OpenAI key) or an introduction to a
// referral.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { callFunction } from "../../../lib/functions";

export type DraftSource = { kind: "call" | "referral"; id: string };
export interface Draft {
  subject: string;
  text: string;
  template_key: string;
  source_type: "call" | "referral";
  source_id: string;
  to: string | null;
  contact_name?: string | null;
  drafted_by: "llm" | "template";
  llm_error?: string;
}

export function fetchDraft(src: DraftSource): Promise<Draft> {
  return callFunction<Draft>("email-draft", { kind: src.kind, id: src.id });
}

export const draftQueryOptions = (src: DraftSource) =>
  queryOptions({ queryKey: ["email-draft", src.kind, src.id] as const, queryFn: () => fetchDraft(src), staleTime: Infinity });

export function useDraft(src: DraftSource | null) {
  return useQuery({ ...draftQueryOptions(src ?? { kind: "call", id: "" }), enabled: Boolean(src) });
}

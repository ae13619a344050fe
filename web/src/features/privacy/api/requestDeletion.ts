// Owners ask for a person to be erased: a member (user id), or a caller by phone (E.164) or email.
import { supabase } from "../../../lib/supabase";
import { useInvalidatingMutation } from "../../../lib/mutations";
import { deletionRequestsQueryOptions } from "./getDeletionRequests";

export const SUBJECT_MAX = 320;
export type SubjectKind = "member" | "phone" | "email";

export async function requestDeletion(orgId: string, kind: SubjectKind, subject: string): Promise<string> {
  const { data, error } = await supabase.rpc("request_deletion", { p_org_id: orgId, p_kind: kind, p_subject: subject });
  if (error) throw error;
  return data as string;
}

export const useRequestDeletion = (orgId: string) =>
  useInvalidatingMutation(
    (v: { kind: SubjectKind; subject: string }) => requestDeletion(orgId, v.kind, v.subject),
    [deletionRequestsQueryOptions(orgId).queryKey],
  );

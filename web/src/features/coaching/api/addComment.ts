// Managers pin a comment to the current moment of the call.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { commentsQueryOptions } from "./getComments";

export interface NewComment {
  org_id: string;
  call_id: string;
  at_seconds: number;
  body: string;
}

export async function addComment(comment: NewComment): Promise<void> {
  const { error } = await supabase.from("call_comments").insert(comment);
  if (error) throw error;
}

export function useAddComment(callId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: addComment,
    onSuccess: () => qc.invalidateQueries({ queryKey: commentsQueryOptions(callId).queryKey }),
  });
}

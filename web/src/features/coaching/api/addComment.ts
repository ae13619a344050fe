// Managers pin a comment to the current moment of the call.
import { useInvalidatingMutation } from "../../../lib/mutations";
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

export const useAddComment = (callId: string) =>
  useInvalidatingMutation(addComment, [commentsQueryOptions(callId).queryKey], "success");

// Marks a thread read for the caller (its unread count drops to 0).
import { useInvalidatingMutation } from "../../../lib/mutations";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";
import { threadsQueryOptions } from "./listThreads";

export async function markRead(threadId: string): Promise<void> {
  const { error } = await supabase.rpc("mark_thread_read", { p_thread_id: threadId });
  if (error) throw error;
}

export function useMarkRead() {
  const { orgId } = useOrg();
  return useInvalidatingMutation(markRead, [threadsQueryOptions(orgId, false).queryKey, threadsQueryOptions(orgId, true).queryKey], "success");
}

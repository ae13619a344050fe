// One thread and its messages (RLS: managers, or the member who started it).
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Database } from "../../../../../supabase/functions/_shared/database.types";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";

export type Thread = Database["public"]["Tables"]["threads"]["Row"];
export type Message = Pick<
  Database["public"]["Tables"]["messages"]["Row"],
  "id" | "direction" | "status" | "from_address" | "to_address" | "subject" | "body_text" | "stripped_text" | "attachments" |
  "created_at" | "sent_at" | "error"
>;
export interface ThreadDetail {
  thread: Thread;
  messages: Message[];
}

export async function fetchThread(threadId: string): Promise<ThreadDetail | null> {
  const { data: thread, error } = await supabase.from("threads").select("*").eq("id", threadId).maybeSingle();
  if (error) throw error;
  if (!thread) return null;
  const { data: messages, error: e2 } = await supabase.from("messages")
    .select("id, direction, status, from_address, to_address, subject, body_text, stripped_text, attachments, created_at, sent_at, error")
    .eq("thread_id", threadId).order("created_at", { ascending: true });
  if (e2) throw e2;
  return { thread: thread as Thread, messages: (messages ?? []) as Message[] };
}

export const threadQueryOptions = (orgId: string, threadId: string) =>
  queryOptions({
    queryKey: ["email", orgId, "thread", threadId] as const,
    queryFn: () => fetchThread(threadId),
    refetchInterval: 5000,
  });

export function useThread(threadId: string) {
  const { orgId } = useOrg();
  return useQuery(threadQueryOptions(orgId, threadId));
}

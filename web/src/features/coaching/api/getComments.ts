// Coaching comments pinned to moments of the call, in call-time order, with
// their authors' names (profiles of co-members are readable under RLS).
import { queryOptions, useQuery } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import type { Comment } from "./types";

export async function getComments(callId: string): Promise<Comment[]> {
  const { data, error } = await supabase
    .from("call_comments")
    .select("id, at_seconds, body, author_id, created_at")
    .eq("call_id", callId)
    .order("at_seconds")
    .order("created_at");
  if (error) throw error;
  const rows = (data ?? []) as Omit<Comment, "authorName">[];
  const authorIds = [...new Set(rows.map((c) => c.author_id).filter((id): id is string => Boolean(id)))];
  const names = new Map<string, string | null>();
  if (authorIds.length) {
    const { data: profiles, error: e2 } = await supabase.from("profiles").select("id, full_name").in("id", authorIds);
    if (e2) throw e2;
    for (const p of (profiles ?? []) as { id: string; full_name: string | null }[]) names.set(p.id, p.full_name);
  }
  return rows.map((c) => ({ ...c, at_seconds: Number(c.at_seconds), authorName: c.author_id ? names.get(c.author_id) ?? null : null }));
}

export const commentsQueryOptions = (callId: string) =>
  queryOptions({
    queryKey: ["coaching", callId, "comments"] as const,
    queryFn: () => getComments(callId),
  });

export const useComments = (callId: string) => useQuery(commentsQueryOptions(callId));

// The messages screen's thread list: list_threads — conversations (or the
// unmatched inbox) with the caller's unread count and the last message's
// status. Polled, so a reply shows up without a reload.
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Database } from "../../../../../supabase/functions/_shared/database.types";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";

export type ThreadRow = Database["public"]["Functions"]["list_threads"]["Returns"][number];
export type EmailStatus = Database["public"]["Enums"]["email_status"];

export async function fetchThreads(orgId: string, unmatched: boolean): Promise<ThreadRow[]> {
  const { data, error } = await supabase.rpc("list_threads", { p_org_id: orgId, p_unmatched: unmatched, p_limit: 100 });
  if (error) throw error;
  return (data ?? []) as ThreadRow[];
}

/** The single source of the key: email mutations invalidate its prefix. */
export const threadsQueryOptions = (orgId: string, unmatched?: boolean) =>
  queryOptions({
    queryKey: unmatched === undefined ? ["email", orgId] as const : ["email", orgId, "threads", unmatched] as const,
    queryFn: () => fetchThreads(orgId, unmatched ?? false),
    refetchInterval: 5000,
  });

export function useThreads(unmatched: boolean) {
  const { orgId } = useOrg();
  return useQuery(threadsQueryOptions(orgId, unmatched));
}

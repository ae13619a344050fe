// The organization's keyword/topic trackers, read under RLS: one query and
// one cache entry for the trackers screen and the calls list's tracker filter.
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Tables } from "../../../../supabase/functions/_shared/database.types";
import { supabase } from "../supabase";

export type Tracker = Pick<Tables<"trackers">, "id" | "org_id" | "name" | "terms" | "alert" | "created_at">;

export async function fetchTrackers(orgId: string): Promise<Tracker[]> {
  const { data, error } = await supabase.from("trackers")
    .select("id, org_id, name, terms, alert, created_at")
    .eq("org_id", orgId)
    .order("name");
  if (error) throw error;
  return (data ?? []) as Tracker[];
}

/** The single source of the key: mutations of trackers invalidate it. */
export const trackersQueryOptions = (orgId: string) =>
  queryOptions({ queryKey: ["trackers", orgId] as const, queryFn: () => fetchTrackers(orgId), staleTime: 60_000 });

export const useTrackers = (orgId: string) => useQuery(trackersQueryOptions(orgId));

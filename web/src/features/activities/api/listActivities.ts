// The activity log (and a person's timeline): list_activities, newest first,
// 25 a page, keyset-paged on the last row's (occurred_at, id).
import { infiniteQueryOptions, useInfiniteQuery } from "@tanstack/react-query";
import { num } from "../../../lib/coerce";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";
import type { ActivityFilters } from "../filters";

export interface Activity {
  id: string;
  occurred_at: string;
  type: string;
  outcome: string | null;
  value: number;
  contact: string | null;
  title: string | null;
  notes: string | null;
  user_id: string | null;
  person_name: string | null;
  agent_id: string | null;
  agent_name: string | null;
  source_type: string | null;
  source_id: string | null;
  metadata: Record<string, unknown> | null;
  is_manual: boolean;
  can_edit: boolean;
}

export const ACTIVITY_PAGE = 25;
type Cursor = { at: string; id: string } | null;

export async function fetchActivities(f: ActivityFilters, cursor: Cursor): Promise<Activity[]> {
  const { data, error } = await supabase.rpc("list_activities", {
    ...(f.person ? { p_user_id: f.person } : {}),
    ...(f.type ? { p_type: f.type } : {}),
    ...(f.outcome ? { p_outcome: f.outcome } : {}),
    ...(f.from ? { p_from: f.from } : {}),
    ...(f.to ? { p_to: f.to } : {}),
    ...(cursor ? { p_before_at: cursor.at, p_before_id: cursor.id } : {}),
    p_limit: ACTIVITY_PAGE,
  });
  if (error) throw error;
  return ((data ?? []) as unknown as Activity[]).map((a) => ({ ...a, value: num(a.value) }));
}

/** The single source of the key: activity mutations invalidate its prefix. */
export const activitiesKey = (orgId: string) => ["activities", orgId] as const;

export const activitiesQueryOptions = (orgId: string, f: ActivityFilters) =>
  infiniteQueryOptions({
    queryKey: [...activitiesKey(orgId), "list", f] as const,
    queryFn: ({ pageParam }) => fetchActivities(f, pageParam),
    initialPageParam: null as Cursor,
    getNextPageParam: (last) => {
      const end = last.at(-1);
      return last.length >= ACTIVITY_PAGE && end ? { at: end.occurred_at, id: end.id } : undefined;
    },
  });

export function useActivities(f: ActivityFilters) {
  const { orgId } = useOrg();
  return useInfiniteQuery(activitiesQueryOptions(orgId, f));
}

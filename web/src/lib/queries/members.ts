// The organization's members: memberships joined with co-members' profiles
// (both readable to members under RLS), oldest first. The members screen and
// the agents screen's member picker share it.
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { OrgRole } from "./memberships";
import { supabase } from "../supabase";

export interface Member {
  userId: string;
  role: OrgRole;
  name: string;
  email: string | null;
  joinedAt: string;
}

export async function fetchMembers(orgId: string): Promise<Member[]> {
  const { data: rows, error } = await supabase.from("memberships")
    .select("user_id, role, created_at")
    .eq("org_id", orgId)
    .order("created_at");
  if (error) throw error;
  const memberships = (rows ?? []) as { user_id: string; role: OrgRole; created_at: string }[];
  if (!memberships.length) return [];
  const { data: profiles, error: e2 } = await supabase.from("profiles")
    .select("id, full_name, email")
    .in("id", memberships.map((m) => m.user_id));
  if (e2) throw e2;
  const byId = new Map(((profiles ?? []) as { id: string; full_name: string | null; email: string | null }[]).map((p) => [p.id, p]));
  return memberships.map((m) => {
    const p = byId.get(m.user_id);
    return { userId: m.user_id, role: m.role, name: p?.full_name || p?.email || "Member", email: p?.email ?? null, joinedAt: m.created_at };
  });
}

/** The single source of the key: member mutations invalidate it. */
export const membersQueryOptions = (orgId: string) =>
  queryOptions({
    queryKey: ["members", orgId] as const,
    queryFn: () => fetchMembers(orgId),
  });

export const useMembers = (orgId: string) => useQuery(membersQueryOptions(orgId));

// The organization's members: memberships joined with co-members' profiles
// (both readable to members under RLS).
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { OrgRole } from "../../../app/session";
import { supabase } from "../../../lib/supabase";

export interface OrgMember {
  userId: string;
  role: OrgRole;
  name: string;
  email: string | null;
  joinedAt: string;
}

export async function fetchOrgMembers(orgId: string): Promise<OrgMember[]> {
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

/** Every members query of an organization starts with this key (agent pickers too). */
export const membersBaseKey = (orgId: string) => ["members", orgId] as const;

export const orgMembersQueryOptions = (orgId: string) =>
  queryOptions({
    queryKey: [...membersBaseKey(orgId), "roster"],
    queryFn: () => fetchOrgMembers(orgId),
  });

export const useOrgMembers = (orgId: string) => useQuery(orgMembersQueryOptions(orgId));

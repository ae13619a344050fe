// Members of the organization an agent can be linked to: memberships and the
// co-members' profiles (both readable to members under RLS).
import { queryOptions, useQuery } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";

export interface Member {
  userId: string;
  role: string;
  name: string;
  email: string | null;
}

export async function fetchMembers(orgId: string): Promise<Member[]> {
  const { data: rows, error } = await supabase.from("memberships").select("user_id, role").eq("org_id", orgId);
  if (error) throw error;
  const memberships = (rows ?? []) as { user_id: string; role: string }[];
  if (!memberships.length) return [];
  const { data: profiles, error: e2 } = await supabase.from("profiles")
    .select("id, full_name, email")
    .in("id", memberships.map((m) => m.user_id));
  if (e2) throw e2;
  const byId = new Map(((profiles ?? []) as { id: string; full_name: string | null; email: string | null }[]).map((p) => [p.id, p]));
  return memberships
    .map((m) => {
      const p = byId.get(m.user_id);
      return { userId: m.user_id, role: m.role, name: p?.full_name || p?.email || "Member", email: p?.email ?? null };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export const membersQueryOptions = (orgId: string) =>
  queryOptions({
    queryKey: ["members", orgId],
    queryFn: () => fetchMembers(orgId),
  });

export const useMembers = (orgId: string) => useQuery(membersQueryOptions(orgId));

// Pending invitations of the organization (RLS: owners, admins, managers).
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { OrgRole } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";

export interface Invitation {
  id: string;
  email: string;
  role: OrgRole;
  expires_at: string;
  created_at: string;
}

export async function fetchInvitations(orgId: string): Promise<Invitation[]> {
  const { data, error } = await supabase.from("invitations")
    .select("id, email, role, expires_at, created_at")
    .eq("org_id", orgId)
    .is("accepted_at", null)
    .is("revoked_at", null)
    .gt("expires_at", new Date().toISOString())
    .order("created_at", { ascending: false });
  if (error) throw error;
  return (data ?? []) as Invitation[];
}

export const invitationsQueryOptions = (orgId: string) =>
  queryOptions({
    queryKey: ["invitations", orgId],
    queryFn: () => fetchInvitations(orgId),
  });

export const useInvitations = (orgId: string, enabled = true) => useQuery({ ...invitationsQueryOptions(orgId), enabled });

// The signed-in user's memberships (with each organization), the organization
// last chosen and whether they are SalesPulse staff: what the session is made of.
import { queryOptions } from "@tanstack/react-query";
import { supabase } from "../supabase";

export type OrgRole = "owner" | "admin" | "manager" | "agent";
export interface Membership {
  org_id: string;
  role: OrgRole;
  organization: { id: string; name: string; slug: string; currency: string; time_zone: string };
}

/** The single source of the key: joining, leaving or creating an organization invalidates it. */
export const membershipsQueryOptions = (userId: string | undefined) => queryOptions({
  queryKey: ["memberships", userId] as const,
  enabled: Boolean(userId),
  queryFn: async () => {
    const [{ data: rows, error }, { data: profile, error: e2 }, { data: staff, error: e3 }] = await Promise.all([
      supabase.from("memberships").select("org_id, role, organization:organizations(id, name, slug, currency, time_zone)")
        .eq("user_id", userId!).order("created_at"),
      supabase.from("profiles").select("current_org_id").eq("id", userId!).maybeSingle(),
      // RLS lets every user see their own platform_admins row, and only that.
      supabase.from("platform_admins").select("user_id").eq("user_id", userId!).maybeSingle(),
    ]);
    if (error) throw error;
    if (e2) throw e2;
    if (e3) throw e3;
    return {
      memberships: (rows ?? []) as unknown as Membership[],
      currentOrgId: profile?.current_org_id ?? null,
      isStaff: Boolean(staff),
    };
  },
});

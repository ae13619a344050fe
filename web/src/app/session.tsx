// The signed-in session (Supabase Auth) and the current organization with
// the user's role in it. Client-side roles only shape the UI; RLS decides.
import type { Session } from "@supabase/supabase-js";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { supabase } from "../lib/supabase";
import { useRouter } from "./router";

export type OrgRole = "owner" | "admin" | "manager" | "agent";
export interface Membership {
  org_id: string;
  role: OrgRole;
  organization: { id: string; name: string; slug: string; currency: string; time_zone: string };
}

interface SessionState {
  session: Session | null;
  loading: boolean;
  memberships: Membership[];
  current: Membership | null;
  membershipsLoading: boolean;
  membershipsError: unknown;
  /** SalesPulse staff (platform admin): the staff console is theirs. */
  isStaff: boolean;
  switchOrg: (orgId: string) => Promise<void>;
}

const Ctx = createContext<SessionState | null>(null);

export const membershipsQueryOptions = (userId: string | undefined) => ({
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

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [loading, setLoading] = useState(true);
  const qc = useQueryClient();
  useEffect(() => {
    supabase.auth.getSession().then(({ data }) => {
      setSession(data.session);
      setLoading(false);
    });
    const { data: sub } = supabase.auth.onAuthStateChange((_event, s) => {
      setSession(s);
      setLoading(false);
      if (!s) qc.clear();
    });
    return () => sub.subscription.unsubscribe();
  }, [qc]);

  const userId = session?.user?.id;
  const m = useQuery(membershipsQueryOptions(userId));
  const memberships = m.data?.memberships ?? [];
  const current = memberships.find((x) => x.org_id === m.data?.currentOrgId) ?? memberships[0] ?? null;

  const switchOrg = useCallback(async (orgId: string) => {
    const { error } = await supabase.rpc("set_current_organization", { p_org_id: orgId });
    if (error) throw error;
    // New claims for the UI; data is re-read for the new organization.
    await supabase.auth.refreshSession().catch(() => {});
    await qc.invalidateQueries();
  }, [qc]);

  const value = useMemo<SessionState>(() => ({
    session,
    loading,
    memberships,
    current,
    membershipsLoading: m.isPending && Boolean(userId),
    membershipsError: m.error,
    isStaff: m.data?.isStaff ?? false,
    switchOrg,
  }), [session, loading, memberships, current, m.isPending, m.error, m.data?.isStaff, userId, switchOrg]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession() {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error("useSession outside SessionProvider");
  return ctx;
}

/** The current organization; only rendered inside the authenticated shell. */
export function useOrg() {
  const { current } = useSession();
  if (!current) throw new Error("no current organization");
  const role = current.role;
  return {
    orgId: current.org_id,
    org: current.organization,
    role,
    isManager: role === "owner" || role === "admin" || role === "manager",
    isAdmin: role === "owner" || role === "admin",
  };
}

/**
 * Signs out: revokes the session at Auth; if Auth can't be reached, the
 * session is still dropped from this browser so the user is signed out here.
 */
export function useSignOut() {
  const { navigate } = useRouter();
  return useCallback(async (then: string = "/sign-in") => {
    const { error } = await supabase.auth.signOut();
    if (error) await supabase.auth.signOut({ scope: "local" });
    navigate(then, { replace: true });
  }, [navigate]);
}

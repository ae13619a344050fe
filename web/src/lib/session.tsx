// The signed-in session (Supabase Auth) and the current organization with
// the user's role in it. Client-side roles only shape the UI; RLS decides.
import type { Session } from "@supabase/supabase-js";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { entitlementsQueryOptions } from "./queries/entitlements";
import { type Membership, membershipsQueryOptions } from "./queries/memberships";
import { supabase } from "./supabase";
import { useRouter } from "./router";

export type { Membership, OrgRole } from "./queries/memberships";

interface SessionState {
  session: Session | null;
  loading: boolean;
  memberships: Membership[];
  current: Membership | null;
  membershipsLoading: boolean;
  membershipsError: unknown;
  /** SalesPulse staff (platform admin): the staff console is theirs. */
  isStaff: boolean;
  /**
   * The current organization's plan features (org_entitlements), fetched once
   * with the session; null while unknown (loading or failed): screens then
   * show everything and SQL decides.
   */
  features: string[] | null;
  switchOrg: (orgId: string) => Promise<void>;
}

const Ctx = createContext<SessionState | null>(null);

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
  const ent = useQuery({ ...entitlementsQueryOptions(current?.org_id ?? ""), enabled: Boolean(current), staleTime: 5 * 60_000 });
  const features = ent.data?.features ?? null;

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
    features,
    switchOrg,
  }), [session, loading, memberships, current, m.isPending, m.error, m.data?.isStaff, userId, switchOrg, features]);
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

/** Whether the plan includes `feature`; true while the plan is unknown (SQL stays the authority). */
export function useFeature(feature: string): boolean {
  const { features } = useSession();
  return features == null || features.includes(feature);
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

// Who is calling a function: the claims of the bearer token (verify_jwt has
// checked its signature before the function runs), and the caller's role in
// an organization — read through PostgREST with the caller's own JWT, so RLS
// decides (a member who was removed a second ago is refused).
import type { Db } from "./clients.ts";

/** The claims SalesPulse reads; Supabase's tokens carry more. */
export interface Claims {
  sub?: unknown;
  role?: unknown;
  [claim: string]: unknown;
}

export interface Caller {
  userId: string;
  role: "owner" | "admin" | "manager" | "agent" | null;
}

/** The payload of the request's bearer token; null without one or when it is not JSON. */
export function bearerClaims(req: Request): Claims | null {
  const m = /^Bearer\s+[^.]+\.([^.]+)\./i.exec(req.headers.get("Authorization") ?? "");
  if (!m) return null;
  try {
    const binary = atob(m[1].replace(/-/g, "+").replace(/_/g, "/"));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    return claims !== null && typeof claims === "object" && !Array.isArray(claims) ? claims : null;
  } catch {
    return null;
  }
}

/** The signed-in user's id; null for the anon and service keys. */
export function jwtSub(req: Request): string | null {
  const claims = bearerClaims(req);
  return typeof claims?.sub === "string" && claims.role === "authenticated" ? claims.sub : null;
}

/** The token's role claim (`authenticated`, `anon`, `service_role`). */
export function jwtRole(req: Request): string | null {
  const role = bearerClaims(req)?.role;
  return typeof role === "string" ? role : null;
}

/** The caller and their role in the organization; null when not signed in. `db` carries the caller's JWT. */
export async function callerInOrg(db: Db, req: Request, orgId: string): Promise<Caller | null> {
  const userId = jwtSub(req);
  if (!userId) return null;
  const { data, error } = await db
    .from("memberships").select("role").eq("org_id", orgId).eq("user_id", userId).maybeSingle();
  if (error) throw new Error(`membership lookup failed: ${error.message}`);
  return { userId, role: (data?.role ?? null) as Caller["role"] };
}

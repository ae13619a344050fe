// Who is calling a user-facing function, and in which role for an
// organization — read through PostgREST with the caller's own JWT, so RLS
// decides (a member who was removed a second ago is refused).
import { userClient } from "./clients.ts";

export interface Caller {
  userId: string;
  role: "owner" | "admin" | "manager" | "agent" | null;
}

export function jwtSub(req: Request): string | null {
  const m = /^Bearer\s+[^.]+\.([^.]+)\./i.exec(req.headers.get("Authorization") ?? "");
  if (!m) return null;
  try {
    const claims = JSON.parse(atob(m[1].replace(/-/g, "+").replace(/_/g, "/")));
    return typeof claims.sub === "string" && claims.role === "authenticated" ? claims.sub : null;
  } catch {
    return null;
  }
}

export async function callerInOrg(req: Request, orgId: string): Promise<Caller | null> {
  const userId = jwtSub(req);
  if (!userId) return null;
  const { data, error } = await userClient(req)
    .from("memberships").select("role").eq("org_id", orgId).eq("user_id", userId).maybeSingle();
  if (error) throw new Error(`membership lookup failed: ${error.message}`);
  return { userId, role: (data?.role ?? null) as Caller["role"] };
}

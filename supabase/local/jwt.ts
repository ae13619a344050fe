// HS256 JWT verification with the project's secret (what Supabase's edge
// runtime does for verify_jwt, and what PostgREST does for every request).
import { jwtVerify } from "jose";
import { JWT_SECRET } from "./config.ts";

const key = new TextEncoder().encode(JWT_SECRET);

export type JwtCheck =
  | { ok: true; claims: Record<string, unknown> }
  | { ok: false; reason: string };

export async function verifyBearer(authorization: string | null): Promise<JwtCheck> {
  if (!authorization) return { ok: false, reason: "Missing authorization header" };
  const m = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!m) return { ok: false, reason: "Invalid authorization header" };
  try {
    const { payload } = await jwtVerify(m[1], key, { algorithms: ["HS256"] });
    return { ok: true, claims: payload as Record<string, unknown> };
  } catch {
    return { ok: false, reason: "Invalid JWT" };
  }
}

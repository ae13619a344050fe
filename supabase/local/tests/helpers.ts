// Helpers for tests that run against a live local-stack instance. The test
// runner exports SUPABASE_URL / SUPABASE_DB_URL / keys of the test instance.
import { SignJWT } from "jose";
import postgres from "postgres";
import { ANON_KEY, JWT_SECRET, SERVICE_ROLE_KEY } from "../config.ts";

export const API_URL = Deno.env.get("SUPABASE_URL") ?? "http://127.0.0.1:55321";
export const DB_URL = Deno.env.get("SUPABASE_DB_URL") ??
  "postgresql://postgres:postgres@127.0.0.1:55322/postgres";
export { ANON_KEY, SERVICE_ROLE_KEY };

/** A superuser connection for arranging and inspecting state. */
export function db() {
  return postgres(DB_URL, { max: 2, onnotice: () => {} });
}

/** Sign a JWT with the project's secret, as Supabase Auth would. */
export async function signJwt(
  claims: Record<string, unknown>,
  opts: { expiresIn?: string | number; secret?: string } = {},
): Promise<string> {
  return await new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? "1h")
    .sign(new TextEncoder().encode(opts.secret ?? JWT_SECRET));
}

export async function poll<T>(
  what: string,
  fn: () => Promise<T | null | undefined>,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

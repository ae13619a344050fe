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

/** The password of every demo user (supabase/seed.sql) and of users the tests create. */
export const DEMO_PASSWORD = "salespulse-demo";
const tokens = new Map<string, Promise<string>>();

/**
 * An access token for `user` (an id or an email), from a real password
 * sign-in through the gateway's /auth/v1 — Auth's own token, hook claims
 * included. Cached per user for the test process.
 */
export function accessToken(user: string): Promise<string> {
  let t = tokens.get(user);
  if (!t) {
    t = (async () => {
      let email = user;
      if (!user.includes("@")) {
        const sql = db();
        try {
          const [u] = await sql`select email from auth.users where id = ${user}`;
          if (!u) throw new Error(`no auth user ${user}`);
          email = u.email;
        } finally {
          await sql.end();
        }
      }
      const res = await fetch(`${API_URL}/auth/v1/token?grant_type=password`, {
        method: "POST",
        headers: { apikey: ANON_KEY, "content-type": "application/json" },
        body: JSON.stringify({ email, password: DEMO_PASSWORD }),
      });
      const body = await res.json();
      if (!res.ok) throw new Error(`sign-in of ${email} failed: ${res.status} ${JSON.stringify(body)}`);
      return body.access_token as string;
    })();
    t.catch(() => tokens.delete(user));
    tokens.set(user, t);
  }
  return t;
}

/** A confirmed user created through Auth's admin API (password DEMO_PASSWORD). */
export async function createAuthUser(email = `user.${crypto.randomUUID().slice(0, 8)}@tests.test`): Promise<{ id: string; email: string }> {
  const res = await fetch(`${API_URL}/auth/v1/admin/users`, {
    method: "POST",
    headers: { apikey: SERVICE_ROLE_KEY, authorization: `Bearer ${SERVICE_ROLE_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ email, password: DEMO_PASSWORD, email_confirm: true }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`creating ${email} failed: ${res.status} ${JSON.stringify(body)}`);
  return { id: body.id, email };
}

/** Calls an RPC through the gateway as `user` (an id or an email), signed in through Auth. */
export async function rpcAs(user: string, fn: string, args: unknown): Promise<{ status: number; body: any }> {
  const token = await accessToken(user);
  const res = await fetch(`${API_URL}/rest/v1/rpc/${fn}`, {
    method: "POST",
    headers: { apikey: ANON_KEY, authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(args),
  });
  return { status: res.status, body: await res.json() };
}

/** Wakes the process-jobs worker, as the pg_cron sweep does. */
export async function kickWorker(): Promise<void> {
  const r = await fetch(`${API_URL}/functions/v1/process-jobs`, {
    method: "POST",
    headers: { authorization: `Bearer ${SERVICE_ROLE_KEY}`, "content-type": "application/json" },
    body: "{}",
  });
  await r.body?.cancel();
}

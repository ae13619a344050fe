// Helpers for the e2e suite: sessions, the database through the service
// role, screenshots.
//
// Sessions: when the stack runs Supabase Auth (SALESPULSE_AUTH_PORT is set,
// see README "Supabase Auth"), every test signs in through the real sign-in
// form. Where this machine has no Auth binary, the suite signs the session's
// access token itself with the project's JWT secret — the same HS256 token
// Auth would issue, verified by the same PostgREST/functions — and puts it
// where supabase-js keeps its session. Everything after sign-in is the real
// app against the real API either way.
import { createHmac, randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { Page } from "@playwright/test";

export const API_URL = process.env.SUPABASE_URL ?? "http://127.0.0.1:55321";
export const ANON_KEY = process.env.SUPABASE_ANON_KEY!;
export const SERVICE_KEY = process.env.SUPABASE_SERVICE_ROLE_KEY!;
const SECRET = process.env.SUPABASE_JWT_SECRET ?? "super-secret-jwt-token-with-at-least-32-characters-long";
export const SHOTS = process.env.E2E_SCREENSHOTS ?? "../../.local/screenshots";
/** Supabase Auth runs in this stack: sign in for real. */
export const AUTH = !!process.env.SALESPULSE_AUTH_PORT;
export const NO_AUTH_REASON = "Supabase Auth is not running in this stack (no Auth binary; see README, \"Supabase Auth\")";
export const MAIL_URL = process.env.SALESPULSE_MAIL_URL ?? "http://127.0.0.1:55324";
export const DEMO_PASSWORD = "salespulse-demo";

export const USERS = {
  acmeOwner: { id: "a0000000-0000-4000-8000-000000000001", email: "owner@acme.test" },
  acmeManager: { id: "a0000000-0000-4000-8000-000000000003", email: "manager@acme.test" },
  globexManager: { id: "b0000000-0000-4000-8000-000000000002", email: "manager@globex.test" },
  staff: { id: "c0000000-0000-4000-8000-000000000001", email: "staff@salespulse.test" },
};

const b64 = (o: unknown) => Buffer.from(typeof o === "string" ? o : JSON.stringify(o)).toString("base64url");

export function accessToken(user: { id: string; email: string }, ttl = 3600) {
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: "HS256", typ: "JWT" });
  const body = b64({
    sub: user.id, email: user.email, role: "authenticated", aud: "authenticated", iat: now, exp: now + ttl,
    session_id: randomUUID(), app_metadata: { provider: "email", providers: ["email"] }, user_metadata: {},
  });
  const sig = createHmac("sha256", SECRET).update(`${head}.${body}`).digest("base64url");
  return { token: `${head}.${body}.${sig}`, exp: now + ttl };
}

/** Signs `user` in (through the form when Auth runs), then opens `path`. */
export async function signInAs(page: Page, user: { id: string; email: string }, path = "/app") {
  if (AUTH) {
    await signInWithForm(page, user.email, DEMO_PASSWORD);
    await page.goto(path);
    return;
  }
  const { token, exp } = accessToken(user);
  const key = `sb-${new URL(API_URL).hostname.split(".")[0]}-auth-token`;
  const session = {
    access_token: token, token_type: "bearer", expires_in: 3600, expires_at: exp, refresh_token: randomUUID(),
    user: { id: user.id, aud: "authenticated", role: "authenticated", email: user.email, app_metadata: { provider: "email" }, user_metadata: {}, created_at: new Date().toISOString() },
  };
  await page.goto("/");
  await page.evaluate(([k, v]) => localStorage.setItem(k, v), [key, JSON.stringify(session)]);
  await page.goto(path);
}

/** The real sign-in form, through Supabase Auth. */
export async function signInWithForm(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/app/);
}

/** The newest email the mail catcher holds for `to` (Auth's emails land there). */
export async function lastMailTo(to: string): Promise<{ subject: string; html: string; text: string } | null> {
  const res = await fetch(`${MAIL_URL}/email`);
  if (!res.ok) throw new Error(`mail catcher: ${res.status}`);
  const all = await res.json() as { subject: string; html: string; text: string; to: { address: string }[] }[];
  return all.filter((m) => m.to.some((t) => t.address === to)).at(-1) ?? null;
}

/** Reads through PostgREST with the service role (the test's view of the rows). */
export async function rest<T = unknown>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${API_URL}/rest/v1/${path}`, {
    ...init,
    headers: { apikey: SERVICE_KEY, authorization: `Bearer ${SERVICE_KEY}`, "content-type": "application/json", ...(init.headers ?? {}) },
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return await res.json() as T;
}

export async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

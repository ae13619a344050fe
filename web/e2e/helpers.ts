// Helpers for the e2e suite: sessions, the database through the service
// role, screenshots.
//
// Sessions: every test signs in through the real sign-in form, against the
// Auth the stack runs (Supabase Auth or its local stand-in).
import { mkdirSync } from "node:fs";
import type { Page } from "@playwright/test";

export const API_URL = process.env.SUPABASE_URL ?? "http://127.0.0.1:55321";
export const ANON_KEY = process.env.SUPABASE_ANON_KEY!;
export const SERVICE_KEY = process.env.SUPABASE_SERVICE_ROLE_KEY!;
export const SHOTS = process.env.E2E_SCREENSHOTS ?? "../../.local/screenshots";
export const MAIL_URL = process.env.SALESPULSE_MAIL_URL ?? "http://127.0.0.1:55324";
export const DEMO_PASSWORD = "salespulse-demo";

/** Signs `user` in through the form, then opens `path`. */
export async function signInAs(page: Page, user: { id: string; email: string }, path = "/app") {
  await signInWithForm(page, user.email, DEMO_PASSWORD);
  await page.goto(path);
}

/** The real sign-in form, through Supabase Auth. */
export async function signInWithForm(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // Staff without an organization are sent on from /app to /staff at once:
  // wait for either, not for /app alone (which may never be seen).
  await page.waitForURL(/\/(app|staff)(\/|\?|$)/);
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
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** An access token for `user` from Auth's password grant (what the sign-in form gets). */
export async function tokenFor(user: { email: string }): Promise<string> {
  const res = await fetch(`${API_URL}/auth/v1/token?grant_type=password`, {
    method: "POST", headers: { apikey: ANON_KEY, "content-type": "application/json" },
    body: JSON.stringify({ email: user.email, password: DEMO_PASSWORD }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`signing in ${user.email}: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** PostgREST as a signed-in user (their token): what RLS and the grants let them do. */
export async function restAs<T = unknown>(user: { email: string }, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${API_URL}/rest/v1/${path}`, {
    ...init,
    headers: { apikey: ANON_KEY, authorization: `Bearer ${await tokenFor(user)}`, "content-type": "application/json", ...(init.headers ?? {}) },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path} as ${user.email}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

export async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

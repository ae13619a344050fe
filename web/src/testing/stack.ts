/// <reference types="node" />
// For Vitest tests of the SPA's data layer (the features' api/ fetchers and
// mutations, lib/queries) against the real test stack: the SPA's own
// supabase-js client, signed in through Auth as a user of the test's own
// tenant, reads and writes through the gateway, PostgREST and RLS. `npm test`
// and `npm run mutate` run them with the stack up (SUPABASE_URL,
// SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY of the test instance).
//
// Import this module FIRST in a test file (before anything that imports
// lib/supabase): it points the SPA's configuration at the stack.
const URL = process.env.SUPABASE_URL;
const ANON = process.env.SUPABASE_ANON_KEY;
const SERVICE = process.env.SUPABASE_SERVICE_ROLE_KEY;
if (!URL || !ANON || !SERVICE) {
  throw new Error("these tests need the test stack: run them with `npm test -- vitest` (or set SUPABASE_URL, SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY of a running stack)");
}
process.env.VITE_SUPABASE_URL = URL;
process.env.VITE_SUPABASE_ANON_KEY = ANON;

export const PASSWORD = "salespulse-demo";
export type Role = "owner" | "admin" | "manager" | "agent";
export interface User { id: string; email: string }

const tag = () => Math.random().toString(36).slice(2, 10);
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join("");

/** PostgREST with the service role: how a test arranges and reads back rows. */
export async function admin<T = unknown>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${URL}/rest/v1/${path}`, {
    ...init,
    headers: { apikey: SERVICE!, authorization: `Bearer ${SERVICE}`, "content-type": "application/json", prefer: "return=representation", ...(init.headers ?? {}) },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}
const insert = async <T = { id: string }>(table: string, row: unknown): Promise<T> =>
  (await admin<T[]>(table, { method: "POST", body: JSON.stringify(row) }))[0];

/** A confirmed user (Auth's admin API) who signs in with PASSWORD. */
export async function createUser(label = "user"): Promise<User> {
  const email = `${label}.${tag()}@vitest.test`;
  const res = await fetch(`${URL}/auth/v1/admin/users`, {
    method: "POST",
    headers: { apikey: SERVICE!, authorization: `Bearer ${SERVICE}`, "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, email_confirm: true }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`creating ${email}: ${res.status} ${JSON.stringify(body)}`);
  return { id: body.id, email };
}

/** A member of `orgId` (a new user unless given); it becomes their current organization if they had none. */
export async function addMember(orgId: string, role: Role, user?: User): Promise<User> {
  const u = user ?? await createUser(role);
  await admin("memberships", { method: "POST", body: JSON.stringify({ org_id: orgId, user_id: u.id, role }) });
  await admin(`profiles?id=eq.${u.id}&current_org_id=is.null`, { method: "PATCH", body: JSON.stringify({ current_org_id: orgId }) });
  return u;
}

/** An organization of the test's own with an owner; `room` lifts the free plan's limits. */
export async function createOrg(opts: { name?: string; room?: boolean } = {}): Promise<{ id: string; name: string; owner: User }> {
  const name = opts.name ?? `Vitest ${tag()}`;
  const org = await insert("organizations", { name, slug: `vitest-${tag()}` });
  if (opts.room ?? true) {
    await admin("feature_flags", {
      method: "POST",
      body: JSON.stringify([["seats", 25], ["phone_numbers", 10], ["analyzed_minutes_per_month", 100000]]
        .map(([key, limit]) => ({ org_id: org.id, key, limit_value: limit, note: "vitest" }))),
    });
  }
  const owner = await addMember(org.id, "owner");
  return { id: org.id, name, owner };
}

export async function createAgent(orgId: string, name: string, fields: { user_id?: string; active?: boolean } = {}) {
  return await insert<{ id: string; name: string; phone: string }>("agents", { org_id: orgId, name, phone: "+1555" + digits(7), ...fields });
}

/** Signs the SPA's own client in as `user` (through Auth, like the sign-in form). */
export async function signIn(user: User): Promise<void> {
  const { supabase } = await import("../lib/supabase");
  const { error } = await supabase.auth.signInWithPassword({ email: user.email, password: PASSWORD });
  if (error) throw error;
}

export interface CallSeed {
  started_at: string;
  agent_id?: string | null;
  status?: string;
  /** Its current analysis; the call has none when left out. */
  insight?: { converted?: boolean; upsell_amount?: number; sentiment_label?: string; sentiment_score?: number; adherence_score?: number | null };
}

/** Calls of `orgId` written straight to the tables (no recording, no pipeline); their ids, in order. */
export async function insertCalls(orgId: string, seeds: CallSeed[]): Promise<string[]> {
  const rows = seeds.map((s) => ({
    id: crypto.randomUUID(), org_id: orgId, twilio_call_sid: `CA${crypto.randomUUID().replaceAll("-", "")}`,
    status: s.status ?? "analyzed", started_at: s.started_at, duration_seconds: 60, agent_id: s.agent_id ?? null,
  }));
  await admin("calls", { method: "POST", body: JSON.stringify(rows) });
  const analyses = seeds.flatMap((s, i) => s.insight
    ? [{
      org_id: orgId, call_id: rows[i].id, run_key: "vitest", analyzer: "offline", model: "vitest", prompt_version: "vitest",
      summary: `call ${i}`, data: {}, converted: false, upsell_amount: 0, sentiment_label: "neutral", sentiment_score: 0,
      adherence_score: null, ...s.insight, // every row the same keys: PostgREST's bulk insert wants them
    }]
    : []);
  if (analyses.length) await admin("insights", { method: "POST", body: JSON.stringify(analyses) });
  return rows.map((r) => r.id);
}

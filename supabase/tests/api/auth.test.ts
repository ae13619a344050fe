// Supabase Auth in the stack, through supabase-js and the gateway: the demo
// users sign in with the seeded password, the Custom Access Token Hook adds
// the organization claims, the token is accepted by PostgREST under RLS,
// refresh and sign-out behave, and a new sign-up gets its profile row.
// These need the Auth server (see README, "Supabase Auth"); without it they
// are reported as ignored, and only the gateway's 503 is checked.
import assert from "node:assert/strict";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { ANON_KEY, API_URL, db } from "../../local/tests/helpers.ts";

const AUTH = !!Deno.env.get("SALESPULSE_AUTH_PORT");
const ACME = "0a000000-0000-4000-8000-000000000001";
const GLOBEX = "0b000000-0000-4000-8000-000000000001";
const PASSWORD = "salespulse-demo";

function client(): SupabaseClient {
  return createClient(API_URL, ANON_KEY, { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } });
}
function claims(token: string) {
  return JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
}

Deno.test({
  name: "auth: a demo user signs in; the token carries the hook's claims and RLS scopes it to its organization",
  ignore: !AUTH,
  async fn() {
    const sb = client();
    const { data, error } = await sb.auth.signInWithPassword({ email: "manager@acme.test", password: PASSWORD });
    assert.equal(error, null);
    const c = claims(data.session!.access_token);
    assert.equal(c.role, "authenticated");
    assert.equal(c.org_id, ACME);
    assert.equal(c.org_role, "manager");
    assert.equal(c.is_platform_admin, false);
    const { data: orgs, error: e2 } = await sb.from("organizations").select("id");
    assert.equal(e2, null);
    assert.deepEqual(orgs!.map((o) => o.id), [ACME]);
    const { data: foreign } = await sb.from("calls").select("id").eq("org_id", GLOBEX);
    assert.deepEqual(foreign, []);
    await sb.auth.signOut();
  },
});

Deno.test({
  name: "auth: a wrong password is refused with invalid_credentials and no session",
  ignore: !AUTH,
  async fn() {
    const { data, error } = await client().auth.signInWithPassword({ email: "manager@acme.test", password: "wrong-password" });
    assert.equal(data.session, null);
    assert.equal(error?.status, 400);
    assert.equal(error?.code, "invalid_credentials");
  },
});

Deno.test({
  name: "auth: the refresh token rotates; after sign-out it is refused",
  ignore: !AUTH,
  async fn() {
    const sb = client();
    const { data } = await sb.auth.signInWithPassword({ email: "owner@globex.test", password: PASSWORD });
    const first = data.session!;
    const { data: refreshed, error } = await sb.auth.refreshSession({ refresh_token: first.refresh_token });
    assert.equal(error, null);
    assert.notEqual(refreshed.session!.refresh_token, first.refresh_token);
    assert.equal(claims(refreshed.session!.access_token).org_id, GLOBEX);
    await sb.auth.signOut();
    const { error: after } = await client().auth.refreshSession({ refresh_token: refreshed.session!.refresh_token });
    assert.ok(after, "a signed-out session's refresh token must be refused");
  },
});

Deno.test({
  name: "auth: a sign-up gets a profile row, no organization, and sees no one else's data",
  ignore: !AUTH,
  async fn() {
    const email = `new.${crypto.randomUUID().slice(0, 8)}@example.test`;
    const sb = client();
    const { data, error } = await sb.auth.signUp({ email, password: "a-long-password", options: { data: { full_name: "New Person" } } });
    assert.equal(error, null);
    assert.ok(data.session, "email confirmations are off locally (config.toml), so sign-up signs in");
    const c = claims(data.session!.access_token);
    assert.equal(c.org_id ?? null, null);
    const sql = db();
    try {
      const [p] = await sql`select email, full_name from public.profiles where id = ${data.user!.id}`;
      assert.deepEqual({ ...p }, { email, full_name: "New Person" });
    } finally {
      await sql.end();
    }
    const orgs = await sb.from("organizations").select("id");
    assert.equal(orgs.error, null);
    assert.deepEqual(orgs.data, []);
    const calls = await sb.from("calls").select("id");
    assert.equal(calls.error, null);
    assert.deepEqual(calls.data, []);
  },
});

Deno.test({
  name: "auth: config.toml's password rule holds: 7 characters are refused as weak_password, and nothing is created",
  ignore: !AUTH,
  async fn() {
    const email = `weak.${crypto.randomUUID().slice(0, 8)}@example.test`;
    const { data, error } = await client().auth.signUp({ email, password: "1234567" });
    assert.equal(error?.code, "weak_password");
    assert.equal(data.user, null);
    const sql = db();
    try {
      const [n] = await sql`select count(*)::int as n from auth.users where email = ${email}`;
      assert.equal(n.n, 0);
    } finally {
      await sql.end();
    }
  },
});

Deno.test({
  name: "auth: switching organization and refreshing the session moves the claims and the dashboard's scope",
  ignore: !AUTH,
  async fn() {
    const sql = db();
    const uid = "b0000000-0000-4000-8000-000000000002"; // manager@globex.test
    await sql`insert into public.memberships (org_id, user_id, role) values (${ACME}, ${uid}, 'manager') on conflict do nothing`;
    try {
      const sb = client();
      const { data } = await sb.auth.signInWithPassword({ email: "manager@globex.test", password: PASSWORD });
      assert.equal(claims(data.session!.access_token).org_id, GLOBEX);
      const kpis = async () => (await sb.rpc("dashboard_kpis", { p_from: "2000-01-01", p_to: "2100-01-01" })).data as { calls: number };
      const [acmeCalls] = await sql`select count(*)::int as n from public.calls where org_id = ${ACME}`;
      const [globexCalls] = await sql`select count(*)::int as n from public.calls where org_id = ${GLOBEX}`;
      assert.equal((await kpis()).calls, globexCalls.n);

      const { error } = await sb.rpc("set_current_organization", { p_org_id: ACME });
      assert.equal(error, null);
      const { data: refreshed } = await sb.auth.refreshSession();
      const c = claims(refreshed.session!.access_token);
      assert.equal(c.org_id, ACME);
      assert.equal(c.org_role, "manager");
      assert.equal((await kpis()).calls, acmeCalls.n);
      await sb.auth.signOut();
    } finally {
      await sql`update public.profiles set current_org_id = ${GLOBEX} where id = ${uid}`;
      await sql`delete from public.memberships where org_id = ${ACME} and user_id = ${uid}`;
      await sql.end();
    }
  },
});

Deno.test({
  name: "auth: without the Auth server the gateway answers 503 auth_unavailable",
  ignore: AUTH,
  async fn() {
    const res = await fetch(`${API_URL}/auth/v1/token?grant_type=password`, {
      method: "POST",
      headers: { apikey: ANON_KEY, "content-type": "application/json" },
      body: JSON.stringify({ email: "manager@acme.test", password: PASSWORD }),
    });
    assert.equal(res.status, 503);
    assert.equal((await res.json()).error.code, "auth_unavailable");
  },
});

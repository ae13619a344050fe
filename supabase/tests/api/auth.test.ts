// The Auth contract: what supabase-js (auth-js), the SPA and our SQL rely on
// from Supabase Auth, checked against whichever Auth the stack runs — the
// official binary or the local stand-in (supabase/local/auth.ts picks) —
// through the gateway and through supabase-js. Run it against the real
// server with SUPABASE_AUTH_BIN=<binary> npm test -- deno (README, "Supabase Auth").
//
// Rate limits, the email frequency rule and failing hooks are checked on a
// second Auth of the same kind that this file starts on its own port,
// configured exactly from supabase/config.toml (the test instance relaxes the
// limits for the other suites).
import assert from "node:assert/strict";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { recordedAuth, standInEntry } from "../../local/auth.ts";
import { instance, sandboxProviderEnv } from "../../local/config.ts";
import { authEnv } from "../../local/services.ts";
import { ANON_KEY, API_URL, db, DEMO_PASSWORD, poll, SERVICE_ROLE_KEY, signJwt } from "../../local/tests/helpers.ts";
import { addMember, createCall, createOrg, createUser } from "./fixtures.ts";

const AUTH = `${API_URL}/auth/v1`;
const MAIL = Deno.env.get("SALESPULSE_MAIL_URL") ?? "http://127.0.0.1:55324";
// The demo seed's Acme and Globex (supabase/seed.sql): only the first
// sign-in test uses them, to check that the seeded demo logins work and carry
// the hook's claims for their organization. Every other test makes its own
// users and organizations (fixtures.ts) or signs up fresh addresses.
const DEMO_ACME = "0a000000-0000-4000-8000-000000000001";
const DEMO_GLOBEX = "0b000000-0000-4000-8000-000000000001";
const PASSWORD = DEMO_PASSWORD;
const SITE = `http://127.0.0.1:${instance("test").ports.web}`;

function client(opts: { flowType?: "implicit" | "pkce" } = {}): SupabaseClient {
  return createClient(API_URL, ANON_KEY, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false, flowType: opts.flowType ?? "implicit" },
  });
}
const admin = () => createClient(API_URL, SERVICE_ROLE_KEY, { auth: { persistSession: false, autoRefreshToken: false } });
const claims = (token: unknown) => JSON.parse(atob(String(token).split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
const fresh = (tag: string) => `${tag}.${crypto.randomUUID().slice(0, 8)}@contract.test`;

async function raw(path: string, init: RequestInit & { newErrors?: boolean; token?: string } = {}) {
  const headers = new Headers(init.headers);
  headers.set("apikey", ANON_KEY);
  if (init.body) headers.set("content-type", "application/json");
  if (init.newErrors !== false) headers.set("x-supabase-api-version", "2024-01-01");
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  const res = await fetch(`${AUTH}${path}`, { ...init, headers, redirect: "manual" });
  const text = await res.text();
  return { res, body: text ? JSON.parse(text) : null };
}

interface Mail {
  subject: string;
  html: string;
  to: { address: string }[];
  date: string;
}
/** The newest email to `to` in the mail catcher whose subject matches, waiting for it. */
async function mailTo(to: string, subject: RegExp, after = 0): Promise<Mail> {
  return await poll(`an email "${subject}" to ${to}`, async () => {
    const all = await (await fetch(`${MAIL}/email`)).json() as Mail[];
    return all.filter((m) => m.to.some((t) => t.address === to) && subject.test(m.subject) && Date.parse(m.date) >= after)
      .at(-1);
  }, 15_000, 200);
}
async function mailsTo(to: string): Promise<Mail[]> {
  const all = await (await fetch(`${MAIL}/email`)).json() as Mail[];
  return all.filter((m) => m.to.some((t) => t.address === to));
}
/** The verification link in an email (the HTML escapes `&`). */
function linkIn(mail: Mail): URL {
  const m = /href="([^"]*\/auth\/v1\/verify\?[^"]*)"/.exec(mail.html);
  assert.ok(m, `no verification link in: ${mail.html.slice(0, 400)}`);
  return new URL(m[1].replace(/&amp;/g, "&"));
}
/** Follows a verification link as a browser would, without going past the redirect. */
async function follow(link: URL): Promise<{ location: URL; fragment: URLSearchParams }> {
  const res = await fetch(link, { redirect: "manual" });
  await res.body?.cancel();
  assert.equal(res.status, 303, `verify answered ${res.status}`);
  const location = new URL(res.headers.get("location")!);
  return { location, fragment: new URLSearchParams(location.hash.slice(1)) };
}

async function signUpConfirmed(email: string, password = "a-long-password"): Promise<void> {
  const { error } = await admin().auth.admin.createUser({ email, password, email_confirm: true });
  assert.equal(error, null);
}

// --- service discovery ----------------------------------------------------------

Deno.test("auth contract: /health and /settings answer without a key, in GoTrue's shapes", async () => {
  const health = await (await fetch(`${AUTH}/health`)).json();
  assert.equal(health.name, "GoTrue");
  assert.equal(typeof health.version, "string");
  const settings = await (await fetch(`${AUTH}/settings`)).json();
  assert.equal(settings.external.email, true);
  assert.equal(settings.external.phone, false);
  assert.equal(settings.disable_signup, false);
  assert.equal(settings.mailer_autoconfirm, false, "config.toml turns email confirmations on");
  for (const k of ["phone_autoconfirm", "sms_provider", "saml_enabled"]) assert.ok(k in settings, k);
});

// --- password sign-in, tokens, the hook ---------------------------------------------

Deno.test("auth contract: a demo user signs in; session and token have GoTrue's fields and the hook's claims; RLS scopes them", async () => {
  const sb = client();
  const { data, error } = await sb.auth.signInWithPassword({ email: "manager@acme.test", password: PASSWORD });
  assert.equal(error, null);
  const s = data.session!;
  assert.equal(s.token_type, "bearer");
  assert.equal(s.expires_in, 3600);
  assert.ok(Math.abs(s.expires_at! - (Date.now() / 1000 + 3600)) < 30);
  assert.match(s.refresh_token, /^[a-z0-9]{12,}$/);
  const c = claims(s.access_token);
  for (const k of ["iss", "sub", "aud", "exp", "iat", "email", "phone", "app_metadata", "user_metadata", "role", "aal", "amr", "session_id", "is_anonymous"]) {
    assert.ok(k in c, `claim ${k}`);
  }
  assert.equal(c.iss, `${API_URL}/auth/v1`);
  // Supabase Auth serialises `aud` as ["authenticated"] in the first token
  // after it starts (its JWT library's array default applies until its first
  // signature) and as a string afterwards; both verify the same.
  assert.deepEqual([c.aud].flat(), ["authenticated"]);
  assert.equal(c.role, "authenticated");
  assert.equal(c.aal, "aal1");
  assert.equal(c.amr[0].method, "password");
  assert.equal(c.is_anonymous, false);
  assert.deepEqual(c.app_metadata, { provider: "email", providers: ["email"] });
  // The Custom Access Token Hook's claims.
  assert.equal(c.org_id, DEMO_ACME);
  assert.equal(c.org_role, "manager");
  assert.equal(c.is_platform_admin, false);
  const u = data.user!;
  assert.equal(u.email, "manager@acme.test");
  assert.ok(u.email_confirmed_at && u.last_sign_in_at && u.created_at);
  assert.equal(u.identities?.[0]?.provider, "email");
  const { data: orgs } = await sb.from("organizations").select("id");
  assert.deepEqual(orgs!.map((o) => o.id), [DEMO_ACME]);
  const { data: foreign } = await sb.from("calls").select("id").eq("org_id", DEMO_GLOBEX);
  assert.deepEqual(foreign, []);
  await sb.auth.signOut();
});

Deno.test("auth contract: errors come as {code, message} with the API version echoed, or the legacy shape without it", async () => {
  const { email } = await createUser("errors");
  const body = JSON.stringify({ email, password: "wrong-password" });
  const now = await raw("/token?grant_type=password", { method: "POST", body });
  assert.equal(now.res.status, 400);
  assert.deepEqual(now.body, { code: "invalid_credentials", message: "Invalid login credentials" });
  assert.equal(now.res.headers.get("x-supabase-api-version"), "2024-01-01");
  const legacy = await raw("/token?grant_type=password", { method: "POST", body, newErrors: false });
  assert.equal(legacy.res.status, 400);
  assert.deepEqual(legacy.body, { code: 400, error_code: "invalid_credentials", msg: "Invalid login credentials" });
  assert.equal(legacy.res.headers.get("x-supabase-api-version"), null);
  // supabase-js reads the code.
  const { data, error } = await client().auth.signInWithPassword({ email, password: "wrong-password" });
  assert.equal(data.session, null);
  assert.equal(error?.status, 400);
  assert.equal(error?.code, "invalid_credentials");
  const unknown = await raw("/token?grant_type=password", { method: "POST", body: JSON.stringify({ email: "nobody@contract.test", password: "x-long-password" }) });
  assert.equal(unknown.body.code, "invalid_credentials", "an unknown address is not told apart from a wrong password");
  const empty = await raw("/signup", { method: "POST", body: " " });
  assert.equal(empty.res.status, 400);
  assert.equal(empty.body.code, "bad_json");
  const grant = await raw("/token?grant_type=magic", { method: "POST", body: "{}" });
  assert.equal(grant.res.status, 400);
  assert.equal(grant.body.code, "invalid_credentials");
});

Deno.test("auth contract: /user needs a valid bearer token (401 no_authorization, 403 bad_jwt)", async () => {
  const none = await raw("/user");
  assert.equal(none.res.status, 401);
  assert.equal(none.body.code, "no_authorization");
  // A real user's id: only the signature, then the expiry, is wrong.
  const { id } = await createUser("jwt");
  const forged = await signJwt({ sub: id, role: "authenticated", aud: "authenticated" }, { secret: "x".repeat(40) });
  const bad = await raw("/user", { token: forged });
  assert.equal(bad.res.status, 403);
  assert.equal(bad.body.code, "bad_jwt");
  const expired = await signJwt({ sub: id, role: "authenticated", aud: "authenticated" }, { expiresIn: -60 });
  assert.equal((await raw("/user", { token: expired })).body.code, "bad_jwt");
});

Deno.test("auth contract: refresh rotates; the parent of the current token gets the same child; reuse after the interval revokes the session", async () => {
  const strict = await strictAuth();
  const org = await createOrg();
  const sign = await strict.post("/token?grant_type=password", { email: org.owner.email, password: PASSWORD });
  assert.equal(sign.status, 200);
  const a = sign.body.refresh_token as string;
  const b = (await strict.post("/token?grant_type=refresh_token", { refresh_token: a })).body;
  assert.notEqual(b.refresh_token, a);
  assert.equal(claims(b.access_token).org_id, org.id);
  assert.equal(claims(b.access_token).session_id, claims(sign.body.access_token).session_id);
  // A client that lost the answer asks again with A: it gets B back, not a fork.
  const again = await strict.post("/token?grant_type=refresh_token", { refresh_token: a });
  assert.equal(again.status, 200);
  assert.equal(again.body.refresh_token, b.refresh_token);
  const c = (await strict.post("/token?grant_type=refresh_token", { refresh_token: b.refresh_token })).body;
  // A is now two generations old; after the reuse interval (1 s here) it is a stolen token.
  await new Promise((r) => setTimeout(r, 1500));
  const reuse = await strict.post("/token?grant_type=refresh_token", { refresh_token: a });
  assert.equal(reuse.status, 400);
  assert.equal(reuse.body.code, "refresh_token_already_used");
  // Reuse detection revoked the session's current token C as well: once C's
  // own reuse interval is over, it is refused like any used token.
  await new Promise((r) => setTimeout(r, 1500));
  const after = await strict.post("/token?grant_type=refresh_token", { refresh_token: c.refresh_token });
  assert.equal(after.status, 400);
  assert.equal(after.body.code, "refresh_token_already_used");
  const missing = await strict.post("/token?grant_type=refresh_token", { refresh_token: "abcdefghijkl" });
  assert.equal(missing.body.code, "refresh_token_not_found");
});

Deno.test("auth contract: logout scopes end the right sessions (204); a signed-out access token is refused", async () => {
  const email = fresh("logout");
  await signUpConfirmed(email);
  const one = client(), two = client(), three = client();
  const s1 = (await one.auth.signInWithPassword({ email, password: "a-long-password" })).data.session!;
  const s2 = (await two.auth.signInWithPassword({ email, password: "a-long-password" })).data.session!;
  const s3 = (await three.auth.signInWithPassword({ email, password: "a-long-password" })).data.session!;
  const others = await raw("/logout?scope=others", { method: "POST", token: s1.access_token });
  assert.equal(others.res.status, 204);
  // Ending a session deletes its refresh tokens.
  assert.equal((await client().auth.refreshSession({ refresh_token: s2.refresh_token })).error?.code, "refresh_token_not_found");
  assert.equal((await client().auth.refreshSession({ refresh_token: s3.refresh_token })).error?.code, "refresh_token_not_found");
  const gone = await raw("/user", { token: s2.access_token });
  assert.equal(gone.res.status, 403);
  assert.equal(gone.body.code, "session_not_found");
  assert.equal((await raw("/user", { token: s1.access_token })).res.status, 200);
  const local = await raw("/logout?scope=local", { method: "POST", token: s1.access_token });
  assert.equal(local.res.status, 204);
  assert.equal((await raw("/user", { token: s1.access_token })).body.code, "session_not_found");
  const s4 = (await one.auth.signInWithPassword({ email, password: "a-long-password" })).data.session!;
  const s5 = (await two.auth.signInWithPassword({ email, password: "a-long-password" })).data.session!;
  assert.equal((await raw("/logout", { method: "POST", token: s4.access_token })).res.status, 204);
  assert.ok((await client().auth.refreshSession({ refresh_token: s5.refresh_token })).error, "global logout ends every session");
  const bad = await raw("/logout?scope=everyone", { method: "POST", token: (await three.auth.signInWithPassword({ email, password: "a-long-password" })).data.session!.access_token });
  assert.equal(bad.res.status, 400);
  assert.equal(bad.body.code, "validation_failed");
});

// --- sign-up, confirmation, profile -------------------------------------------------

Deno.test("auth contract: sign-up emails a confirmation link; before it sign-in says email_not_confirmed; the link signs in once", async () => {
  const email = fresh("signup");
  const t0 = Date.now() - 2000;
  const sb = client();
  const { data, error } = await sb.auth.signUp({
    email, password: "a-long-password", options: { data: { full_name: "New Person" }, emailRedirectTo: `${SITE}/app` },
  });
  assert.equal(error, null);
  assert.equal(data.session, null, "confirmations are on (config.toml): no session before the link");
  assert.equal(data.user!.email, email);
  assert.ok(data.user!.confirmation_sent_at);
  assert.equal(data.user!.email_confirmed_at ?? null, null);
  assert.equal(data.user!.user_metadata.full_name, "New Person");
  // A self sign-up's user_metadata also carries its identity's claims.
  assert.equal(data.user!.user_metadata.email, email);
  assert.equal(data.user!.user_metadata.email_verified, false);
  assert.equal(data.user!.identities?.[0]?.identity_data?.email, email);
  const early = await client().auth.signInWithPassword({ email, password: "a-long-password" });
  assert.equal(early.error?.code, "email_not_confirmed");

  const mail = await mailTo(email, /Confirm your email for SalesPulse/, t0);
  const link = linkIn(mail);
  assert.equal(link.searchParams.get("type"), "signup");
  assert.equal(link.searchParams.get("redirect_to"), `${SITE}/app`);
  assert.match(mail.html, new RegExp(email.replace(/[.]/g, "\\.")), "the template's {{ .Email }}");
  const { location, fragment } = await follow(link);
  assert.equal(`${location.origin}${location.pathname}`, `${SITE}/app`);
  assert.equal(fragment.get("type"), "signup");
  assert.equal(fragment.get("token_type"), "bearer");
  const token = fragment.get("access_token")!;
  assert.equal(claims(token).email, email);
  assert.equal(claims(token).amr[0].method, "otp");
  const me = await raw("/user", { token });
  assert.ok(me.body.email_confirmed_at);
  assert.equal(me.body.user_metadata.email_verified, true);
  // Our trigger made the profile row, as under Supabase Auth.
  const sql = db();
  try {
    const [p] = await sql`select email, full_name from public.profiles where id = ${me.body.id}`;
    assert.deepEqual({ ...p }, { email, full_name: "New Person" });
    const [u] = await sql`select encrypted_password from auth.users where id = ${me.body.id}`;
    assert.match(u.encrypted_password, /^\$2a\$10\$/, "bcrypt as GoTrue writes it (and the seed stores it)");
  } finally {
    await sql.end();
  }
  // The link is single-use: the second click lands on the page with GoTrue's error in the fragment.
  const second = await follow(link);
  assert.equal(second.fragment.get("error_code"), "otp_expired");
  assert.equal(second.fragment.get("error"), "access_denied");
  assert.ok(second.fragment.get("error_description"));
  assert.equal((await client().auth.signInWithPassword({ email, password: "a-long-password" })).error, null);
});

Deno.test("auth contract: signing up a confirmed address reveals nothing (a look-alike user, no identities, no email)", async () => {
  const email = fresh("taken");
  await signUpConfirmed(email);
  const before = (await mailsTo(email)).length;
  const { data, error } = await client().auth.signUp({ email, password: "another-password" });
  assert.equal(error, null);
  assert.equal(data.session, null);
  assert.deepEqual(data.user!.identities, []);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await mailsTo(email)).length, before);
  assert.equal((await client().auth.signInWithPassword({ email, password: "another-password" })).error?.code, "invalid_credentials");
});

Deno.test("auth contract: config.toml's password rule: 7 characters are weak_password with reasons, and nothing is created", async () => {
  const email = fresh("weak");
  const { data, error } = await client().auth.signUp({ email, password: "1234567" });
  assert.equal(error?.code, "weak_password");
  assert.equal(error?.status, 422);
  assert.deepEqual((error as unknown as { reasons: string[] }).reasons, ["length"]);
  assert.equal(data.user, null);
  const r = await raw("/signup", { method: "POST", body: JSON.stringify({ email, password: "1234567" }) });
  assert.deepEqual(r.body.weak_password, { reasons: ["length"] });
  const bad = await raw("/signup", { method: "POST", body: JSON.stringify({ email: "not-an-address", password: "a-long-password" }) });
  assert.equal(bad.res.status, 400);
  assert.equal(bad.body.code, "validation_failed");
  const sql = db();
  try {
    const [n] = await sql`select count(*)::int as n from auth.users where email = ${email}`;
    assert.equal(n.n, 0);
  } finally {
    await sql.end();
  }
});

Deno.test("auth contract: resend mails a new confirmation link; the old one no longer works", async () => {
  const email = fresh("resend");
  const t0 = Date.now() - 2000;
  await client().auth.signUp({ email, password: "a-long-password", options: { emailRedirectTo: `${SITE}/app` } });
  const first = linkIn(await mailTo(email, /Confirm your email/, t0));
  await poll("the first mail's time to pass", async () => true, 100);
  const { error } = await client().auth.resend({ type: "signup", email, options: { emailRedirectTo: `${SITE}/app` } });
  assert.equal(error, null);
  const second = await poll("a second confirmation", async () => {
    const mails = (await mailsTo(email)).filter((m) => /Confirm your email/.test(m.subject));
    return mails.length >= 2 ? linkIn(mails.at(-1)!) : null;
  });
  assert.notEqual(second.searchParams.get("token"), first.searchParams.get("token"));
  assert.equal((await follow(first)).fragment.get("error_code"), "otp_expired");
  assert.ok((await follow(second)).fragment.get("access_token"));
});

// --- recovery, magic links, OTP, invitations, PKCE ------------------------------------

Deno.test("auth contract: password recovery mails a link; its session sets a new password; the old one stops working", async () => {
  const email = fresh("recover");
  await signUpConfirmed(email, "old-password-1");
  const t0 = Date.now() - 2000;
  const { error } = await client().auth.resetPasswordForEmail(email, { redirectTo: `${SITE}/update-password` });
  assert.equal(error, null);
  const link = linkIn(await mailTo(email, /Reset your SalesPulse password/, t0));
  assert.equal(link.searchParams.get("type"), "recovery");
  const { location, fragment } = await follow(link);
  assert.equal(location.pathname, "/update-password");
  assert.equal(fragment.get("type"), "recovery");
  const sb = client();
  await sb.auth.setSession({ access_token: fragment.get("access_token")!, refresh_token: fragment.get("refresh_token")! });
  const same = await sb.auth.updateUser({ password: "old-password-1" });
  assert.equal(same.error?.code, "same_password");
  const weak = await sb.auth.updateUser({ password: "short" });
  assert.equal(weak.error?.code, "weak_password");
  assert.equal((await sb.auth.updateUser({ password: "new-password-2" })).error, null);
  assert.equal((await client().auth.signInWithPassword({ email, password: "old-password-1" })).error?.code, "invalid_credentials");
  assert.equal((await client().auth.signInWithPassword({ email, password: "new-password-2" })).error, null);
  // An unknown address gets the same answer (no account discovery).
  assert.equal((await client().auth.resetPasswordForEmail(fresh("nobody"))).error, null);
});

Deno.test("auth contract: a magic link signs an existing user in; shouldCreateUser:false refuses unknown addresses", async () => {
  const email = fresh("magic");
  await signUpConfirmed(email);
  const t0 = Date.now() - 2000;
  const { error } = await client().auth.signInWithOtp({ email, options: { shouldCreateUser: false, emailRedirectTo: `${SITE}/app` } });
  assert.equal(error, null);
  const link = linkIn(await mailTo(email, /sign-in link/i, t0));
  assert.equal(link.searchParams.get("type"), "magiclink");
  const { fragment } = await follow(link);
  assert.equal(fragment.get("type"), "magiclink");
  assert.equal(claims(fragment.get("access_token")!).email, email);
  const unknown = await client().auth.signInWithOtp({ email: fresh("stranger"), options: { shouldCreateUser: false } });
  assert.equal(unknown.error?.code, "otp_disabled");
});

Deno.test("auth contract: admin generate_link gives the OTP and hash; POST /verify takes either once", async () => {
  const email = fresh("otp");
  await signUpConfirmed(email);
  const first = await admin().auth.admin.generateLink({ type: "magiclink", email });
  assert.equal(first.error, null);
  const p = first.data.properties!;
  assert.match(p.email_otp, /^\d{6}$/);
  assert.match(p.hashed_token, /^[0-9a-f]{56}$/);
  assert.equal(p.verification_type, "magiclink");
  assert.match(p.action_link, /\/verify\?token=[0-9a-f]{56}&type=magiclink/);
  const wrong = await client().auth.verifyOtp({ email, token: "000000" === p.email_otp ? "111111" : "000000", type: "email" });
  assert.equal(wrong.error?.code, "otp_expired");
  const ok = await client().auth.verifyOtp({ email, token: p.email_otp, type: "email" });
  assert.equal(ok.error, null);
  assert.equal(ok.data.user!.email, email);
  assert.equal((await client().auth.verifyOtp({ email, token: p.email_otp, type: "email" })).error?.code, "otp_expired");
  const second = await admin().auth.admin.generateLink({ type: "recovery", email });
  const byHash = await client().auth.verifyOtp({ token_hash: second.data.properties!.hashed_token, type: "recovery" });
  assert.equal(byHash.error, null);
  assert.ok(byHash.data.session?.access_token);
});

Deno.test("auth contract: one-time tokens expire after config.toml's otp_expiry (3600 s)", async () => {
  const email = fresh("expiry");
  await signUpConfirmed(email);
  const link = await admin().auth.admin.generateLink({ type: "recovery", email });
  const sql = db();
  try {
    await sql`update auth.users set recovery_sent_at = now() - interval '3601 seconds' where email = ${email}`;
  } finally {
    await sql.end();
  }
  const r = await client().auth.verifyOtp({ token_hash: link.data.properties!.hashed_token, type: "recovery" });
  assert.equal(r.error?.code, "otp_expired");
  assert.equal(r.data.session, null);
});

Deno.test("auth contract: an invitation mails a link that signs the invitee in and confirms them", async () => {
  const email = fresh("invitee");
  const t0 = Date.now() - 2000;
  const { data, error } = await admin().auth.admin.inviteUserByEmail(email, { redirectTo: `${SITE}/app`, data: { full_name: "Invited One" } });
  assert.equal(error, null);
  assert.ok(data.user!.invited_at);
  const link = linkIn(await mailTo(email, /invited/i, t0));
  assert.equal(link.searchParams.get("type"), "invite");
  const { fragment } = await follow(link);
  assert.equal(fragment.get("type"), "invite");
  const me = await raw("/user", { token: fragment.get("access_token")! });
  assert.ok(me.body.email_confirmed_at);
  const dup = await admin().auth.admin.inviteUserByEmail(email);
  assert.equal(dup.error?.code, "email_exists");
});

Deno.test("auth contract: PKCE: the email link returns a code that exchanges once for a session with the verifier", async () => {
  const email = fresh("pkce");
  await signUpConfirmed(email);
  const sb = client({ flowType: "pkce" });
  const t0 = Date.now() - 2000;
  assert.equal((await sb.auth.signInWithOtp({ email, options: { shouldCreateUser: false, emailRedirectTo: `${SITE}/app` } })).error, null);
  const link = linkIn(await mailTo(email, /sign-in link/i, t0));
  assert.match(link.searchParams.get("token")!, /^pkce_/);
  const { location } = await follow(link);
  const code = location.searchParams.get("code")!;
  assert.ok(code, `no code in ${location}`);
  const { data, error } = await sb.auth.exchangeCodeForSession(code);
  assert.equal(error, null);
  assert.equal(data.user!.email, email);
  const twice = await raw("/token?grant_type=pkce", { method: "POST", body: JSON.stringify({ auth_code: code, code_verifier: "x".repeat(43) }) });
  assert.equal(twice.body.code, "flow_state_not_found");
});

Deno.test("auth contract: an email change is confirmed from both addresses (double_confirm_changes), then applies", async () => {
  const email = fresh("old"), next = fresh("new");
  await signUpConfirmed(email);
  const sb = client();
  await sb.auth.signInWithPassword({ email, password: "a-long-password" });
  const t0 = Date.now() - 2000;
  const { data, error } = await sb.auth.updateUser({ email: next }, { emailRedirectTo: `${SITE}/app` });
  assert.equal(error, null);
  assert.equal(data.user!.email, email, "not applied before confirmation");
  assert.equal(data.user!.new_email, next);
  const toOld = linkIn(await mailTo(email, /Confirm your new email/, t0));
  const toNew = linkIn(await mailTo(next, /Confirm your new email/, t0));
  assert.equal(toOld.searchParams.get("type"), "email_change");
  const first = await follow(toOld);
  assert.match(first.fragment.get("message") ?? "", /Confirmation link accepted/);
  const second = await follow(toNew);
  const token = second.fragment.get("access_token");
  assert.ok(token, `no session after the second link: ${second.location}`);
  const me = await raw("/user", { token: token! });
  assert.equal(me.body.email, next);
  assert.equal((await client().auth.signInWithPassword({ email: next, password: "a-long-password" })).error, null);
});

// --- the user, admin ----------------------------------------------------------------

Deno.test("auth contract: PUT /user merges user_metadata; app_metadata needs admin", async () => {
  const email = fresh("meta");
  await signUpConfirmed(email);
  const sb = client();
  await sb.auth.signInWithPassword({ email, password: "a-long-password" });
  assert.equal((await sb.auth.updateUser({ data: { full_name: "Ada", team: "east" } })).error, null);
  const { data } = await sb.auth.updateUser({ data: { team: "west" } });
  assert.equal(data.user!.user_metadata.full_name, "Ada");
  assert.equal(data.user!.user_metadata.team, "west");
  const token = (await sb.auth.getSession()).data.session!.access_token;
  const denied = await raw("/user", { method: "PUT", token, body: JSON.stringify({ app_metadata: { role: "admin" } }) });
  assert.equal(denied.res.status, 403);
  assert.equal(denied.body.code, "not_admin");
});

Deno.test("auth contract: admin endpoints need the service role; create, read, list, update and delete users", async () => {
  const member = await createUser("member");
  const user = (await client().auth.signInWithPassword({ email: member.email, password: PASSWORD })).data.session!;
  const notAdmin = await raw("/admin/users", { token: user.access_token });
  assert.equal(notAdmin.res.status, 403);
  assert.equal(notAdmin.body.code, "not_admin");
  const email = fresh("admin");
  const a = admin().auth.admin;
  const created = await a.createUser({ email, password: "a-long-password", email_confirm: true, user_metadata: { full_name: "By Admin" } });
  assert.equal(created.error, null);
  const id = created.data.user!.id;
  assert.ok(created.data.user!.email_confirmed_at);
  assert.equal((await a.createUser({ email, password: "a-long-password" })).error?.code, "email_exists");
  assert.equal((await a.getUserById(id)).data.user?.email, email);
  const list = await a.listUsers({ page: 1, perPage: 1000 });
  assert.ok(list.data.users.some((u) => u.id === id));
  const upd = await a.updateUserById(id, { user_metadata: { full_name: "Renamed" } });
  assert.equal(upd.data.user?.user_metadata.full_name, "Renamed");
  assert.equal((await a.deleteUser(id)).error, null);
  const gone = await a.getUserById(id);
  assert.equal(gone.error?.status, 404);
  const sql = db();
  try {
    const [n] = await sql`select count(*)::int as n from public.profiles where id = ${id}`;
    assert.equal(n.n, 0, "deleting the auth user removes the profile (our FK cascade)");
  } finally {
    await sql.end();
  }
});

Deno.test("auth contract: switching organization and refreshing moves the hook's claims and the dashboard's scope", async () => {
  // A manager of two organizations, the second one current: one call there, two in the first.
  const first = await createOrg();
  const second = await createOrg();
  const manager = await addMember(second, "manager");
  await addMember(first, "manager", manager);
  for (const org of [first, first, second]) await createCall(org);
  const sb = client();
  const { data } = await sb.auth.signInWithPassword({ email: manager.email, password: PASSWORD });
  assert.equal(claims(data.session!.access_token).org_id, second.id);
  const kpis = async () => (await sb.rpc("dashboard_kpis", { p_from: "2000-01-01", p_to: "2100-01-01" })).data as { calls: number };
  assert.equal((await kpis()).calls, 1);
  assert.equal((await sb.rpc("set_current_organization", { p_org_id: first.id })).error, null);
  const { data: refreshed } = await sb.auth.refreshSession();
  const c = claims(refreshed.session!.access_token);
  assert.equal(c.org_id, first.id);
  assert.equal(c.org_role, "manager");
  assert.equal((await kpis()).calls, 2);
  await sb.auth.signOut();
});

// --- config.toml's limits and the hook's failures, on an Auth of our own ---------------

interface Strict {
  post(path: string, body: unknown, ip?: string): Promise<{ status: number; body: Record<string, unknown> & { code?: string } }>;
}
let strictPromise: Promise<Strict> | null = null;
let strictProc: Deno.ChildProcess | null = null;

/**
 * A second Auth of the kind the stack runs, on its own port, configured
 * exactly as config.toml says (no test relaxations), sharing the database.
 * Its hook is a test function that fails on demand; a 1 s reuse interval
 * keeps the reuse-detection test short.
 */
function strictAuth(): Promise<Strict> {
  strictPromise ??= (async () => {
    const inst = instance("test");
    const sql = db();
    try {
      await sql.unsafe(`
        create table if not exists public.contract_hook_mode (mode text not null);
        create or replace function public.contract_hook(event jsonb) returns jsonb language plpgsql as $$
        declare m text := (select mode from public.contract_hook_mode limit 1);
        begin
          if m = 'refuse' then return jsonb_build_object('error', jsonb_build_object('http_code', 403, 'message', 'Refused by the hook'));
          elsif m = 'raise' then raise exception 'hook exploded';
          elsif m = 'drop-claim' then return jsonb_build_object('claims', (event->'claims') - 'session_id');
          end if;
          return public.custom_access_token_hook(event);
        end $$;
        grant select on public.contract_hook_mode to supabase_auth_admin;
        grant execute on function public.contract_hook(jsonb) to supabase_auth_admin;
        grant execute on function public.custom_access_token_hook(jsonb) to supabase_auth_admin;
      `);
    } finally {
      await sql.end();
    }
    const port = inst.ports.authContract;
    const env = {
      ...authEnv(inst, sandboxProviderEnv(inst), { port, exact: true }),
      GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_URI: "pg-functions://postgres/public/contract_hook",
      GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL: "1",
    };
    const auth = recordedAuth(inst);
    const [cmd, args] = auth.kind === "binary" ? [auth.path, []] : [Deno.execPath(), ["run", "-A", "--quiet", standInEntry()]];
    strictProc = new Deno.Command(cmd, { args, env, stdout: "null", stderr: "null" }).spawn();
    const base = `http://127.0.0.1:${port}`;
    await poll("the contract Auth", async () => (await fetch(`${base}/health`).then((r) => r.ok).catch(() => false)) || null, 20_000);
    return {
      async post(path, body, ip = "198.51.100.7") {
        const res = await fetch(`${base}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-supabase-api-version": "2024-01-01", "x-forwarded-for": ip },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : {} };
      },
    };
  })();
  return strictPromise;
}

async function setHookMode(mode: string | null) {
  const sql = db();
  try {
    await sql`delete from public.contract_hook_mode`;
    if (mode) await sql`insert into public.contract_hook_mode values (${mode})`;
  } finally {
    await sql.end();
  }
}

Deno.test("auth contract: per-IP rate limits from config.toml answer 429 over_request_rate_limit, for that address only", async () => {
  const strict = await strictAuth();
  const ip = `203.0.113.${Math.floor(Math.random() * 200) + 1}`;
  const codes: number[] = [];
  // sign_in_sign_ups = 30 per 5 minutes (a burst of 30): the 31st recovery request from one address is refused.
  for (let i = 0; i < 31; i++) codes.push((await strict.post("/recover", { email: fresh("nobody") }, ip)).status);
  assert.deepEqual(codes.slice(0, 30), Array(30).fill(200));
  const last = await strict.post("/recover", { email: fresh("nobody") }, ip);
  assert.equal(last.status, 429);
  assert.equal(last.body.code, "over_request_rate_limit");
  assert.equal((await strict.post("/recover", { email: fresh("nobody") }, "192.0.2.99")).status, 200, "another address is not limited");
});

Deno.test("auth contract: config.toml's max_frequency (1 s) refuses a second email at once with over_email_send_rate_limit", async () => {
  const strict = await strictAuth();
  const email = fresh("freq");
  await signUpConfirmed(email);
  assert.equal((await strict.post("/recover", { email }, "192.0.2.10")).status, 200);
  const again = await strict.post("/recover", { email }, "192.0.2.10");
  assert.equal(again.status, 429);
  assert.equal(again.body.code, "over_email_send_rate_limit");
});

Deno.test("auth contract: the Custom Access Token Hook can refuse a sign-in, and a failing or malformed hook fails it with no session", async () => {
  const strict = await strictAuth();
  const email = fresh("hooked");
  await signUpConfirmed(email);
  const sessions = async () => {
    const sql = db();
    try {
      const [n] = await sql`select count(*)::int as n from auth.sessions s join auth.users u on u.id = s.user_id where u.email = ${email}`;
      return n.n as number;
    } finally {
      await sql.end();
    }
  };
  try {
    await setHookMode("refuse");
    const refused = await strict.post("/token?grant_type=password", { email, password: "a-long-password" });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.message, "Refused by the hook");
    await setHookMode("raise");
    const raised = await strict.post("/token?grant_type=password", { email, password: "a-long-password" });
    assert.equal(raised.status, 500);
    assert.equal(raised.body.code, "unexpected_failure");
    await setHookMode("drop-claim");
    const malformed = await strict.post("/token?grant_type=password", { email, password: "a-long-password" });
    assert.equal(malformed.status, 500);
    assert.match(String(malformed.body.message), /session_id/);
    assert.equal(await sessions(), 0, "a failed hook leaves no session behind");
    await setHookMode(null);
    const ok = await strict.post("/token?grant_type=password", { email, password: "a-long-password" });
    assert.equal(ok.status, 200);
    assert.equal(await sessions(), 1);
  } finally {
    await setHookMode(null);
  }
});

Deno.test("auth contract: (cleanup) the contract Auth stops", async () => {
  if (strictProc) {
    strictProc.kill("SIGTERM");
    await strictProc.status;
  }
  const sql = db();
  try {
    await sql.unsafe(`drop function if exists public.contract_hook(jsonb); drop table if exists public.contract_hook_mode;`);
  } finally {
    await sql.end();
  }
});

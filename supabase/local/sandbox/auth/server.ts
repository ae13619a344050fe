// A GoTrue-compatible Auth server for the Docker-free local stack ONLY.
//
// It exists because Supabase Auth (a Go server) cannot be obtained on every
// machine that runs `npm start` / `npm test` (the Go module proxy refuses
// github.com/supabase/auth and no package ships it). It is never deployed:
// under `supabase start` and on hosted Supabase the real Auth runs. It binds
// 127.0.0.1 only.
//
// It speaks the part of GoTrue's HTTP API that supabase-js (auth-js) and this
// project use — sign-up, password and PKCE grants, refresh-token rotation
// with reuse detection, logout scopes, /user, recovery, magic links, invites,
// /verify (GET redirects and POST), /resend, /settings, /health and the admin
// endpoints — on GoTrue's own tables (./schema.sql), configured by the same
// GOTRUE_* variables (./config.ts), with GoTrue's error codes and shapes
// (./errors.ts). supabase/tests/api/auth.test.ts is the contract both servers
// pass. Crypto is done by maintained libraries: jose (JWT), bcryptjs
// (password hashes), node:crypto (token hashes, randomness); nodemailer sends
// the emails.
//
//   deno run -A supabase/local/sandbox/auth/server.ts            # migrate, then serve
//   deno run -A supabase/local/sandbox/auth/server.ts migrate    # auth schema only
import bcrypt from "bcryptjs";
import { jwtVerify, SignJWT } from "jose";
import { createHash, randomBytes, randomInt, randomUUID } from "node:crypto";
import nodemailer from "nodemailer";
import postgres from "postgres";
import { z } from "zod";
import { type AuthConfig, type EmailKind, loadConfig } from "./config.ts";
import { AuthError, err, errorResponse, OAuthError } from "./errors.ts";

export const VERSION = "salespulse-auth-stand-in/1";
/** auth.schema_migrations row that marks a database made by this stand-in. */
export const STAND_IN_MARK = "salespulse-auth-stand-in-1";
const NIL = "00000000-0000-0000-0000-000000000000";

type Sql = postgres.Sql;
// deno-lint-ignore no-explicit-any
type Row = Record<string, any>;
type Tx = postgres.TransactionSql | Sql;

// --- schema -------------------------------------------------------------------

/** Creates GoTrue's tables on a fresh database (idempotent: a no-op once they exist). */
export async function migrate(sql: Sql): Promise<"created" | "present"> {
  return await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('auth-stand-in-migrate'))`;
    const [{ present }] = await tx`select to_regclass('auth.identities') is not null as present`;
    if (present) return "present" as const;
    const ddl = await Deno.readTextFile(new URL("./schema.sql", import.meta.url));
    await tx.unsafe(ddl);
    return "created" as const;
  });
}

/** Columns this server reads and writes; a database without them cannot be served. */
const REQUIRED_COLUMNS: Record<string, string[]> = {
  users: ["id", "aud", "role", "email", "encrypted_password", "email_confirmed_at", "confirmation_token", "confirmation_sent_at",
    "recovery_token", "recovery_sent_at", "email_change_token_new", "email_change_token_current", "email_change",
    "email_change_sent_at", "email_change_confirm_status", "last_sign_in_at", "raw_app_meta_data", "raw_user_meta_data",
    "invited_at", "banned_until", "is_anonymous", "is_sso_user", "phone", "confirmed_at", "deleted_at"],
  identities: ["id", "provider_id", "user_id", "identity_data", "provider", "email"],
  sessions: ["id", "user_id", "aal", "refreshed_at", "user_agent", "ip", "not_after"],
  refresh_tokens: ["token", "user_id", "revoked", "parent", "session_id"],
  mfa_amr_claims: ["session_id", "authentication_method"],
  one_time_tokens: ["user_id", "token_type", "token_hash", "relates_to"],
  flow_state: ["auth_code", "code_challenge", "code_challenge_method", "authentication_method", "auth_code_issued_at"],
};

export async function checkSchema(sql: Sql): Promise<string[]> {
  const rows = await sql`select table_name, column_name from information_schema.columns where table_schema = 'auth'`;
  const have = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
  return Object.entries(REQUIRED_COLUMNS).flatMap(([t, cols]) =>
    cols.filter((c) => !have.has(`${t}.${c}`)).map((c) => `auth.${t}.${c}`)
  );
}

// --- helpers --------------------------------------------------------------------

const now = () => new Date();
const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : undefined);

function json(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/** A 12-character refresh token in GoTrue's alphabet (lower-case base32). */
function refreshTokenString(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  return Array.from({ length: 12 }, () => alphabet[randomInt(alphabet.length)]).join("");
}

/**
 * bcrypt with cost 10 in the `$2a$` form GoTrue (Go's x/crypto/bcrypt) writes;
 * for passwords of at most 72 bytes (enforced above) `$2a$` and `$2b$` are the
 * same algorithm, bcryptjs just labels its salts `$2b$`.
 */
async function hashPassword(pw: string): Promise<string> {
  return await bcrypt.hash(pw, bcrypt.genSaltSync(10).replace(/^\$2b\$/, "$2a$"));
}

function otpCode(length: number): string {
  return Array.from({ length }, () => String(randomInt(10))).join("");
}

/** GoTrue's email token hash: hex(sha224(email + otp)). */
export function tokenHash(email: string, otp: string): string {
  return createHash("sha224").update(email + otp).digest("hex");
}

function s256(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

const EMAIL_RE = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;

function validateEmail(raw: unknown): string {
  const email = typeof raw === "string" ? raw.trim() : "";
  if (!email) throw err.validation("An email address is required");
  if (email.length > 255) throw err.validation("An email address is too long");
  if (!EMAIL_RE.test(email)) throw err.validation("Unable to validate email address: invalid format");
  return email.toLowerCase();
}

/** The client's address: the first hop of GOTRUE_RATE_LIMIT_HEADER when set, else the peer's. */
function clientIp(req: Request, info: Deno.ServeHandlerInfo | undefined, cfg: AuthConfig): string {
  const forwarded = cfg.rateLimit.header ? req.headers.get(cfg.rateLimit.header)?.split(",")[0].trim() : "";
  if (forwarded) return forwarded;
  const addr = info?.remoteAddr as Deno.NetAddr | undefined;
  return addr?.hostname ?? "127.0.0.1";
}

/** GoTrue limits per IP only when GOTRUE_RATE_LIMIT_HEADER names a header the request carries. */
function rateKey(req: Request, cfg: AuthConfig): string | null {
  if (!cfg.rateLimit.header) return null;
  return req.headers.get(cfg.rateLimit.header)?.split(",")[0].trim() || null;
}

/** Converts one allow-list glob (gobwas/glob with '.' and '/' as separators) to a RegExp. */
function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      re += ".*";
      i++;
    } else if (c === "*") re += "[^./]*";
    else if (c === "?") re += "[^./]";
    else re += c.replace(/[\\^$+.()|{}[\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

// --- rate limits ---------------------------------------------------------------

/**
 * Token buckets per (limit, key), as GoTrue's tollbooth limiters: `n` requests
 * per window, refilled continuously, with a burst of `burst`.
 */
class Limiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  take(name: string, key: string, perWindow: number, windowS: number, burst: number): boolean {
    const k = `${name}\u0000${key}`;
    const t = Date.now();
    const b = this.buckets.get(k) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * (perWindow / windowS));
    b.at = t;
    this.buckets.set(k, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

// --- the server -----------------------------------------------------------------

interface Ctx {
  req: Request;
  url: URL;
  ip: string;
  body: Row;
}

interface JwtUser {
  claims: Row;
  user: Row;
  session: Row | null;
}

const KIND_OF_TYPE: Record<string, EmailKind> = {
  signup: "confirmation",
  invite: "invite",
  recovery: "recovery",
  magiclink: "magic_link",
  email_change: "email_change",
};

const DEFAULT_SUBJECTS: Record<EmailKind, string> = {
  confirmation: "Confirm your email address",
  recovery: "Reset your password",
  magic_link: "Your sign-in link",
  invite: "You've been invited",
  email_change: "Confirm your new email address",
};

const DEFAULT_TEMPLATES: Record<EmailKind, string> = {
  confirmation: `<h2>Confirm your signup</h2>\n\n<p>Follow this link to confirm your user:</p>\n<p><a href="{{ .ConfirmationURL }}">Confirm your mail</a></p>`,
  recovery: `<h2>Reset Password</h2>\n\n<p>Follow this link to reset the password for your user:</p>\n<p><a href="{{ .ConfirmationURL }}">Reset Password</a></p>`,
  magic_link: `<h2>Magic Link</h2>\n\n<p>Follow this link to login:</p>\n<p><a href="{{ .ConfirmationURL }}">Log In</a></p>`,
  invite: `<h2>You have been invited</h2>\n\n<p>You have been invited to create a user on {{ .SiteURL }}. Follow this link to accept the invite:</p>\n<p><a href="{{ .ConfirmationURL }}">Accept the invite</a></p>`,
  email_change: `<h2>Confirm Change of Email</h2>\n\n<p>Follow this link to confirm the update of your email from {{ .Email }} to {{ .NewEmail }}:</p>\n<p><a href="{{ .ConfirmationURL }}">Change Email</a></p>`,
};

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&#34;").replace(/'/g, "&#39;");

/** `{{ .Name }}` references of GoTrue's templates, HTML-escaped as Go's html/template does. */
function renderTemplate(tpl: string, vars: Record<string, string>): string {
  return tpl.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, k: string) => escapeHtml(vars[k] ?? ""));
}

export class AuthServer {
  private limiter = new Limiter();
  private emailTimes: number[] = [];
  private templates = new Map<EmailKind, string>();
  private mailer: ReturnType<typeof nodemailer.createTransport> | null;
  private key: Uint8Array;

  constructor(readonly cfg: AuthConfig, readonly sql: Sql) {
    this.key = new TextEncoder().encode(cfg.jwt.secret);
    this.mailer = cfg.smtp.host
      ? nodemailer.createTransport({
        host: cfg.smtp.host,
        port: cfg.smtp.port,
        secure: false,
        ignoreTLS: true,
        auth: cfg.smtp.user ? { user: cfg.smtp.user, pass: cfg.smtp.pass } : undefined,
      })
      : null;
  }

  // --- HTTP ---------------------------------------------------------------------

  handle = async (req: Request, info?: Deno.ServeHandlerInfo): Promise<Response> => {
    const url = new URL(req.url);
    const p = url.pathname.replace(/\/+$/, "") || "/";
    try {
      if (req.method === "GET" && p === "/health") {
        return json({ version: VERSION, name: "GoTrue", description: "GoTrue is a user registration and authentication API" });
      }
      if (req.method === "GET" && p === "/settings") return json(this.settings());
      const ctx: Ctx = { req, url, ip: clientIp(req, info, this.cfg), body: await this.readBody(req) };
      const route = `${req.method} ${p}`;
      switch (route) {
        case "POST /signup":
          return await this.signup(ctx);
        case "POST /token":
          return await this.token(ctx);
        case "POST /logout":
          return await this.logout(ctx);
        case "GET /user":
          return json(await this.userJson(this.sql, (await this.authenticate(ctx)).user));
        case "PUT /user":
          return await this.updateUser(ctx);
        case "POST /recover":
          return await this.recover(ctx);
        case "POST /otp":
        case "POST /magiclink":
          return await this.otp(ctx);
        case "POST /resend":
          return await this.resend(ctx);
        case "GET /verify":
          return await this.verifyGet(ctx);
        case "POST /verify":
          return await this.verifyPost(ctx);
        case "POST /invite":
          await this.requireAdmin(ctx);
          return await this.invite(ctx);
        case "GET /admin/users":
          await this.requireAdmin(ctx);
          return await this.adminListUsers(ctx);
        case "POST /admin/users":
          await this.requireAdmin(ctx);
          return await this.adminCreateUser(ctx);
        case "POST /admin/generate_link":
          await this.requireAdmin(ctx);
          return await this.generateLink(ctx);
      }
      const m = /^\/admin\/users\/([^/]+)$/.exec(p);
      if (m && ["GET", "PUT", "DELETE"].includes(req.method)) {
        await this.requireAdmin(ctx);
        if (!z.string().uuid().safeParse(m[1]).success) throw new AuthError(404, "validation_failed", "user_id must be an UUID");
        const user = await this.userById(this.sql, m[1]);
        if (!user) throw err.userNotFound();
        if (req.method === "GET") return json(await this.userJson(this.sql, user));
        if (req.method === "DELETE") {
          await this.sql`delete from auth.users where id = ${user.id}`;
          return json({});
        }
        return await this.adminUpdateUser(ctx, user);
      }
      return json({ code: 404, error_code: "not_found", msg: "Not Found" }, 404);
    } catch (e) {
      return errorResponse(req, e);
    }
  };

  private async readBody(req: Request): Promise<Row> {
    if (req.method === "GET" || req.method === "HEAD") return {};
    const text = await req.text();
    if (text.length > 1_048_576) throw new AuthError(413, "request_entity_too_large", "Request body too large");
    if (!text.trim()) return {};
    const type = req.headers.get("content-type") ?? "";
    if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
    try {
      const v = JSON.parse(text);
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
      return v;
    } catch (e) {
      throw new AuthError(400, "bad_json", `Could not parse request body as JSON: ${(e as Error).message}`);
    }
  }

  private settings() {
    const providers = ["anonymous_users", "apple", "azure", "bitbucket", "discord", "facebook", "snapchat", "figma", "fly",
      "github", "gitlab", "google", "keycloak", "kakao", "linkedin", "linkedin_oidc", "notion", "spotify", "slack",
      "slack_oidc", "workos", "twitch", "twitter", "email", "phone", "zoom"];
    return {
      external: Object.fromEntries(providers.map((p) => [p, p === "email" ? this.cfg.emailEnabled : false])),
      disable_signup: this.cfg.disableSignup,
      mailer_autoconfirm: this.cfg.autoconfirm,
      phone_autoconfirm: false,
      sms_provider: "",
      saml_enabled: false,
      saml_private_key_next_configured: false,
      passkeys_enabled: false,
    };
  }

  /** GoTrue's per-IP limiters: `perWindow` requests per 5 minutes, burst of 30. */
  private rate(name: string, ctx: Ctx, perWindow: number) {
    const key = rateKey(ctx.req, this.cfg);
    if (key !== null && !this.limiter.take(name, key, perWindow, 300, 30)) throw err.rateLimited();
  }

  // --- redirects ------------------------------------------------------------------

  /** `redirect_to` (header, then query/body), if the site URL or the allow list permits it; else the site URL. */
  private redirectTo(ctx: Ctx, fromBody?: unknown): string {
    const wanted = ctx.req.headers.get("redirect_to") ?? ctx.url.searchParams.get("redirect_to") ??
      (typeof fromBody === "string" ? fromBody : null);
    if (wanted && this.redirectAllowed(wanted)) return wanted;
    const referer = ctx.req.headers.get("referer");
    return referer && this.redirectAllowed(referer) ? referer : this.cfg.siteUrl;
  }

  private redirectAllowed(target: string): boolean {
    let u: URL;
    try {
      u = new URL(target);
    } catch {
      return false;
    }
    const site = new URL(this.cfg.siteUrl);
    const local = ["localhost", "127.0.0.1", "[::1]", "0.0.0.0"];
    if (u.hostname === site.hostname && u.protocol === site.protocol && (u.port === site.port || local.includes(u.hostname))) {
      return true;
    }
    // Loopback IP literals are always accepted (GoTrue's rule for local development).
    if (u.hostname === "127.0.0.1" || u.hostname === "[::1]") return true;
    const bare = target.split("#")[0];
    return this.cfg.allowList.some((g) => globToRegExp(g).test(bare));
  }

  // --- users ------------------------------------------------------------------------

  private async userById(tx: Tx, id: string): Promise<Row | null> {
    const [u] = await tx`select * from auth.users where id = ${id}`;
    return u ?? null;
  }

  private async userByEmail(tx: Tx, email: string): Promise<Row | null> {
    const [u] = await tx`select * from auth.users
      where instance_id is not distinct from ${NIL}::uuid and lower(email) = ${email.toLowerCase()}
        and aud = ${this.cfg.jwt.aud} and is_sso_user = false
      order by created_at limit 1`;
    if (u) return u;
    // Users inserted without an instance id (seeds written for either server).
    const [v] = await tx`select * from auth.users where lower(email) = ${email.toLowerCase()} and is_sso_user = false
      order by created_at limit 1`;
    return v ?? null;
  }

  async userJson(tx: Tx, u: Row): Promise<Row> {
    const ids = await tx`select * from auth.identities where user_id = ${u.id} order by created_at`;
    const out: Row = { id: u.id, aud: u.aud ?? "", role: u.role ?? "", email: u.email ?? "" };
    const put = (k: string, v: unknown) => {
      if (v !== undefined && v !== null && v !== "") out[k] = v;
    };
    put("email_confirmed_at", iso(u.email_confirmed_at));
    put("invited_at", iso(u.invited_at));
    out.phone = u.phone ?? "";
    put("phone_confirmed_at", iso(u.phone_confirmed_at));
    put("confirmation_sent_at", iso(u.confirmation_sent_at));
    put("confirmed_at", iso(u.confirmed_at));
    put("recovery_sent_at", iso(u.recovery_sent_at));
    put("new_email", u.email_change);
    put("email_change_sent_at", iso(u.email_change_sent_at));
    put("last_sign_in_at", iso(u.last_sign_in_at));
    out.app_metadata = u.raw_app_meta_data ?? {};
    out.user_metadata = u.raw_user_meta_data ?? {};
    out.identities = ids.map((i) => {
      const o: Row = { identity_id: i.id, id: i.provider_id, user_id: i.user_id, identity_data: i.identity_data, provider: i.provider };
      if (i.last_sign_in_at) o.last_sign_in_at = iso(i.last_sign_in_at);
      o.created_at = iso(i.created_at);
      o.updated_at = iso(i.updated_at);
      if (i.email) o.email = i.email;
      return o;
    });
    out.created_at = iso(u.created_at);
    out.updated_at = iso(u.updated_at);
    put("banned_until", iso(u.banned_until));
    put("deleted_at", iso(u.deleted_at));
    out.is_anonymous = !!u.is_anonymous;
    return out;
  }

  private checkPassword(pw: unknown): string {
    if (typeof pw !== "string" || pw === "") throw err.validation("Signup requires a valid password");
    if (new TextEncoder().encode(pw).length > 72) throw err.validation("Password cannot be longer than 72 characters");
    const reasons: string[] = [];
    const messages: string[] = [];
    if ([...pw].length < this.cfg.password.minLength) {
      reasons.push("length");
      messages.push(`Password should be at least ${this.cfg.password.minLength} characters.`);
    }
    const sets = this.cfg.password.requiredCharacters;
    if (sets.length && !sets.every((set) => [...set].some((c) => pw.includes(c)))) {
      reasons.push("characters");
      messages.push(`Password should contain at least one character of each: ${sets.map((s) => `"${s}"`).join(", ")}.`);
    }
    if (reasons.length) throw err.weakPassword(reasons, messages.join(" "));
    return pw;
  }

  private async createUser(
    tx: Tx,
    p: { email: string; password: string | null; data: Row; confirmed: boolean; role?: string; appMeta?: Row; id?: string; invited?: boolean },
  ): Promise<Row> {
    const id = p.id ?? randomUUID();
    const hash = p.password ? await hashPassword(p.password) : "";
    const t = now();
    const app = { provider: "email", providers: ["email"], ...(p.appMeta ?? {}) };
    const meta = p.confirmed ? { ...p.data, email_verified: true } : p.data;
    // Token columns are '' rather than NULL, as GoTrue writes them (it reads them as strings).
    await tx`insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, invited_at,
        confirmation_token, recovery_token, email_change_token_new, email_change_token_current, email_change,
        phone_change, phone_change_token, reauthentication_token,
        raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at, is_sso_user, is_anonymous)
      values (${NIL}, ${id}, ${this.cfg.jwt.aud}, ${p.role ?? this.cfg.jwt.defaultRole}, ${p.email}, ${hash},
        ${p.confirmed ? t : null}, ${p.invited ? t : null}, '', '', '', '', '', '', '', '',
        ${tx.json(app)}, ${tx.json(meta)}, false, ${t}, ${t}, false, false)`;
    await tx`insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
      values (${id}, ${id}, ${tx.json({ ...p.data, sub: id, email: p.email, email_verified: false, phone_verified: false })},
        'email', ${t}, ${t})`;
    return (await this.userById(tx, id))!;
  }

  private async confirm(tx: Tx, u: Row): Promise<void> {
    await tx`update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()), confirmation_token = '',
        raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || '{"email_verified": true}', updated_at = now()
      where id = ${u.id}`;
    await tx`delete from auth.one_time_tokens where user_id = ${u.id} and token_type = 'confirmation_token'`;
    await tx`update auth.identities set identity_data = identity_data || '{"email_verified": true}', updated_at = now()
      where user_id = ${u.id} and email = lower(${u.email ?? ""})`;
  }

  // --- sessions and tokens ------------------------------------------------------------

  private async issueSession(tx: Tx, ctx: Ctx, user: Row, method: string): Promise<Row> {
    const sessionId = randomUUID();
    const t = now();
    await tx`insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
      values (${sessionId}, ${user.id}, ${t}, ${t}, 'aal1', ${ctx.req.headers.get("user-agent")}, ${ctx.ip})`;
    await tx`insert into auth.mfa_amr_claims (session_id, created_at, updated_at, authentication_method, id)
      values (${sessionId}, ${t}, ${t}, ${method}, ${randomUUID()})
      on conflict (session_id, authentication_method) do update set updated_at = excluded.updated_at`;
    const [rt] = await tx`insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
      values (${NIL}, ${refreshTokenString()}, ${user.id}, false, ${t}, ${t}, null, ${sessionId}) returning *`;
    await tx`update auth.users set last_sign_in_at = ${t}, updated_at = ${t} where id = ${user.id}`;
    const fresh = (await this.userById(tx, user.id))!;
    return await this.tokenResponse(tx, ctx, fresh, sessionId, rt.token, method);
  }

  private async tokenResponse(tx: Tx, ctx: Ctx, user: Row, sessionId: string, refresh: string, method: string): Promise<Row> {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + this.cfg.jwt.exp;
    const amrRows = await tx`select authentication_method, updated_at from auth.mfa_amr_claims
      where session_id = ${sessionId} order by updated_at desc`;
    const [session] = await tx`select aal from auth.sessions where id = ${sessionId}`;
    let claims: Row = {
      iss: this.cfg.jwt.issuer,
      sub: user.id,
      aud: user.aud ?? this.cfg.jwt.aud,
      exp,
      iat,
      email: user.email ?? "",
      phone: user.phone ?? "",
      app_metadata: user.raw_app_meta_data ?? {},
      user_metadata: user.raw_user_meta_data ?? {},
      role: user.role ?? "",
      aal: session?.aal ?? "aal1",
      amr: amrRows.map((r) => ({ method: r.authentication_method, timestamp: Math.floor(new Date(r.updated_at).getTime() / 1000) })),
      session_id: sessionId,
      is_anonymous: !!user.is_anonymous,
    };
    if (this.cfg.accessTokenHook) claims = await this.runAccessTokenHook(tx, ctx, user, claims, method);
    const token = await new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(this.key);
    return {
      access_token: token,
      token_type: "bearer",
      expires_in: exp - iat,
      expires_at: exp,
      refresh_token: refresh,
      user: await this.userJson(tx, user),
    };
  }

  /** The Custom Access Token Hook, called as GoTrue calls a Postgres function hook. */
  private async runAccessTokenHook(tx: Tx, ctx: Ctx, user: Row, claims: Row, method: string): Promise<Row> {
    const { schema, name } = this.cfg.accessTokenHook!;
    const input = {
      metadata: { uuid: randomUUID(), time: new Date().toISOString(), name: "customize-access-token", ip_address: ctx.ip },
      user_id: user.id,
      claims,
      authentication_method: method,
    };
    const uri = `pg-functions://postgres/${schema}/${name}`;
    let out: unknown;
    try {
      out = await (tx as postgres.TransactionSql).savepoint(async (sp) => {
        await sp`set local statement_timeout to '2000'`;
        const [r] = await sp.unsafe(`select "${schema}"."${name}"($1::jsonb) as out`, [sp.json(input) as never]);
        return r.out;
      });
    } catch (e) {
      console.error(`auth stand-in: hook ${uri} failed:`, (e as Error).message);
      throw new AuthError(500, "unexpected_failure", `Error running hook URI: ${uri}`);
    }
    const o = (typeof out === "string" ? JSON.parse(out) : out) as Row | null;
    if (o?.error?.message) {
      const status = Number(o.error.http_code) || 500;
      throw new AuthError(status, status >= 500 ? "unexpected_failure" : "unknown", String(o.error.message));
    }
    if (!o || !("claims" in o)) throw new AuthError(500, "unexpected_failure", "output claims field is missing");
    const c = o.claims;
    if (!c || typeof c !== "object" || Array.isArray(c)) throw new AuthError(500, "unexpected_failure", "Error unmarshaling JSON output.");
    const missing = ["aud", "exp", "iat", "sub", "email", "phone", "role", "aal", "session_id", "is_anonymous"].filter((k) => !(k in c));
    if (missing.length) {
      throw new AuthError(500, "unexpected_failure",
        `output claims do not conform to the expected schema: \n${missing.map((k) => `- (root): ${k} is required`).join("\n")}`);
    }
    return c;
  }

  /** The bearer token's verified claims (401 without one, 403 bad_jwt for a bad one). */
  private async bearerClaims(ctx: Ctx): Promise<Row> {
    const m = /^bearer (\S+)$/i.exec(ctx.req.headers.get("authorization") ?? "");
    if (!m) throw err.noAuthorization();
    try {
      return (await jwtVerify(m[1], this.key, { algorithms: ["HS256"] })).payload as Row;
    } catch (e) {
      throw err.badJwt((e as Error).message);
    }
  }

  /** The caller's verified access token, user and session (401/403 as GoTrue). */
  private async authenticate(ctx: Ctx): Promise<JwtUser> {
    const claims = await this.bearerClaims(ctx);
    if (claims.role && this.cfg.jwt.adminRoles.includes(claims.role) && !claims.sub) {
      return { claims, user: {}, session: null };
    }
    if (!claims.sub) throw new AuthError(403, "bad_jwt", "invalid claim: missing sub claim");
    if (!z.string().uuid().safeParse(claims.sub).success) throw new AuthError(400, "bad_jwt", "invalid claim: sub claim must be a UUID");
    const user = await this.userById(this.sql, claims.sub);
    if (!user) throw new AuthError(403, "user_not_found", "User from sub claim in JWT does not exist");
    let session: Row | null = null;
    if (claims.session_id) {
      if (!z.string().uuid().safeParse(claims.session_id).success) {
        throw new AuthError(403, "bad_jwt", "invalid claim: session_id claim must be a UUID");
      }
      [session = null] = await this.sql`select * from auth.sessions where id = ${claims.session_id}`;
      if (!session) throw new AuthError(403, "session_not_found", "Session from session_id claim in JWT does not exist");
    }
    if (user.banned_until && new Date(user.banned_until) > now()) throw new AuthError(403, "user_banned", "User is banned");
    return { claims, user, session };
  }

  private async requireAdmin(ctx: Ctx): Promise<void> {
    const claims = await this.bearerClaims(ctx);
    if (!this.cfg.jwt.adminRoles.includes(String(claims.role ?? ""))) throw err.notAdmin();
  }

  // --- email ------------------------------------------------------------------------

  private async template(kind: EmailKind): Promise<string> {
    const cached = this.templates.get(kind);
    if (cached) return cached;
    const url = this.cfg.templates[kind];
    let tpl = DEFAULT_TEMPLATES[kind];
    if (url) {
      try {
        const res = await fetch(url);
        if (res.ok) tpl = await res.text();
        else console.error(`auth stand-in: template ${url}: HTTP ${res.status}; using the default`);
      } catch (e) {
        console.error(`auth stand-in: template ${url}: ${(e as Error).message}; using the default`);
      }
    }
    this.templates.set(kind, tpl);
    return tpl;
  }

  /** GoTrue's per-user minimum interval between emails of one kind (SMTP_MAX_FREQUENCY). */
  private checkFrequency(sentAt: Date | null | undefined) {
    if (!sentAt) return;
    const wait = new Date(sentAt).getTime() + this.cfg.smtp.maxFrequencyMs - Date.now();
    if (wait > 0) {
      throw new AuthError(429, "over_email_send_rate_limit",
        `For security purposes, you can only request this after ${Math.floor(wait / 1000)} seconds.`);
    }
  }

  /** The instance-wide hourly email limit (RATE_LIMIT_EMAIL_SENT). */
  private takeEmailBudget() {
    if (this.cfg.autoconfirm) return;
    const hourAgo = Date.now() - 3_600_000;
    this.emailTimes = this.emailTimes.filter((t) => t > hourAgo);
    if (this.emailTimes.length >= this.cfg.rateLimit.emailSent) {
      throw new AuthError(429, "over_email_send_rate_limit", "email rate limit exceeded");
    }
    this.emailTimes.push(Date.now());
  }

  private async sendMail(kind: EmailKind, to: string, vars: Record<string, string>) {
    const tpl = await this.template(kind);
    const html = renderTemplate(tpl, { SiteURL: this.cfg.siteUrl, Email: to, ...vars });
    if (!this.mailer) {
      console.log(`auth stand-in: no SMTP configured; ${kind} email to ${to}: ${vars.ConfirmationURL ?? ""}`);
      return;
    }
    const from = this.cfg.smtp.senderName
      ? `"${this.cfg.smtp.senderName}" <${this.cfg.smtp.adminEmail}>`
      : this.cfg.smtp.adminEmail;
    await this.mailer.sendMail({ from, to, subject: this.cfg.subjects[kind] ?? DEFAULT_SUBJECTS[kind], html });
  }

  /**
   * Mints a one-time token for `user`, stores its hash (users column and
   * auth.one_time_tokens, as GoTrue does) and emails the link.
   */
  private async emailLink(
    tx: Tx,
    ctx: Ctx,
    user: Row,
    type: "signup" | "invite" | "recovery" | "magiclink" | "email_change_current" | "email_change_new",
    redirectTo: string,
    opts: { pkce?: boolean; send?: boolean; to?: string } = {},
  ): Promise<{ otp: string; hash: string; link: string }> {
    const to = opts.to ?? user.email;
    const otp = otpCode(this.cfg.otpLength);
    const hash = tokenHash(to, otp);
    const stored = opts.pkce ? `pkce_${hash}` : hash;
    const t = now();
    const col = {
      signup: ["confirmation_token", "confirmation_sent_at", "confirmation_token"],
      invite: ["confirmation_token", "confirmation_sent_at", "confirmation_token"],
      recovery: ["recovery_token", "recovery_sent_at", "recovery_token"],
      magiclink: ["recovery_token", "recovery_sent_at", "recovery_token"],
      email_change_current: ["email_change_token_current", "email_change_sent_at", "email_change_token_current"],
      email_change_new: ["email_change_token_new", "email_change_sent_at", "email_change_token_new"],
    }[type];
    await tx.unsafe(`update auth.users set ${col[0]} = $1, ${col[1]} = $2, updated_at = $2 ${type === "invite" ? ", invited_at = $2" : ""} where id = $3`,
      [stored, t, user.id]);
    await tx`insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to)
      values (${randomUUID()}, ${user.id}, ${col[2]}, ${stored}, ${to})
      on conflict (user_id, token_type) do update set token_hash = excluded.token_hash, relates_to = excluded.relates_to,
        updated_at = now()`;
    const linkType = (type.startsWith("email_change") ? "email_change" : type) as
      "signup" | "invite" | "recovery" | "magiclink" | "email_change";
    const path = { signup: "confirmation", invite: "invite", recovery: "recovery", magiclink: "recovery", email_change: "email_change" }[linkType] as
      "confirmation" | "invite" | "recovery" | "email_change";
    // As GoTrue: the path resolves against the external URL (replacing its path);
    // redirect_to goes in raw unless it holds a character that would break the query.
    const rt = /[&=#]/.test(redirectTo) ? encodeURIComponent(redirectTo) : redirectTo;
    const link = new URL(`${this.cfg.urlPaths[path]}?token=${encodeURIComponent(stored)}&type=${linkType}&redirect_to=${rt}`,
      this.cfg.externalUrl).toString();
    if (opts.send !== false) {
      this.takeEmailBudget();
      const kind = KIND_OF_TYPE[linkType];
      await this.sendMail(kind, to, {
        ConfirmationURL: link,
        Token: otp,
        TokenHash: stored,
        RedirectTo: redirectTo,
        Email: user.email ?? "",
        NewEmail: user.email_change ?? "",
      });
    }
    return { otp, hash: stored, link };
  }

  private async pkceFlow(tx: Tx, userId: string, body: Row, method: string, providerType: string): Promise<boolean> {
    const challenge = body.code_challenge, challengeMethod = body.code_challenge_method;
    if (!challenge && !challengeMethod) return false;
    if (!challenge || !challengeMethod) throw err.validation("PKCE flow requires code_challenge_method and code_challenge");
    if (typeof challenge !== "string" || challenge.length < 43 || challenge.length > 128) {
      throw err.validation("code challenge has to be between 43 and 128 characters");
    }
    if (!/^[A-Za-z0-9._~-]+$/.test(challenge)) {
      throw err.validation("code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes");
    }
    const m = String(challengeMethod).toLowerCase();
    if (m !== "s256" && m !== "plain") throw err.validation("code challenge method not supported");
    await tx`insert into auth.flow_state (id, user_id, auth_code, code_challenge_method, code_challenge, provider_type,
        created_at, updated_at, authentication_method)
      values (${randomUUID()}, ${userId}, ${randomUUID()}, ${m}, ${challenge}, ${providerType}, now(), now(), ${method})`;
    return true;
  }

  // --- endpoints ----------------------------------------------------------------------

  private async signup(ctx: Ctx): Promise<Response> {
    if (this.cfg.disableSignup) throw new AuthError(422, "signup_disabled", "Signups not allowed for this instance");
    const b = ctx.body;
    if (b.phone) throw new AuthError(400, "phone_provider_disabled", "Phone signups are disabled");
    if (!b.email) throw new AuthError(422, "anonymous_provider_disabled", "Anonymous sign-ins are disabled");
    if (!this.cfg.emailEnabled) throw new AuthError(400, "email_provider_disabled", "Email signups are disabled");
    this.rate("otp", ctx, this.cfg.rateLimit.otp);
    const password = this.checkPassword(b.password);
    const email = validateEmail(b.email);
    const data: Row = b.data && typeof b.data === "object" && !Array.isArray(b.data) ? b.data : {};
    const redirect = this.redirectTo(ctx, b.redirect_to);
    const out = await this.sql.begin(async (tx) => {
      let user = await this.userByEmail(tx, email);
      if (user?.email_confirmed_at) {
        if (this.cfg.autoconfirm) throw new AuthError(422, "user_already_exists", "User already registered");
        // GoTrue answers an existing confirmed address with a look-alike user, so sign-up does not reveal accounts.
        const fake = await this.userJson(tx, user);
        const t = now().toISOString();
        return {
          user: {
            ...fake, id: randomUUID(), role: "", phone: "", identities: [], user_metadata: data,
            app_metadata: { provider: "email", providers: ["email"] }, created_at: t, updated_at: t, confirmation_sent_at: t,
            email_confirmed_at: undefined, confirmed_at: undefined, last_sign_in_at: undefined,
          },
        };
      }
      if (!user) user = await this.createUser(tx, { email, password, data, confirmed: false });
      if (this.cfg.autoconfirm) {
        await this.confirm(tx, user);
        return { session: await this.issueSession(tx, ctx, (await this.userById(tx, user.id))!, "password") };
      }
      this.checkFrequency(user.confirmation_sent_at);
      const pkce = await this.pkceFlow(tx, user.id, b, "email/signup", "email");
      await this.emailLink(tx, ctx, user, "signup", redirect, { pkce });
      return { user: await this.userJson(tx, (await this.userById(tx, user.id))!) };
    });
    return json(out.session ?? JSON.parse(JSON.stringify(out.user)));
  }

  private async token(ctx: Ctx): Promise<Response> {
    const grant = ctx.url.searchParams.get("grant_type") ?? ctx.body.grant_type;
    this.rate("token", ctx, this.cfg.rateLimit.tokenRefresh);
    if (grant === "password") return await this.passwordGrant(ctx);
    if (grant === "refresh_token") return await this.refreshGrant(ctx);
    if (grant === "pkce") return await this.pkceGrant(ctx);
    throw new AuthError(400, "invalid_credentials", "unsupported_grant_type");
  }

  private async passwordGrant(ctx: Ctx): Promise<Response> {
    const b = ctx.body;
    if (b.email && b.phone) throw err.validation("Only an email address or phone number should be provided on login.");
    if (!b.email && !b.phone) throw err.validation("missing email or phone");
    if (b.phone) throw err.invalidCredentials();
    if (!this.cfg.emailEnabled) throw new AuthError(422, "email_provider_disabled", "Email logins are disabled");
    const password = typeof b.password === "string" ? b.password : "";
    const user = await this.userByEmail(this.sql, String(b.email));
    if (!user || !user.encrypted_password) throw err.invalidCredentials();
    if (user.banned_until && new Date(user.banned_until) > now()) throw new AuthError(400, "user_banned", "User is banned");
    if (!(await bcrypt.compare(password, user.encrypted_password))) throw err.invalidCredentials();
    if (!user.email_confirmed_at) throw new AuthError(400, "email_not_confirmed", "Email not confirmed");
    const out = await this.sql.begin((tx) => this.issueSession(tx, ctx, user, "password"));
    try {
      this.checkPassword(password);
    } catch (e) {
      if (e instanceof AuthError && e.code === "weak_password") {
        out.weak_password = { message: e.message, reasons: (e.extra.weak_password as Row).reasons };
      }
    }
    return json(out);
  }

  private async refreshGrant(ctx: Ctx): Promise<Response> {
    const token = ctx.body.refresh_token;
    if (!token || typeof token !== "string") throw new OAuthError("invalid_request", "refresh_token required");
    if (token.length < 12) throw new AuthError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
    const result = await this.sql.begin(async (tx) => {
      const [rt] = await tx`select * from auth.refresh_tokens where token = ${token} for update`;
      if (!rt) throw new AuthError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
      const user = await this.userById(tx, rt.user_id);
      if (!user) throw new AuthError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
      if (user.banned_until && new Date(user.banned_until) > now()) {
        throw new AuthError(400, "user_banned", "Invalid Refresh Token: User Banned");
      }
      const [session] = rt.session_id ? await tx`select * from auth.sessions where id = ${rt.session_id} for update` : [];
      if (!session) {
        await tx`delete from auth.refresh_tokens where id = ${rt.id}`;
        return { error: new AuthError(400, "session_not_found", "Invalid Refresh Token: No Valid Session Found") };
      }
      if (session.not_after && new Date(session.not_after) < now()) {
        throw new AuthError(400, "session_expired", "Invalid Refresh Token: Session Expired");
      }
      let issued: string | null = null;
      if (rt.revoked) {
        const [active] = await tx`select * from auth.refresh_tokens where session_id = ${session.id} and revoked = false
          order by id desc limit 1`;
        if (active && active.parent === rt.token) {
          issued = active.token; // the client lost the answer to its last refresh: give it the same one again
        } else if (Date.now() > new Date(rt.updated_at).getTime() + this.cfg.refresh.reuseIntervalS * 1000) {
          if (this.cfg.refresh.rotation) {
            await tx`update auth.refresh_tokens set revoked = true, updated_at = now()
              where session_id = ${session.id} and revoked = false`;
          }
          return { error: new AuthError(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used") };
        }
      }
      if (!issued) {
        if (this.cfg.refresh.rotation) {
          await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${rt.id}`;
          const [child] = await tx`insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
            values (${NIL}, ${refreshTokenString()}, ${user.id}, false, now(), now(), ${rt.token}, ${session.id}) returning token`;
          issued = child.token as string;
        } else issued = rt.token as string;
      }
      await tx`update auth.sessions set refreshed_at = timezone('utc', now()), updated_at = now(),
          user_agent = ${ctx.req.headers.get("user-agent")}, ip = ${ctx.ip} where id = ${session.id}`;
      return { body: await this.tokenResponse(tx, ctx, user, session.id, issued!, "token_refresh") };
    });
    if ("error" in result) throw result.error;
    return json(result.body);
  }

  private async pkceGrant(ctx: Ctx): Promise<Response> {
    const { auth_code, code_verifier } = ctx.body;
    if (!auth_code || !code_verifier) {
      throw err.validation("invalid request: both auth code and code verifier should be non-empty");
    }
    const out = await this.sql.begin(async (tx) => {
      const [fs] = await tx`select * from auth.flow_state where auth_code = ${String(auth_code)} for update`;
      if (!fs || !fs.user_id) throw new AuthError(404, "flow_state_not_found", "invalid flow state, no valid flow state found");
      const from = new Date(fs.auth_code_issued_at ?? fs.created_at).getTime();
      if (Date.now() > from + 300_000) throw new AuthError(422, "flow_state_expired", "invalid flow state, flow state has expired");
      const verifier = String(code_verifier);
      const ok = fs.code_challenge_method === "s256" ? s256(verifier) === fs.code_challenge : verifier === fs.code_challenge;
      if (!ok) throw new AuthError(400, "bad_code_verifier", "code challenge does not match previously saved code verifier");
      const user = await this.userById(tx, fs.user_id);
      if (!user) throw err.userNotFound();
      await tx`delete from auth.flow_state where id = ${fs.id}`;
      return await this.issueSession(tx, ctx, user, fs.authentication_method);
    });
    return json(out);
  }

  private async logout(ctx: Ctx): Promise<Response> {
    const { user, session } = await this.authenticate(ctx);
    const scope = ctx.url.searchParams.get("scope") ?? "global";
    if (!["global", "local", "others"].includes(scope)) throw err.validation(`Unsupported logout scope "${scope}"`);
    if (scope === "global" || !session) await this.sql`delete from auth.sessions where user_id = ${user.id}`;
    else if (scope === "local") await this.sql`delete from auth.sessions where id = ${session.id}`;
    else await this.sql`delete from auth.sessions where user_id = ${user.id} and id <> ${session.id}`;
    return new Response(null, { status: 204 });
  }

  private async updateUser(ctx: Ctx): Promise<Response> {
    const { user, session } = await this.authenticate(ctx);
    this.rate("otp", ctx, this.cfg.rateLimit.otp);
    const b = ctx.body;
    if (b.app_metadata !== undefined) throw new AuthError(403, "not_admin", "Updating app_metadata requires admin privileges");
    const out = await this.sql.begin(async (tx) => {
      if (b.password !== undefined) {
        const pw = this.checkPassword(b.password);
        if (user.encrypted_password && (await bcrypt.compare(pw, user.encrypted_password))) {
          throw new AuthError(422, "same_password", "New password should be different from the old password.");
        }
        await tx`update auth.users set encrypted_password = ${await hashPassword(pw)}, recovery_token = '',
            confirmation_token = '', email_change_token_new = '', email_change_token_current = '', updated_at = now()
          where id = ${user.id}`;
        await tx`delete from auth.one_time_tokens where user_id = ${user.id}`;
        if (session) await tx`delete from auth.sessions where user_id = ${user.id} and id <> ${session.id}`;
      }
      if (b.data && typeof b.data === "object" && !Array.isArray(b.data)) {
        await tx`update auth.users set raw_user_meta_data = jsonb_strip_nulls(coalesce(raw_user_meta_data, '{}') || ${tx.json(b.data)}),
            updated_at = now() where id = ${user.id}`;
      }
      if (b.email !== undefined) {
        const email = validateEmail(b.email);
        if (email !== (user.email ?? "").toLowerCase()) {
          const other = await this.userByEmail(tx, email);
          if (other) throw new AuthError(422, "email_exists", "A user with this email address has already been registered");
          this.checkFrequency(user.email_change_sent_at);
          await tx`update auth.users set email_change = ${email}, email_change_confirm_status = 0 where id = ${user.id}`;
          const fresh = (await this.userById(tx, user.id))!;
          const redirect = this.redirectTo(ctx, b.redirect_to);
          const pkce = await this.pkceFlow(tx, user.id, b, "email_change", "email_change");
          await this.emailLink(tx, ctx, fresh, "email_change_new", redirect, { pkce, to: email });
          if (this.cfg.secureEmailChange && user.email) {
            await this.emailLink(tx, ctx, fresh, "email_change_current", redirect, { pkce, to: user.email });
          }
        }
      }
      return await this.userJson(tx, (await this.userById(tx, user.id))!);
    });
    return json(out);
  }

  private async recover(ctx: Ctx): Promise<Response> {
    this.rate("otp", ctx, this.cfg.rateLimit.otp);
    if (!this.cfg.emailEnabled) throw new AuthError(400, "email_provider_disabled", "Email logins are disabled");
    if (!ctx.body.email) throw err.validation("Password recovery requires an email");
    const email = validateEmail(ctx.body.email);
    const redirect = this.redirectTo(ctx, ctx.body.redirect_to);
    await this.sql.begin(async (tx) => {
      const user = await this.userByEmail(tx, email);
      if (!user) return;
      this.checkFrequency(user.recovery_sent_at);
      const pkce = await this.pkceFlow(tx, user.id, ctx.body, "recovery", "recovery");
      await this.emailLink(tx, ctx, user, "recovery", redirect, { pkce });
    });
    return json({});
  }

  private async otp(ctx: Ctx): Promise<Response> {
    this.rate("otp", ctx, this.cfg.rateLimit.otp);
    const b = ctx.body;
    if (b.email && b.phone) throw err.validation("Only an email address or phone number should be provided");
    if (!b.email && !b.phone) throw err.validation("One of email or phone must be set");
    if (b.phone) throw new AuthError(422, "phone_provider_disabled", "Unsupported phone provider");
    if (!this.cfg.emailEnabled) throw new AuthError(422, "email_provider_disabled", "Email logins are disabled");
    const email = validateEmail(b.email);
    const createUser = b.create_user !== false;
    const data: Row = b.data && typeof b.data === "object" && !Array.isArray(b.data) ? b.data : {};
    const redirect = this.redirectTo(ctx, b.redirect_to);
    await this.sql.begin(async (tx) => {
      let user = await this.userByEmail(tx, email);
      if (!user && !createUser) throw new AuthError(422, "otp_disabled", "Signups not allowed for otp");
      if (!user || !user.email_confirmed_at) {
        if (this.cfg.disableSignup && !user) throw new AuthError(422, "signup_disabled", "Signups not allowed for this instance");
        user ??= await this.createUser(tx, { email, password: randomBytes(24).toString("base64url"), data, confirmed: false });
        if (!this.cfg.autoconfirm) {
          this.checkFrequency(user.confirmation_sent_at);
          const pkce = await this.pkceFlow(tx, user.id, b, "email/signup", "email");
          await this.emailLink(tx, ctx, user, "signup", redirect, { pkce });
          return;
        }
        await this.confirm(tx, user);
        user = (await this.userById(tx, user.id))!;
      }
      this.checkFrequency(user.recovery_sent_at);
      const pkce = await this.pkceFlow(tx, user.id, b, "magiclink", "magiclink");
      await this.emailLink(tx, ctx, user, "magiclink", redirect, { pkce });
    });
    return json({});
  }

  private async resend(ctx: Ctx): Promise<Response> {
    this.rate("otp", ctx, this.cfg.rateLimit.otp);
    const b = ctx.body;
    if (!["signup", "email_change", "sms", "phone_change"].includes(b.type)) {
      throw err.validation("Missing one of these types: signup, email_change, sms, phone_change");
    }
    if (b.type === "sms" || b.type === "phone_change") throw new AuthError(400, "phone_provider_disabled", "Unsupported phone provider");
    if (!b.email) throw err.validation("Type provided requires an email address");
    const email = validateEmail(b.email);
    const redirect = this.redirectTo(ctx, b.redirect_to);
    await this.sql.begin(async (tx) => {
      const user = await this.userByEmail(tx, email);
      if (!user) return;
      if (b.type === "signup") {
        if (user.email_confirmed_at) return;
        this.checkFrequency(user.confirmation_sent_at);
        const pkce = await this.pkceFlow(tx, user.id, b, "email/signup", "email");
        await this.emailLink(tx, ctx, user, "signup", redirect, { pkce });
      } else {
        if (!user.email_change) return;
        this.checkFrequency(user.email_change_sent_at);
        await this.emailLink(tx, ctx, user, "email_change_new", redirect, { to: user.email_change });
        if (this.cfg.secureEmailChange && user.email) {
          await this.emailLink(tx, ctx, user, "email_change_current", redirect, { to: user.email });
        }
      }
    });
    return json({});
  }

  /**
   * Finds and consumes the user a one-time token belongs to, applies what the
   * token stands for (confirmation, recovery, magic link, invite, email
   * change) and says what to answer: a session, a message (first half of a
   * secure email change) or a PKCE code.
   */
  private async verifyToken(
    tx: Tx,
    ctx: Ctx,
    type: string,
    find: (col: string) => Promise<Row | null>,
    otpMessage: boolean,
  ): Promise<{ session?: Row; message?: string; code?: string; type: string }> {
    const expired = () => err.otpExpired(otpMessage ? "Token has expired or is invalid" : undefined);
    const within = (sent: Date | null) => sent && Date.now() <= new Date(sent).getTime() + this.cfg.otpExpiry * 1000;
    let user: Row | null = null;
    let effective = type;
    let changeColumn: string | null = null;
    if (type === "signup" || type === "invite") {
      user = await find("confirmation_token");
      if (!user || !within(user.confirmation_sent_at)) throw expired();
    } else if (type === "recovery" || type === "magiclink") {
      user = await find("recovery_token");
      if (!user || !within(user.recovery_sent_at)) throw expired();
    } else if (type === "email") {
      user = await find("confirmation_token");
      if (user && within(user.confirmation_sent_at)) effective = "signup";
      else {
        user = await find("recovery_token");
        if (!user || !within(user.recovery_sent_at)) throw expired();
        effective = "magiclink";
      }
    } else if (type === "email_change") {
      user = await find("email_change_token_current");
      changeColumn = "email_change_token_current";
      if (!user) {
        user = await find("email_change_token_new");
        changeColumn = "email_change_token_new";
      }
      if (!user || !within(user.email_change_sent_at)) throw expired();
    } else {
      throw err.validation("Unsupported verification type");
    }
    if (user.banned_until && new Date(user.banned_until) > now()) throw new AuthError(403, "user_banned", "User is banned");
    const tokenCol = changeColumn ?? (effective === "signup" || effective === "invite" ? "confirmation_token" : "recovery_token");
    const pkce = String(user[tokenCol] ?? "").startsWith("pkce_");
    if (effective === "signup" || effective === "invite") {
      if (effective === "invite" && !user.encrypted_password) {
        await tx`update auth.users set encrypted_password = ${await hashPassword(randomBytes(24).toString("base64url"))}
          where id = ${user.id}`;
      }
      await this.confirm(tx, user);
    } else if (effective === "recovery" || effective === "magiclink") {
      await tx`update auth.users set recovery_token = '', updated_at = now() where id = ${user.id}`;
      await tx`delete from auth.one_time_tokens where user_id = ${user.id} and token_type = 'recovery_token'`;
      if (!user.email_confirmed_at) await this.confirm(tx, user);
    } else {
      const secondHalfPending = this.cfg.secureEmailChange && !this.cfg.autoconfirm && user.email &&
        Number(user.email_change_confirm_status) === 0;
      await tx.unsafe(`update auth.users set ${changeColumn} = '' where id = $1`, [user.id]);
      await tx`delete from auth.one_time_tokens where user_id = ${user.id} and token_type = ${changeColumn}`;
      if (secondHalfPending) {
        await tx`update auth.users set email_change_confirm_status = 1, updated_at = now() where id = ${user.id}`;
        return { message: "Confirmation link accepted. Please proceed to confirm link sent to the other email", type: effective };
      }
      const newEmail = user.email_change as string;
      await tx`update auth.users set email = ${newEmail}, email_change = '', email_change_token_new = '',
          email_change_token_current = '', email_change_confirm_status = 0, is_anonymous = false,
          email_confirmed_at = coalesce(email_confirmed_at, now()), updated_at = now()
        where id = ${user.id}`;
      await tx`update auth.identities set identity_data = identity_data || ${tx.json({ email: newEmail, email_verified: true })},
          updated_at = now() where user_id = ${user.id} and provider = 'email'`;
      await tx`delete from auth.one_time_tokens where user_id = ${user.id} and token_type in ('email_change_token_new', 'email_change_token_current')`;
    }
    if (pkce) {
      const method = effective.endsWith("signup") ? "email/signup" : effective;
      const [fs] = await tx`select * from auth.flow_state where user_id = ${user.id} and authentication_method = ${method}
        order by created_at desc limit 1`;
      if (!fs) throw new AuthError(400, "flow_state_not_found", "No associated flow state found. no valid flow state found");
      await tx`update auth.flow_state set auth_code_issued_at = now(), updated_at = now() where id = ${fs.id}`;
      return { code: fs.auth_code, type: effective };
    }
    const fresh = (await this.userById(tx, user.id))!;
    return { session: await this.issueSession(tx, ctx, fresh, "otp"), type: effective };
  }

  private async verifyGet(ctx: Ctx): Promise<Response> {
    const q = ctx.url.searchParams;
    const type = q.get("type") ?? "";
    const token = q.get("token") ?? "";
    if (!type) throw err.validation("Verify requires a verification type");
    if (!token) throw err.validation("Verify requires a token or a token hash");
    const redirect = this.redirectTo(ctx);
    const redirectWith = (fragment: Record<string, string>, query: Record<string, string> = {}) => {
      const u = new URL(redirect);
      for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
      const frag = new URLSearchParams(Object.entries({ ...fragment, sb: "" }).sort(([a], [b]) => a.localeCompare(b)));
      const withFragment = Object.keys(fragment).length ? `${u.toString().split("#")[0]}#${frag.toString()}` : u.toString();
      return new Response(null, { status: 303, headers: { location: withFragment } });
    };
    try {
      this.rate("verify", ctx, this.cfg.rateLimit.verify);
      const r = await this.sql.begin((tx) =>
        this.verifyToken(tx, ctx, type, async (col) => {
          const [u] = await tx.unsafe(`select * from auth.users where ${col} = $1 for update`, [token]);
          return u ?? null;
        }, false)
      );
      if (r.code) return redirectWith({}, { code: r.code });
      if (r.message) return redirectWith({ message: r.message });
      const s = r.session!;
      return redirectWith({
        access_token: s.access_token,
        expires_at: String(s.expires_at),
        expires_in: String(s.expires_in),
        refresh_token: s.refresh_token,
        token_type: "bearer",
        type: r.type,
      });
    } catch (e) {
      if (!(e instanceof AuthError) || e.status >= 500) return errorResponse(ctx.req, e);
      const oauth: Record<number, string> = { 400: "invalid_request", 401: "unauthorized_client", 403: "access_denied", 429: "invalid_request" };
      const f: Record<string, string> = { error_code: e.code, error_description: e.message };
      if (oauth[e.status]) f.error = oauth[e.status];
      return redirectWith(f);
    }
  }

  private async verifyPost(ctx: Ctx): Promise<Response> {
    this.rate("verify", ctx, this.cfg.rateLimit.verify);
    const b = ctx.body;
    const type = typeof b.type === "string" ? b.type : "";
    if (!type) throw err.validation("Verify requires a verification type");
    const hasToken = typeof b.token === "string" && b.token !== "";
    const hasHash = typeof b.token_hash === "string" && b.token_hash !== "";
    if (hasToken === hasHash) throw err.validation("Verify requires either a token or a token hash");
    if (hasHash && (b.email || b.phone || b.redirect_to)) throw err.validation("Only the token_hash and type should be provided");
    if (hasToken && (!!b.email === !!b.phone)) throw err.validation("Only an email address or phone number should be provided on verify");
    if (hasToken && b.phone) throw err.otpExpired("Token has expired or is invalid");
    let email = "";
    if (hasToken) {
      try {
        email = validateEmail(b.email);
      } catch {
        throw err.validation("Invalid email format", 422);
      }
    }
    const r = await this.sql.begin((tx) =>
      this.verifyToken(tx, ctx, type, async (col) => {
        if (hasHash) {
          const [u] = await tx.unsafe(`select * from auth.users where ${col} = $1 for update`, [b.token_hash]);
          return u ?? null;
        }
        const [u] = await tx.unsafe(`select * from auth.users where lower(email_change) = $1 and ${col} in ($2, $3) for update`,
          [email, tokenHash(email, b.token), `pkce_${tokenHash(email, b.token)}`]);
        if (u) return u;
        const [v] = await tx.unsafe(`select * from auth.users where lower(email) = $1 and ${col} in ($2, $3) for update`,
          [email, tokenHash(email, b.token), `pkce_${tokenHash(email, b.token)}`]);
        return v ?? null;
      }, hasToken)
    );
    if (r.message) return json({ msg: r.message, code: "200" });
    if (r.code) throw new AuthError(400, "validation_failed", "PKCE verification must use GET /verify");
    return json(r.session);
  }

  private async invite(ctx: Ctx): Promise<Response> {
    const email = validateEmail(ctx.body.email);
    const data: Row = ctx.body.data && typeof ctx.body.data === "object" ? ctx.body.data : {};
    const redirect = this.redirectTo(ctx, ctx.body.redirect_to);
    const out = await this.sql.begin(async (tx) => {
      let user = await this.userByEmail(tx, email);
      if (user?.email_confirmed_at) {
        throw new AuthError(422, "email_exists", "A user with this email address has already been registered");
      }
      user ??= await this.createUser(tx, { email, password: null, data, confirmed: false, invited: true });
      await this.emailLink(tx, ctx, user, "invite", redirect);
      return await this.userJson(tx, (await this.userById(tx, user.id))!);
    });
    return json(out);
  }

  private async adminListUsers(ctx: Ctx): Promise<Response> {
    const q = ctx.url.searchParams;
    const page = Math.max(1, Number(q.get("page") ?? 1) || 1);
    const perPage = Math.min(1000, Math.max(1, Number(q.get("per_page") ?? 50) || 50));
    const filter = q.get("filter") ?? "";
    const like = `%${filter}%`;
    const where = filter
      ? this.sql`where aud = ${this.cfg.jwt.aud} and (email like ${like} or raw_user_meta_data->>'full_name' ilike ${like})`
      : this.sql`where aud = ${this.cfg.jwt.aud}`;
    const [{ n }] = await this.sql`select count(*)::int as n from auth.users ${where}`;
    const rows = await this.sql`select * from auth.users ${where} order by created_at desc
      limit ${perPage} offset ${(page - 1) * perPage}`;
    const users = [];
    for (const u of rows) users.push(await this.userJson(this.sql, u));
    const last = Math.max(1, Math.ceil(n / perPage));
    const base = `${this.cfg.externalUrl}/admin/users?per_page=${perPage}`;
    const links = [...(page < last ? [`<${base}&page=${page + 1}>; rel="next"`] : []), `<${base}&page=${last}>; rel="last"`];
    return json({ users, aud: this.cfg.jwt.aud }, 200, { "x-total-count": String(n), link: links.join(", ") });
  }

  private async adminCreateUser(ctx: Ctx): Promise<Response> {
    const b = ctx.body;
    if (!b.email && !b.phone) throw err.validation("Cannot create a user without either an email or phone");
    if (b.phone) throw new AuthError(400, "phone_provider_disabled", "Phone users are not supported by the local Auth stand-in");
    if (b.password && b.password_hash) throw err.validation("Only a password or a password hash should be provided");
    const email = validateEmail(b.email);
    if (b.id !== undefined && !z.string().uuid().safeParse(b.id).success) throw err.validation("id must be an UUID");
    const out = await this.sql.begin(async (tx) => {
      if (await this.userByEmail(tx, email)) {
        throw new AuthError(422, "email_exists", "A user with this email address has already been registered");
      }
      const user = await this.createUser(tx, {
        id: b.id,
        email,
        password: typeof b.password === "string" && b.password ? b.password : randomBytes(48).toString("base64url"),
        data: b.user_metadata && typeof b.user_metadata === "object" ? b.user_metadata : {},
        confirmed: b.email_confirm === true,
        role: typeof b.role === "string" && b.role ? b.role : undefined,
        appMeta: b.app_metadata && typeof b.app_metadata === "object" ? b.app_metadata : undefined,
      });
      if (typeof b.password_hash === "string" && b.password_hash) {
        await tx`update auth.users set encrypted_password = ${b.password_hash} where id = ${user.id}`;
      }
      return await this.userJson(tx, (await this.userById(tx, user.id))!);
    });
    return json(out);
  }

  private async adminUpdateUser(ctx: Ctx, user: Row): Promise<Response> {
    const b = ctx.body;
    const out = await this.sql.begin(async (tx) => {
      if (typeof b.role === "string" && b.role) await tx`update auth.users set role = ${b.role} where id = ${user.id}`;
      if (b.email_confirm === true) await this.confirm(tx, user);
      if (b.password !== undefined) {
        const pw = this.checkPassword(b.password);
        await tx`update auth.users set encrypted_password = ${await hashPassword(pw)} where id = ${user.id}`;
        await tx`delete from auth.sessions where user_id = ${user.id}`;
      }
      if (b.email !== undefined) {
        const email = validateEmail(b.email);
        const other = await this.userByEmail(tx, email);
        if (other && other.id !== user.id) {
          throw new AuthError(422, "email_exists", "A user with this email address has already been registered");
        }
        await tx`update auth.users set email = ${email} where id = ${user.id}`;
        await tx`update auth.identities set identity_data = identity_data || ${tx.json({ email, email_verified: b.email_confirm === true })}
          where user_id = ${user.id} and provider = 'email'`;
      }
      if (b.user_metadata && typeof b.user_metadata === "object") {
        await tx`update auth.users set raw_user_meta_data = jsonb_strip_nulls(coalesce(raw_user_meta_data, '{}') || ${tx.json(b.user_metadata)})
          where id = ${user.id}`;
      }
      if (b.app_metadata && typeof b.app_metadata === "object") {
        await tx`update auth.users set raw_app_meta_data = jsonb_strip_nulls(coalesce(raw_app_meta_data, '{}') || ${tx.json(b.app_metadata)})
          where id = ${user.id}`;
      }
      if (typeof b.ban_duration === "string" && b.ban_duration) {
        if (b.ban_duration === "none") await tx`update auth.users set banned_until = null where id = ${user.id}`;
        else {
          const { parseDuration } = await import("./config.ts");
          let ms: number;
          try {
            ms = parseDuration(b.ban_duration);
          } catch {
            throw err.validation("invalid format for ban duration: time: invalid duration");
          }
          await tx`update auth.users set banned_until = ${new Date(Date.now() + ms)} where id = ${user.id}`;
          await tx`delete from auth.sessions where user_id = ${user.id}`;
        }
      }
      await tx`update auth.users set updated_at = now() where id = ${user.id}`;
      return await this.userJson(tx, (await this.userById(tx, user.id))!);
    });
    return json(out);
  }

  private async generateLink(ctx: Ctx): Promise<Response> {
    const b = ctx.body;
    const types = ["signup", "invite", "magiclink", "recovery", "email_change_current", "email_change_new"];
    if (!types.includes(b.type)) throw err.validation(`Invalid email action link type requested: ${b.type}`);
    const email = validateEmail(b.email);
    const redirect = this.redirectTo(ctx, b.redirect_to);
    const data: Row = b.data && typeof b.data === "object" ? b.data : {};
    const out = await this.sql.begin(async (tx) => {
      let user = await this.userByEmail(tx, email);
      let type = b.type as "signup" | "invite" | "recovery" | "magiclink" | "email_change_current" | "email_change_new";
      if (!user) {
        if (type === "recovery" || type.startsWith("email_change")) throw err.userNotFound("User with this email not found");
        if (type === "magiclink") type = "signup";
        const password = type === "signup" ? this.checkPassword(b.password) : null;
        user = await this.createUser(tx, { email, password, data, confirmed: false, invited: type === "invite" });
      } else if ((type === "signup" || type === "invite") && user.email_confirmed_at) {
        throw new AuthError(422, "email_exists", "A user with this email address has already been registered");
      }
      let to = email;
      if (type.startsWith("email_change")) {
        const newEmail = validateEmail(b.new_email);
        await tx`update auth.users set email_change = ${newEmail}, email_change_confirm_status = 0 where id = ${user.id}`;
        user = (await this.userById(tx, user.id))!;
        if (type === "email_change_new") to = newEmail;
      }
      const { otp, hash, link } = await this.emailLink(tx, ctx, user, type, redirect, { send: false, to });
      return {
        ...(await this.userJson(tx, (await this.userById(tx, user.id))!)),
        action_link: link,
        email_otp: otp,
        hashed_token: hash,
        verification_type: type,
        redirect_to: redirect,
      };
    });
    return json(out);
  }
}

// --- entry point ------------------------------------------------------------------

if (import.meta.main) {
  const cfg = loadConfig();
  const sql = postgres(cfg.dbUrl, { max: 8, onnotice: () => {}, connection: { application_name: "auth-stand-in" } });
  let state: "created" | "present";
  try {
    state = await migrate(sql);
  } catch (e) {
    console.error(`auth stand-in: could not create the auth schema: ${(e as Error).message}`);
    Deno.exit(1);
  }
  const missing = await checkSchema(sql);
  if (missing.length) {
    console.error(`auth stand-in: this database's auth schema lacks ${missing.join(", ")}; reset the stack (npm run stack -- reset)`);
    Deno.exit(1);
  }
  if (Deno.args[0] === "migrate") {
    console.log(`auth stand-in: auth schema ${state}`);
    await sql.end();
    Deno.exit(0);
  }
  if (cfg.host !== "127.0.0.1" && cfg.host !== "localhost") {
    console.error(`auth stand-in: refusing to listen on ${cfg.host}; it serves the local stack on 127.0.0.1 only`);
    Deno.exit(1);
  }
  const server = new AuthServer(cfg, sql);
  Deno.serve({ hostname: "127.0.0.1", port: cfg.port, onListen: () => {} }, server.handle);
  console.log(`auth stand-in (${VERSION}) on http://127.0.0.1:${cfg.port}; schema ${state}`);
}

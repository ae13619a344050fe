// Shared pieces of the local Auth stand-in (see ./server.ts): types, the
// schema step, token and password helpers, the rate limiter.
import bcrypt from "bcryptjs";
import { createHash, randomInt } from "node:crypto";
import postgres from "postgres";
import { type AuthConfig, type EmailKind } from "./config.ts";
import { globToRegExp } from "../kernel/glob.ts";
import { err } from "./errors.ts";

export const VERSION = "salespulse-auth-stand-in/1";
/** auth.schema_migrations row that marks a database made by this stand-in. */
export const STAND_IN_MARK = "salespulse-auth-stand-in-1";
export const NIL = "00000000-0000-0000-0000-000000000000";

export type Sql = postgres.Sql;
// deno-lint-ignore no-explicit-any
export type Row = Record<string, any>;
export type Tx = postgres.TransactionSql | Sql;

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

export const now = () => new Date();
export const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : undefined);

export function json(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/** A 12-character refresh token in GoTrue's alphabet (lower-case base32). */
export function refreshTokenString(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  return Array.from({ length: 12 }, () => alphabet[randomInt(alphabet.length)]).join("");
}

/**
 * bcrypt with cost 10 in the `$2a$` form GoTrue (Go's x/crypto/bcrypt) writes;
 * for passwords of at most 72 bytes (enforced above) `$2a$` and `$2b$` are the
 * same algorithm, bcryptjs just labels its salts `$2b$`.
 */
export async function hashPassword(pw: string): Promise<string> {
  return await bcrypt.hash(pw, bcrypt.genSaltSync(10).replace(/^\$2b\$/, "$2a$"));
}

export function otpCode(length: number): string {
  return Array.from({ length }, () => String(randomInt(10))).join("");
}

/** GoTrue's email token hash: hex(sha224(email + otp)). */
export function tokenHash(email: string, otp: string): string {
  return createHash("sha224").update(email + otp).digest("hex");
}

export function s256(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

const EMAIL_RE = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;

export function validateEmail(raw: unknown): string {
  const email = typeof raw === "string" ? raw.trim() : "";
  if (!email) throw err.validation("An email address is required");
  if (email.length > 255) throw err.validation("An email address is too long");
  if (!EMAIL_RE.test(email)) throw err.validation("Unable to validate email address: invalid format");
  return email.toLowerCase();
}

/** The client's address: the first hop of GOTRUE_RATE_LIMIT_HEADER when set, else the peer's. */
export function clientIp(req: Request, info: Deno.ServeHandlerInfo | undefined, cfg: AuthConfig): string {
  const forwarded = cfg.rateLimit.header ? req.headers.get(cfg.rateLimit.header)?.split(",")[0].trim() : "";
  if (forwarded) return forwarded;
  const addr = info?.remoteAddr as Deno.NetAddr | undefined;
  return addr?.hostname ?? "127.0.0.1";
}

/** GoTrue limits per IP only when GOTRUE_RATE_LIMIT_HEADER names a header the request carries. */
export function rateKey(req: Request, cfg: AuthConfig): string | null {
  if (!cfg.rateLimit.header) return null;
  return req.headers.get(cfg.rateLimit.header)?.split(",")[0].trim() || null;
}


// --- rate limits ---------------------------------------------------------------

/**
 * Token buckets per (limit, key), as GoTrue's tollbooth limiters: `n` requests
 * per window, refilled continuously, with a burst of `burst`.
 */
export class Limiter {
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

export interface Ctx {
  req: Request;
  url: URL;
  ip: string;
  body: Row;
}

export interface JwtUser {
  claims: Row;
  user: Row;
  session: Row | null;
}

/** What every endpoint module works with: the server's settings, database and state. */
export interface Auth {
  readonly cfg: AuthConfig;
  readonly sql: Sql;
  readonly key: Uint8Array;
  readonly limiter: Limiter;
  emailTimes: number[];
  readonly templates: Map<EmailKind, string>;
  readonly mailer: Mailer | null;
}

export type Mailer = { sendMail(m: { from: string; to: string; subject: string; html: string }): Promise<unknown> };

// --- request policy: rate limits and redirects ------------------------------------

/** GoTrue's per-IP limiters: `perWindow` requests per 5 minutes, burst of 30. */
export function rate(s: Auth, name: string, ctx: Ctx, perWindow: number) {
  const key = rateKey(ctx.req, s.cfg);
  if (key !== null && !s.limiter.take(name, key, perWindow, 300, 30)) throw err.rateLimited();
}

/** `redirect_to` (header, then query/body), if the site URL or the allow list permits it; else the site URL. */
export function redirectTo(s: Auth, ctx: Ctx, fromBody?: unknown): string {
  const wanted = ctx.req.headers.get("redirect_to") ?? ctx.url.searchParams.get("redirect_to") ??
    (typeof fromBody === "string" ? fromBody : null);
  if (wanted && redirectAllowed(s, wanted)) return wanted;
  const referer = ctx.req.headers.get("referer");
  return referer && redirectAllowed(s, referer) ? referer : s.cfg.siteUrl;
}

export function redirectAllowed(s: Auth, target: string): boolean {
  let u: URL;
  try {
    u = new URL(target);
  } catch {
    return false;
  }
  const site = new URL(s.cfg.siteUrl);
  const local = ["localhost", "127.0.0.1", "[::1]", "0.0.0.0"];
  if (u.hostname === site.hostname && u.protocol === site.protocol && (u.port === site.port || local.includes(u.hostname))) {
    return true;
  }
  // Loopback IP literals are always accepted (GoTrue's rule for local development).
  if (u.hostname === "127.0.0.1" || u.hostname === "[::1]") return true;
  const bare = target.split("#")[0];
  // URI_ALLOW_LIST entries are gobwas/glob patterns with "." and "/" as separators.
  return s.cfg.allowList.some((g) => globToRegExp(g, { separators: "./" }).test(bare));
}

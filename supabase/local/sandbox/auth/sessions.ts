// Sessions and tokens: sign-in grants, refresh rotation with reuse detection,
// access tokens through the Custom Access Token Hook, bearer checks, logout.
import bcrypt from "bcryptjs";
import { jwtVerify, SignJWT } from "jose";
import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { z } from "zod";
import { AuthError, err, OAuthError } from "./errors.ts";
import { type Auth, type Ctx, json, type JwtUser, NIL, now, rate, refreshTokenString, type Row, s256, type Tx } from "./core.ts";
import { checkPassword, userByEmail, userById, userJson } from "./users.ts";

export async function issueSession(s: Auth, tx: Tx, ctx: Ctx, user: Row, method: string): Promise<Row> {
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
  const fresh = (await userById(s, tx, user.id))!;
  return await tokenResponse(s, tx, ctx, fresh, sessionId, rt.token, method);
}

export async function tokenResponse(s: Auth, tx: Tx, ctx: Ctx, user: Row, sessionId: string, refresh: string, method: string): Promise<Row> {
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + s.cfg.jwt.exp;
  const amrRows = await tx`select authentication_method, updated_at from auth.mfa_amr_claims
    where session_id = ${sessionId} order by updated_at desc`;
  const [session] = await tx`select aal from auth.sessions where id = ${sessionId}`;
  let claims: Row = {
    iss: s.cfg.jwt.issuer,
    sub: user.id,
    aud: user.aud ?? s.cfg.jwt.aud,
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
  if (s.cfg.accessTokenHook) claims = await runAccessTokenHook(s, tx, ctx, user, claims, method);
  const token = await new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(s.key);
  return {
    access_token: token,
    token_type: "bearer",
    expires_in: exp - iat,
    expires_at: exp,
    refresh_token: refresh,
    user: await userJson(s, tx, user),
  };
}

/** The Custom Access Token Hook, called as GoTrue calls a Postgres function hook. */
export async function runAccessTokenHook(s: Auth, tx: Tx, ctx: Ctx, user: Row, claims: Row, method: string): Promise<Row> {
  const { schema, name } = s.cfg.accessTokenHook!;
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
export async function bearerClaims(s: Auth, ctx: Ctx): Promise<Row> {
  const m = /^bearer (\S+)$/i.exec(ctx.req.headers.get("authorization") ?? "");
  if (!m) throw err.noAuthorization();
  try {
    return (await jwtVerify(m[1], s.key, { algorithms: ["HS256"] })).payload as Row;
  } catch (e) {
    throw err.badJwt((e as Error).message);
  }
}

/** The caller's verified access token, user and session (401/403 as GoTrue). */
export async function authenticate(s: Auth, ctx: Ctx): Promise<JwtUser> {
  const claims = await bearerClaims(s, ctx);
  if (claims.role && s.cfg.jwt.adminRoles.includes(claims.role) && !claims.sub) {
    return { claims, user: {}, session: null };
  }
  if (!claims.sub) throw new AuthError(403, "bad_jwt", "invalid claim: missing sub claim");
  if (!z.string().uuid().safeParse(claims.sub).success) throw new AuthError(400, "bad_jwt", "invalid claim: sub claim must be a UUID");
  const user = await userById(s, s.sql, claims.sub);
  if (!user) throw new AuthError(403, "user_not_found", "User from sub claim in JWT does not exist");
  let session: Row | null = null;
  if (claims.session_id) {
    if (!z.string().uuid().safeParse(claims.session_id).success) {
      throw new AuthError(403, "bad_jwt", "invalid claim: session_id claim must be a UUID");
    }
    [session = null] = await s.sql`select * from auth.sessions where id = ${claims.session_id}`;
    if (!session) throw new AuthError(403, "session_not_found", "Session from session_id claim in JWT does not exist");
  }
  if (user.banned_until && new Date(user.banned_until) > now()) throw new AuthError(403, "user_banned", "User is banned");
  return { claims, user, session };
}

export async function requireAdmin(s: Auth, ctx: Ctx): Promise<void> {
  const claims = await bearerClaims(s, ctx);
  if (!s.cfg.jwt.adminRoles.includes(String(claims.role ?? ""))) throw err.notAdmin();
}

export async function token(s: Auth, ctx: Ctx): Promise<Response> {
  const grant = ctx.url.searchParams.get("grant_type") ?? ctx.body.grant_type;
  rate(s, "token", ctx, s.cfg.rateLimit.tokenRefresh);
  if (grant === "password") return await passwordGrant(s, ctx);
  if (grant === "refresh_token") return await refreshGrant(s, ctx);
  if (grant === "pkce") return await pkceGrant(s, ctx);
  throw new AuthError(400, "invalid_credentials", "unsupported_grant_type");
}

export async function passwordGrant(s: Auth, ctx: Ctx): Promise<Response> {
  const b = ctx.body;
  if (b.email && b.phone) throw err.validation("Only an email address or phone number should be provided on login.");
  if (!b.email && !b.phone) throw err.validation("missing email or phone");
  if (b.phone) throw err.invalidCredentials();
  if (!s.cfg.emailEnabled) throw new AuthError(422, "email_provider_disabled", "Email logins are disabled");
  const password = typeof b.password === "string" ? b.password : "";
  const user = await userByEmail(s, s.sql, String(b.email));
  if (!user || !user.encrypted_password) throw err.invalidCredentials();
  if (user.banned_until && new Date(user.banned_until) > now()) throw new AuthError(400, "user_banned", "User is banned");
  if (!(await bcrypt.compare(password, user.encrypted_password))) throw err.invalidCredentials();
  if (!user.email_confirmed_at) throw new AuthError(400, "email_not_confirmed", "Email not confirmed");
  const out = await s.sql.begin((tx) => issueSession(s, tx, ctx, user, "password"));
  out.weak_password = null;
  try {
    checkPassword(s, password);
  } catch (e) {
    if (e instanceof AuthError && e.code === "weak_password") {
      out.weak_password = { message: e.message, reasons: (e.extra.weak_password as Row).reasons };
    }
  }
  return json(out, 200, sessionHeaders(out));
}

export async function refreshGrant(s: Auth, ctx: Ctx): Promise<Response> {
  const token = ctx.body.refresh_token;
  if (!token || typeof token !== "string") throw new OAuthError("invalid_request", "refresh_token required");
  if (token.length < 12) throw new AuthError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
  const result = await s.sql.begin(async (tx) => {
    const [rt] = await tx`select * from auth.refresh_tokens where token = ${token} for update`;
    if (!rt) throw new AuthError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
    const user = await userById(s, tx, rt.user_id);
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
      } else if (Date.now() > new Date(rt.updated_at).getTime() + s.cfg.refresh.reuseIntervalS * 1000) {
        if (s.cfg.refresh.rotation) {
          await tx`update auth.refresh_tokens set revoked = true, updated_at = now()
            where session_id = ${session.id} and revoked = false`;
        }
        return { error: new AuthError(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used") };
      }
    }
    if (!issued) {
      if (s.cfg.refresh.rotation) {
        await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${rt.id}`;
        const [child] = await tx`insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
          values (${NIL}, ${refreshTokenString()}, ${user.id}, false, now(), now(), ${rt.token}, ${session.id}) returning token`;
        issued = child.token as string;
      } else issued = rt.token as string;
    }
    await tx`update auth.sessions set refreshed_at = timezone('utc', now()), updated_at = now(),
        user_agent = ${ctx.req.headers.get("user-agent")}, ip = ${ctx.ip} where id = ${session.id}`;
    return { body: await tokenResponse(s, tx, ctx, user, session.id, issued!, "token_refresh") };
  });
  if ("error" in result) throw result.error;
  return json(result.body, 200, { ...sessionHeaders(result.body), "sb-auth-refresh-token-reuse": "false" });
}

export async function pkceGrant(s: Auth, ctx: Ctx): Promise<Response> {
  const { auth_code, code_verifier } = ctx.body;
  if (!auth_code || !code_verifier) {
    throw err.validation("invalid request: both auth code and code verifier should be non-empty");
  }
  const out = await s.sql.begin(async (tx) => {
    const [fs] = await tx`select * from auth.flow_state where auth_code = ${String(auth_code)} for update`;
    if (!fs || !fs.user_id) throw new AuthError(404, "flow_state_not_found", "invalid flow state, no valid flow state found");
    const from = new Date(fs.auth_code_issued_at ?? fs.created_at).getTime();
    if (Date.now() > from + 300_000) throw new AuthError(422, "flow_state_expired", "invalid flow state, flow state has expired");
    const verifier = String(code_verifier);
    const ok = fs.code_challenge_method === "s256" ? s256(verifier) === fs.code_challenge : verifier === fs.code_challenge;
    if (!ok) throw new AuthError(400, "bad_code_verifier", "code challenge does not match previously saved code verifier");
    const user = await userById(s, tx, fs.user_id);
    if (!user) throw err.userNotFound();
    await tx`delete from auth.flow_state where id = ${fs.id}`;
    return await issueSession(s, tx, ctx, user, fs.authentication_method);
  });
  return json(out);
}

export async function logout(s: Auth, ctx: Ctx): Promise<Response> {
  const { user, session } = await authenticate(s, ctx);
  const scope = ctx.url.searchParams.get("scope") ?? "global";
  if (!["global", "local", "others"].includes(scope)) throw err.validation(`Unsupported logout scope "${scope}"`);
  if (scope === "global" || !session) await s.sql`delete from auth.sessions where user_id = ${user.id}`;
  else if (scope === "local") await s.sql`delete from auth.sessions where id = ${session.id}`;
  else await s.sql`delete from auth.sessions where user_id = ${user.id} and id <> ${session.id}`;
  return new Response(null, { status: 204 });
}

/** The informational headers GoTrue sets on a new session. */
export function sessionHeaders(session: Row): Record<string, string> {
  const claims = JSON.parse(atob(String(session.access_token).split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  return {
    "sb-auth-user-id": String(session.user?.id ?? ""),
    "sb-auth-session-id": String(claims.session_id ?? ""),
    "sb-auth-refresh-token-prefix": String(session.refresh_token).slice(0, 5),
  };
}

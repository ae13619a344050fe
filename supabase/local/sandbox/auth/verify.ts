// /verify: consuming one-time tokens (GET redirects as GoTrue does, POST answers JSON).
import { randomBytes } from "node:crypto";
import { AuthError, err, errorResponse } from "./errors.ts";
import { type Auth, type Ctx, hashPassword, json, now, rate, redirectTo, type Row, tokenHash, type Tx, validateEmail } from "./core.ts";
import { issueSession } from "./sessions.ts";
import { confirm, userById } from "./users.ts";

/**
 * Finds and consumes the user a one-time token belongs to, applies what the
 * token stands for (confirmation, recovery, magic link, invite, email
 * change) and says what to answer: a session, a message (first half of a
 * secure email change) or a PKCE code.
 */
export async function verifyToken(
  s: Auth,
  tx: Tx,
  ctx: Ctx,
  type: string,
  find: (col: string) => Promise<Row | null>,
  otpMessage: boolean,
): Promise<{ session?: Row; message?: string; code?: string; type: string }> {
  const expired = () => err.otpExpired(otpMessage ? "Token has expired or is invalid" : undefined);
  const within = (sent: Date | null) => sent && Date.now() <= new Date(sent).getTime() + s.cfg.otpExpiry * 1000;
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
    await confirm(s, tx, user);
  } else if (effective === "recovery" || effective === "magiclink") {
    await tx`update auth.users set recovery_token = '', updated_at = now() where id = ${user.id}`;
    await tx`delete from auth.one_time_tokens where user_id = ${user.id} and token_type = 'recovery_token'`;
    if (!user.email_confirmed_at) await confirm(s, tx, user);
  } else {
    const secondHalfPending = s.cfg.secureEmailChange && !s.cfg.autoconfirm && user.email &&
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
  const fresh = (await userById(s, tx, user.id))!;
  return { session: await issueSession(s, tx, ctx, fresh, "otp"), type: effective };
}

export async function verifyGet(s: Auth, ctx: Ctx): Promise<Response> {
  const q = ctx.url.searchParams;
  const type = q.get("type") ?? "";
  const token = q.get("token") ?? "";
  if (!type) throw err.validation("Verify requires a verification type");
  if (!token) throw err.validation("Verify requires a token or a token hash");
  const redirect = redirectTo(s, ctx);
  const redirectWith = (fragment: Record<string, string>, query: Record<string, string> = {}) => {
    const u = new URL(redirect);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    const frag = new URLSearchParams(Object.entries({ ...fragment, sb: "" }).sort(([a], [b]) => a.localeCompare(b)));
    const withFragment = Object.keys(fragment).length ? `${u.toString().split("#")[0]}#${frag.toString()}` : u.toString();
    // As Go's http.Redirect answers a GET: a short HTML body linking the target.
    const href = withFragment.replace(/&/g, "&amp;").replace(/"/g, "&#34;");
    return new Response(`<a href="${href}">See Other</a>.\n\n`, {
      status: 303,
      headers: { location: withFragment, "content-type": "text/html; charset=utf-8" },
    });
  };
  try {
    rate(s, "verify", ctx, s.cfg.rateLimit.verify);
    const r = await s.sql.begin((tx) =>
      verifyToken(s, tx, ctx, type, async (col) => {
        const [u] = await tx.unsafe(`select * from auth.users where ${col} = $1 for update`, [token]);
        return u ?? null;
      }, false)
    );
    if (r.code) return redirectWith({}, { code: r.code });
    if (r.message) return redirectWith({ message: r.message });
    const session = r.session!;
    return redirectWith({
      access_token: session.access_token,
      expires_at: String(session.expires_at),
      expires_in: String(session.expires_in),
      refresh_token: session.refresh_token,
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

export async function verifyPost(s: Auth, ctx: Ctx): Promise<Response> {
  rate(s, "verify", ctx, s.cfg.rateLimit.verify);
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
  const r = await s.sql.begin((tx) =>
    verifyToken(s, tx, ctx, type, async (col) => {
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

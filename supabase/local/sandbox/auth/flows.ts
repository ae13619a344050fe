// Self-service endpoints: sign-up, user updates, recovery, magic links, resend.
import bcrypt from "bcryptjs";
import { randomBytes, randomUUID } from "node:crypto";
import { AuthError, err } from "./errors.ts";
import { type Auth, type Ctx, hashPassword, json, now, rate, redirectTo, type Row, validateEmail } from "./core.ts";
import { checkFrequency, emailLink, pkceFlow } from "./mail.ts";
import { authenticate, issueSession } from "./sessions.ts";
import { checkPassword, confirm, createUser, userByEmail, userById, userJson } from "./users.ts";

export async function signup(s: Auth, ctx: Ctx): Promise<Response> {
  if (s.cfg.disableSignup) throw new AuthError(422, "signup_disabled", "Signups not allowed for this instance");
  const b = ctx.body;
  if (b.phone) throw new AuthError(400, "phone_provider_disabled", "Phone signups are disabled");
  if (!b.email) throw new AuthError(422, "anonymous_provider_disabled", "Anonymous sign-ins are disabled");
  if (!s.cfg.emailEnabled) throw new AuthError(400, "email_provider_disabled", "Email signups are disabled");
  rate(s, "otp", ctx, s.cfg.rateLimit.otp);
  const password = checkPassword(s, b.password);
  const email = validateEmail(b.email);
  const data: Row = b.data && typeof b.data === "object" && !Array.isArray(b.data) ? b.data : {};
  const redirect = redirectTo(s, ctx, b.redirect_to);
  const out = await s.sql.begin(async (tx) => {
    let user = await userByEmail(s, tx, email);
    if (user?.email_confirmed_at) {
      if (s.cfg.autoconfirm) throw new AuthError(422, "user_already_exists", "User already registered");
      // GoTrue answers an existing confirmed address with a look-alike user, so sign-up does not reveal accounts.
      const fake = await userJson(s, tx, user);
      const t = now().toISOString();
      return {
        user: {
          ...fake, id: randomUUID(), role: "", phone: "", identities: [], user_metadata: data,
          app_metadata: { provider: "email", providers: ["email"] }, created_at: t, updated_at: t, confirmation_sent_at: t,
          email_confirmed_at: undefined, confirmed_at: undefined, last_sign_in_at: undefined,
        },
      };
    }
    if (!user) user = await createUser(s, tx, { email, password, data, confirmed: false, selfSignup: true });
    if (s.cfg.autoconfirm) {
      await confirm(s, tx, user);
      return { session: await issueSession(s, tx, ctx, (await userById(s, tx, user.id))!, "password") };
    }
    checkFrequency(s, user.confirmation_sent_at);
    const pkce = await pkceFlow(s, tx, user.id, b, "email/signup", "email");
    await emailLink(s, tx, ctx, user, "signup", redirect, { pkce });
    return { user: await userJson(s, tx, (await userById(s, tx, user.id))!) };
  });
  return json(out.session ?? JSON.parse(JSON.stringify(out.user)));
}

export async function updateUser(s: Auth, ctx: Ctx): Promise<Response> {
  const { user, session } = await authenticate(s, ctx);
  rate(s, "otp", ctx, s.cfg.rateLimit.otp);
  const b = ctx.body;
  if (b.app_metadata !== undefined) throw new AuthError(403, "not_admin", "Updating app_metadata requires admin privileges");
  const out = await s.sql.begin(async (tx) => {
    if (b.password !== undefined) {
      const pw = checkPassword(s, b.password);
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
        const other = await userByEmail(s, tx, email);
        if (other) throw new AuthError(422, "email_exists", "A user with this email address has already been registered");
        checkFrequency(s, user.email_change_sent_at);
        await tx`update auth.users set email_change = ${email}, email_change_confirm_status = 0 where id = ${user.id}`;
        const fresh = (await userById(s, tx, user.id))!;
        const redirect = redirectTo(s, ctx, b.redirect_to);
        const pkce = await pkceFlow(s, tx, user.id, b, "email_change", "email_change");
        await emailLink(s, tx, ctx, fresh, "email_change_new", redirect, { pkce, to: email });
        if (s.cfg.secureEmailChange && user.email) {
          await emailLink(s, tx, ctx, fresh, "email_change_current", redirect, { pkce, to: user.email });
        }
      }
    }
    return await userJson(s, tx, (await userById(s, tx, user.id))!);
  });
  return json(out);
}

export async function recover(s: Auth, ctx: Ctx): Promise<Response> {
  rate(s, "otp", ctx, s.cfg.rateLimit.otp);
  if (!s.cfg.emailEnabled) throw new AuthError(400, "email_provider_disabled", "Email logins are disabled");
  if (!ctx.body.email) throw err.validation("Password recovery requires an email");
  const email = validateEmail(ctx.body.email);
  const redirect = redirectTo(s, ctx, ctx.body.redirect_to);
  await s.sql.begin(async (tx) => {
    const user = await userByEmail(s, tx, email);
    if (!user) return;
    checkFrequency(s, user.recovery_sent_at);
    const pkce = await pkceFlow(s, tx, user.id, ctx.body, "recovery", "recovery");
    await emailLink(s, tx, ctx, user, "recovery", redirect, { pkce });
  });
  return json({});
}

export async function otp(s: Auth, ctx: Ctx): Promise<Response> {
  rate(s, "otp", ctx, s.cfg.rateLimit.otp);
  const b = ctx.body;
  if (b.email && b.phone) throw err.validation("Only an email address or phone number should be provided");
  if (!b.email && !b.phone) throw err.validation("One of email or phone must be set");
  if (b.phone) throw new AuthError(422, "phone_provider_disabled", "Unsupported phone provider");
  if (!s.cfg.emailEnabled) throw new AuthError(422, "email_provider_disabled", "Email logins are disabled");
  const email = validateEmail(b.email);
  const mayCreate = b.create_user !== false;
  const data: Row = b.data && typeof b.data === "object" && !Array.isArray(b.data) ? b.data : {};
  const redirect = redirectTo(s, ctx, b.redirect_to);
  await s.sql.begin(async (tx) => {
    let user = await userByEmail(s, tx, email);
    if (!user && !mayCreate) throw new AuthError(422, "otp_disabled", "Signups not allowed for otp");
    if (!user || !user.email_confirmed_at) {
      if (s.cfg.disableSignup && !user) throw new AuthError(422, "signup_disabled", "Signups not allowed for this instance");
      user ??= await createUser(s, tx, { email, password: randomBytes(24).toString("base64url"), data, confirmed: false, selfSignup: true });
      if (!s.cfg.autoconfirm) {
        checkFrequency(s, user.confirmation_sent_at);
        const pkce = await pkceFlow(s, tx, user.id, b, "email/signup", "email");
        await emailLink(s, tx, ctx, user, "signup", redirect, { pkce });
        return;
      }
      await confirm(s, tx, user);
      user = (await userById(s, tx, user.id))!;
    }
    checkFrequency(s, user.recovery_sent_at);
    const pkce = await pkceFlow(s, tx, user.id, b, "magiclink", "magiclink");
    await emailLink(s, tx, ctx, user, "magiclink", redirect, { pkce });
  });
  return json({});
}

export async function resend(s: Auth, ctx: Ctx): Promise<Response> {
  rate(s, "otp", ctx, s.cfg.rateLimit.otp);
  const b = ctx.body;
  if (!["signup", "email_change", "sms", "phone_change"].includes(b.type)) {
    throw err.validation("Missing one of these types: signup, email_change, sms, phone_change");
  }
  if (b.type === "sms" || b.type === "phone_change") throw new AuthError(400, "phone_provider_disabled", "Unsupported phone provider");
  if (!b.email) throw err.validation("Type provided requires an email address");
  const email = validateEmail(b.email);
  const redirect = redirectTo(s, ctx, b.redirect_to);
  await s.sql.begin(async (tx) => {
    const user = await userByEmail(s, tx, email);
    if (!user) return;
    if (b.type === "signup") {
      if (user.email_confirmed_at) return;
      checkFrequency(s, user.confirmation_sent_at);
      const pkce = await pkceFlow(s, tx, user.id, b, "email/signup", "email");
      await emailLink(s, tx, ctx, user, "signup", redirect, { pkce });
    } else {
      if (!user.email_change) return;
      checkFrequency(s, user.email_change_sent_at);
      await emailLink(s, tx, ctx, user, "email_change_new", redirect, { to: user.email_change });
      if (s.cfg.secureEmailChange && user.email) {
        await emailLink(s, tx, ctx, user, "email_change_current", redirect, { to: user.email });
      }
    }
  });
  return json({});
}

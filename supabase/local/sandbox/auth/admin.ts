// Service-role endpoints: invitations, /admin/users, /admin/generate_link.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { parseDuration } from "./config.ts";
import { AuthError, err } from "./errors.ts";
import { type Auth, type Ctx, hashPassword, json, redirectTo, type Row, validateEmail } from "./core.ts";
import { emailLink } from "./mail.ts";
import { checkPassword, confirm, createUser, userByEmail, userById, userJson } from "./users.ts";

export async function invite(s: Auth, ctx: Ctx): Promise<Response> {
  const email = validateEmail(ctx.body.email);
  const data: Row = ctx.body.data && typeof ctx.body.data === "object" ? ctx.body.data : {};
  const redirect = redirectTo(s, ctx, ctx.body.redirect_to);
  const out = await s.sql.begin(async (tx) => {
    let user = await userByEmail(s, tx, email);
    if (user?.email_confirmed_at) {
      throw new AuthError(422, "email_exists", "A user with this email address has already been registered");
    }
    user ??= await createUser(s, tx, { email, password: null, data, confirmed: false, invited: true });
    await emailLink(s, tx, ctx, user, "invite", redirect);
    return await userJson(s, tx, (await userById(s, tx, user.id))!);
  });
  return json(out);
}

export async function adminListUsers(s: Auth, ctx: Ctx): Promise<Response> {
  const q = ctx.url.searchParams;
  const page = Math.max(1, Number(q.get("page") ?? 1) || 1);
  const perPage = Math.min(1000, Math.max(1, Number(q.get("per_page") ?? 50) || 50));
  const filter = q.get("filter") ?? "";
  const like = `%${filter}%`;
  const where = filter
    ? s.sql`where aud = ${s.cfg.jwt.aud} and (email like ${like} or raw_user_meta_data->>'full_name' ilike ${like})`
    : s.sql`where aud = ${s.cfg.jwt.aud}`;
  const [{ n }] = await s.sql`select count(*)::int as n from auth.users ${where}`;
  const rows = await s.sql`select * from auth.users ${where} order by created_at desc
    limit ${perPage} offset ${(page - 1) * perPage}`;
  const users = [];
  // GoTrue lists users without loading their identities.
  for (const u of rows) users.push({ ...(await userJson(s, s.sql, u)), identities: null });
  const last = Math.max(1, Math.ceil(n / perPage));
  const base = `${s.cfg.externalUrl}/admin/users?per_page=${perPage}`;
  const links = [...(page < last ? [`<${base}&page=${page + 1}>; rel="next"`] : []), `<${base}&page=${last}>; rel="last"`];
  return json({ users, aud: s.cfg.jwt.aud }, 200, { "x-total-count": String(n), link: links.join(", ") });
}

export async function adminCreateUser(s: Auth, ctx: Ctx): Promise<Response> {
  const b = ctx.body;
  if (!b.email && !b.phone) throw err.validation("Cannot create a user without either an email or phone");
  if (b.phone) throw new AuthError(400, "phone_provider_disabled", "Phone users are not supported by the local Auth stand-in");
  if (b.password && b.password_hash) throw err.validation("Only a password or a password hash should be provided");
  const email = validateEmail(b.email);
  if (b.id !== undefined && !z.string().uuid().safeParse(b.id).success) throw err.validation("id must be an UUID");
  const out = await s.sql.begin(async (tx) => {
    if (await userByEmail(s, tx, email)) {
      throw new AuthError(422, "email_exists", "A user with this email address has already been registered");
    }
    const user = await createUser(s, tx, {
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
    // As GoTrue answers: the user as written, before the database computes confirmed_at.
    const { confirmed_at: _, ...created } = await userJson(s, tx, (await userById(s, tx, user.id))!);
    return created;
  });
  return json(out);
}

export async function adminUpdateUser(s: Auth, ctx: Ctx, user: Row): Promise<Response> {
  const b = ctx.body;
  const out = await s.sql.begin(async (tx) => {
    if (typeof b.role === "string" && b.role) await tx`update auth.users set role = ${b.role} where id = ${user.id}`;
    if (b.email_confirm === true) await confirm(s, tx, user);
    if (b.password !== undefined) {
      const pw = checkPassword(s, b.password);
      await tx`update auth.users set encrypted_password = ${await hashPassword(pw)} where id = ${user.id}`;
      await tx`delete from auth.sessions where user_id = ${user.id}`;
    }
    if (b.email !== undefined) {
      const email = validateEmail(b.email);
      const other = await userByEmail(s, tx, email);
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
    return await userJson(s, tx, (await userById(s, tx, user.id))!);
  });
  return json(out);
}

export async function generateLink(s: Auth, ctx: Ctx): Promise<Response> {
  const b = ctx.body;
  const types = ["signup", "invite", "magiclink", "recovery", "email_change_current", "email_change_new"];
  if (!types.includes(b.type)) throw err.validation(`Invalid email action link type requested: ${b.type}`);
  const email = validateEmail(b.email);
  const redirect = redirectTo(s, ctx, b.redirect_to);
  const data: Row = b.data && typeof b.data === "object" ? b.data : {};
  const out = await s.sql.begin(async (tx) => {
    let user = await userByEmail(s, tx, email);
    let type = b.type as "signup" | "invite" | "recovery" | "magiclink" | "email_change_current" | "email_change_new";
    if (!user) {
      if (type === "recovery" || type.startsWith("email_change")) throw err.userNotFound("User with this email not found");
      if (type === "magiclink") type = "signup";
      const password = type === "signup" ? checkPassword(s, b.password) : null;
      user = await createUser(s, tx, { email, password, data, confirmed: false, invited: type === "invite" });
    } else if ((type === "signup" || type === "invite") && user.email_confirmed_at) {
      throw new AuthError(422, "email_exists", "A user with this email address has already been registered");
    }
    let to = email;
    if (type.startsWith("email_change")) {
      const newEmail = validateEmail(b.new_email);
      await tx`update auth.users set email_change = ${newEmail}, email_change_confirm_status = 0 where id = ${user.id}`;
      user = (await userById(s, tx, user.id))!;
      if (type === "email_change_new") to = newEmail;
    }
    const { otp, hash, link } = await emailLink(s, tx, ctx, user, type, redirect, { send: false, to });
    return {
      ...(await userJson(s, tx, (await userById(s, tx, user.id))!)),
      action_link: link,
      email_otp: otp,
      hashed_token: hash,
      verification_type: type,
      redirect_to: redirect,
    };
  });
  return json(out);
}

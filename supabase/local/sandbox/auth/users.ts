// Users: lookup, the JSON GoTrue returns for them, creation, confirmation, password rules.
import { randomUUID } from "node:crypto";
import { err } from "./errors.ts";
import { type Auth, hashPassword, iso, NIL, now, type Row, type Tx } from "./core.ts";

export async function userById(_s: Auth, tx: Tx, id: string): Promise<Row | null> {
  const [u] = await tx`select * from auth.users where id = ${id}`;
  return u ?? null;
}

export async function userByEmail(s: Auth, tx: Tx, email: string): Promise<Row | null> {
  const [u] = await tx`select * from auth.users
    where instance_id is not distinct from ${NIL}::uuid and lower(email) = ${email.toLowerCase()}
      and aud = ${s.cfg.jwt.aud} and is_sso_user = false
    order by created_at limit 1`;
  if (u) return u;
  // Users inserted without an instance id (seeds written for either server).
  const [v] = await tx`select * from auth.users where lower(email) = ${email.toLowerCase()} and is_sso_user = false
    order by created_at limit 1`;
  return v ?? null;
}

export async function userJson(_s: Auth, tx: Tx, u: Row): Promise<Row> {
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

export function checkPassword(s: Auth, pw: unknown): string {
  if (typeof pw !== "string" || pw === "") throw err.validation("Signup requires a valid password");
  if (new TextEncoder().encode(pw).length > 72) throw err.validation("Password cannot be longer than 72 characters");
  const reasons: string[] = [];
  const messages: string[] = [];
  if ([...pw].length < s.cfg.password.minLength) {
    reasons.push("length");
    messages.push(`Password should be at least ${s.cfg.password.minLength} characters.`);
  }
  const sets = s.cfg.password.requiredCharacters;
  if (sets.length && !sets.every((set) => [...set].some((c) => pw.includes(c)))) {
    reasons.push("characters");
    messages.push(`Password should contain at least one character of each: ${sets.map((s) => `"${s}"`).join(", ")}.`);
  }
  if (reasons.length) throw err.weakPassword(reasons, messages.join(" "));
  return pw;
}

export async function createUser(
  s: Auth,
  tx: Tx,
  p: { email: string; password: string | null; data: Row; confirmed: boolean; role?: string; appMeta?: Row; id?: string; invited?: boolean; selfSignup?: boolean },
): Promise<Row> {
  const id = p.id ?? randomUUID();
  const hash = p.password ? await hashPassword(p.password) : "";
  const t = now();
  const app = { provider: "email", providers: ["email"], ...(p.appMeta ?? {}) };
  const identityData = { ...p.data, sub: id, email: p.email, email_verified: false, phone_verified: false };
  // A self sign-up's user_metadata carries the identity's claims as GoTrue's does;
  // an admin-created user's only what the admin gave.
  const base = p.selfSignup ? identityData : p.data;
  const meta = p.confirmed ? { ...base, email_verified: true } : base;
  // Token columns are '' rather than NULL, as GoTrue writes them (it reads them as strings).
  await tx`insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, invited_at,
      confirmation_token, recovery_token, email_change_token_new, email_change_token_current, email_change,
      phone_change, phone_change_token, reauthentication_token,
      raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at, is_sso_user, is_anonymous)
    values (${NIL}, ${id}, ${s.cfg.jwt.aud}, ${p.role ?? s.cfg.jwt.defaultRole}, ${p.email}, ${hash},
      ${p.confirmed ? t : null}, ${p.invited ? t : null}, '', '', '', '', '', '', '', '',
      ${tx.json(app)}, ${tx.json(meta)}, false, ${t}, ${t}, false, false)`;
  await tx`insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
    values (${id}, ${id}, ${tx.json(identityData)}, 'email', ${t}, ${t}, ${t})`;
  return (await userById(s, tx, id))!;
}

export async function confirm(_s: Auth, tx: Tx, u: Row): Promise<void> {
  await tx`update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()), confirmation_token = '',
      raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || '{"email_verified": true}', updated_at = now()
    where id = ${u.id}`;
  await tx`delete from auth.one_time_tokens where user_id = ${u.id} and token_type = 'confirmation_token'`;
  await tx`update auth.identities set identity_data = identity_data || '{"email_verified": true}', updated_at = now()
    where user_id = ${u.id} and email = lower(${u.email ?? ""})`;
}

// Emails: one-time tokens and their links, templates, frequency and hourly limits, PKCE flow state.
import { randomUUID } from "node:crypto";
import { type EmailKind } from "./config.ts";
import { AuthError, err } from "./errors.ts";
import { type Auth, type Ctx, now, otpCode, type Row, tokenHash, type Tx } from "./core.ts";

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
export function renderTemplate(tpl: string, vars: Record<string, string>): string {
  return tpl.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, k: string) => escapeHtml(vars[k] ?? ""));
}

export async function template(s: Auth, kind: EmailKind): Promise<string> {
  const cached = s.templates.get(kind);
  if (cached) return cached;
  const url = s.cfg.templates[kind];
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
  s.templates.set(kind, tpl);
  return tpl;
}

/** GoTrue's per-user minimum interval between emails of one kind (SMTP_MAX_FREQUENCY). */
export function checkFrequency(s: Auth, sentAt: Date | null | undefined) {
  if (!sentAt) return;
  const wait = new Date(sentAt).getTime() + s.cfg.smtp.maxFrequencyMs - Date.now();
  if (wait > 0) {
    throw new AuthError(429, "over_email_send_rate_limit",
      `For security purposes, you can only request this after ${Math.floor(wait / 1000)} seconds.`);
  }
}

/** The instance-wide hourly email limit (RATE_LIMIT_EMAIL_SENT). */
export function takeEmailBudget(s: Auth) {
  if (s.cfg.autoconfirm) return;
  const hourAgo = Date.now() - 3_600_000;
  s.emailTimes = s.emailTimes.filter((t) => t > hourAgo);
  if (s.emailTimes.length >= s.cfg.rateLimit.emailSent) {
    throw new AuthError(429, "over_email_send_rate_limit", "email rate limit exceeded");
  }
  s.emailTimes.push(Date.now());
}

export async function sendMail(s: Auth, kind: EmailKind, to: string, vars: Record<string, string>) {
  const tpl = await template(s, kind);
  const html = renderTemplate(tpl, { SiteURL: s.cfg.siteUrl, Email: to, ...vars });
  if (!s.mailer) {
    console.log(`auth stand-in: no SMTP configured; ${kind} email to ${to}: ${vars.ConfirmationURL ?? ""}`);
    return;
  }
  const from = s.cfg.smtp.senderName
    ? `"${s.cfg.smtp.senderName}" <${s.cfg.smtp.adminEmail}>`
    : s.cfg.smtp.adminEmail;
  await s.mailer.sendMail({ from, to, subject: s.cfg.subjects[kind] ?? DEFAULT_SUBJECTS[kind], html });
}

/**
 * Mints a one-time token for `user`, stores its hash (users column and
 * auth.one_time_tokens, as GoTrue does) and emails the link.
 */
export async function emailLink(
  s: Auth,
  tx: Tx,
  _ctx: Ctx,
  user: Row,
  type: "signup" | "invite" | "recovery" | "magiclink" | "email_change_current" | "email_change_new",
  redirectTo: string,
  opts: { pkce?: boolean; send?: boolean; to?: string } = {},
): Promise<{ otp: string; hash: string; link: string }> {
  const to = opts.to ?? user.email;
  const otp = otpCode(s.cfg.otpLength);
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
  const link = new URL(`${s.cfg.urlPaths[path]}?token=${encodeURIComponent(stored)}&type=${linkType}&redirect_to=${rt}`,
    s.cfg.externalUrl).toString();
  if (opts.send !== false) {
    takeEmailBudget(s);
    const kind = KIND_OF_TYPE[linkType];
    await sendMail(s, kind, to, {
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

export async function pkceFlow(_s: Auth, tx: Tx, userId: string, body: Row, method: string, providerType: string): Promise<boolean> {
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

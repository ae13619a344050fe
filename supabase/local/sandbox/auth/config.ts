// Settings of the local Auth stand-in, read from the same GOTRUE_* variables
// Supabase Auth reads (supabase/local/services.ts derives them from
// supabase/config.toml [auth] for both), so the two are configured as one.
import { z } from "zod";

const bool = (d: boolean) =>
  z.string().optional().transform((v) => (v === undefined || v === "" ? d : v === "true"));
const int = (d: number) =>
  z.string().optional().transform((v, ctx) => {
    if (v === undefined || v === "") return d;
    const n = Number(v);
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: "custom", message: `not a number: ${v}` });
      return z.NEVER;
    }
    return n;
  });

/** Go's time.ParseDuration for the forms config.toml uses ("1s", "60s", "1m30s", "1ns"). */
export function parseDuration(v: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...v.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join("") !== v) throw new Error(`invalid duration "${v}"`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * units[p[2]], 0);
}

const Env = z.object({
  GOTRUE_API_HOST: z.string().default("127.0.0.1"),
  GOTRUE_API_PORT: z.string().optional(),
  PORT: z.string().optional(),
  API_EXTERNAL_URL: z.string().url(),
  GOTRUE_DB_DATABASE_URL: z.string().min(1),
  GOTRUE_SITE_URL: z.string().url(),
  GOTRUE_URI_ALLOW_LIST: z.string().default(""),
  GOTRUE_DISABLE_SIGNUP: bool(false),
  GOTRUE_JWT_SECRET: z.string().min(32),
  GOTRUE_JWT_EXP: int(3600),
  GOTRUE_JWT_AUD: z.string().default("authenticated"),
  GOTRUE_JWT_ISSUER: z.string().optional(),
  GOTRUE_JWT_ADMIN_ROLES: z.string().default("service_role,supabase_admin"),
  GOTRUE_JWT_DEFAULT_GROUP_NAME: z.string().default("authenticated"),
  GOTRUE_EXTERNAL_EMAIL_ENABLED: bool(true),
  GOTRUE_MAILER_AUTOCONFIRM: bool(false),
  GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED: bool(true),
  GOTRUE_MAILER_OTP_LENGTH: int(6),
  GOTRUE_MAILER_OTP_EXP: int(86400),
  GOTRUE_MAILER_URLPATHS_INVITE: z.string().default("/verify"),
  GOTRUE_MAILER_URLPATHS_CONFIRMATION: z.string().default("/verify"),
  GOTRUE_MAILER_URLPATHS_RECOVERY: z.string().default("/verify"),
  GOTRUE_MAILER_URLPATHS_EMAIL_CHANGE: z.string().default("/verify"),
  GOTRUE_SMTP_HOST: z.string().default(""),
  GOTRUE_SMTP_PORT: int(25),
  GOTRUE_SMTP_USER: z.string().default(""),
  GOTRUE_SMTP_PASS: z.string().default(""),
  GOTRUE_SMTP_ADMIN_EMAIL: z.string().default("admin@localhost"),
  GOTRUE_SMTP_SENDER_NAME: z.string().default(""),
  GOTRUE_SMTP_MAX_FREQUENCY: z.string().default("1m"),
  GOTRUE_PASSWORD_MIN_LENGTH: int(6).transform((n) => Math.max(6, n)),
  GOTRUE_PASSWORD_REQUIRED_CHARACTERS: z.string().default(""),
  GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED: bool(true),
  GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL: int(10),
  GOTRUE_RATE_LIMIT_HEADER: z.string().default(""),
  GOTRUE_RATE_LIMIT_EMAIL_SENT: int(30),
  GOTRUE_RATE_LIMIT_TOKEN_REFRESH: int(150),
  GOTRUE_RATE_LIMIT_VERIFY: int(30),
  GOTRUE_RATE_LIMIT_OTP: int(30),
  GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_ENABLED: bool(false),
  GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_URI: z.string().default(""),
});

export type EmailKind = "confirmation" | "recovery" | "magic_link" | "invite" | "email_change";
export const EMAIL_KINDS: EmailKind[] = ["confirmation", "recovery", "magic_link", "invite", "email_change"];

export interface AuthConfig {
  host: string;
  port: number;
  externalUrl: string;
  dbUrl: string;
  siteUrl: string;
  allowList: string[];
  disableSignup: boolean;
  jwt: { secret: string; exp: number; aud: string; issuer: string; adminRoles: string[]; defaultRole: string };
  emailEnabled: boolean;
  autoconfirm: boolean;
  secureEmailChange: boolean;
  otpLength: number;
  otpExpiry: number;
  urlPaths: Record<"invite" | "confirmation" | "recovery" | "email_change", string>;
  smtp: { host: string; port: number; user: string; pass: string; adminEmail: string; senderName: string; maxFrequencyMs: number };
  templates: Partial<Record<EmailKind, string>>;
  subjects: Partial<Record<EmailKind, string>>;
  password: { minLength: number; requiredCharacters: string[] };
  refresh: { rotation: boolean; reuseIntervalS: number };
  rateLimit: { header: string; emailSent: number; tokenRefresh: number; verify: number; otp: number };
  /** Postgres function of the Custom Access Token Hook, schema-qualified, or null. */
  accessTokenHook: { schema: string; name: string } | null;
}

export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): AuthConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`auth stand-in: invalid configuration — ${missing}`);
  }
  const e = parsed.data;
  let hook: AuthConfig["accessTokenHook"] = null;
  if (e.GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_ENABLED) {
    // Only Postgres function hooks: pg-functions://<database>/<schema>/<function>.
    const m = /^pg-functions:\/\/[^/]+\/([a-z_][a-z0-9_]*)\/([a-z_][a-z0-9_]*)$/.exec(e.GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_URI);
    if (!m) throw new Error(`auth stand-in: unsupported hook URI ${e.GOTRUE_HOOK_CUSTOM_ACCESS_TOKEN_URI} (pg-functions:// only)`);
    hook = { schema: m[1], name: m[2] };
  }
  const pick = (prefix: string) =>
    Object.fromEntries(
      EMAIL_KINDS.map((k) => [k, env[`${prefix}${k.toUpperCase()}`]]).filter(([, v]) => v),
    ) as Partial<Record<EmailKind, string>>;
  return {
    host: e.GOTRUE_API_HOST,
    port: Number(e.GOTRUE_API_PORT ?? e.PORT ?? 9999),
    externalUrl: e.API_EXTERNAL_URL.replace(/\/$/, ""),
    dbUrl: e.GOTRUE_DB_DATABASE_URL,
    siteUrl: e.GOTRUE_SITE_URL,
    allowList: e.GOTRUE_URI_ALLOW_LIST.split(",").map((s) => s.trim()).filter(Boolean),
    disableSignup: e.GOTRUE_DISABLE_SIGNUP,
    jwt: {
      secret: e.GOTRUE_JWT_SECRET,
      exp: e.GOTRUE_JWT_EXP,
      aud: e.GOTRUE_JWT_AUD,
      issuer: e.GOTRUE_JWT_ISSUER ?? `${e.API_EXTERNAL_URL.replace(/\/$/, "")}`,
      adminRoles: e.GOTRUE_JWT_ADMIN_ROLES.split(",").map((s) => s.trim()).filter(Boolean),
      defaultRole: e.GOTRUE_JWT_DEFAULT_GROUP_NAME,
    },
    emailEnabled: e.GOTRUE_EXTERNAL_EMAIL_ENABLED,
    autoconfirm: e.GOTRUE_MAILER_AUTOCONFIRM,
    secureEmailChange: e.GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED,
    otpLength: e.GOTRUE_MAILER_OTP_LENGTH,
    otpExpiry: e.GOTRUE_MAILER_OTP_EXP,
    urlPaths: {
      invite: e.GOTRUE_MAILER_URLPATHS_INVITE,
      confirmation: e.GOTRUE_MAILER_URLPATHS_CONFIRMATION,
      recovery: e.GOTRUE_MAILER_URLPATHS_RECOVERY,
      email_change: e.GOTRUE_MAILER_URLPATHS_EMAIL_CHANGE,
    },
    smtp: {
      host: e.GOTRUE_SMTP_HOST,
      port: e.GOTRUE_SMTP_PORT,
      user: e.GOTRUE_SMTP_USER,
      pass: e.GOTRUE_SMTP_PASS,
      adminEmail: e.GOTRUE_SMTP_ADMIN_EMAIL,
      senderName: e.GOTRUE_SMTP_SENDER_NAME,
      maxFrequencyMs: parseDuration(e.GOTRUE_SMTP_MAX_FREQUENCY),
    },
    templates: pick("GOTRUE_MAILER_TEMPLATES_"),
    subjects: pick("GOTRUE_MAILER_SUBJECTS_"),
    password: {
      minLength: e.GOTRUE_PASSWORD_MIN_LENGTH,
      // Go's config splits character sets on ":" (e.g. "abc...:ABC...:0123456789").
      requiredCharacters: e.GOTRUE_PASSWORD_REQUIRED_CHARACTERS
        ? e.GOTRUE_PASSWORD_REQUIRED_CHARACTERS.split(/(?<!\\):/).map((set) => set.replace(/\\:/g, ":"))
        : [],
    },
    refresh: {
      rotation: e.GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED,
      reuseIntervalS: e.GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL,
    },
    rateLimit: {
      header: e.GOTRUE_RATE_LIMIT_HEADER,
      emailSent: e.GOTRUE_RATE_LIMIT_EMAIL_SENT,
      tokenRefresh: e.GOTRUE_RATE_LIMIT_TOKEN_REFRESH,
      verify: e.GOTRUE_RATE_LIMIT_VERIFY,
      otp: e.GOTRUE_RATE_LIMIT_OTP,
    },
    accessTokenHook: hook,
  };
}

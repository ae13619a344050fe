// Configuration of the Docker-free local stack: instances, ports, paths, keys.
//
// Two instances run side by side without touching each other:
//   dev  — what `npm start` runs, on the ports the README lists (54321, 54322, …);
//   test — what `npm test` runs (a fresh database every run), on ports +1000.
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
export const SUPABASE_DIR = join(ROOT, "supabase");
export const LOCAL_DIR = join(ROOT, ".local");
export const PG_BIN = Deno.env.get("PG_BIN") ?? "/usr/lib/postgresql/15/bin";

// Supabase's well-known local development secret and keys — the very values
// `supabase start` uses, so one .env works against both stacks. They sign
// nothing outside a developer's machine.
export const JWT_SECRET = Deno.env.get("SUPABASE_JWT_SECRET") ??
  "super-secret-jwt-token-with-at-least-32-characters-long";
export const ANON_KEY = Deno.env.get("SUPABASE_ANON_KEY") ??
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0";
export const SERVICE_ROLE_KEY = Deno.env.get("SUPABASE_SERVICE_ROLE_KEY") ??
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU";

export type InstanceName = "dev" | "test";

export interface Instance {
  name: InstanceName;
  dir: string;
  /** The Postgres cluster, and where the server (the `postgres` OS user) writes its log. */
  pgData: string;
  pgLog: string;
  logDir: string;
  runDir: string;
  ports: {
    gateway: number;
    db: number;
    postgrest: number;
    postgrestAdmin: number;
    functions: number;
    twilio: number;
    openai: number;
    stripe: number;
    mailgun: number;
    /** The voice stand-ins (sandbox/elevenlabs.ts, sandbox/openrouter.ts). */
    elevenlabs: number;
    openrouter: number;
    auth: number;
    /** A second Auth, configured exactly as config.toml, that the Auth contract suite starts. */
    authContract: number;
    mail: number;
    smtp: number;
    /** The Sentry stand-in (sandbox/sentry.ts): the test instance's SENTRY_DSN points at it. */
    sentry: number;
    web: number;
  };
  dbUrl: string;
  apiUrl: string;
}

const BASE: Record<InstanceName, number> = { dev: 0, test: 1000 };

let postgresReachesCheckout: boolean | undefined;
/**
 * Postgres runs as the `postgres` OS user when we are root. A checkout it
 * cannot enter (a clone under /root, mode 700) can't hold its cluster, so
 * the cluster and its log then live under the postgres user's home
 * (/var/lib/postgresql/salespulse/<checkout hash>/<instance>) instead of
 * .local/<instance>; nothing about the checkout's permissions is changed.
 */
function postgresPaths(name: InstanceName, dir: string): { pgData: string; pgLog: string } {
  if (Deno.uid() === 0) {
    postgresReachesCheckout ??= (() => {
      try {
        Deno.mkdirSync(LOCAL_DIR, { recursive: true });
        const r = new Deno.Command("runuser", { args: ["-u", "postgres", "--", "test", "-x", LOCAL_DIR], stderr: "null" }).outputSync();
        return r.code === 0;
      } catch {
        return true; // no runuser or no postgres user: the stack's own checks say what is missing
      }
    })();
    if (!postgresReachesCheckout) {
      const hash = Array.from(new TextEncoder().encode(ROOT)).reduce((h, b) => (h * 31 + b) >>> 0, 7).toString(16);
      const home = join("/var/lib/postgresql/salespulse", hash, name);
      return { pgData: join(home, "pg"), pgLog: join(home, "postgres.log") };
    }
  }
  return { pgData: join(dir, "pg"), pgLog: join(dir, "logs", "postgres.log") };
}
/**
 * Shifts every port of both instances (default 0), so a second checkout can
 * run its own stack beside this one — e.g. SALESPULSE_PORT_OFFSET=2000.
 */
const PORT_OFFSET = Number(Deno.env.get("SALESPULSE_PORT_OFFSET") ?? 0);

export function instance(name: InstanceName): Instance {
  if (BASE[name] === undefined) throw new Error(`unknown instance "${name}" (dev|test)`);
  if (!Number.isInteger(PORT_OFFSET) || PORT_OFFSET < 0 || PORT_OFFSET > 8000) {
    throw new Error(`SALESPULSE_PORT_OFFSET must be an integer from 0 to 8000`);
  }
  const o = BASE[name] + PORT_OFFSET;
  const dir = join(LOCAL_DIR, name);
  const ports = {
    gateway: 54321 + o,
    db: 54322 + o,
    postgrest: 54330 + o,
    postgrestAdmin: 54331 + o,
    functions: 54332 + o,
    twilio: 54340 + o,
    openai: 54341 + o,
    stripe: 54342 + o,
    mailgun: 54343 + o,
    elevenlabs: 54335 + o,
    openrouter: 54336 + o,
    auth: 54334 + o,
    authContract: 54344 + o,
    mail: 54324 + o,
    smtp: 54325 + o,
    sentry: 54345 + o,
    web: (name === "dev" ? 5173 : 55173) + PORT_OFFSET,
  };
  return {
    name,
    dir,
    ...postgresPaths(name, dir),
    logDir: join(dir, "logs"),
    runDir: join(dir, "run"),
    ports,
    dbUrl: `postgresql://postgres:postgres@127.0.0.1:${ports.db}/postgres`,
    apiUrl: `http://127.0.0.1:${ports.gateway}`,
  };
}

// Provider stand-ins (supabase/local/sandbox/): obviously fake local credentials.
export const SANDBOX_TWILIO_ACCOUNT_SID = "AC" + "0".repeat(32);
export const SANDBOX_TWILIO_AUTH_TOKEN = "local-sandbox-auth-token";
export const SANDBOX_OPENAI_API_KEY = "sk-local-sandbox";
export const SANDBOX_STRIPE_SECRET_KEY = "sk_test_local_sandbox";
export const SANDBOX_STRIPE_WEBHOOK_SECRET = "whsec_local_sandbox";
export const SANDBOX_MAILGUN_API_KEY = "key-local-sandbox";
export const SANDBOX_RECORDING_URL_SECRET = "local-recording-url-secret-not-for-production";
export const SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY = "local-sandbox-mailgun-signing-key";
export const SANDBOX_MAILGUN_DOMAIN = "mg.salespulse.test";
export const SANDBOX_ELEVENLABS_API_KEY = "sk_local_sandbox_elevenlabs";
export const SANDBOX_OPENROUTER_API_KEY = "sk-or-v1-local-sandbox";
export const SANDBOX_TURN_SECRET = "local-turn-secret-0123456789";
/** The Sentry stand-in's DSN public key (sandbox/sentry.ts). */
export const SANDBOX_SENTRY_KEY = "0123456789abcdef0123456789abcdef";

/**
 * Provider settings the local functions server starts with, before
 * supabase/functions/.env (whose non-empty values win): Twilio goes to the
 * stand-in; OpenAI is off in dev (offline analyzer, as with no keys) and the
 * stand-in in the test instance, so `npm test` exercises the OpenAI path.
 */
export function sandboxProviderEnv(i: Instance): Record<string, string> {
  return {
    PUBLIC_FUNCTIONS_URL: `${i.apiUrl}/functions/v1`,
    RECORDING_URL_SECRET: SANDBOX_RECORDING_URL_SECRET,
    TWILIO_ACCOUNT_SID: SANDBOX_TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: SANDBOX_TWILIO_AUTH_TOKEN,
    TWILIO_API_BASE_URL: `http://127.0.0.1:${i.ports.twilio}`,
    STRIPE_SECRET_KEY: SANDBOX_STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: SANDBOX_STRIPE_WEBHOOK_SECRET,
    STRIPE_API_BASE_URL: `http://127.0.0.1:${i.ports.stripe}`,
    PUBLIC_SITE_URL: `http://127.0.0.1:${i.ports.web}`,
    MAILGUN_API_KEY: SANDBOX_MAILGUN_API_KEY,
    MAILGUN_DOMAIN: SANDBOX_MAILGUN_DOMAIN,
    MAILGUN_WEBHOOK_SIGNING_KEY: SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY,
    MAILGUN_API_BASE_URL: `http://127.0.0.1:${i.ports.mailgun}`,
    // Voice practice: ElevenLabs and OpenRouter always go to their stand-ins locally (the voice
    // provider manager reads OPENAI_* for OpenAI's audio, as above).
    ELEVENLABS_API_KEY: SANDBOX_ELEVENLABS_API_KEY,
    ELEVENLABS_API_BASE_URL: `http://127.0.0.1:${i.ports.elevenlabs}`,
    OPENROUTER_API_KEY: SANDBOX_OPENROUTER_API_KEY,
    OPENROUTER_BASE_URL: `http://127.0.0.1:${i.ports.openrouter}/api/v1`,
    FEATURE_VOICE_AI_ENABLED: "true",
    VOICE_SESSION_SECRET: "local-voice-session-secret-0123456789abcdef",
    // No TURN server runs locally; these let the credentials be minted and checked.
    TURN_URLS: "turn:127.0.0.1:3478?transport=udp",
    TURN_SECRET: SANDBOX_TURN_SECRET,
    STUN_URLS: "stun:127.0.0.1:3478",
    ...(i.name === "test"
      ? {
        OPENAI_API_KEY: SANDBOX_OPENAI_API_KEY,
        OPENAI_BASE_URL: `http://127.0.0.1:${i.ports.openai}/v1`,
        // Error tracking is on in tests: the functions report to the Sentry stand-in.
        SENTRY_DSN: sentryDsn(i),
        SENTRY_ENVIRONMENT: "test",
      }
      : {}),
  };
}

/** Sentry's project id at the stand-in (any number is accepted). */
export const SANDBOX_SENTRY_PROJECT = "1";

/** The DSN of an instance's Sentry stand-in (its default public key, project 1). */
export function sentryDsn(i: Instance): string {
  return `http://${SANDBOX_SENTRY_KEY}@127.0.0.1:${i.ports.sentry}/${SANDBOX_SENTRY_PROJECT}`;
}

/** Environment every service and test of an instance sees. */
export function instanceEnv(i: Instance): Record<string, string> {
  return {
    SALESPULSE_AUTH_PORT: String(i.ports.auth),
    SALESPULSE_MAIL_URL: `http://127.0.0.1:${i.ports.mail}`,
    SUPABASE_URL: i.apiUrl,
    SUPABASE_ANON_KEY: ANON_KEY,
    SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
    SUPABASE_JWT_SECRET: JWT_SECRET,
    SUPABASE_DB_URL: i.dbUrl,
    SALESPULSE_INSTANCE: i.name,
  };
}

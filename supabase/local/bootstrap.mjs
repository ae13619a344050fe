#!/usr/bin/env node
// First step of `npm start`, `npm test`, `npm run bench` and `npm run stack`:
// installs whatever is missing, then hands over to the Deno stack runner
// (supabase/local/cli.ts). Plain Node on purpose: it must run before any
// dependency (Deno included) is installed. Every step is skipped when already
// done, so a second run costs milliseconds.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const [command = "start", ...rest] = process.argv.slice(2);

function log(msg) {
  console.log(`[setup] ${msg}`);
}

function fail(msg) {
  console.error(`\n[setup] ${msg}`);
  process.exit(1);
}

// --- .env -------------------------------------------------------------------
function loadDotenv(file) {
  if (!existsSync(file)) return;
  for (const raw of readFileSync(file, "utf8").split("\n")) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(raw);
    if (!m || raw.trim().startsWith("#")) continue;
    let v = m[2].trim();
    if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1);
    if (v !== "" && process.env[m[1]] === undefined) process.env[m[1]] = v;
  }
}
loadDotenv(join(ROOT, ".env"));

// --- Debian packages ---------------------------------------------------------
// PostgreSQL 15 with pg_cron, pgTAP (+ pg_prove) and plpgsql_check; espeak-ng and sox; Chromium
// for the browser tests.
const PACKAGES = {
  "postgresql-15": "/usr/lib/postgresql/15/bin/postgres",
  "postgresql-15-cron": "/usr/lib/postgresql/15/lib/pg_cron.so",
  "postgresql-15-pgtap": "/usr/share/postgresql/15/extension/pgtap.control",
  "pgtap": "/usr/bin/pg_prove",
  "postgresql-15-plpgsql-check": "/usr/lib/postgresql/15/lib/plpgsql_check.so",
  "postgresql-client-15": "/usr/bin/psql",
  // The voice stand-ins speak with espeak-ng and convert with sox (MP3 through libsox-fmt-mp3).
  "espeak-ng": "/usr/bin/espeak-ng",
  "sox": "/usr/bin/sox",
  "libsox-fmt-mp3": "/usr/lib/x86_64-linux-gnu/sox/libsox_fmt_mp3.so",
};
const BROWSER = { chromium: "/usr/bin/chromium" };

function ensureDebian(wanted) {
  const missing = Object.entries(wanted).filter(([, f]) => !existsSync(f)).map(([p]) => p);
  if (!missing.length) return;
  const isRoot = process.getuid?.() === 0;
  if (process.env.SALESPULSE_SKIP_APT === "1" || !isRoot) {
    fail(
      `missing Debian packages: ${missing.join(" ")}\n` +
        `install them with: sudo apt-get install -y ${missing.join(" ")}`,
    );
  }
  log(`installing Debian packages: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () =>
    spawnSync("apt-get", ["install", "-y", "--no-install-recommends", ...missing], { stdio: "inherit", env });
  let r = install();
  if (r.status !== 0) {
    spawnSync("apt-get", ["update"], { stdio: "inherit", env });
    r = install();
  }
  if (r.status !== 0) fail(`apt-get install ${missing.join(" ")} failed`);
}

// --- npm packages -----------------------------------------------------------
function ensureNpm() {
  // node_modules is current when it was installed from this very lockfile.
  const lock = join(ROOT, "package-lock.json");
  const stamp = join(ROOT, "node_modules", ".salespulse-installed");
  const want = createHash("sha256")
    .update(readFileSync(join(ROOT, "package.json")))
    .update(existsSync(lock) ? readFileSync(lock) : "")
    .digest("hex");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === want) return;
  log("installing npm packages");
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (r.status !== 0) fail("npm install failed");
  writeFileSync(stamp, want);
}

// --- Port reservation ---------------------------------------------------------
// The stack's ports (54320-54345 dev, 55320-55345 and 55173 test) lie inside
// Linux's ephemeral range (32768-60999): a client socket — a pooled database
// connection, say — can be given one of them as its source port and keep a
// service from binding it ("address already in use"). As root, reserve them
// (net.ipv4.ip_local_reserved_ports: only automatic source-port choice skips
// them; servers still bind them). Elsewhere this is skipped silently.
// SALESPULSE_PORT_OFFSET shifts them all (a second checkout's stack).
const OFFSET = Number(process.env.SALESPULSE_PORT_OFFSET ?? 0) || 0;
const RESERVED = [[54320, 54345], [55173, 55173], [55320, 55345], [5173, 5173]]
  .filter(([a]) => a + OFFSET >= 32768)
  .map(([a, b]) => (a === b ? `${a + OFFSET}` : `${a + OFFSET}-${b + OFFSET}`));
function reservePorts() {
  const file = "/proc/sys/net/ipv4/ip_local_reserved_ports";
  if (process.platform !== "linux" || process.getuid?.() !== 0 || !existsSync(file)) return;
  try {
    const current = readFileSync(file, "utf8").trim();
    const have = new Set(current ? current.split(",") : []);
    const missing = RESERVED.filter((r) => !have.has(r));
    if (!missing.length) return;
    writeFileSync(file, [...have, ...missing].join(","));
  } catch {
    /* not allowed here (a restricted container): the stack still works, with the small race above */
  }
}

reservePorts();
ensureDebian(PACKAGES);
if ((command === "test" || command === "mutate") && process.env.SALESPULSE_SKIP_BROWSER !== "1") ensureDebian(BROWSER);
ensureNpm();

const deno = join(ROOT, "node_modules", ".bin", "deno");
if (!existsSync(deno)) fail("Deno is missing from node_modules (npm package `deno`); run `npm install`");
try {
  execFileSync(deno, ["--version"], { stdio: "ignore" });
} catch {
  fail("node_modules/.bin/deno does not run; reinstall with `rm -rf node_modules && npm install`");
}

const args = ["run", "-A", "--quiet", join(ROOT, "supabase/local/cli.ts"), command, ...rest];
const child = spawnSync(deno, args, {
  cwd: ROOT,
  stdio: "inherit",
  env: {
    ...process.env,
    DENO_DIR: process.env.DENO_DIR ?? join(ROOT, ".local", "deno"),
    DENO_NO_UPDATE_CHECK: "1",
  },
});
process.exit(child.status ?? 1);

// The Docker-free local stack: Postgres (pg_ctl) + the supervised services.
//   up     — create the cluster if missing, start Postgres, apply bootstrap,
//            migrations and seed (first time) or pending migrations, start
//            PostgREST, the functions server and the gateway; wait until healthy.
//   down   — stop the services and Postgres (data is kept).
//   reset  — down, wipe the cluster, up (fresh database, migrations, seed).
//   status — what runs where.
//   logs   — print (or follow with -f) a service's log.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { type AuthChoice, describeAuth, recordAuth, recordedAuth, resolveAuth, standInEntry } from "./auth.ts";
import { ANON_KEY, type Instance, instanceEnv, PG_BIN, ROOT, sandboxProviderEnv, SERVICE_ROLE_KEY } from "./config.ts";
import { httpOk, IS_ROOT, must, pidAlive, portOpen, readPid, run, sleep, waitFor } from "./proc.ts";
import { historyMismatch, migrationFileVersions } from "./migration_history.ts";
import { syncStripeCatalog } from "./sandbox_sync.ts";
import { authEnv, services } from "./services.ts";

const SUPABASE_CLI = join(ROOT, "node_modules", ".bin", "supabase");

function say(inst: Instance, msg: string) {
  console.log(`[${inst.name}] ${msg}`);
}

function pgLog(inst: Instance) {
  return inst.pgLog;
}

function initializedMarker(inst: Instance) {
  return join(inst.dir, "db-initialized");
}

function chownPostgres(path: string) {
  if (!IS_ROOT) return;
  const pw = new Deno.Command("id", { args: ["-u", "postgres"], stdout: "piped" }).outputSync();
  const gr = new Deno.Command("id", { args: ["-g", "postgres"], stdout: "piped" }).outputSync();
  const uid = Number(new TextDecoder().decode(pw.stdout).trim());
  const gid = Number(new TextDecoder().decode(gr.stdout).trim());
  if (!Number.isInteger(uid) || pw.code !== 0) {
    throw new Error("running as root but there is no `postgres` OS user (install postgresql-15)");
  }
  Deno.chownSync(path, uid, gid);
}

async function pgRunning(inst: Instance): Promise<boolean> {
  if (!existsSync(join(inst.pgData, "PG_VERSION"))) return false;
  const r = await run(join(PG_BIN, "pg_ctl"), ["-D", inst.pgData, "status"], { asPostgres: true });
  return r.code === 0;
}

async function initCluster(inst: Instance) {
  say(inst, `creating PostgreSQL cluster in ${inst.pgData}`);
  Deno.mkdirSync(inst.pgData, { recursive: true });
  chownPostgres(inst.pgData);
  Deno.chmodSync(inst.pgData, 0o700);
  const pwfile = join(dirname(inst.pgData), ".pgpass-init");
  Deno.writeTextFileSync(pwfile, "postgres\n");
  chownPostgres(pwfile);
  try {
    await must(join(PG_BIN, "initdb"), [
      "-D", inst.pgData, "-U", "postgres", `--pwfile=${pwfile}`,
      "--auth-local=trust", "--auth-host=scram-sha-256",
      "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions",
    ], { asPostgres: true });
  } finally {
    Deno.removeSync(pwfile);
  }
  Deno.writeTextFileSync(
    join(inst.pgData, "postgresql.conf"),
    "\n# SalesPulse local stack settings, rewritten at every start (supabase/local/stack.ts)\ninclude_if_exists = 'salespulse.conf'\n",
    { append: true },
  );
}

/** Server settings, (re)written before every start so changes reach existing clusters. */
function writeServerConf(inst: Instance) {
  const fast = inst.name === "test"
    ? ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
    : [];
  const conf = [
    "listen_addresses = '127.0.0.1'",
    `port = ${inst.ports.db}`,
    // A unix socket (trust, local users only) lets pg_cron connect as the
    // job's user without a password.
    "unix_socket_directories = '/tmp'",
    "max_connections = 200",
    "shared_preload_libraries = 'pg_cron'",
    "cron.database_name = 'postgres'",
    // pg_cron runs each job over a libpq connection (not a background worker)
    // so a job may CALL a procedure that COMMITs.
    "cron.use_background_workers = off",
    "cron.host = '/tmp'",
    "max_worker_processes = 16",
    "timezone = 'UTC'",
    "log_timezone = 'UTC'",
    "log_min_messages = warning",
    "log_min_error_statement = error",
    ...fast,
    "",
  ].join("\n");
  const file = join(inst.pgData, "salespulse.conf");
  Deno.writeTextFileSync(file, conf);
  chownPostgres(file);
}

async function startPostgres(inst: Instance) {
  if (await pgRunning(inst)) return;
  if (await portOpen(inst.ports.db)) {
    throw new Error(
      `port ${inst.ports.db} is taken by another process; stop it (or another SalesPulse checkout) first`,
    );
  }
  Deno.mkdirSync(inst.logDir, { recursive: true });
  Deno.mkdirSync(dirname(inst.pgLog), { recursive: true });
  writeServerConf(inst);
  const log = pgLog(inst);
  if (!existsSync(log)) Deno.writeTextFileSync(log, "");
  chownPostgres(log);
  const r = await run(
    join(PG_BIN, "pg_ctl"),
    ["-D", inst.pgData, "-l", log, "-w", "-t", "60", "start"],
    { asPostgres: true },
  );
  if (r.code !== 0) {
    const tail = Deno.readTextFileSync(log).split("\n").slice(-15).join("\n");
    throw new Error(`PostgreSQL did not start:\n${r.stdout}${r.stderr}\n--- ${log} ---\n${tail}`);
  }
}

async function stopPostgres(inst: Instance) {
  if (!(await pgRunning(inst))) return;
  await run(join(PG_BIN, "pg_ctl"), ["-D", inst.pgData, "-m", "fast", "-w", "stop"], {
    asPostgres: true,
  });
}

export async function psql(inst: Instance, sql: string, extra: string[] = []) {
  return await must("psql", [
    inst.dbUrl, "-v", "ON_ERROR_STOP=1", "-X", "-q", "-t", "-A", ...extra, "-c", sql,
  ]);
}

async function supabaseCli(inst: Instance, args: string[]) {
  return await must(SUPABASE_CLI, args, {
    cwd: ROOT,
    env: { ...instanceEnv(inst), SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
  });
}

/** Apply pending migrations (and the seed on a fresh database) with the real CLI. */
async function migrate(inst: Instance, withSeed: boolean) {
  const args = ["db", "push", `--remote=${inst.dbUrl}?sslmode=disable`, "--yes", "--skip-vault"];
  if (withSeed) args.push("--include-seed");
  const r = await supabaseCli(inst, args);
  const applied = (r.stdout + r.stderr).split("\n").filter((l) => /Applying migration/.test(l));
  if (applied.length) say(inst, `applied ${applied.length} migration(s)`);
}

/** Runs Auth's own schema migration — the binary's `migrate`, or the stand-in's. */
async function migrateAuth(inst: Instance, auth: AuthChoice) {
  const env = authEnv(inst, sandboxProviderEnv(inst));
  if (auth.kind === "binary") await must(auth.path, ["migrate"], { env });
  else await must(Deno.execPath(), ["run", "-A", "--quiet", standInEntry(), "migrate"], { env });
}

/** Which Auth made this database's auth schema: the stand-in marks it; Supabase Auth's own migrations don't. */
async function authSchemaMaker(inst: Instance): Promise<"stand-in" | "binary" | "none"> {
  const out = (await psql(inst, `select case
      when exists (select 1 from auth.schema_migrations where version = 'salespulse-auth-stand-in-1') then 'stand-in'
      when to_regclass('auth.identities') is not null then 'binary' else 'none' end`)).stdout.trim();
  return out as "stand-in" | "binary" | "none";
}

/**
 * Picks the Auth for this run. A database whose auth schema the stand-in made
 * cannot be taken over by Supabase Auth (its migrations expect their own
 * history): the stand-in keeps serving it and a reset is suggested. A database
 * made by Supabase Auth is served by the stand-in as it is.
 */
async function chooseAuth(inst: Instance, fresh: boolean): Promise<AuthChoice> {
  const wanted = await resolveAuth((m) => say(inst, m));
  if (fresh) return wanted;
  const maker = await authSchemaMaker(inst);
  if (wanted.kind === "binary" && maker === "stand-in") {
    say(inst, `this database's auth schema was made by the local Auth stand-in, which ${describeAuth(wanted)} cannot take over; ` +
      `the stand-in keeps serving it. To run Supabase Auth: npm run stack -- reset --instance ${inst.name}`);
    return { kind: "stand-in", reason: "database made by the stand-in" };
  }
  if (wanted.kind === "stand-in" && maker === "binary") {
    say(inst, "this database's auth schema was made by Supabase Auth; the local Auth stand-in serves it as it is");
  }
  if (maker === "none") {
    throw new Error(`this database was set up without Auth's schema (an older checkout); recreate it: npm run stack -- reset --instance ${inst.name}`);
  }
  return wanted;
}

/**
 * A database whose applied migration versions are not a prefix of
 * supabase/migrations/ (the files were folded or renamed after it was made)
 * cannot be migrated forward: say so in one line instead of letting
 * `db push` fail on objects that already exist.
 */
async function assertMigrationHistory(inst: Instance) {
  const applied = (await psql(inst, `select coalesce(string_agg(version, ' ' order by version), '')
      from supabase_migrations.schema_migrations`).catch(() => ({ stdout: "" }))).stdout.trim().split(" ").filter(Boolean);
  const mismatch = historyMismatch(applied, migrationFileVersions());
  if (mismatch) {
    throw new Error(`this database's applied migrations are not a prefix of supabase/migrations/ (they were folded or renamed since it was made: applied ${mismatch.applied}, file ${mismatch.file ?? "none"}); recreate it: npm run stack -- reset --instance ${inst.name}`);
  }
}

async function ensureDatabase(inst: Instance) {
  const fresh = !existsSync(initializedMarker(inst));
  if (fresh && existsSync(inst.pgData)) {
    // A cluster without the marker never finished its set-up: start over.
    await stopPostgres(inst);
    Deno.removeSync(inst.pgData, { recursive: true });
  }
  if (!existsSync(join(inst.pgData, "PG_VERSION"))) await initCluster(inst);
  await startPostgres(inst);
  if (fresh) {
    say(inst, "bootstrapping Supabase roles and schemas");
    await must("psql", [
      inst.dbUrl, "-v", "ON_ERROR_STOP=1", "-X", "-q",
      "-f", join(ROOT, "supabase/local/bootstrap.sql"),
    ]);
  }
  const auth = await chooseAuth(inst, fresh);
  recordAuth(inst, auth);
  // As under `supabase start`: Auth migrates its schema before our migrations
  // and the seed run, so seeded users get every column Auth reads; later runs
  // let it apply what a newer Auth adds.
  say(inst, `Auth: ${describeAuth(auth)}`);
  await migrateAuth(inst, auth);
  if (fresh) {
    say(inst, "applying migrations and seed (supabase db push --include-seed)");
    await migrate(inst, true);
    Deno.writeTextFileSync(initializedMarker(inst), JSON.stringify({ at: new Date().toISOString(), auth: auth.kind }));
  } else {
    await assertMigrationHistory(inst);
    await migrate(inst, false);
  }
}

function supervisorPid(inst: Instance) {
  return readPid(join(inst.runDir, "supervisor.pid"));
}

async function startSupervisor(inst: Instance) {
  if (supervisorPid(inst)) return;
  for (const s of services(inst)) {
    if (await portOpen(s.port)) {
      throw new Error(`port ${s.port} (${s.name}) is taken by another process; stop it first`);
    }
  }
  Deno.mkdirSync(inst.runDir, { recursive: true });
  Deno.mkdirSync(inst.logDir, { recursive: true });
  const sup = join(inst.logDir, "supervisor.log");
  const cmd = [Deno.execPath(), "run", "-A", "--quiet", join(ROOT, "supabase/local/supervisor.ts"), inst.name]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  // setsid: the supervisor outlives the command that started it (npm start/test).
  await must("sh", ["-c", `setsid ${cmd} >> '${sup}' 2>&1 < /dev/null &`]);
  await waitFor("the supervisor", async () => supervisorPid(inst) !== null, 10_000);
}

async function waitHealthy(inst: Instance) {
  for (const s of services(inst)) {
    await waitFor(
      `${s.name} on port ${s.port}`,
      () => httpOk(s.health, { headers: s.healthHeaders }),
      60_000,
      `see ${join(inst.logDir, `${s.name}.log`)}`,
    );
  }
}

export async function up(inst: Instance) {
  const t0 = Date.now();
  Deno.mkdirSync(inst.dir, { recursive: true });
  await ensureDatabase(inst);
  await startSupervisor(inst);
  await waitHealthy(inst);
  await syncStripeCatalog(inst);
  say(inst, `stack is up in ${((Date.now() - t0) / 1000).toFixed(1)}s — API ${inst.apiUrl}`);
}

export async function down(inst: Instance) {
  const pid = supervisorPid(inst);
  if (pid) {
    Deno.kill(pid, "SIGTERM");
    const until = Date.now() + 10_000;
    while (pidAlive(pid) && Date.now() < until) await sleep(100);
    if (pidAlive(pid)) Deno.kill(pid, "SIGKILL");
  }
  await stopPostgres(inst);
  say(inst, "stack is down (data kept)");
}

export async function reset(inst: Instance) {
  await down(inst);
  for (const p of [inst.pgData, initializedMarker(inst)]) {
    if (existsSync(p)) Deno.removeSync(p, { recursive: true });
  }
  await up(inst);
}

export async function status(inst: Instance): Promise<boolean> {
  let ok = true;
  const line = (name: string, port: number, state: string) =>
    console.log(`  ${name.padEnd(10)} ${String(port).padEnd(6)} ${state}`);
  console.log(`instance ${inst.name}:`);
  const pg = await pgRunning(inst);
  ok &&= pg;
  line("postgres", inst.ports.db, pg ? `running  ${inst.dbUrl}` : "stopped");
  const sup = supervisorPid(inst);
  for (const s of services(inst)) {
    const healthy = await httpOk(s.health, { headers: s.healthHeaders });
    ok &&= healthy;
    line(s.name, s.port, healthy ? "running" : sup ? "starting/unhealthy" : "stopped");
  }
  console.log(`  supervisor pid ${sup ?? "-"}; logs in ${inst.logDir}`);
  return ok;
}

export async function logs(inst: Instance, name: string, follow: boolean) {
  const file = name === "postgres" ? inst.pgLog : join(inst.logDir, `${name}.log`);
  if (!existsSync(file)) {
    const have = existsSync(inst.logDir) ? [...Deno.readDirSync(inst.logDir)].map((e) => e.name) : [];
    throw new Error(`no log ${file}; available: ${have.join(", ") || "none"}`);
  }
  const args = follow ? ["-n", "50", "-F", file] : ["-n", "200", file];
  await new Deno.Command("tail", { args, stdout: "inherit", stderr: "inherit" }).spawn().status;
}

export function banner(inst: Instance) {
  return [
    `API (gateway)   ${inst.apiUrl}   (/rest/v1, /functions/v1, /auth/v1)`,
    `Auth            ${describeAuth(recordedAuth(inst))}`,
    `Mail catcher    http://127.0.0.1:${inst.ports.mail}   (Auth's emails: password reset, confirmations)`,
    `Database        ${inst.dbUrl}`,
    `anon key        ${ANON_KEY}`,
    `service key     ${SERVICE_ROLE_KEY}`,
  ].join("\n");
}

// Runs every test suite against a running instance and prints one closing
// line "N passed, N failed" summed over all suites.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Instance, instanceEnv, LOCAL_DIR, ROOT } from "./config.ts";
import { postDemoCalls } from "./demo.ts";
import postgres from "postgres";
import { run } from "./proc.ts";

export interface SuiteResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  note?: string;
}

const REPORTS = join(ROOT, ".local", "test", "reports");
const bin = (n: string) => join(ROOT, "node_modules", ".bin", n);

/** Run a command with output streamed to the console; returns exit code. */
async function stream(cmd: string, args: string[], env: Record<string, string>): Promise<number> {
  const p = new Deno.Command(cmd, { args, env, cwd: ROOT, stdin: "null", stdout: "inherit", stderr: "inherit" }).spawn();
  return (await p.status).code;
}

/** Count test cases in a JUnit XML report. */
export function countJunit(xml: string): { passed: number; failed: number; skipped: number } {
  let passed = 0, failed = 0, skipped = 0;
  const cases = xml.split(/<testcase\b/).slice(1);
  for (const c of cases) {
    // A test case ends at its closing tag or self-closing end.
    const body = c.split(/<\/testcase>/)[0];
    const selfClosed = /^[^>]*\/>/.test(c);
    const content = selfClosed ? "" : body;
    if (/<(failure|error)\b/.test(content)) failed++;
    else if (/<skipped\b/.test(content)) skipped++;
    else passed++;
  }
  return { passed, failed, skipped };
}

/** Count TAP results in pg_prove --verbose output. */
export function countTap(out: string): { passed: number; failed: number; skipped: number } {
  let passed = 0, failed = 0, skipped = 0;
  for (const line of out.split("\n")) {
    const m = /^\s*(not ok|ok)\s+\d+/.exec(line);
    if (!m) continue;
    // A TODO or SKIP line is neither a pass nor a failure (pg_prove counts a
    // failing TODO as ok): report it as skipped, so the summary says so.
    if (/#\s*(skip|todo)/i.test(line)) skipped++;
    else if (m[1] === "ok") passed++;
    else failed++;
  }
  return { passed, failed, skipped };
}

export function env(inst: Instance): Record<string, string> {
  return { ...Deno.env.toObject(), ...instanceEnv(inst), NO_COLOR: "1", FORCE_COLOR: "0" };
}

async function lintSuite(inst: Instance): Promise<SuiteResult> {
  const r = await run(bin("supabase"), ["db", "lint", `--remote=${inst.dbUrl}?sslmode=disable`, "--schema", "public,private", "--level", "warning", "--fail-on", "error"], {
    cwd: ROOT,
    env: { ...env(inst), SUPABASE_TELEMETRY_DISABLED: "1" },
  });
  const out = (r.stdout + r.stderr).trim();
  if (out) console.log(out);
  return { name: "db lint", passed: r.code === 0 ? 1 : 0, failed: r.code === 0 ? 0 : 1, skipped: 0 };
}

export const TYPES_FILE = join(ROOT, "supabase/functions/_shared/database.types.ts");

export async function generateTypes(inst: Instance): Promise<string> {
  const r = await run(bin("supabase"), ["gen", "types", "typescript", `--remote=${inst.dbUrl}?sslmode=disable`, "--schema", "public"], {
    cwd: ROOT,
    env: { ...env(inst), SUPABASE_TELEMETRY_DISABLED: "1" },
  });
  if (r.code !== 0) throw new Error(`supabase gen types failed:\n${r.stderr}`);
  return r.stdout;
}

async function typesSuite(inst: Instance): Promise<SuiteResult> {
  const fresh = await generateTypes(inst);
  const committed = existsSync(TYPES_FILE) ? Deno.readTextFileSync(TYPES_FILE) : "";
  if (Deno.env.get("UPDATE_TYPES") === "1" && fresh !== committed) {
    Deno.writeTextFileSync(TYPES_FILE, fresh);
    console.log(`updated ${TYPES_FILE}`);
    return { name: "types", passed: 1, failed: 0, skipped: 0 };
  }
  const same = fresh === committed;
  if (!same) {
    console.log(`${TYPES_FILE} is out of date with the migrations; run: UPDATE_TYPES=1 npm test -- types`);
  }
  return { name: "types", passed: same ? 1 : 0, failed: same ? 0 : 1, skipped: 0 };
}

async function pgtapSuite(inst: Instance): Promise<SuiteResult> {
  const dir = join(ROOT, "supabase/tests");
  const files = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".test.sql"))
    .map((e) => join(dir, e.name)).sort();
  if (!files.length) return { name: "pgTAP", passed: 0, failed: 0, skipped: 0, note: "no files" };
  const r = await run("pg_prove", [
    "--verbose", "--ext", ".sql", "-h", "127.0.0.1", "-p", String(inst.ports.db), "-U", "postgres", "-d", "postgres", ...files,
  ], { cwd: ROOT, env: { ...env(inst), PGPASSWORD: "postgres" } });
  const out = r.stdout + r.stderr;
  const lines = out.split("\n");
  // Print failures and the summary, not every passing line.
  console.log(lines.filter((l) => !/^\s*ok \d+/.test(l)).join("\n"));
  const c = countTap(out);
  if (r.code !== 0 && c.failed === 0) c.failed = 1; // a file died (plan mismatch, SQL error)
  return { name: "pgTAP", ...c };
}

async function denoTests(inst: Instance, name: string, paths: string[]): Promise<SuiteResult> {
  const report = join(REPORTS, `${name.toLowerCase()}.xml`);
  const code = await stream(Deno.execPath(), ["test", "-A", "--quiet", `--junit-path=${report}`, ...paths], env(inst));
  const c = existsSync(report) ? countJunit(Deno.readTextFileSync(report)) : { passed: 0, failed: 0, skipped: 0 };
  if (code !== 0 && c.failed === 0) c.failed = 1;
  return { name, ...c };
}

/** The product's Deno tests: function handlers, and the API through the gateway. */
const denoSuite = (inst: Instance) => denoTests(inst, "Deno", ["supabase/functions", "supabase/tests/api"]);
/** Tests of what only serves the tests: the local stack and the provider stand-ins. */
const toolingSuite = (inst: Instance) => denoTests(inst, "tooling", ["supabase/local/tests", "supabase/local/sandbox"]);

async function vitestSuite(inst: Instance): Promise<SuiteResult> {
  const report = join(REPORTS, "vitest.xml");
  const code = await stream(bin("vitest"), [
    "run", "--config", "web/vite.config.ts", "--reporter=default", "--reporter=junit", `--outputFile.junit=${report}`,
  ], env(inst));
  const c = existsSync(report) ? countJunit(Deno.readTextFileSync(report)) : { passed: 0, failed: 0, skipped: 0 };
  if (code !== 0 && c.failed === 0) c.failed = 1;
  return { name: "Vitest", ...c };
}

/** Demo calls through the real webhook, analyzed before the browser looks. */
export async function seedDemoCalls(inst: Instance) {
  const { callSids } = await postDemoCalls(inst);
  const sql = postgres(inst.dbUrl, { max: 1, onnotice: () => {} });
  try {
    const until = Date.now() + 120_000;
    for (;;) {
      const [{ pending }] = await sql`select count(*)::int as pending from public.calls
        where twilio_call_sid = any (${callSids}) and status not in ('analyzed', 'failed')`;
      if (pending === 0) return;
      if (Date.now() > until) throw new Error(`${pending} demo calls still in the pipeline after 2 minutes`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await sql.end();
  }
}

const SPA_DIST = join(LOCAL_DIR, "test", "web");

/** Builds the SPA for the instance into .local/test/web; the build's output when it fails. */
export async function buildSpa(inst: Instance): Promise<string | null> {
  const e = env(inst);
  const build = await run(bin("vite"), ["build", "--config", "web/vite.config.ts", "--outDir", SPA_DIST, "--emptyOutDir", "--logLevel", "warn"], {
    cwd: ROOT,
    env: { ...e, VITE_SUPABASE_URL: inst.apiUrl, VITE_SUPABASE_ANON_KEY: e.SUPABASE_ANON_KEY },
  });
  return build.code === 0 ? null : build.stdout + build.stderr;
}

/** What the Playwright suite needs to find the built SPA and the stand-ins. */
export function playwrightEnv(inst: Instance, report: string): Record<string, string> {
  return {
    ...env(inst),
    E2E_DIST: SPA_DIST,
    E2E_WEB_PORT: String(inst.ports.web),
    E2E_JUNIT: report,
    E2E_SCREENSHOTS: join(LOCAL_DIR, "screenshots"),
    TWILIO_SANDBOX_URL: `http://127.0.0.1:${inst.ports.twilio}`,
    STRIPE_SANDBOX_URL: `http://127.0.0.1:${inst.ports.stripe}`,
    MAILGUN_SANDBOX_URL: `http://127.0.0.1:${inst.ports.mailgun}`,
    ELEVENLABS_SANDBOX_URL: `http://127.0.0.1:${inst.ports.elevenlabs}`,
    OPENROUTER_SANDBOX_URL: `http://127.0.0.1:${inst.ports.openrouter}`,
    OPENAI_SANDBOX_URL: `http://127.0.0.1:${inst.ports.openai}`,
  };
}

async function playwrightSuite(inst: Instance): Promise<SuiteResult> {
  const failed = await buildSpa(inst);
  if (failed !== null) {
    console.log(failed);
    return { name: "Playwright", passed: 0, failed: 1, skipped: 0, note: "SPA build failed" };
  }
  // Every spec arranges its own tenant (web/e2e/fixtures.ts): no demo calls are needed.
  const report = join(REPORTS, "playwright.xml");
  const code = await stream(bin("playwright"), ["test", "--config", "web/e2e/playwright.config.ts"], playwrightEnv(inst, report));
  const c = existsSync(report) ? countJunit(Deno.readTextFileSync(report)) : { passed: 0, failed: 0, skipped: 0 };
  if (code !== 0 && c.failed === 0) c.failed = 1;
  return { name: "Playwright", ...c };
}

/** Type checks: Deno (functions, stack, tests) and the SPA (tsc). */
async function typecheckSuite(inst: Instance): Promise<SuiteResult> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of Deno.readDirSync(join(ROOT, dir))) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory) walk(p);
      else if (e.name.endsWith(".ts")) files.push(p);
    }
  };
  for (const d of ["supabase/functions", "supabase/local", "supabase/tests/api"]) walk(d);
  let passed = 0, failed = 0;
  const deno = await run(Deno.execPath(), ["check", "--quiet", ...files], { cwd: ROOT, env: env(inst) });
  if (deno.code === 0) passed++;
  else {
    failed++;
    console.log(deno.stdout + deno.stderr);
  }
  const tsc = await run(bin("tsc"), ["--noEmit", "-p", "web/tsconfig.json"], { cwd: ROOT, env: env(inst) });
  if (tsc.code === 0) passed++;
  else {
    failed++;
    console.log(tsc.stdout + tsc.stderr);
  }
  return { name: "typecheck", passed, failed, skipped: 0 };
}

/** The SPA's import boundaries (web/eslint.config.js, import/no-restricted-paths): one result per file. */
async function boundariesSuite(inst: Instance): Promise<SuiteResult> {
  const r = await run(bin("eslint"), ["--config", "eslint.config.js", "--format", "json", "src"], { cwd: join(ROOT, "web"), env: env(inst) });
  let files: { filePath: string; errorCount: number; messages: { line: number; message: string }[] }[] = [];
  try {
    files = JSON.parse(r.stdout);
  } catch {
    console.log(r.stdout + r.stderr);
  }
  for (const f of files) for (const m of f.messages) console.log(`${f.filePath}:${m.line} ${m.message}`);
  if (!files.length) return { name: "boundaries", passed: 0, failed: 1, skipped: 0, note: "no ESLint report" };
  // One check (not one per file, which would swell the total): the web's layers hold or not.
  const failed = files.filter((f) => f.errorCount > 0).length;
  return { name: "boundaries", passed: failed ? 0 : 1, failed: failed ? 1 : 0, skipped: 0, note: `${files.length} files, ${failed} with violations` };
}

const SUITES: Record<string, (i: Instance) => Promise<SuiteResult>> = {
  lint: lintSuite,
  typecheck: typecheckSuite,
  boundaries: boundariesSuite,
  types: typesSuite,
  pgtap: pgtapSuite,
  deno: denoSuite,
  tooling: toolingSuite,
  vitest: vitestSuite,
  playwright: playwrightSuite,
};

/** The run's last line, `N passed, N failed`; the CLI prints it after stopping the stack. */
export let summaryLine = "";

export async function runSuites(inst: Instance, only: string[]): Promise<number> {
  Deno.mkdirSync(REPORTS, { recursive: true });
  for (const f of Deno.readDirSync(REPORTS)) Deno.removeSync(join(REPORTS, f.name));
  const unknown = only.filter((s) => !SUITES[s]);
  if (unknown.length) throw new Error(`unknown suite(s): ${unknown.join(", ")} (have: ${Object.keys(SUITES).join(", ")})`);
  const names = only.length ? only : Object.keys(SUITES);
  const results: SuiteResult[] = [];
  for (const n of names) {
    console.log(`\n=== ${n} ===`);
    const t0 = Date.now();
    let r: SuiteResult;
    try {
      r = await SUITES[n](inst);
    } catch (e) {
      console.error((e as Error).message);
      r = { name: n, passed: 0, failed: 1, skipped: 0, note: "suite crashed" };
    }
    r.note = `${r.note ? r.note + ", " : ""}${((Date.now() - t0) / 1000).toFixed(1)}s`;
    results.push(r);
  }
  console.log("\nsuite        passed  failed  skipped");
  for (const r of results) {
    console.log(`${r.name.padEnd(12)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}   ${r.note ?? ""}`);
  }
  const passed = results.reduce((a, r) => a + r.passed, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  const skipped = results.reduce((a, r) => a + r.skipped, 0);
  const kinds: Record<string, string[]> = {
    "product tests": ["pgTAP", "Deno", "Vitest", "Playwright"],
    "stand-ins and stack": ["tooling"],
    "static checks": ["db lint", "typecheck", "boundaries", "types"],
  };
  const part = (names: string[]) => {
    const rs = results.filter((r) => names.includes(r.name));
    return `${rs.reduce((a, r) => a + r.passed, 0)} passed, ${rs.reduce((a, r) => a + r.failed, 0)} failed`;
  };
  const ran = Object.entries(kinds).filter(([, names]) => results.some((r) => names.includes(r.name)));
  console.log(`\n${ran.map(([k, names]) => `${k}: ${part(names)}`).join(" · ")}`);
  if (skipped) console.log(`${skipped} skipped: see the suites above for which and why`);
  summaryLine = `${passed} passed, ${failed} failed`;
  return failed === 0 && passed > 0 ? 0 : 1;
}

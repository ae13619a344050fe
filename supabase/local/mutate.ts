// `npm run mutate`: does the test suite catch what breaks?
//  1. The hand-picked mutations of mutations.ts, on a fresh test stack: every
//     check runs once unmutated (it must pass, or the mutation proves nothing),
//     then each mutation is applied, its checks run until one fails (killed)
//     or all pass (survived), and it is reverted. SQL mutations re-create a
//     function from its live definition in the test database and restore that
//     definition; file mutations edit the file in place, with the original in
//     .local/mutate/journal.json until it is restored — also on Ctrl-C, and at
//     the start of the next run should this one have been killed.
//  2. StrykerJS over the web's lib/ and features (web/stryker.config.mjs), with
//     the test stack still up (the data-layer tests use it); scores per area.
// Report: .local/mutate/report.json. Exit 1 when a hand-picked mutation survives.
// MUTATE_ONLY=id,id runs some; MUTATE_REUSE=1 uses a running test stack (from
// `npm test -- --keep`); MUTATE_SKIP_STRYKER=1 / MUTATE_ONLY_STRYKER=1.
import { existsSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { instance, LOCAL_DIR, ROOT } from "./config.ts";
import { type Check, type Mutation, MUTATIONS } from "./mutations.ts";
import { run } from "./proc.ts";
import { down, reset } from "./stack.ts";
import { buildSpa, env, playwrightEnv, seedDemoCalls } from "./test_runner.ts";

const inst = instance("test");
const OUT = join(LOCAL_DIR, "mutate");
const JOURNAL = join(OUT, "journal.json");
const bin = (n: string) => join(ROOT, "node_modules", ".bin", n);
Deno.mkdirSync(OUT, { recursive: true });

// --- Applying and reverting -------------------------------------------------

type Applied = { kind: "file"; path: string; original: string } | { kind: "sql"; definition: string };

const readJournal = (): Applied[] => existsSync(JOURNAL) ? JSON.parse(Deno.readTextFileSync(JOURNAL)) : [];
const writeJournal = (a: Applied[]) => Deno.writeTextFileSync(JOURNAL, JSON.stringify(a));

async function withDb<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(inst.dbUrl, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

/** Puts back whatever the journal holds (files always; SQL when the database answers). */
async function restoreJournal() {
  for (const a of readJournal().reverse()) {
    if (a.kind === "file") Deno.writeTextFileSync(join(ROOT, a.path), a.original);
    else await withDb((sql) => sql.unsafe(a.definition)).catch(() => {});
  }
  if (existsSync(JOURNAL)) Deno.removeSync(JOURNAL);
}

function replaceOnce(text: string, m: Mutation, where: string): string {
  const n = text.split(m.find).length - 1;
  if (n !== 1) throw new Error(`${m.id}: "${m.find}" occurs ${n} times in ${where} (must be once)`);
  return text.replace(m.find, () => m.replace);
}

async function liveDefinition(target: string): Promise<string[]> {
  const [schema, name] = target.slice("sql:".length).split(".");
  return await withDb(async (sql) =>
    (await sql`select pg_get_functiondef(p.oid) as def from pg_catalog.pg_proc p
                 join pg_catalog.pg_namespace n on n.oid = p.pronamespace
                where n.nspname = ${schema} and p.proname = ${name}`).map((r) => r.def as string)
  );
}

async function apply(m: Mutation): Promise<void> {
  if (m.target.startsWith("sql:")) {
    const defs = (await liveDefinition(m.target)).filter((d) => d.includes(m.find));
    if (defs.length !== 1) throw new Error(`${m.id}: ${defs.length} live definitions of ${m.target} contain the text`);
    writeJournal([{ kind: "sql", definition: defs[0] }]);
    await withDb((sql) => sql.unsafe(replaceOnce(defs[0], m, m.target)));
  } else {
    const original = Deno.readTextFileSync(join(ROOT, m.target));
    const mutated = replaceOnce(original, m, m.target);
    writeJournal([{ kind: "file", path: m.target, original }]);
    Deno.writeTextFileSync(join(ROOT, m.target), mutated);
  }
}

// --- The services that load what a mutation changed ------------------------

const statePath = join(inst.runDir, "state.json");
const functionsPid = (): number | null => {
  try {
    return JSON.parse(Deno.readTextFileSync(statePath)).services.functions.pid ?? null;
  } catch {
    return null;
  }
};

/** The functions server caches modules: stop it and wait for the supervisor's restart. */
async function restartFunctions() {
  const before = functionsPid();
  if (before) {
    try {
      Deno.kill(before, "SIGTERM");
    } catch { /* already gone */ }
  }
  const until = Date.now() + 60_000;
  for (;;) {
    const now = functionsPid();
    if (now && now !== before) {
      const up = await fetch(`http://127.0.0.1:${inst.ports.functions}/process-jobs`).then(async (r) => {
        await r.body?.cancel();
        return true;
      }, () => false);
      if (up) return;
    }
    if (Date.now() > until) throw new Error("the functions server did not come back within 60 s");
    await new Promise((r) => setTimeout(r, 300));
  }
}

const touchesFunctions = (m: Mutation) => m.target.startsWith("supabase/functions/");
const touchesSpa = (m: Mutation) => m.target.startsWith("web/") && m.checks.some((c) => "playwright" in c);

// --- Checks -----------------------------------------------------------------

const label = (c: Check) =>
  "pgtap" in c ? `pgTAP ${c.pgtap.map((f) => f.split("/").pop()).join(" ")}`
  : "deno" in c ? `Deno ${c.deno.map((f) => f.split("/").pop()).join(" ")}${c.filter ? ` ~ "${c.filter}"` : ""}`
  : "vitest" in c ? `Vitest ${c.vitest.join(" ")}`
  : `Playwright ${c.playwright} ~ "${c.grep}"`;

/** Runs a check; true when it passes. */
async function passes(c: Check): Promise<{ ok: boolean; output: string }> {
  const e = env(inst);
  let r;
  if ("pgtap" in c) {
    r = await run("pg_prove", ["--ext", ".sql", "-h", "127.0.0.1", "-p", String(inst.ports.db), "-U", "postgres", "-d", "postgres", ...c.pgtap], {
      cwd: ROOT, env: { ...e, PGPASSWORD: "postgres" },
    });
  } else if ("deno" in c) {
    r = await run(Deno.execPath(), ["test", "-A", "--quiet", ...(c.filter ? ["--filter", c.filter] : []), ...c.deno], { cwd: ROOT, env: e });
  } else if ("vitest" in c) {
    r = await run(bin("vitest"), ["run", "--config", "web/vite.config.ts", ...c.vitest], { cwd: ROOT, env: e });
  } else {
    r = await run(bin("playwright"), ["test", "--config", "web/e2e/playwright.config.ts", c.playwright, "-g", c.grep], {
      cwd: ROOT, env: playwrightEnv(inst, join(OUT, "playwright.xml")),
    });
  }
  const output = (r.stdout + r.stderr).split("\n").filter((l) => /not ok|FAIL|Error|error|✘|failed/.test(l)).slice(0, 8).join("\n");
  // A filter that matches no test name passes without testing anything (a renamed test): that is no check.
  if ("deno" in c && r.code === 0 && !/\b[1-9]\d* passed\b/.test(r.stdout + r.stderr)) {
    return { ok: false, output: `ran no test: no test name in ${c.deno.join(" ")} contains "${c.filter}"` };
  }
  return { ok: r.code === 0, output };
}

// --- The hand-picked run ----------------------------------------------------

interface Outcome {
  id: string;
  what: string;
  target: string;
  status: "killed" | "survived" | "invalid";
  killed_by?: string;
  note?: string;
  seconds: number;
}

async function handPicked(list: Mutation[]): Promise<Outcome[]> {
  await restoreJournal();
  if (Deno.env.get("MUTATE_REUSE") !== "1") await reset(inst);
  const needSpa = list.some((m) => m.checks.some((c) => "playwright" in c));
  if (needSpa) {
    await seedDemoCalls(inst);
    const failed = await buildSpa(inst);
    if (failed) throw new Error(`SPA build failed:\n${failed}`);
  }
  // Baseline: every check passes on the code as it is.
  const baseline = new Map<string, { ok: boolean; output: string }>();
  for (const c of list.flatMap((m) => m.checks)) {
    const k = label(c);
    if (baseline.has(k)) continue;
    const r = await passes(c);
    baseline.set(k, r);
    console.log(`baseline  ${r.ok ? "pass" : "FAIL"}  ${k}${r.ok ? "" : `\n${r.output}`}`);
  }
  const outcomes: Outcome[] = [];
  for (const m of list) {
    const t0 = Date.now();
    const broken = m.checks.map(label).filter((k) => !baseline.get(k)?.ok);
    if (broken.length) {
      outcomes.push({ id: m.id, what: m.what, target: m.target, status: "invalid", note: `fails unmutated: ${broken.join("; ")}`, seconds: 0 });
      continue;
    }
    let killedBy: string | undefined;
    let note: string | undefined;
    try {
      await apply(m);
      if (touchesFunctions(m)) await restartFunctions();
      if (touchesSpa(m)) {
        const failed = await buildSpa(inst);
        if (failed) killedBy = "the SPA build";
      }
      for (const c of m.checks) {
        if (killedBy) break;
        const r = await passes(c);
        if (!r.ok) {
          killedBy = label(c);
          note = r.output.slice(0, 600);
        }
      }
    } catch (e) {
      note = (e as Error).message;
    } finally {
      await restoreJournal();
      if (touchesFunctions(m)) await restartFunctions();
      if (touchesSpa(m)) await buildSpa(inst);
    }
    const status = killedBy ? "killed" : note ? "invalid" : "survived";
    const seconds = Math.round((Date.now() - t0) / 1000);
    outcomes.push({ id: m.id, what: m.what, target: m.target, status, killed_by: killedBy, note, seconds });
    console.log(`${status.padEnd(8)}  ${m.id}${killedBy ? `  by ${killedBy}` : ""}${status === "invalid" ? `  (${note})` : ""}  ${seconds}s`);
  }
  return outcomes;
}

// --- Stryker ----------------------------------------------------------------

interface StrykerScore {
  score: number | null;
  killed: number;
  timeout: number;
  survived: number;
  no_coverage: number;
  ignored: number;
  mutants: number;
  /** Killed, timed out, survived or not covered: what the score is over. */
  valid: number;
}

/** The area of a mutated file: `lib`, or the feature's name. */
const areaOf = (file: string) => file.match(/web\/src\/features\/([^/]+)\//)?.[1] ?? (file.includes("web/src/lib/") ? "lib" : "other");

function scoreOf(mutants: { status: string }[]): StrykerScore {
  const count = (s: string) => mutants.filter((m) => m.status === s).length;
  const s = {
    killed: count("Killed"), timeout: count("Timeout"), survived: count("Survived"),
    no_coverage: count("NoCoverage"), ignored: count("Ignored"), mutants: mutants.length,
  };
  const valid = s.killed + s.timeout + s.survived + s.no_coverage;
  return { score: valid ? Math.round((1000 * (s.killed + s.timeout)) / valid) / 10 : null, valid, ...s };
}

/** StrykerJS with the test stack up: the data-layer tests read and write through it. */
async function stryker(): Promise<(StrykerScore & { by_area: Record<string, StrykerScore> }) | { error: string }> {
  const r = await run(bin("stryker"), ["run", "web/stryker.config.mjs"], { cwd: ROOT, env: { ...env(inst), NO_COLOR: "1" } });
  const report = join(OUT, "stryker.json");
  if (r.code !== 0 || !existsSync(report)) return { error: (r.stdout + r.stderr).slice(-2000) };
  const json = JSON.parse(Deno.readTextFileSync(report)) as { files: Record<string, { mutants: { status: string }[] }> };
  const areas: Record<string, { status: string }[]> = {};
  for (const [file, f] of Object.entries(json.files)) (areas[areaOf(file)] ??= []).push(...f.mutants);
  const by_area = Object.fromEntries(Object.entries(areas).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, scoreOf(v)]));
  return { ...scoreOf(Object.values(json.files).flatMap((f) => f.mutants)), by_area };
}

// --- Main -------------------------------------------------------------------

const restoreOnSignal = () => {
  restoreJournal().finally(() => Deno.exit(130));
};
Deno.addSignalListener("SIGINT", restoreOnSignal);
Deno.addSignalListener("SIGTERM", restoreOnSignal);

const only = (Deno.env.get("MUTATE_ONLY") ?? "").split(",").filter(Boolean);
const unknown = only.filter((id) => !MUTATIONS.some((m) => m.id === id));
if (unknown.length) throw new Error(`unknown mutation(s): ${unknown.join(", ")}`);
const list = only.length ? MUTATIONS.filter((m) => only.includes(m.id)) : MUTATIONS;

let outcomes: Outcome[] = [];
let code = 0;
let score: Awaited<ReturnType<typeof stryker>> | null = null;
try {
  if (Deno.env.get("MUTATE_ONLY_STRYKER") !== "1") {
    outcomes = await handPicked(list);
    if (outcomes.some((o) => o.status !== "killed")) code = 1;
  } else if (Deno.env.get("MUTATE_REUSE") !== "1") await reset(inst);
  if (Deno.env.get("MUTATE_SKIP_STRYKER") !== "1") score = await stryker();
} finally {
  await restoreJournal();
  if (Deno.env.get("MUTATE_REUSE") !== "1") await down(inst);
}
const killed = outcomes.filter((o) => o.status === "killed").length;
const report = {
  at: new Date().toISOString(),
  hand_picked: { total: outcomes.length, killed, survived: outcomes.filter((o) => o.status === "survived").length, mutations: outcomes },
  stryker: score,
};
Deno.writeTextFileSync(join(OUT, "report.json"), JSON.stringify(report, null, 2) + "\n");
if (outcomes.length) console.log(`\nhand-picked: ${killed} of ${outcomes.length} killed`);
if (score && "score" in score) {
  console.log(`Stryker (web lib/ and features): mutation score ${score.score} % (${score.killed + score.timeout} of ${score.valid} mutants detected)`);
  for (const [area, a] of Object.entries(score.by_area)) {
    console.log(`  ${area.padEnd(12)} ${String(a.score ?? "-").padStart(5)} %  ${a.killed + a.timeout} of ${a.valid} (${a.survived} survived, ${a.no_coverage} not covered)`);
  }
}
else if (score) console.log(`Stryker failed:\n${score.error}`);
console.log(`report: ${join(OUT, "report.json")}`);
Deno.exit(code);

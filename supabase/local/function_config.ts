// Each Edge Function's own configuration: the deno.json the Supabase CLI
// deploys it with, and how the function's imports resolve through it.
// Used by the local functions server (a function runs only when its imports
// resolve through its own configuration, as they must once deployed) and by
// the deploy check (supabase/local/tests/deploy.test.ts).
import { existsSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";

/** Function folders the CLI deploys: `supabase/functions/<slug>/index.ts`, not `_shared`. */
export function functionSlugs(functionsDir: string): string[] {
  return [...Deno.readDirSync(functionsDir)]
    .filter((e) => e.isDirectory && /^[A-Za-z][A-Za-z0-9_-]*$/.test(e.name))
    .filter((e) => existsSync(join(functionsDir, e.name, "index.ts")))
    .map((e) => e.name)
    .sort();
}

export interface FunctionToml {
  enabled?: boolean;
  verify_jwt?: boolean;
  import_map?: string;
  entrypoint?: string;
}

/**
 * The import map the Supabase CLI picks for a function, in its order of
 * precedence: `import_map` in config.toml (relative to supabase/), then the
 * function's deno.json, deno.jsonc, import_map.json, then the legacy
 * supabase/functions/import_map.json. `undefined` when there is none: the CLI
 * then deploys the function with no import map at all.
 */
export function cliImportMap(
  supabaseDir: string,
  slug: string,
  fn: FunctionToml = {},
): string | undefined {
  if (fn.import_map) {
    return isAbsolute(fn.import_map) ? fn.import_map : join(supabaseDir, fn.import_map);
  }
  const dir = join(supabaseDir, "functions", slug);
  for (const name of ["deno.json", "deno.jsonc", "import_map.json"]) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  const legacy = join(supabaseDir, "functions", "import_map.json");
  return existsSync(legacy) ? legacy : undefined;
}

/** `--config` for deno.json(c), `--import-map` for a plain import map. */
export function configFlag(importMap: string): string[] {
  return /deno\.jsonc?$/i.test(importMap) ? ["--config", importMap] : ["--import-map", importMap];
}

/** Environment for Deno runs that must not see the repository's package.json (the CLI's bundler sets the same). */
export function isolatedEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { ...Deno.env.toObject(), DENO_NO_PACKAGE_JSON: "1", NO_COLOR: "1", ...extra };
}

export interface Resolution {
  /** What does not resolve: one line per failing import, naming the importing file. */
  problems: string[];
  /** Every bare specifier of the graph → what the configuration maps it to. */
  bare: Record<string, string>;
  /** The graph's local files (absolute paths). */
  files: string[];
}

const BARE = /^(?![./]|[a-z][a-z0-9+.-]*:)/i;

/**
 * Resolve the module graph of `entrypoint` through `importMap` alone (no
 * configuration at all when it is undefined), with `deno info` and no
 * lockfile: a deployed function has none either.
 */
export async function resolveGraph(
  entrypoint: string,
  importMap: string | undefined,
  cwd: string,
): Promise<Resolution> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "info",
      "--json",
      "--no-lock",
      ...(importMap ? configFlag(importMap) : ["--no-config"]),
      entrypoint,
    ],
    cwd,
    env: isolatedEnv(),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  if (out.code !== 0) {
    return {
      problems: [`deno info failed: ${dec.decode(out.stderr).trim()}`],
      bare: {},
      files: [],
    };
  }
  const info = JSON.parse(dec.decode(out.stdout)) as {
    modules: {
      specifier: string;
      kind?: string;
      error?: string;
      dependencies?: {
        specifier: string;
        code?: { specifier?: string; error?: string };
        type?: { specifier?: string; error?: string };
      }[];
    }[];
  };
  const problems: string[] = [];
  const bare: Record<string, string> = {};
  const files: string[] = [];
  const where = (s: string) => s.startsWith("file://") ? relative(cwd, new URL(s).pathname) : s;
  for (const m of info.modules) {
    if (m.error) problems.push(`${where(m.specifier)}: ${m.error}`);
    if (m.specifier.startsWith("file://") && !m.error) files.push(new URL(m.specifier).pathname);
    for (const d of m.dependencies ?? []) {
      const err = d.code?.error ?? d.type?.error;
      if (err) {
        problems.push(
          `${where(m.specifier)}: ${
            err.replaceAll(/"file:\/\/[^"]+"/g, (q) => `"${where(q.slice(1, -1))}"`)
          }`,
        );
        continue;
      }
      const target = d.code?.specifier ?? d.type?.specifier;
      if (BARE.test(d.specifier) && target) bare[d.specifier] = target;
    }
  }
  return { problems: [...new Set(problems)], bare, files: files.sort() };
}

/**
 * Problems that keep function `slug` from running as it deploys: its imports
 * must resolve through the import map the CLI would pick, and every bare
 * import must load here (`resolveHere`, the caller's `import.meta.resolve`)
 * the very module that import map names.
 */
export async function ownConfigProblems(
  supabaseDir: string,
  slug: string,
  fn: FunctionToml,
  resolveHere: (specifier: string) => string,
): Promise<string[]> {
  const importMap = cliImportMap(supabaseDir, slug, fn);
  if (!importMap) return [`no deno.json: the Supabase CLI would deploy ${slug} with no import map`];
  const entry = fn.entrypoint
    ? (isAbsolute(fn.entrypoint) ? fn.entrypoint : join(supabaseDir, fn.entrypoint))
    : join(supabaseDir, "functions", slug, "index.ts");
  const r = await resolveGraph(entry, importMap, join(supabaseDir, ".."));
  const problems = [...r.problems];
  for (const [spec, target] of Object.entries(r.bare)) {
    let here: string, there: string;
    try {
      here = resolveHere(spec);
      there = resolveHere(target);
    } catch (e) {
      problems.push(`"${spec}" does not resolve in the functions server: ${(e as Error).message}`);
      continue;
    }
    if (here !== there) {
      problems.push(
        `"${spec}" loads ${here} here but ${target} through ${relative(supabaseDir, importMap)}`,
      );
    }
  }
  return problems;
}

/** What an import map's `imports` map `specifier` to (exact key, else the longest "…/" prefix), or undefined. */
export function mapSpecifier(
  imports: Record<string, string>,
  specifier: string,
): string | undefined {
  if (specifier in imports) return imports[specifier];
  const prefix = Object.keys(imports).filter((k) => k.endsWith("/") && specifier.startsWith(k))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? undefined : imports[prefix] + specifier.slice(prefix.length);
}

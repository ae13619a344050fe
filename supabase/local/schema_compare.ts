// Proves that two sets of migrations build the same database: each set is
// applied to a fresh throwaway cluster (after supabase/local/bootstrap.sql),
// then compared as
//   - `pg_dump --schema-only` of public, private and every other schema the
//     migrations create, split into its objects and sorted (pg_dump's order
//     follows dependencies and OIDs, which folding may change; definitions,
//     function bodies included, must match text for text; the entries of one
//     ACL are compared as a set);
//   - what lives outside those schemas: extensions, pg_cron jobs, default
//     privileges, triggers on other schemas' tables (auth.users);
//   - the rows the migrations insert (generated ids and timestamps masked).
//
//   deno run -A supabase/local/schema_compare.ts [--base <git rev>] [--out <dir>]
//
// compares the migrations of <git rev> (default: main) with the working
// tree's supabase/migrations/; --out writes both snapshots there. Exit code 0
// when equal, 1 (with the differing objects) otherwise.
import { join } from "node:path";
import { PG_BIN, ROOT } from "./config.ts";
import { run } from "./proc.ts";
import { type ScratchCluster, withScratchCluster } from "./scratch_cluster.ts";

export interface Migration {
  name: string;
  sql: string;
}

/** A database as sorted, comparable entries: `section\n<text>`. */
export type Snapshot = string[];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIMESTAMP = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}(:\d{2})?|Z)?/g;

/** Splits a pg_dump script into its objects (one entry per `-- Name:` block), sorted. */
export function dumpObjects(dump: string): string[] {
  // The closing comment would otherwise belong to whichever object comes last.
  const body = dump.split(/\n--\n-- PostgreSQL database dump complete\n/)[0];
  const blocks = body.split(/\n(?=--\n-- (?:Name|Data for Name): )/);
  return blocks.slice(1).map((b) => {
    // pg_dump >= 15.14 brackets its script with \restrict <random key>.
    const lines = b.split("\n").map((l) => l.trimEnd()).filter((l) => l !== "" && !/^\\(un)?restrict /.test(l));
    // One ACL's GRANT/REVOKE lines follow the ACL's array order, which
    // depends on the order grants were made in: compare them as a set.
    return /^-- Name: .*; Type: (DEFAULT )?ACL;/m.test(b) ? [...lines.slice(0, 3), ...lines.slice(3).sort()].join("\n") : lines.join("\n");
  }).sort();
}

/** Masks values that differ between two builds of the same data (generated ids, now()). */
export function maskVolatile(text: string): string {
  return text.replace(UUID, "<uuid>").replace(TIMESTAMP, "<timestamp>");
}

/** Entries of `a` missing from `b` and of `b` missing from `a` (multiset difference). */
export function diffSnapshots(a: Snapshot, b: Snapshot): { onlyA: string[]; onlyB: string[] } {
  const count = new Map<string, number>();
  for (const e of a) count.set(e, (count.get(e) ?? 0) + 1);
  const onlyB: string[] = [];
  for (const e of b) {
    const n = count.get(e) ?? 0;
    if (n > 0) count.set(e, n - 1);
    else onlyB.push(e);
  }
  const onlyA = [...count].flatMap(([e, n]) => Array(n).fill(e));
  return { onlyA, onlyB };
}

async function q(c: ScratchCluster, sql: string): Promise<string[]> {
  return (await c.psql(["-t", "-A", "-F", " | ", "-c", sql])).split("\n").filter((l) => l !== "");
}

/** Applies bootstrap.sql and `migrations` (in name order, one transaction each) to a fresh cluster. */
export async function snapshot(migrations: Migration[]): Promise<Snapshot> {
  return await withScratchCluster("salespulse-schema-", async (c) => {
    await c.psql(["-f", join(ROOT, "supabase/local/bootstrap.sql")]);
    const schemasBefore = new Set(await q(c, "select nspname from pg_namespace"));
    for (const m of [...migrations].sort((x, y) => x.name.localeCompare(y.name))) {
      try {
        await c.psql(["-1", "-f", "-"], m.sql);
      } catch (e) {
        throw new Error(`${m.name} does not apply:\n${(e as Error).message}`);
      }
    }
    const created = (await q(c, "select nspname from pg_namespace order by 1")).filter((s) => !schemasBefore.has(s));
    const schemas = ["public", ...created];
    const dump = await run(join(PG_BIN, "pg_dump"), [c.url, "--schema-only", ...schemas.flatMap((s) => ["--schema", s])]);
    if (dump.code !== 0) throw new Error(`pg_dump: ${dump.stderr}`);
    const out: Snapshot = [
      `schemas\n${schemas.join(", ")}`,
      ...dumpObjects(dump.stdout).map((o) => `object\n${o}`),
      ...(await q(c, "select extname || ' ' || extversion || ' in ' || extnamespace::regnamespace from pg_extension"))
        .map((l) => `extension\n${l}`),
      ...(await q(c, "select jobname, schedule, command, username, database, active from cron.job"))
        .map((l) => `cron job\n${l}`),
      ...(await q(c, `select defaclrole::regrole, coalesce(defaclnamespace::regnamespace::text, '(all schemas)'), defaclobjtype,
                         array(select a::text from unnest(defaclacl) a order by 1) from pg_default_acl`))
        .map((l) => `default privileges\n${l}`),
      ...(await q(c, `select pg_get_triggerdef(t.oid) from pg_trigger t join pg_class r on r.oid = t.tgrelid
                       where not t.tgisinternal and r.relnamespace::regnamespace::text <> all (array['${schemas.join("','")}'])`))
        .map((l) => `trigger outside the dumped schemas\n${l}`),
    ];
    const tables = await q(c, `select c.oid::regclass from pg_class c where c.relkind in ('r', 'p')
                                and c.relnamespace::regnamespace::text = any (array['${schemas.join("','")}'])`);
    for (const t of tables) {
      for (const row of await q(c, `select to_jsonb(t)::text from ${t} t`)) out.push(`row of ${t}\n${maskVolatile(row)}`);
    }
    return out.sort();
  });
}

async function git(args: string[]): Promise<string> {
  const r = await run("git", args, { cwd: ROOT });
  if (r.code !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

export async function migrationsAt(rev: string): Promise<Migration[]> {
  const names = (await git(["ls-tree", "--name-only", rev, "supabase/migrations/"])).split("\n")
    .filter((p) => p.endsWith(".sql"));
  return await Promise.all(names.map(async (p) => ({ name: p.split("/").pop()!, sql: await git(["show", `${rev}:${p}`]) })));
}

export function workingTreeMigrations(): Migration[] {
  const dir = join(ROOT, "supabase/migrations");
  return [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".sql"))
    .map((e) => ({ name: e.name, sql: Deno.readTextFileSync(join(dir, e.name)) }));
}

if (import.meta.main) {
  const arg = (flag: string) => {
    const i = Deno.args.indexOf(flag);
    return i >= 0 ? Deno.args[i + 1] : undefined;
  };
  const base = arg("--base") ?? "main";
  const outDir = arg("--out");
  const before = await migrationsAt(base);
  const after = workingTreeMigrations();
  const a = await snapshot(before);
  const b = await snapshot(after);
  if (outDir) {
    Deno.mkdirSync(outDir, { recursive: true });
    Deno.writeTextFileSync(join(outDir, "base.txt"), a.join("\n\n") + "\n");
    Deno.writeTextFileSync(join(outDir, "working-tree.txt"), b.join("\n\n") + "\n");
  }
  const { onlyA, onlyB } = diffSnapshots(a, b);
  const kinds = (s: Snapshot) => {
    const n = new Map<string, number>();
    for (const e of s) {
      const k = e.split("\n")[0].replace(/^row of .*/, "row");
      n.set(k, (n.get(k) ?? 0) + 1);
    }
    return [...n].map(([k, v]) => `${v} ${k}`).join(", ");
  };
  console.log(`${base}: ${before.length} migrations -> ${kinds(a)}`);
  console.log(`working tree: ${after.length} migrations -> ${kinds(b)}`);
  if (!onlyA.length && !onlyB.length) {
    console.log(`equal: the working tree's migrations build the same database as ${base}'s`);
  } else {
    for (const e of onlyA) console.log(`\n--- only in ${base}:\n${e}`);
    for (const e of onlyB) console.log(`\n+++ only in the working tree:\n${e}`);
    console.log(`\nDIFFERENT: ${onlyA.length} entries only in ${base}, ${onlyB.length} only in the working tree`);
    Deno.exit(1);
  }
}

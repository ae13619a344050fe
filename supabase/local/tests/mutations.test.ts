// The hand-picked mutations of `npm run mutate` still aim at what they name:
// each file mutation's text occurs once in its target, each SQL mutation's
// text in its function's last definition in the migrations, and every check points at
// tests that exist — a Deno filter or a Playwright grep that matches no test
// title would "pass" without testing anything (a renamed test once let a
// mutation survive that way). Static: no stack, no mutation applied.
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../config.ts";
import { MUTATIONS } from "../mutations.ts";

const read = (path: string) => Deno.readTextFileSync(join(ROOT, path));
const migrations = [...Deno.readDirSync(join(ROOT, "supabase/migrations"))]
  .filter((e) => e.name.endsWith(".sql"))
  .map((e) => e.name)
  .sort()
  .map((name) => read(`supabase/migrations/${name}`));

/**
 * A function's definitions as the migrations leave them: per overload (its
 * argument list), the last `create [or replace] function`, to its closing `$$`.
 */
function lastDefinitions(fn: string): string[] {
  const head = new RegExp(`create (?:or replace )?function ${fn.replace(".", "\\.")}\\(`, "gi");
  const byArgs = new Map<string, string>();
  for (const sql of migrations) {
    for (const m of sql.matchAll(head)) {
      const args = sql.slice(m.index, sql.toLowerCase().indexOf("returns", m.index)).replace(/\s+/g, " ").replace(/^create (or replace )?/i, "");
      const start = sql.indexOf("$$", m.index);
      const end = sql.indexOf("$$", start + 2);
      if (start >= 0 && end > start) byArgs.set(args, sql.slice(m.index, end + 2));
    }
  }
  return [...byArgs.values()];
}

/** The titles of the tests a file declares (`Deno.test("…"`, `test("…"`, `it("…"`), in any quote style. */
function titles(path: string): string[] {
  return [...read(path).matchAll(/\b(?:Deno\.test|test|it)(?:\.\w+)?\(\s*(["'`])((?:\\.|(?!\1).)*)\1/g)].map((m) => m[2]);
}

Deno.test("mutations: ids are unique", () => {
  const ids = MUTATIONS.map((m) => m.id);
  assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), []);
});

for (const m of MUTATIONS) {
  Deno.test(`mutation ${m.id}: its text is where it applies, its checks name tests that exist`, () => {
    if (m.target.startsWith("sql:")) {
      const fn = m.target.slice(4);
      const defs = lastDefinitions(fn);
      assert.ok(defs.length, `no migration defines ${fn}`);
      assert.ok(defs.some((d) => d.includes(m.find)), `${fn}'s last definition no longer has ${JSON.stringify(m.find)}`);
    } else {
      const n = read(m.target).split(m.find).length - 1;
      assert.equal(n, 1, `${JSON.stringify(m.find)} occurs ${n} times in ${m.target} (must be once)`);
    }
    assert.ok(m.checks.length > 0, "a mutation without checks proves nothing");
    for (const c of m.checks) {
      if ("pgtap" in c) for (const f of c.pgtap) assert.ok(read(f).length > 0, f);
      else if ("vitest" in c) for (const f of c.vitest) assert.ok(read(`web/${f}`).length > 0, f);
      else if ("deno" in c) {
        const all = c.deno.flatMap(titles);
        assert.ok(all.length > 0, `no tests in ${c.deno.join(" ")}`);
        if (c.filter) assert.ok(all.some((t) => t.includes(c.filter!)), `no test title in ${c.deno.join(" ")} contains "${c.filter}"`);
      } else {
        const re = new RegExp(c.grep);
        assert.ok(titles(`web/e2e/${c.playwright}`).some((t) => re.test(t)), `no test title in ${c.playwright} matches /${c.grep}/`);
      }
    }
  });
}

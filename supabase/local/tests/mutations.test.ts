// The hand-picked mutations of `npm run mutate` still aim at what they name:
// each file mutation's text occurs once in its target, each SQL mutation's
// text in the migrations that define its function, and every check points at
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
  .map((e) => read(`supabase/migrations/${e.name}`));

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
      assert.ok(
        migrations.some((sql) => sql.includes(`function ${fn}(`) && sql.includes(m.find)),
        `no migration defines ${fn} with ${JSON.stringify(m.find)}`,
      );
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

// The hosted path's `supabase db push`: every migration applies, with the
// pinned CLI, to a fresh database that has what Supabase's image creates
// (supabase/local/bootstrap.sql) but not what only the local stack adds
// (pgtap, plpgsql_check), in a throwaway cluster.
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../config.ts";
import { run } from "../proc.ts";
import { withScratchCluster } from "../scratch_cluster.ts";

const LOCAL_ONLY = [
  "create extension if not exists pgtap with schema extensions;",
  "create extension if not exists plpgsql_check with schema extensions;",
];

Deno.test("hosted: supabase db push applies every migration to a fresh database without the local-only extensions", async () => {
  await withScratchCluster("salespulse-push-", async ({ url, psql }) => {
    let bootstrap = Deno.readTextFileSync(join(ROOT, "supabase/local/bootstrap.sql"));
    for (const line of LOCAL_ONLY) {
      assert.ok(bootstrap.includes(line), `bootstrap.sql no longer has: ${line}`);
      bootstrap = bootstrap.replace(line, "");
    }
    await psql(["-f", "-"], bootstrap);

    const push = await run(
      join(ROOT, "node_modules/.bin/supabase"),
      ["db", "push", `--remote=${url}?sslmode=disable`, "--yes", "--skip-vault"],
      {
        cwd: ROOT,
        env: { ...Deno.env.toObject(), SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
      },
    );
    assert.equal(push.code, 0, push.stdout + push.stderr);

    const q = (sql: string) => psql(["-t", "-A", "-c", sql]).then((out) => out.trim());
    const migrations = [...Deno.readDirSync(join(ROOT, "supabase/migrations"))]
      .filter((e) => e.name.endsWith(".sql")).map((e) => e.name.split("_")[0]).sort();
    assert.deepEqual(
      (await q("select version from supabase_migrations.schema_migrations order by version")).split("\n"),
      migrations,
    );
    assert.equal(
      await q("select count(*) from pg_extension where extname in ('pgtap', 'plpgsql_check')"),
      "0",
    );
  });
});

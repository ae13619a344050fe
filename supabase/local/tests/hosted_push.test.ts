// The hosted path's `supabase db push`: every migration applies, with the
// pinned CLI, to a fresh database that has what Supabase's image creates
// (supabase/local/bootstrap.sql) but not what only the local stack adds
// (pgtap, plpgsql_check). A throwaway cluster: pg_cron binds to one database
// per cluster, so a second database in the test cluster could not have it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { PG_BIN, ROOT } from "../config.ts";
import { IS_ROOT, run } from "../proc.ts";

const LOCAL_ONLY = [
  "create extension if not exists pgtap with schema extensions;",
  "create extension if not exists plpgsql_check with schema extensions;",
];

async function must(cmd: string, args: string[], opts: Parameters<typeof run>[2] = {}) {
  const r = await run(cmd, args, opts);
  assert.equal(r.code, 0, `${cmd} ${args.join(" ")}:\n${r.stdout}${r.stderr}`);
  return r;
}

Deno.test("hosted: supabase db push applies every migration to a fresh database without the local-only extensions", async () => {
  const dir = await Deno.makeTempDir({ prefix: "salespulse-push-" });
  const data = join(dir, "data");
  if (IS_ROOT) {
    const id = (flag: string) => run("id", [flag, "postgres"]).then((r) => Number(r.stdout.trim()));
    Deno.chownSync(dir, await id("-u"), await id("-g"));
  }
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
  let started = false;
  try {
    await must(join(PG_BIN, "initdb"), [
      "-D",
      data,
      "-U",
      "postgres",
      "--auth=trust",
      "--no-instructions",
    ], {
      asPostgres: true,
    });
    await must(join(PG_BIN, "pg_ctl"), [
      "-D",
      data,
      "-l",
      join(dir, "postgres.log"),
      "-w",
      "-t",
      "60",
      "-o",
      [
        `-c port=${port}`,
        "-c listen_addresses=127.0.0.1",
        `-c unix_socket_directories=${dir}`,
        "-c shared_preload_libraries=pg_cron",
        "-c cron.database_name=postgres",
        "-c fsync=off",
      ].join(" "),
      "start",
    ], { asPostgres: true });
    started = true;

    let bootstrap = Deno.readTextFileSync(join(ROOT, "supabase/local/bootstrap.sql"));
    for (const line of LOCAL_ONLY) {
      assert.ok(bootstrap.includes(line), `bootstrap.sql no longer has: ${line}`);
      bootstrap = bootstrap.replace(line, "");
    }
    await must("psql", [url, "-v", "ON_ERROR_STOP=1", "-X", "-q", "-f", "-"], { stdin: bootstrap });

    const push = await run(
      join(ROOT, "node_modules/.bin/supabase"),
      ["db", "push", `--remote=${url}?sslmode=disable`, "--yes", "--skip-vault"],
      {
        cwd: ROOT,
        env: { ...Deno.env.toObject(), SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
      },
    );
    assert.equal(push.code, 0, push.stdout + push.stderr);

    const q = (sql: string) =>
      must("psql", [url, "-X", "-q", "-t", "-A", "-c", sql]).then((r) => r.stdout.trim());
    const migrations = [...Deno.readDirSync(join(ROOT, "supabase/migrations"))]
      .filter((e) => e.name.endsWith(".sql")).map((e) => e.name.split("_")[0]).sort();
    assert.deepEqual(
      (await q("select version from supabase_migrations.schema_migrations order by version")).split(
        "\n",
      ),
      migrations,
    );
    assert.equal(
      await q("select count(*) from pg_extension where extname in ('pgtap', 'plpgsql_check')"),
      "0",
    );
  } finally {
    if (started) {
      await run(join(PG_BIN, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], {
        asPostgres: true,
      });
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

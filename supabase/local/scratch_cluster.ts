// A throwaway PostgreSQL cluster with pg_cron, for checks that need a fresh
// `postgres` database of their own (pg_cron binds to one database per
// cluster, so a second database in a stack's cluster could not have it).
import { join } from "node:path";
import { PG_BIN } from "./config.ts";
import { IS_ROOT, run } from "./proc.ts";

export interface ScratchCluster {
  url: string;
  /** psql with ON_ERROR_STOP; throws with the output on failure. */
  psql(args: string[], stdin?: string): Promise<string>;
}

async function must(cmd: string, args: string[], opts: Parameters<typeof run>[2] = {}) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")}:\n${r.stdout}${r.stderr}`);
  return r;
}

/** Runs `fn` against a fresh cluster (trust auth, fsync off) and removes it afterwards. */
export async function withScratchCluster<T>(prefix: string, fn: (c: ScratchCluster) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix });
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
    await must(join(PG_BIN, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "--no-instructions"], {
      asPostgres: true,
    });
    await must(join(PG_BIN, "pg_ctl"), [
      "-D", data, "-l", join(dir, "postgres.log"), "-w", "-t", "60", "-o",
      [
        `-c port=${port}`,
        "-c listen_addresses=127.0.0.1",
        `-c unix_socket_directories=${dir}`,
        "-c shared_preload_libraries=pg_cron",
        "-c cron.database_name=postgres",
        "-c fsync=off",
        "-c timezone=UTC",
      ].join(" "),
      "start",
    ], { asPostgres: true });
    started = true;
    const psql = async (args: string[], stdin?: string) =>
      (await must("psql", [url, "-v", "ON_ERROR_STOP=1", "-X", "-q", ...args], { stdin })).stdout;
    return await fn({ url, psql });
  } finally {
    if (started) {
      await run(join(PG_BIN, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], { asPostgres: true });
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

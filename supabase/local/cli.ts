// Entry point of the local stack (called by supabase/local/bootstrap.mjs after
// it has installed what is missing):
//   start                      — dev stack + SPA (npm start)
//   test [--keep] [suite...]   — fresh test stack + every suite (npm test)
//   bench                      — benchmarks (npm run bench)
//   eval [--misses]            — insight quality report (npm run eval)
//   mutate                     — mutation check (npm run mutate)
//   soak                       — the fault and soak suite (npm run soak)
//   stack up|down|status|reset|logs [service] [-f] [--instance dev|test]
import { existsSync } from "node:fs";
import { join } from "node:path";
import { instance, type InstanceName, instanceEnv, ROOT } from "./config.ts";
import { postDemoCalls } from "./demo.ts";
import { runInherit } from "./proc.ts";
import { banner, down, logs, reset, status, up } from "./stack.ts";
import { runSuites, summaryLine } from "./test_runner.ts";

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}

async function startWeb(inst: ReturnType<typeof instance>) {
  const vite = join(ROOT, "node_modules", ".bin", "vite");
  console.log(`\nSPA             http://127.0.0.1:${inst.ports.web}  (Ctrl-C stops the SPA; the stack keeps running — \`npm run stack down\` stops it)\n`);
  return await runInherit(vite, ["--config", "web/vite.config.ts", "--host", "127.0.0.1", "--port", String(inst.ports.web), "--strictPort"], {
    cwd: ROOT,
    env: {
      VITE_SUPABASE_URL: inst.apiUrl,
      VITE_SUPABASE_ANON_KEY: instanceEnv(inst).SUPABASE_ANON_KEY,
    },
  });
}

const DEMO_LOGINS = [
  "Demo logins     password salespulse-demo for all:",
  "                owner@acme.test, admin@acme.test, manager@acme.test, agent1@acme.test, agent2@acme.test (Acme Inc)",
  "                owner@globex.test, manager@globex.test (Globex) · staff@salespulse.test (platform admin)",
].join("\n");

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const cmd = args.shift();
  switch (cmd) {
    case "start": {
      const inst = instance("dev");
      await up(inst);
      const demo = await postDemoCalls(inst);
      console.log("\nSalesPulse local stack\n" + banner(inst));
      console.log(
        `Demo calls      ${demo.registered} sample calls${demo.posted ? `, ${demo.posted} posted through the signed Twilio webhook (analyzed within a minute)` : " (already ingested)"}`,
      );
      console.log(DEMO_LOGINS);
      if (args.includes("--no-web")) return 0;
      return await startWeb(inst);
    }
    case "test": {
      const keep = args.includes("--keep");
      const suites = args.filter((a) => !a.startsWith("--"));
      const inst = instance("test");
      let code = 1;
      try {
        // Inside the try: a stack that fails to come up is brought down again too.
        await reset(inst);
        code = await runSuites(inst, suites);
      } catch (e) {
        console.error(`\n${(e as Error).message}`);
      } finally {
        if (!keep) await down(inst);
        // The last line of `npm test` is always the total.
        console.log(`\n${summaryLine || "0 passed, 1 failed"}`);
      }
      return code;
    }
    case "bench": {
      const bench = join(ROOT, "supabase/local/bench.ts");
      if (!existsSync(bench)) {
        console.log("no benchmarks defined yet");
        return 0;
      }
      return await runInherit(Deno.execPath(), ["run", "-A", "--quiet", bench], { cwd: ROOT });
    }
    case "eval":
      // insight quality on the labelled calls: a report, not pass/fail
      return await runInherit(Deno.execPath(), ["run", "-A", "--quiet", join(ROOT, "supabase/local/eval.ts"), ...args], { cwd: ROOT });
    case "mutate":
      return await runInherit(Deno.execPath(), ["run", "-A", "--quiet", join(ROOT, "supabase/local/mutate.ts")], { cwd: ROOT });
    case "soak":
      return await runInherit(Deno.execPath(), ["run", "-A", "--quiet", join(ROOT, "supabase/local/soak.ts")], { cwd: ROOT });
    case "stack": {
      const sub = args.shift();
      const name = (option(args, "--instance") ?? "dev") as InstanceName;
      const inst = instance(name);
      switch (sub) {
        case "up":
          await up(inst);
          console.log(banner(inst));
          return 0;
        case "down":
          await down(inst);
          return 0;
        case "reset":
          await reset(inst);
          console.log(banner(inst));
          return 0;
        case "status":
          return (await status(inst)) ? 0 : 3;
        case "logs": {
          const follow = args.includes("-f");
          const svc = args.find((a) => !a.startsWith("-")) ?? "gateway";
          await logs(inst, svc, follow);
          return 0;
        }
        default:
          console.error("usage: npm run stack -- up|down|status|reset|logs [service] [-f] [--instance dev|test]");
          return 2;
      }
    }
    default:
      console.error("usage: cli.ts start | test [--keep] [suite...] | bench | eval | mutate | soak | stack <cmd>");
      return 2;
  }
}

try {
  Deno.exit(await main(Deno.args));
} catch (e) {
  console.error(`\nerror: ${(e as Error).message}`);
  Deno.exit(1);
}

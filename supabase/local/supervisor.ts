// Supervisor of one local-stack instance: starts every service of services.ts,
// appends its output to .local/<instance>/logs/<service>.log, restarts it with
// backoff when it exits, and stops them all on SIGTERM/SIGINT.
// Started detached by `stack up`; state in .local/<instance>/run/state.json.
import { join } from "node:path";
import { instance, type InstanceName } from "./config.ts";
import { type ServiceSpec, services } from "./services.ts";

const inst = instance((Deno.args[0] ?? "dev") as InstanceName);
Deno.mkdirSync(inst.logDir, { recursive: true });
Deno.mkdirSync(inst.runDir, { recursive: true });
Deno.writeTextFileSync(join(inst.runDir, "supervisor.pid"), String(Deno.pid));

interface State {
  pid: number | null;
  restarts: number;
  startedAt: string | null;
  lastExit: number | null;
}
const state: Record<string, State> = {};
const children = new Map<string, Deno.ChildProcess>();
let stopping = false;

function saveState() {
  // Write-then-rename: readers never see a half-written file.
  const file = join(inst.runDir, "state.json");
  Deno.writeTextFileSync(`${file}.tmp`, JSON.stringify({ supervisor: Deno.pid, services: state }, null, 2));
  Deno.renameSync(`${file}.tmp`, file);
}

function log(line: string) {
  console.log(`${new Date().toISOString()} ${line}`);
}

async function pump(stream: ReadableStream<Uint8Array>, file: Deno.FsFile) {
  for await (const chunk of stream) await file.write(chunk);
}

async function keep(spec: ServiceSpec) {
  state[spec.name] = { pid: null, restarts: -1, startedAt: null, lastExit: null };
  let backoff = 500;
  while (!stopping) {
    const file = await Deno.open(join(inst.logDir, `${spec.name}.log`), {
      append: true,
      create: true,
    });
    const started = Date.now();
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(spec.cmd, {
        args: spec.args,
        env: spec.env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (e) {
      log(`${spec.name}: cannot start: ${(e as Error).message}`);
      file.close();
      await new Promise((r) => setTimeout(r, 5000));
      continue;
    }
    children.set(spec.name, child);
    const s = state[spec.name];
    s.pid = child.pid;
    s.restarts++;
    s.startedAt = new Date().toISOString();
    saveState();
    log(`${spec.name}: started pid ${child.pid}`);
    const pumps = Promise.all([pump(child.stdout, file), pump(child.stderr, file)]);
    const status = await child.status;
    await pumps.catch(() => {});
    file.close();
    children.delete(spec.name);
    s.pid = null;
    s.lastExit = status.code;
    saveState();
    if (stopping) break;
    log(`${spec.name}: exited with ${status.code}; restarting in ${backoff} ms`);
    await new Promise((r) => setTimeout(r, backoff));
    // A service that ran for a while gets a fresh backoff.
    backoff = Date.now() - started > 30_000 ? 500 : Math.min(backoff * 2, 30_000);
  }
}

async function shutdown() {
  if (stopping) return;
  stopping = true;
  log("stopping services");
  for (const [, c] of children) {
    try {
      c.kill("SIGTERM");
    } catch { /* already gone */ }
  }
  const deadline = Date.now() + 5000;
  while (children.size > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const [, c] of children) {
    try {
      c.kill("SIGKILL");
    } catch { /* already gone */ }
  }
  try {
    Deno.removeSync(join(inst.runDir, "supervisor.pid"));
  } catch { /* fine */ }
  saveState();
  Deno.exit(0);
}

Deno.addSignalListener("SIGTERM", shutdown);
Deno.addSignalListener("SIGINT", shutdown);
log(`supervisor for instance ${inst.name} (pid ${Deno.pid})`);
await Promise.all(services(inst).map(keep));

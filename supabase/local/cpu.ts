// CPU time per service of a local stack instance, for the benchmarks' "where
// did the time go" (Linux: /proc). A snapshot holds the CPU seconds each
// supervised service (state.json's pids), Postgres (the postmaster, its
// backends and its exited children), this process (the benchmark's own
// client) and the whole machine have used so far; `cpuDelta` turns two
// snapshots into seconds and shares for the interval between them. The
// machine's busy time minus the stack's is what other work took from the
// same cores. Elsewhere (no /proc) snapshots are null and the report says so.
import { join } from "node:path";
import type { Instance } from "./config.ts";

export interface CpuSnapshot {
  at: number;
  /** CPU seconds by service. */
  services: Record<string, number>;
  /** CPU seconds the machine spent busy (all processes, all cores). */
  machine_busy: number;
}

let ticksPerSecond: number | undefined;
function hz(): number {
  if (ticksPerSecond) return ticksPerSecond;
  try {
    const out = new Deno.Command("getconf", { args: ["CLK_TCK"], stdout: "piped", stderr: "null" }).outputSync();
    ticksPerSecond = Number(new TextDecoder().decode(out.stdout).trim()) || 100;
  } catch {
    ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/** utime + stime (and, with `children`, the waited-for children's) of a process, in ticks; fields after the command's ")". */
function procTicks(pid: number, children = false): { ticks: number; ppid: number } | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const own = Number(f[11]) + Number(f[12]);
    return { ticks: own + (children ? Number(f[13]) + Number(f[14]) : 0), ppid: Number(f[1]) };
  } catch {
    return null;
  }
}

function postmasterPid(inst: Instance): number | null {
  try {
    return Number(Deno.readTextFileSync(join(inst.pgData, "postmaster.pid")).split("\n")[0]);
  } catch {
    return null;
  }
}

export function cpuSnapshot(inst: Instance): CpuSnapshot | null {
  if (Deno.build.os !== "linux") return null;
  let state: { services?: Record<string, { pid?: number }> };
  try {
    state = JSON.parse(Deno.readTextFileSync(join(inst.runDir, "state.json")));
  } catch {
    return null;
  }
  const services: Record<string, number> = {};
  for (const [name, s] of Object.entries(state.services ?? {})) {
    const t = s.pid ? procTicks(s.pid) : null;
    if (t) services[name] = t.ticks / hz();
  }
  const pm = postmasterPid(inst);
  if (pm) {
    let ticks = procTicks(pm, true)?.ticks ?? 0;
    for (const e of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(e.name)) continue;
      const t = procTicks(Number(e.name));
      if (t?.ppid === pm) ticks += t.ticks;
    }
    services.postgres = ticks / hz();
  }
  services["benchmark client"] = (procTicks(Deno.pid)?.ticks ?? 0) / hz();
  const cpu = Deno.readTextFileSync("/proc/stat").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const busy = cpu.reduce((a, b) => a + b, 0) - cpu[3] - (cpu[4] ?? 0);
  return { at: performance.now(), services, machine_busy: busy / hz() };
}

export interface CpuUse {
  seconds: number;
  cores: number;
  /** CPU seconds by service over the interval, largest first, and each one's share of the stack's. */
  by_service: { service: string; cpu_s: number; share: number }[];
  stack_cpu_s: number;
  /** Busy CPU seconds of processes that are not this stack (other work on the machine). */
  other_processes_cpu_s: number;
  /** The machine's cores busy over the interval (0–1). */
  machine_utilisation: number;
}

export function cpuDelta(a: CpuSnapshot | null, b: CpuSnapshot | null): CpuUse | null {
  if (!a || !b) return null;
  const seconds = (b.at - a.at) / 1000;
  const rows = Object.keys(b.services)
    .map((service) => ({ service, cpu_s: Math.max(0, b.services[service] - (a.services[service] ?? 0)) }))
    .filter((r) => r.cpu_s > 0);
  const stack = rows.reduce((n, r) => n + r.cpu_s, 0);
  const busy = b.machine_busy - a.machine_busy;
  const cores = navigator.hardwareConcurrency;
  return {
    seconds: +seconds.toFixed(2),
    cores,
    by_service: rows.sort((x, y) => y.cpu_s - x.cpu_s)
      .map((r) => ({ service: r.service, cpu_s: +r.cpu_s.toFixed(2), share: +(r.cpu_s / (stack || 1)).toFixed(3) })),
    stack_cpu_s: +stack.toFixed(2),
    other_processes_cpu_s: +Math.max(0, busy - stack).toFixed(2),
    machine_utilisation: +Math.min(1, busy / (seconds * cores)).toFixed(3),
  };
}

// Starting a stand-in: listen, name its URL, and stop cleanly on SIGINT/SIGTERM in script mode.
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

export function listen(
  port: number,
  hostname: string,
  handler: (req: Request) => Response | Promise<Response>,
): { server: Deno.HttpServer<Deno.NetAddr>; url: string } {
  const server = Deno.serve({ port, hostname, onListen: () => {} }, handler);
  const host = hostname.includes(":")
    ? `[${hostname}]`
    : hostname === "0.0.0.0"
    ? "127.0.0.1"
    : hostname;
  return { server, url: `http://${host}:${server.addr.port}` };
}

/**
 * Script mode's `--port` (else the `portEnv` variable, else `defaultPort`) and `--hostname`, and
 * the values of the stand-in's own `options`.
 */
export function scriptArgs<O extends ParseArgsOptionsConfig>(portEnv: string, options: O, defaultPort = 0) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { ...options, port: { type: "string" }, hostname: { type: "string" } } as const,
  });
  const common = values as { port?: string; hostname?: string };
  return { port: Number(common.port ?? Deno.env.get(portEnv) ?? defaultPort), hostname: common.hostname, values };
}

/** Script mode's `--port`, `--api-key`, `--hostname`, with env fallbacks for port and key. */
export function scriptOptions(env: { port: string; apiKey: string }, defaultPort: number) {
  const { port, hostname, values } = scriptArgs(env.port, { "api-key": { type: "string" } }, defaultPort);
  return { port, apiKey: values["api-key"] ?? Deno.env.get(env.apiKey) ?? undefined, hostname };
}

/** Script mode: close the stand-in, then exit, on SIGINT or SIGTERM. */
export function exitOnSignal(standIn: { close(): Promise<void> }): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => standIn.close().finally(() => Deno.exit(0)));
  }
}

/** Keeps the newest `max` entries of a request log. */
export function logCapped<T>(log: T[], entry: T, max: number): void {
  log.push(entry);
  if (log.length > max) log.splice(0, log.length - max);
}

/** What every request log records of a request. */
export interface RequestEntry {
  at: string;
  method: string;
  path: string;
  query: string;
  status: number;
}

export const requestEntry = (req: Request, url: URL, status: number): RequestEntry => ({
  at: new Date().toISOString(),
  method: req.method,
  path: url.pathname,
  query: url.search,
  status,
});

/** Empties maps (or sets) of state at once. */
export function clearAll(...collections: { clear(): void }[]): void {
  for (const c of collections) c.clear();
}

// Local Edge Functions server: what `supabase functions serve` (edge-runtime)
// does, without Docker.
//  - serves every supabase/functions/<name>/handler.ts at /<name>[/...]
//    (the gateway maps /functions/v1/<name> here, as Kong does on Supabase);
//  - honours [functions.<name>] verify_jwt from supabase/config.toml;
//  - loads a function only when its imports resolve through its own deno.json
//    (the import map `supabase functions deploy` picks), each to the very
//    module this process loads: otherwise the function answers 500
//    function_boot_error, as it would fail to deploy;
//  - injects SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY,
//    SUPABASE_DB_URL and the secrets of supabase/functions/.env;
//  - provides EdgeRuntime.waitUntil;
//  - LISTENs on `invoke_function` and makes the HTTP call that pg_net makes on
//    Supabase for private.invoke_function(), recording the outcome in
//    private.function_invocations (as pg_net records net._http_response).
import { existsSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { parse as parseToml } from "smol-toml";
import { instance, type InstanceName, instanceEnv, ROOT, sandboxProviderEnv, SERVICE_ROLE_KEY } from "./config.ts";
import { type FunctionToml, ownConfigProblems } from "./function_config.ts";
import { verifyBearer } from "./jwt.ts";
import { errorText, log, requestIdOf, withContext } from "../functions/_shared/log.ts";
import { observed } from "../functions/_shared/observe.ts";

const inst = instance((Deno.args[0] ?? "dev") as InstanceName);
const FUNCTIONS_DIR = join(ROOT, "supabase/functions");

export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2].trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) {
      v = v.slice(1, -1);
    } else {
      v = v.replace(/\s+#.*$/, "");
    }
    out[m[1]] = v;
  }
  return out;
}

// --- environment ---------------------------------------------------------
const envFile = Deno.env.get("SALESPULSE_FUNCTIONS_ENV_FILE") ?? join(FUNCTIONS_DIR, ".env");
// The test instance is hermetic: it always talks to the stand-ins, whatever
// supabase/functions/.env says (tests must never reach a real provider).
const secrets = inst.name !== "test" && existsSync(envFile) ? parseDotenv(Deno.readTextFileSync(envFile)) : {};
const nonEmpty = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== ""));
const injected: Record<string, string> = {
  // Empty values in .env mean "not set": they do not override the defaults.
  ...sandboxProviderEnv(inst),
  ...nonEmpty,
  ...instanceEnv(inst),
};
for (const [k, v] of Object.entries(injected)) {
  // An empty value means "not set" (e.g. OPENAI_API_KEY= selects the offline analyzer).
  if (v === "") Deno.env.delete(k);
  else Deno.env.set(k, v);
}

// --- EdgeRuntime.waitUntil --------------------------------------------------
const pending = new Set<Promise<unknown>>();
(globalThis as Record<string, unknown>).EdgeRuntime = {
  waitUntil(p: Promise<unknown>) {
    const tracked = Promise.resolve(p).catch((e) => log("error", "waitUntil task failed", { error: errorText(e) }))
      .finally(() => pending.delete(tracked));
    pending.add(tracked);
  },
};

// --- functions ------------------------------------------------------------
type Handler = (req: Request) => Response | Promise<Response>;
interface Fn {
  name: string;
  verifyJwt: boolean;
  handler?: Handler;
  loadError?: string;
}

const config = parseToml(Deno.readTextFileSync(join(ROOT, "supabase/config.toml"))) as {
  functions?: Record<string, FunctionToml>;
};
const fns = new Map<string, Fn>();
for (const e of Deno.readDirSync(FUNCTIONS_DIR)) {
  if (!e.isDirectory || e.name.startsWith("_") || e.name.startsWith(".")) continue;
  const handlerPath = join(FUNCTIONS_DIR, e.name, "handler.ts");
  if (!existsSync(handlerPath)) continue;
  const c = config.functions?.[e.name] ?? {};
  if (c.enabled === false) continue;
  const fn: Fn = { name: e.name, verifyJwt: c.verify_jwt ?? true };
  try {
    const problems = await ownConfigProblems(join(ROOT, "supabase"), e.name, c, (s) => import.meta.resolve(s));
    if (problems.length) throw new Error(`does not resolve through its own deno.json:\n  ${problems.join("\n  ")}`);
    const mod = await import(`file://${handlerPath}`);
    const handler = (mod.handler ?? mod.default) as Handler;
    if (typeof handler !== "function") throw new Error("handler.ts exports no `handler`");
    // As index.ts serves it on Supabase: request id, log line, error reporting.
    fn.handler = observed(e.name, handler);
  } catch (err) {
    fn.loadError = (err as Error).stack ?? String(err);
    log("error", "function failed to load", { function: e.name, error: fn.loadError });
  }
  fns.set(e.name, fn);
}
log("info", "functions loaded", {
  functions: [...fns.values()].map((f) => `${f.name}${f.verifyJwt ? "" : " (no JWT)"}`),
});

function errorJson(status: number, code: string, message: string) {
  return Response.json({ error: { code, message } }, { status });
}

async function serve(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const name = url.pathname.split("/")[1] ?? "";
  if (name === "_internal") {
    return Response.json({ ok: true, functions: [...fns.keys()], pending: pending.size });
  }
  const fn = fns.get(name);
  if (!fn) return errorJson(404, "function_not_found", `Function "${name}" not found`);
  if (req.method !== "OPTIONS" && fn.verifyJwt) {
    const check = await verifyBearer(req.headers.get("authorization"));
    if (!check.ok) return errorJson(401, "unauthorized", check.reason);
  }
  if (!fn.handler) return errorJson(500, "function_boot_error", `Function "${name}" failed to boot`);
  try {
    return await fn.handler(req);
  } catch (err) {
    log("error", "function threw", { function: name, error: errorText(err) });
    return errorJson(500, "internal_error", "The function failed unexpectedly");
  }
}

const server = Deno.serve(
  { hostname: "127.0.0.1", port: inst.ports.functions, onListen: () => {} },
  async (req) => {
    const t0 = performance.now();
    const res = await serve(req);
    const ms = performance.now() - t0;
    // The functions server's share (routing, the function, its log line): the
    // bench's per-hop breakdown. Headers of a response made elsewhere may be immutable.
    if (res.status !== 101) {
      try {
        res.headers.append("server-timing", `functions;dur=${ms.toFixed(2)}`);
      } catch {
        // immutable: no timing for this one
      }
    }
    const path = new URL(req.url).pathname;
    // A request a function served is logged by it (observed); the rest here.
    if (!path.startsWith("/_internal") && !res.headers.has("x-request-id")) {
      const name = path.split("/")[1] ?? "";
      withContext({ request_id: requestIdOf(req), function: name }, () =>
        log("info", "functions server refused", {
          method: req.method,
          path,
          status: res.status,
          duration_ms: Math.round(ms),
        }));
    }
    return res;
  },
);
log("info", "functions server listening", { url: `http://127.0.0.1:${inst.ports.functions}` });

// --- pg_notify('invoke_function') → HTTP, as pg_net would ------------------
const sql = postgres(inst.dbUrl, { max: 4, onnotice: () => {}, connection: { application_name: "functions-server" } });

interface Invocation {
  id: number;
  name: string;
  body: unknown;
}

async function invoke(inv: Invocation) {
  let status: number | null = null;
  let content: string | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(`http://127.0.0.1:${inst.ports.functions}/${inv.name}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${SERVICE_ROLE_KEY}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(inv.body ?? {}),
      signal: AbortSignal.timeout(150_000),
    });
    status = res.status;
    content = (await res.text()).slice(0, 10_000);
  } catch (e) {
    error = (e as Error).message;
  }
  await sql`
    update private.function_invocations
       set status_code = ${status}, response = ${content}, error = ${error}, completed_at = now()
     where id = ${inv.id}`.catch((e) => log("error", "could not record an invocation", { invocation_id: inv.id, error: errorText(e) }));
}

async function deliver(id: number) {
  const [row] = await sql<Invocation[]>`
    select id, name, body from private.function_invocations
     where id = ${id} and completed_at is null`;
  if (row) await invoke(row);
}

async function drainPending() {
  // Invocations that arrived while this server was down (pg_net would have
  // sent them): recent ones are delivered now; nothing is lost silently.
  const rows = await sql<Invocation[]>`
    select id, name, body from private.function_invocations
     where completed_at is null and created_at > now() - interval '1 hour'
     order by id`.catch(() => [] as Invocation[]);
  for (const r of rows) await invoke(r);
}

async function listen() {
  for (;;) {
    try {
      await sql.listen("invoke_function", (payload) => {
        try {
          const { id } = JSON.parse(payload) as { id: number };
          void deliver(id);
        } catch (e) {
          log("error", "bad invoke_function payload", { payload: payload.slice(0, 500), error: errorText(e) });
        }
      }, () => void drainPending());
      log("info", "listening for pg_notify('invoke_function')");
      return;
    } catch (e) {
      log("error", "LISTEN failed, retrying in 2 s", { error: errorText(e) });
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}
await listen();

async function shutdown() {
  await server.shutdown();
  await Promise.allSettled([...pending]);
  await sql.end({ timeout: 2 });
  Deno.exit(0);
}
Deno.addSignalListener("SIGTERM", shutdown);
Deno.addSignalListener("SIGINT", shutdown);

// Sentry stand-in: the ingest endpoint the Sentry SDKs post to —
// `POST /api/{project_id}/envelope/` (a newline-delimited envelope: a header,
// then item headers each followed by its payload; authenticated by the DSN's
// public key in `X-Sentry-Auth: Sentry sentry_key=…` or `?sentry_key=`;
// gzip accepted), answering `{ id }` as Sentry does — plus a control API:
// `GET /_sandbox/envelopes[?project=]` (what arrived, parsed),
// `POST /_sandbox/reset`, `GET /_sandbox/health`.
//   deno run -A supabase/local/sandbox/sentry.ts --port 54345
// The stack's supervisor runs it on the instance's `sentry` port; the test
// instance's SENTRY_DSN (config.ts sentryDsn) points at it.
// The DSN to use: http://<key>@127.0.0.1:<port>/<project> (default key below).
import { parseArgs } from "node:util";
import { SANDBOX_SENTRY_KEY } from "../config.ts";
import { control, type ControlRoute, isControl } from "./kernel/control.ts";
import { json, noContent } from "./kernel/http.ts";
import { exitOnSignal, listen } from "./kernel/server.ts";

export const DEFAULT_SENTRY_KEY = SANDBOX_SENTRY_KEY;

export interface EnvelopeItem {
  type: string;
  headers: Record<string, unknown>;
  /** The parsed JSON payload (events, sessions…), or the raw text of others (attachments). */
  payload: unknown;
}

export interface Envelope {
  project: string;
  at: string;
  headers: Record<string, unknown>;
  items: EnvelopeItem[];
}

/** Splits an envelope into its header and items (length-delimited or newline-delimited payloads). */
export function parseEnvelope(bytes: Uint8Array): { headers: Record<string, unknown>; items: EnvelopeItem[] } {
  const dec = new TextDecoder();
  let at = 0;
  const line = () => {
    let end = bytes.indexOf(0x0a, at);
    if (end < 0) end = bytes.length;
    const text = dec.decode(bytes.subarray(at, end));
    at = end + 1;
    return text;
  };
  const headers = JSON.parse(line() || "{}");
  const items: EnvelopeItem[] = [];
  while (at < bytes.length) {
    const head = line();
    if (!head.trim()) continue;
    const h = JSON.parse(head) as Record<string, unknown>;
    let raw: string;
    if (typeof h.length === "number") {
      raw = dec.decode(bytes.subarray(at, at + h.length));
      at += h.length + 1;
    } else {
      raw = line();
    }
    let payload: unknown = raw;
    try {
      payload = JSON.parse(raw);
    } catch { /* an attachment: kept as text */ }
    items.push({ type: String(h.type ?? ""), headers: h, payload });
  }
  return { headers, items };
}

function keyOf(req: Request, url: URL): string | null {
  const auth = req.headers.get("x-sentry-auth") ?? "";
  return /sentry_key=([^,\s]+)/.exec(auth)?.[1] ?? url.searchParams.get("sentry_key");
}

export function startSentryStandIn(opts: { port: number; key?: string; hostname?: string }) {
  const key = opts.key ?? DEFAULT_SENTRY_KEY;
  const envelopes: Envelope[] = [];
  const routes: ControlRoute[] = [
    ["GET /health", () => json({ ok: true })],
    ["GET /envelopes", (_m, _req, url) => {
      const project = url.searchParams.get("project");
      return json({ items: project ? envelopes.filter((e) => e.project === project) : envelopes });
    }],
    ["POST /reset", () => {
      envelopes.length = 0;
      return noContent();
    }],
  ];

  async function handler(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (isControl(url)) return await control("sentry", routes, req, url);
    const m = /^\/api\/(\d+)\/envelope\/?$/.exec(url.pathname);
    if (!m) return json({ detail: "Not Found" }, 404);
    if (req.method !== "POST") return json({ detail: "Method not allowed" }, 405);
    if (keyOf(req, url) !== key) return json({ detail: "Unauthorized: invalid sentry_key" }, 401);
    let body = new Uint8Array(await req.arrayBuffer());
    if ((req.headers.get("content-encoding") ?? "").includes("gzip")) {
      body = new Uint8Array(await new Response(new Blob([body]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
    }
    let parsed;
    try {
      parsed = parseEnvelope(body);
    } catch {
      return json({ detail: "invalid envelope" }, 400);
    }
    envelopes.push({ project: m[1], at: new Date().toISOString(), ...parsed });
    if (envelopes.length > 1000) envelopes.splice(0, envelopes.length - 1000);
    const id = typeof parsed.headers.event_id === "string" ? parsed.headers.event_id : crypto.randomUUID().replace(/-/g, "");
    return json({ id });
  }

  const { server, url } = listen(opts.port, opts.hostname ?? "127.0.0.1", handler);
  return { url, envelopes, dsn: (project = "1") => url.replace("://", `://${key}@`) + `/${project}`, close: () => server.shutdown() };
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { port: { type: "string" } } });
  const s = startSentryStandIn({ port: Number(values.port ?? 0) });
  console.log(`Sentry stand-in listening on ${s.url} (DSN ${s.dsn()})`);
  exitOnSignal(s);
}

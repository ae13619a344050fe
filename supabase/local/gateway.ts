// Local API gateway — Kong's role in Supabase:
//   /rest/v1/*      → PostgREST    (apikey required, as Kong's key-auth)
//   /auth/v1/*      → Supabase Auth or its local stand-in (supabase/local/auth.ts)
//   /functions/v1/* → functions server (the function checks the JWT itself)
// with CORS for the SPA. Request and response bodies are streamed.
// Every request gets an id (the provider's delivery id when it sends one:
// Twilio's I-Twilio-Idempotency-Token, a Stripe event's id, Mailgun's token), passed on as `x-request-id`,
// answered as `x-request-id`, and logged as one JSON line.
import { join } from "node:path";
import { ANON_KEY, instance, type InstanceName, ROOT, SERVICE_ROLE_KEY } from "./config.ts";
import {
  currentRequestId,
  deliveryIdInBody,
  deliveryIdReadable,
  headerRequestId,
  log,
  requestIdOf,
  withContext,
} from "../functions/_shared/log.ts";

const inst = instance((Deno.args[0] ?? "dev") as InstanceName);
const KEYS = new Set([ANON_KEY, SERVICE_ROLE_KEY]);

const CORS: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD",
  "access-control-allow-headers":
    "authorization, apikey, content-type, x-client-info, x-supabase-api-version, prefer, range, accept-profile, content-profile, x-upsert, cache-control, accept",
  "access-control-expose-headers": "content-range, content-length, content-type, location, x-total-count, x-supabase-api-version, x-request-id",
  "access-control-max-age": "3600",
};

// Hop-by-hop headers are not forwarded (RFC 9110 §7.6.1).
const HOP = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "host"];

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...CORS },
  });
}

function apikeyOf(req: Request, url: URL) {
  return req.headers.get("apikey") ?? url.searchParams.get("apikey");
}

async function proxy(req: Request, url: URL, target: string, peer: string, setAuthFromKey = false) {
  const headers = new Headers(req.headers);
  for (const h of HOP) headers.delete(h);
  headers.set("x-request-id", currentRequestId() ?? requestIdOf(req));
  headers.set("x-forwarded-host", url.host);
  headers.set("x-forwarded-proto", url.protocol.replace(":", ""));
  // The client's address as the gateway saw it (Auth's per-IP rate limits key
  // on it); a client-supplied value is not trusted.
  headers.set("x-forwarded-for", peer);
  if (setAuthFromKey && !headers.has("authorization")) {
    // Kong forwards the apikey as the bearer token when none is given.
    headers.set("authorization", `Bearer ${apikeyOf(req, url)}`);
  }
  // Small bodies (webhooks, RPC calls) are buffered — cheaper than a stream;
  // large or unknown-length ones (uploads) are streamed through.
  const length = Number(req.headers.get("content-length") ?? NaN);
  const body = req.body === null ? null : length <= 1_048_576 ? await req.arrayBuffer() : req.body;
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: req.method,
      headers,
      body,
      redirect: "manual",
      // @ts-ignore: streaming request bodies (Deno supports `duplex`).
      duplex: "half",
    });
  } catch (e) {
    log("error", "upstream not reachable", { target, error: (e as Error).message });
    return json(502, { error: { code: "upstream_unavailable", message: "The service is not reachable, try again shortly" } });
  }
  const out = new Headers(upstream.headers);
  for (const h of HOP) out.delete(h);
  for (const [k, v] of Object.entries(CORS)) out.set(k, v);
  // Small responses are buffered; large or open-ended ones (audio) stream.
  const size = Number(upstream.headers.get("content-length") ?? NaN);
  const payload = size <= 1_048_576 ? await upstream.arrayBuffer() : upstream.body;
  return new Response(payload, { status: upstream.status, statusText: upstream.statusText, headers: out });
}

function keyAuth(req: Request, url: URL): Response | null {
  const key = apikeyOf(req, url);
  if (!key) {
    return json(401, { error: { code: "no_api_key", message: "No API key found in request" } });
  }
  if (!KEYS.has(key)) return json(401, { error: { code: "invalid_api_key", message: "Invalid API key" } });
  return null;
}

/**
 * A WebSocket to a function (voice-stream-audio), as Kong passes one on: the client's socket is
 * accepted here and bridged frame by frame to the function's; what the client sends before the
 * function's socket is open is held, and either side closing closes the other.
 */
function proxyWebSocket(req: Request, target: string): Response {
  const { socket: client, response } = Deno.upgradeWebSocket(req);
  const upstream = new WebSocket(target.replace(/^http/, "ws"));
  upstream.binaryType = "arraybuffer";
  client.binaryType = "arraybuffer";
  const held: (string | ArrayBuffer)[] = [];
  client.onmessage = (e) => (upstream.readyState === WebSocket.OPEN ? upstream.send(e.data) : held.push(e.data));
  upstream.onopen = () => held.splice(0).forEach((m) => upstream.send(m));
  upstream.onmessage = (e) => client.readyState === WebSocket.OPEN && client.send(e.data);
  const closeBoth = (code: number, reason: string) => {
    const c = code === 1005 || code === 1006 || code < 1000 ? 1011 : code;
    for (const s of [client, upstream]) {
      if (s.readyState === WebSocket.OPEN || s.readyState === WebSocket.CONNECTING) {
        try {
          s.close(c, reason.slice(0, 120));
        } catch {
          // already closing
        }
      }
    }
  };
  upstream.onclose = (e) => closeBoth(e.code, e.reason || "upstream closed");
  upstream.onerror = () => log("error", "upstream websocket failed", { target: target.replace(/\?.*$/, "") });
  client.onclose = (e) => closeBoth(e.code, e.reason);
  return response;
}

export async function handle(req: Request, info?: Deno.ServeHandlerInfo): Promise<Response> {
  const url = new URL(req.url);
  if (req.headers.get("upgrade")?.toLowerCase() === "websocket" && url.pathname.startsWith("/functions/v1/")) {
    // The 101 response is handed back as is (a copy would not upgrade).
    log("info", "gateway websocket", { source: "gateway", path: url.pathname });
    return proxyWebSocket(req, `http://127.0.0.1:${inst.ports.functions}${url.pathname.slice("/functions/v1".length)}${url.search}`);
  }
  // The id is minted once here; proxy() forwards it.
  const fn = /^\/functions\/v1\/([^/?]+)/.exec(url.pathname)?.[1] ?? null;
  let id = headerRequestId(req);
  if (!id && deliveryIdReadable(fn, req)) {
    // A webhook whose delivery id is in its (small) body: read it once, pass the bytes on.
    const bytes = await req.arrayBuffer();
    id = await deliveryIdInBody(fn!, req.headers.get("content-type") ?? "", new Uint8Array(bytes));
    req = new Request(req.url, { method: req.method, headers: req.headers, body: bytes });
  }
  const requestId = id ?? requestIdOf(req);
  return await withContext({ request_id: requestId, function: fn ? fn : "gateway" }, async () => {
    const t0 = performance.now();
    const res = await route(req, url, info);
    const ms = performance.now() - t0;
    // Responses built here or by proxy() have headers of their own to add to.
    res.headers.set("x-request-id", requestId);
    // The gateway's share of the request (proxying included): the bench's per-hop breakdown.
    res.headers.append("server-timing", `gateway;dur=${ms.toFixed(2)}`);
    log(res.status >= 500 ? "error" : "info", "gateway request", {
      source: "gateway",
      method: req.method,
      path: url.pathname,
      status: res.status,
      duration_ms: Math.round(ms),
    });
    return res;
  });
}

async function route(req: Request, url: URL, info?: Deno.ServeHandlerInfo): Promise<Response> {
  const peer = (info?.remoteAddr as Deno.NetAddr | undefined)?.hostname ?? "127.0.0.1";
  const p = url.pathname;
  if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS });
  const route = (prefix: string) => p === prefix || p.startsWith(prefix + "/");
  // The key is the gateway's business: `?apikey=` is not passed on (PostgREST
  // would read it as a column filter and fail).
  const query = new URLSearchParams(url.search);
  query.delete("apikey");
  const search = query.size ? `?${query}` : "";
  const rest = (prefix: string) => p.slice(prefix.length) + search;

  if (route("/rest/v1")) {
    const denied = keyAuth(req, url);
    if (denied) return denied;
    return await proxy(req, url, `http://127.0.0.1:${inst.ports.postgrest}${rest("/rest/v1") || "/"}`, peer, true);
  }
  if (route("/functions/v1")) {
    return await proxy(req, url, `http://127.0.0.1:${inst.ports.functions}${rest("/functions/v1") || "/"}`, peer);
  }
  if (route("/auth/v1")) {
    const open = /^\/auth\/v1\/(verify|callback|authorize|health|settings)/.test(p);
    if (!open) {
      const denied = keyAuth(req, url);
      if (denied) return denied;
    }
    return await proxy(req, url, `http://127.0.0.1:${inst.ports.auth}${rest("/auth/v1") || "/"}`, peer);
  }
  if (p === "/health") return json(200, { ok: true, instance: inst.name });
  // Auth's email templates (supabase/config.toml [auth.email.template.*]),
  // which Auth fetches by URL. Only supabase/templates/<name>.html is served.
  const template = /^\/__local\/templates\/([a-z_]+\.html)$/.exec(p);
  if (template && req.method === "GET") {
    try {
      const html = await Deno.readTextFile(join(ROOT, "supabase/templates", template[1]));
      return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
    } catch {
      return json(404, { error: { code: "not_found", message: "No such template" } });
    }
  }
  return json(404, { error: { code: "not_found", message: "No such route" } });
}

Deno.serve({ hostname: "127.0.0.1", port: inst.ports.gateway, onListen: () => {} }, handle);
log("info", "gateway listening", { url: inst.apiUrl });

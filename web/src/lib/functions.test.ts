// @vitest-environment node
// callFunction and streamFunction with the real supabase-js client (no session:
// the anon key) and real fetch, against a local HTTP server that answers as an
// Edge Function does: JSON, `{ error: { code, message } }`, NDJSON in chunks.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const ANON = "anon-key-for-the-functions-test-0123456789";
type Seen = { method: string; url: string; headers: IncomingMessage["headers"]; body: string };
const seen: Seen[] = [];
const routes: Record<string, (res: ServerResponse) => void> = {
  "/functions/v1/ok": (res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: 7 })),
  "/functions/v1/refused": (res) =>
    res.writeHead(402, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "SP402", message: "Upgrade your plan" } })),
  "/functions/v1/broken": (res) => res.writeHead(502, { "content-type": "text/html" }).end("<html>bad gateway</html>"),
  "/functions/v1/bare": (res) => res.writeHead(500, { "content-type": "application/json" }).end("{}"),
  "/functions/v1/stream": (res) => {
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    // Split mid-object, an empty line, and a last line without its newline.
    const parts = ['{"n":1}\n{"n"', ':2}\n\n  \n', '{"n":3}\n{"n":4}'];
    let i = 0;
    const next = () => (i < parts.length ? res.write(parts[i++], () => setTimeout(next, 5)) : res.end());
    next();
  },
  "/functions/v1/stream-refused": (res) =>
    res.writeHead(403, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "forbidden", message: "Managers only" } })),
  "/functions/v1/stream-broken": (res) => res.writeHead(503).end("down"),
};
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
    (routes[req.url ?? ""] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res);
  });
});

let fns: typeof import("./functions");
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  vi.stubEnv("VITE_SUPABASE_URL", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  vi.stubEnv("VITE_SUPABASE_ANON_KEY", ANON);
  // Node 20 has no WebSocket; supabase-js needs the constructor to exist (the SPA uses no Realtime).
  if (!("WebSocket" in globalThis)) vi.stubGlobal("WebSocket", class {});
  fns = await import("./functions");
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise((r) => server.close(r));
});

describe("callFunction", () => {
  it("POSTs the body as JSON with the anon key when no one is signed in, and answers the JSON", async () => {
    seen.length = 0;
    expect(await fns.callFunction("ok", { action: "release", id: "n1" })).toEqual({ id: 7 });
    expect(seen).toHaveLength(1);
    const [r] = seen;
    expect(r.method).toBe("POST");
    expect(r.url).toBe("/functions/v1/ok");
    expect(JSON.parse(r.body)).toEqual({ action: "release", id: "n1" });
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.headers.apikey).toBe(ANON);
    expect(r.headers.authorization).toBe(`Bearer ${ANON}`);
  });
  it("a refusal carries the function's status, code and message", async () => {
    const err = await fns.callFunction<never>("refused", {}).catch((e: InstanceType<typeof fns.FunctionError>) => e);
    expect(err).toBeInstanceOf(fns.FunctionError);
    expect(err).toBeInstanceOf(Error);
    expect({ status: err.status, code: err.code, message: err.message }).toEqual({ status: 402, code: "SP402", message: "Upgrade your plan" });
  });
  it("a failure without the error shape still says what happened", async () => {
    for (const [name, status] of [["broken", 502], ["bare", 500]] as const) {
      const err = await fns.callFunction<never>(name, {}).catch((e: InstanceType<typeof fns.FunctionError>) => e);
      expect({ status: err.status, code: err.code, message: err.message }).toEqual({ status, code: "error", message: `Request failed (${status})` });
    }
  });
});

describe("streamFunction", () => {
  it("hands each NDJSON object to onEvent as it arrives, across chunk boundaries, the last line too", async () => {
    seen.length = 0;
    const events: unknown[] = [];
    await fns.streamFunction("stream", { say: "hi" }, (e) => events.push(e));
    expect(events).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    expect(JSON.parse(seen[0].body)).toEqual({ say: "hi" });
    expect(seen[0].headers.authorization).toBe(`Bearer ${ANON}`);
  });
  it("an error before the stream starts is thrown as for callFunction", async () => {
    const events: unknown[] = [];
    const err = await fns.streamFunction("stream-refused", {}, (e) => events.push(e)).catch((e) => e);
    expect(err).toBeInstanceOf(fns.FunctionError);
    expect({ status: err.status, code: err.code, message: err.message }).toEqual({ status: 403, code: "forbidden", message: "Managers only" });
    const bare = await fns.streamFunction("stream-broken", {}, (e) => events.push(e)).catch((e) => e);
    expect({ status: bare.status, code: bare.code, message: bare.message }).toEqual({ status: 503, code: "error", message: "Request failed (503)" });
    expect(events).toEqual([]);
  });
});

// @vitest-environment node
// The SPA's Sentry setup with the real React SDK, posting to a local endpoint
// that accepts Sentry envelopes (as supabase/local/sandbox/sentry.ts does).
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { flushSentry, initSentry, reportError } from "./sentry";

const received: { path: string; body: string }[] = [];
const server = createServer((req: IncomingMessage, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    received.push({ path: req.url ?? "", body });
    res.writeHead(200, { "content-type": "application/json", "access-control-allow-origin": "*" });
    res.end(JSON.stringify({ id: "0".repeat(32) }));
  });
});

beforeAll(() => new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r())));
afterAll(() => new Promise<void>((r) => server.close(() => r())));

it("is off without a DSN", async () => {
  expect(await initSentry(undefined)).toBe(false);
  expect(await initSentry("")).toBe(false);
});

it("reports a caught error as an envelope to the DSN's project", async () => {
  const { port } = server.address() as AddressInfo;
  expect(await initSentry(`http://0123456789abcdef0123456789abcdef@127.0.0.1:${port}/7`)).toBe(true);
  const marker = `spa-boom-${Math.random().toString(36).slice(2)}`;
  reportError(new Error(marker), { route: "/app/dashboard" });
  await flushSentry();
  const envelope = received.find((r) => r.body.includes(marker));
  expect(envelope?.path).toMatch(/^\/api\/7\/envelope\/\?/);
  const [, itemHeader, payload] = envelope!.body.split("\n");
  expect(JSON.parse(itemHeader).type).toBe("event");
  const event = JSON.parse(payload);
  expect(event.exception.values[0].value).toBe(marker);
  expect(event.tags.route).toBe("/app/dashboard");
});

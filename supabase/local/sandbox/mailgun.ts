// Mailgun stand-in: the part of Mailgun's HTTP API the product uses —
// `POST /v3/{domain}/messages` (form fields from, to, subject, text, html,
// o:tag…; HTTP Basic auth `api:<key>`), answering Mailgun's JSON
// `{ id: "<…@domain>", message: "Queued. Thank you." }` — plus a control API
// for tests and the demo: `GET /_sandbox/messages[?to=]`, `POST /_sandbox/reset`,
// `POST /_sandbox/faults {kind: "429"|"500", count, match}` (match: only messages whose
// form body contains the text, e.g. the recipient), `GET /_sandbox/health`.
//   deno run -A supabase/local/sandbox/mailgun.ts --port 54343
// reads MAILGUN_API_KEY (default: an obviously fake local key).
import { parseArgs } from "node:util";
import { control, type ControlRoute, isControl, readJson, SandboxError } from "./kernel/control.ts";
import { FaultRegistry, type FaultState } from "./kernel/faults.ts";
import { json, noContent } from "./kernel/http.ts";
import { exitOnSignal, listen } from "./kernel/server.ts";

export const DEFAULT_MAILGUN_KEY = "key-local-sandbox";

export interface SentMessage {
  id: string;
  domain: string;
  from: string;
  to: string[];
  subject: string;
  text: string | null;
  html: string | null;
  tags: string[];
  at: string;
}

export function startMailgunStandIn(opts: { port: number; apiKey?: string; hostname?: string }) {
  const apiKey = opts.apiKey ?? DEFAULT_MAILGUN_KEY;
  const messages: SentMessage[] = [];
  type Fault = FaultState & { kind: "429" | "500"; match?: string };
  const faults = new FaultRegistry<Fault>((spec) => {
    const f = spec as { kind?: unknown; count?: unknown; match?: unknown };
    if (f.kind !== "429" && f.kind !== "500") {
      throw new SandboxError(400, "invalid_request", "kind must be 429 or 500");
    }
    if (f.match !== undefined && (typeof f.match !== "string" || !f.match)) {
      throw new SandboxError(400, "invalid_request", "match must be a non-empty string");
    }
    return { fault: { kind: f.kind, match: f.match }, remaining: Number(f.count ?? 1) };
  }, () => true);
  const controlRoutes: ControlRoute[] = [
    ["GET /health", () => json({ ok: true })],
    ["GET /messages", (_m, _req, url) => {
      const to = url.searchParams.get("to");
      return json({ items: to ? messages.filter((m) => m.to.includes(to)) : messages });
    }],
    ["POST /reset", () => {
      messages.length = 0;
      faults.clear();
      return noContent();
    }],
    ["POST /faults", async (_m, req) => {
      faults.add(await readJson(req, false));
      return json({ ok: true }, 201);
    }],
  ];

  async function handler(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (isControl(url)) return await control("mailgun", controlRoutes, req, url);
    const m = /^\/v3\/([^/]+)\/messages$/.exec(url.pathname);
    if (!m) return json({ message: "Not Found" }, 404);
    if (req.method !== "POST") return json({ message: "Method Not Allowed" }, 405);
    const auth = req.headers.get("authorization") ?? "";
    if (auth !== `Basic ${btoa(`api:${apiKey}`)}`) {
      return new Response("Forbidden", { status: 401 });
    }
    const form = await req.formData();
    const fields = [...form.entries()].map(([k, v]) => `${k}=${typeof v === "string" ? v : ""}`).join("\n");
    const fault = faults.take(req.method, url.pathname, fields);
    if (fault) {
      return fault.kind === "429"
        ? json({ message: "Too many requests" }, 429)
        : json({ message: "Internal server error" }, 500);
    }
    const from = String(form.get("from") ?? "");
    const to = form.getAll("to").flatMap((t) => String(t).split(",")).map((t) => t.trim()).filter(
      Boolean,
    );
    const subject = String(form.get("subject") ?? "");
    if (!from || !to.length || (!form.get("text") && !form.get("html"))) {
      return json({ message: "from, to and text or html are required" }, 400);
    }
    const id = `<${crypto.randomUUID().replace(/-/g, "")}@${m[1]}>`;
    messages.push({
      id,
      domain: m[1],
      from,
      to,
      subject,
      text: form.get("text") ? String(form.get("text")) : null,
      html: form.get("html") ? String(form.get("html")) : null,
      tags: form.getAll("o:tag").map(String),
      at: new Date().toISOString(),
    });
    return json({ id, message: "Queued. Thank you." });
  }

  const { server, url } = listen(opts.port, opts.hostname ?? "127.0.0.1", handler);
  return { url, messages, close: () => server.shutdown() };
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { port: { type: "string" } } });
  const s = startMailgunStandIn({
    port: Number(values.port ?? 0),
    apiKey: Deno.env.get("MAILGUN_API_KEY") || undefined,
  });
  console.log(`Mailgun stand-in listening on ${s.url}`);
  exitOnSignal(s);
}

// Mailgun stand-in: the part of Mailgun's HTTP API the product uses —
// `POST /v3/{domain}/messages` (form fields from, to, subject, text, html,
// o:tag…; HTTP Basic auth `api:<key>`), answering Mailgun's JSON
// `{ id: "<…@domain>", message: "Queued. Thank you." }` — plus a control API
// for tests and the demo: `GET /_sandbox/messages[?to=]`, `POST /_sandbox/reset`,
// `POST /_sandbox/faults {kind: "429"|"500", count}`, `GET /_sandbox/health`.
//   deno run -A supabase/local/sandbox/mailgun.ts --port 54343
// reads MAILGUN_API_KEY (default: an obviously fake local key).
import { parseArgs } from "node:util";

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
  const faults: { kind: "429" | "500"; remaining: number }[] = [];
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

  async function handler(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname.startsWith("/_sandbox")) {
      const route = `${req.method} ${url.pathname.slice("/_sandbox".length) || "/"}`;
      if (route === "GET /health") return json({ ok: true });
      if (route === "GET /messages") {
        const to = url.searchParams.get("to");
        return json({ items: to ? messages.filter((m) => m.to.includes(to)) : messages });
      }
      if (route === "POST /reset") {
        messages.length = 0;
        faults.length = 0;
        return new Response(null, { status: 204 });
      }
      if (route === "POST /faults") {
        const f = await req.json();
        if (f.kind !== "429" && f.kind !== "500") return json({ message: "kind must be 429 or 500" }, 400);
        faults.push({ kind: f.kind, remaining: Number(f.count ?? 1) });
        return json({ ok: true }, 201);
      }
      return json({ message: `no control endpoint ${route}` }, 404);
    }
    const m = /^\/v3\/([^/]+)\/messages$/.exec(url.pathname);
    if (!m) return json({ message: "Not Found" }, 404);
    if (req.method !== "POST") return json({ message: "Method Not Allowed" }, 405);
    const auth = req.headers.get("authorization") ?? "";
    if (auth !== `Basic ${btoa(`api:${apiKey}`)}`) return new Response("Forbidden", { status: 401 });
    const fault = faults.find((f) => f.remaining > 0);
    if (fault) {
      fault.remaining--;
      return fault.kind === "429"
        ? json({ message: "Too many requests" }, 429)
        : json({ message: "Internal server error" }, 500);
    }
    const form = await req.formData();
    const from = String(form.get("from") ?? "");
    const to = form.getAll("to").flatMap((t) => String(t).split(",")).map((t) => t.trim()).filter(Boolean);
    const subject = String(form.get("subject") ?? "");
    if (!from || !to.length || (!form.get("text") && !form.get("html"))) {
      return json({ message: "from, to and text or html are required" }, 400);
    }
    const id = `<${crypto.randomUUID().replace(/-/g, "")}@${m[1]}>`;
    messages.push({
      id, domain: m[1], from, to, subject,
      text: form.get("text") ? String(form.get("text")) : null,
      html: form.get("html") ? String(form.get("html")) : null,
      tags: form.getAll("o:tag").map(String),
      at: new Date().toISOString(),
    });
    return json({ id, message: "Queued. Thank you." });
  }

  const server = Deno.serve({ port: opts.port, hostname: opts.hostname ?? "127.0.0.1", onListen: () => {} }, handler);
  return { url: `http://127.0.0.1:${server.addr.port}`, messages, close: () => server.shutdown() };
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { port: { type: "string" } } });
  const s = startMailgunStandIn({ port: Number(values.port ?? 0), apiKey: Deno.env.get("MAILGUN_API_KEY") || undefined });
  console.log(`Mailgun stand-in listening on ${s.url}`);
  for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(sig, () => s.close().finally(() => Deno.exit(0)));
}

// Mailgun stand-in: the part of Mailgun's HTTP API the product uses —
// `POST /v3/{domain}/messages` (form fields from, to, subject, text, html,
// o:tag, h:<header>…; HTTP Basic auth `api:<key>`), answering Mailgun's JSON
// `{ id: "<…@domain>", message: "Queued. Thank you." }` (the id is the
// h:Message-Id when one is given, as Mailgun does) — and what Mailgun posts
// back: inbound route forwards and delivery events, signed with the webhook
// signing key (HMAC-SHA256 of timestamp + token) as Mailgun signs them.
// Control API for tests and the demo:
//   GET  /_sandbox/messages[?to=]   what was sent
//   POST /_sandbox/inbound {from, text, reply_to_message_id? | to?, subject?, html?, message_id?,
//        in_reply_to?, references?, attachments?: [{name, type, size}], encoding?: "urlencoded"|"multipart",
//        timestamp?, token?, signature?}  — forwards a reply (or any mail) to the route as Mailgun would;
//        answers the route's status and body
//   POST /_sandbox/events {message_id, event: delivered|failed|complained, severity?, reason?}
//   POST /_sandbox/faults {kind: 429|500|slow|timeout|malformed, count?, path?, delay_ms?, match?}
//        (match: only messages whose form body contains the text, e.g. the recipient)
//   POST /_sandbox/reset, GET /_sandbox/health
//   deno run -A supabase/local/sandbox/mailgun.ts --port 54343 --route <functions url>/mailgun-inbound
// reads MAILGUN_API_KEY and MAILGUN_WEBHOOK_SIGNING_KEY (defaults: obviously fake local keys).
import { createHmac } from "node:crypto";
import { parseArgs } from "node:util";
import { z } from "zod";
import { control, type ControlRoute, isControl, parse, readJson, SandboxError } from "./kernel/control.ts";
import { Hangs, sleep, SpecFaults, TransportFaultSpec, truncated } from "./kernel/faults.ts";
import { json, noContent } from "./kernel/http.ts";
import { exitOnSignal, listen } from "./kernel/server.ts";

export const DEFAULT_MAILGUN_KEY = "key-local-sandbox";
export const DEFAULT_MAILGUN_SIGNING_KEY = "local-sandbox-mailgun-signing-key";

export interface SentMessage {
  id: string;
  domain: string;
  from: string;
  to: string[];
  subject: string;
  text: string | null;
  html: string | null;
  tags: string[];
  headers: Record<string, string>;
  at: string;
}

const Inbound = z.object({
  from: z.string().min(1),
  text: z.string(),
  html: z.string().optional(),
  subject: z.string().optional(),
  /** Reply to a sent message: its Reply-To is the recipient, its Message-Id the In-Reply-To. */
  reply_to_message_id: z.string().optional(),
  to: z.string().optional(),
  message_id: z.string().optional(),
  in_reply_to: z.string().optional(),
  references: z.string().optional(),
  attachments: z.array(z.object({ name: z.string(), type: z.string(), size: z.number().int().min(0) })).default([]),
  encoding: z.enum(["urlencoded", "multipart"]).optional(),
  /** Override the signature fields (forged, stale or replayed posts in tests). */
  timestamp: z.string().optional(),
  token: z.string().optional(),
  signature: z.string().optional(),
});

const Event = z.object({
  message_id: z.string().min(1),
  event: z.enum(["delivered", "failed", "complained"]),
  severity: z.enum(["permanent", "temporary"]).optional(),
  reason: z.string().optional(),
});

const bare = (id: string) => id.replace(/^<|>$/g, "");

/** A form body as text a fault's `match` can be found in (urlencoded bodies decoded). */
function formText(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}

export function startMailgunStandIn(
  opts: { port: number; apiKey?: string; signingKey?: string; route?: string; hostname?: string },
) {
  const apiKey = opts.apiKey ?? DEFAULT_MAILGUN_KEY;
  const signingKey = opts.signingKey ?? DEFAULT_MAILGUN_SIGNING_KEY;
  const messages: SentMessage[] = [];
  const hangs = new Hangs();
  const faults = new SpecFaults<typeof TransportFaultSpec, unknown>(TransportFaultSpec);

  const sign = (timestamp: string, token: string) => createHmac("sha256", signingKey).update(timestamp + token).digest("hex");
  const signature = (o: { timestamp?: string; token?: string; signature?: string } = {}) => {
    const timestamp = o.timestamp ?? String(Math.floor(Date.now() / 1000));
    const token = o.token ?? crypto.randomUUID().replace(/-/g, "") + crypto.randomUUID().replace(/-/g, "").slice(0, 18);
    return { timestamp, token, signature: o.signature ?? sign(timestamp, token) };
  };
  const routeUrl = (url: URL) => url.searchParams.get("route") ?? opts.route;

  async function postInbound(input: z.infer<typeof Inbound>, route: string) {
    const original = input.reply_to_message_id
      ? messages.find((m) => bare(m.id) === bare(input.reply_to_message_id!))
      : undefined;
    if (input.reply_to_message_id && !original) throw new SandboxError(404, "not_found", "no such sent message");
    const recipient = input.to ?? original?.headers["Reply-To"] ?? original?.from;
    if (!recipient) throw new SandboxError(400, "invalid_request", "to or reply_to_message_id is required");
    const domain = recipient.split("@")[1] ?? "example.test";
    const messageId = input.message_id ?? `<${crypto.randomUUID().replace(/-/g, "")}@mail.example.test>`;
    const inReplyTo = input.in_reply_to ?? (original ? `<${bare(original.id)}>` : undefined);
    const references = input.references ??
      (original ? [original.headers.References, `<${bare(original.id)}>`].filter(Boolean).join(" ") : undefined);
    const subject = input.subject ?? (original ? `Re: ${original.subject}` : "(no subject)");
    const headers: [string, string][] = [["From", input.from], ["To", recipient], ["Subject", subject], ["Message-Id", messageId]];
    if (inReplyTo) headers.push(["In-Reply-To", inReplyTo]);
    if (references) headers.push(["References", references]);
    const fields: Record<string, string> = {
      recipient, sender: input.from, from: input.from, subject, "body-plain": input.text,
      "stripped-text": input.text.split(/\n>|\nOn .+ wrote:/)[0].trim(), "Message-Id": messageId,
      "message-headers": JSON.stringify(headers), domain, "attachment-count": String(input.attachments.length),
      ...signature(input),
    };
    if (input.html) fields["body-html"] = input.html;
    if (inReplyTo) fields["In-Reply-To"] = inReplyTo;
    if (references) fields.References = references;
    const multipart = input.encoding === "multipart" || (input.encoding === undefined && input.attachments.length > 0);
    let body: BodyInit;
    if (multipart) {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      input.attachments.forEach((a, i) =>
        form.set(`attachment-${i + 1}`, new File([new Uint8Array(a.size)], a.name, { type: a.type }))
      );
      body = form;
    } else {
      body = new URLSearchParams(fields);
    }
    const res = await fetch(route, { method: "POST", body });
    return { status: res.status, body: await res.text(), message_id: messageId, recipient, token: fields.token };
  }

  const controlRoutes: ControlRoute[] = [
    ["GET /health", () => json({ ok: true })],
    ["GET /messages", (_m, _req, url) => {
      const to = url.searchParams.get("to");
      return json({ items: to ? messages.filter((m) => m.to.includes(to)) : messages });
    }],
    ["POST /reset", () => {
      messages.length = 0;
      faults.clear();
      hangs.releaseAll();
      return noContent();
    }],
    ["POST /faults", async (_m, req) => json(faults.add(await readJson(req, false)), 201)],
    ["GET /faults", () => json({ items: faults.list() })],
    ["POST /inbound", async (_m, req, url) => {
      const route = routeUrl(url);
      if (!route) throw new SandboxError(400, "invalid_request", "no inbound route configured (--route or ?route=)");
      return json(await postInbound(parse(Inbound, await readJson(req, false)), route));
    }],
    ["POST /events", async (_m, req, url) => {
      const route = routeUrl(url);
      if (!route) throw new SandboxError(400, "invalid_request", "no inbound route configured (--route or ?route=)");
      const e = parse(Event, await readJson(req, false));
      const res = await fetch(`${route.replace(/\/+$/, "")}/events`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          signature: signature(),
          "event-data": {
            id: crypto.randomUUID(), event: e.event, timestamp: Date.now() / 1000, severity: e.severity,
            reason: e.reason, message: { headers: { "message-id": bare(e.message_id) } },
          },
        }),
      });
      return json({ status: res.status, body: await res.text() });
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
    // The body is read first so a fault can target one message (`match`: text in the form body).
    const raw = await req.text();
    const fault = faults.take(req.method, url.pathname, formText(raw));
    if (fault?.kind === "429") return json({ message: "Too many requests" }, 429);
    if (fault?.kind === "500") return json({ message: "Internal server error" }, 500);
    if (fault?.kind === "timeout") return await hangs.hang(req);
    if (fault?.kind === "slow") await sleep(fault.delay_ms, [req.signal]);
    const form = await new Response(raw, { headers: { "content-type": req.headers.get("content-type") ?? "" } }).formData();
    const from = String(form.get("from") ?? "");
    const to = form.getAll("to").flatMap((t) => String(t).split(",")).map((t) => t.trim()).filter(Boolean);
    const subject = String(form.get("subject") ?? "");
    if (!from || !to.length || (!form.get("text") && !form.get("html"))) {
      return json({ message: "from, to and text or html are required" }, 400);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of form) if (k.startsWith("h:") && typeof v === "string") headers[k.slice(2)] = v;
    const id = headers["Message-Id"] ?? `<${crypto.randomUUID().replace(/-/g, "")}@${m[1]}>`;
    const sent = {
      id,
      domain: m[1],
      from,
      to,
      subject,
      text: form.get("text") ? String(form.get("text")) : null,
      html: form.get("html") ? String(form.get("html")) : null,
      tags: form.getAll("o:tag").map(String),
      headers,
      at: new Date().toISOString(),
    };
    const body = JSON.stringify({ id, message: "Queued. Thank you." });
    if (fault?.kind === "malformed") {
      messages.push(sent); // accepted, but the answer is cut short
      return truncated(json({}), body.slice(0, 10));
    }
    messages.push(sent);
    return new Response(body, { headers: { "content-type": "application/json" } });
  }

  const { server, url } = listen(opts.port, opts.hostname ?? "127.0.0.1", handler);
  return {
    url,
    messages,
    close: () => {
      hangs.releaseAll();
      return server.shutdown();
    },
  };
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { port: { type: "string" }, route: { type: "string" } } });
  const s = startMailgunStandIn({
    port: Number(values.port ?? 0),
    apiKey: Deno.env.get("MAILGUN_API_KEY") || undefined,
    signingKey: Deno.env.get("MAILGUN_WEBHOOK_SIGNING_KEY") || undefined,
    route: values.route,
  });
  console.log(`Mailgun stand-in listening on ${s.url}`);
  exitOnSignal(s);
}

// mailgun-inbound: Mailgun's inbound route forwards (POST /mailgun-inbound,
// urlencoded or multipart with attachments) and its delivery-event webhooks
// (POST /mailgun-inbound/events, JSON). The signature — HMAC-SHA256 of
// timestamp + token with MAILGUN_WEBHOOK_SIGNING_KEY, constant-time, within a
// timestamp tolerance — is checked before anything is parsed further; a
// reused token is refused in the same SQL transaction that stores.
//
// Answers, as Mailgun reads them: 200 stored (or already stored / ignored);
// 406 refused for good (malformed, replayed token, unknown recipient,
// attachments over the limits) — Mailgun stops retrying; 401 bad signature,
// 413 too large; 500 our trouble — Mailgun retries later.
import type postgres from "postgres";
import { z } from "zod";
import { mailgunInboundEnv } from "../_shared/env.ts";
import { errorText, log } from "../_shared/log.ts";
import { json, jsonError, readBounded, readBoundedBytes } from "../_shared/http.ts";
import { verifyMailgunSignature } from "../_shared/providers/mailgun.ts";
import { backendSql } from "../_shared/sql.ts";

/** Mailgun forwards messages up to 25 MB; we take less. */
export const MAX_POST_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const MAX_ATTACHMENTS = 20;
const MAX_EVENT_BYTES = 64 * 1024;

export interface Deps {
  signingKey(): string;
  /** The Mailgun domain mail arrives at (reply+<token>@…, <slug>@…). */
  domain(): string;
  sql(): postgres.Sql;
  now(): Date;
}

const short = (n: number) => z.string().max(n).optional();
const Inbound = z.object({
  recipient: z.string().min(3).max(640),
  from: z.string().min(3).max(640),
  subject: short(998),
  "body-plain": short(1_000_000),
  "stripped-text": short(1_000_000),
  "body-html": short(2_000_000),
  "Message-Id": z.string().min(3).max(998),
  "In-Reply-To": short(998),
  References: short(8000),
});

/** Header fields may come as top-level fields or only in message-headers (a JSON list of pairs). */
function headerOf(fields: Map<string, string>, name: string): string | undefined {
  for (const [k, v] of fields) if (k.toLowerCase() === name.toLowerCase()) return v;
  try {
    const pairs = JSON.parse(fields.get("message-headers") ?? "[]") as unknown;
    if (Array.isArray(pairs)) {
      for (const p of pairs) {
        if (Array.isArray(p) && typeof p[0] === "string" && p[0].toLowerCase() === name.toLowerCase() && typeof p[1] === "string") {
          return p[1];
        }
      }
    }
  } catch { /* absent or malformed: no header */ }
  return undefined;
}

/** Text Postgres can store: no NUL characters, no lone surrogates. */
const storable = (v: string | null | undefined) => (v == null ? null : v.replaceAll("\u0000", "").toWellFormed());

function refused(code: string, message: string) {
  log("warn", "refused", { code, error: message });
  return jsonError(406, code, message);
}

/** SP409 replay, SP400 malformed, SP404 unknown recipient are final; anything else Mailgun should retry. */
function sqlFailure(err: unknown, what: string): Response {
  const code = (err as { code?: string }).code;
  if (code === "SP409") return refused("replayed", "This token was used before");
  if (code === "SP400") return refused("invalid_message", (err as Error).message);
  if (code === "SP404") return refused("unknown_recipient", (err as Error).message);
  log("error", `storing the ${what} failed`, { error: errorText(err) });
  return jsonError(500, "internal_error", `Could not store the ${what}`);
}

async function inbound(req: Request, deps: Deps): Promise<Response> {
  const raw = await readBoundedBytes(req, MAX_POST_BYTES);
  if (raw === null) return jsonError(413, "payload_too_large", "Payload too large");
  const type = req.headers.get("content-type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
    return jsonError(415, "unsupported_media_type", "Expected a form post");
  }
  let form: FormData;
  try {
    form = await new Request("http://local/", { method: "POST", headers: { "content-type": type }, body: raw }).formData();
  } catch {
    return jsonError(400, "invalid_form", "The form could not be parsed");
  }
  const fields = new Map<string, string>();
  const files: File[] = [];
  for (const [k, v] of form) {
    if (typeof v === "string") {
      if (!fields.has(k)) fields.set(k, v);
    } else files.push(v);
  }
  const sig = verifyMailgunSignature(deps.signingKey(), {
    timestamp: fields.get("timestamp"),
    token: fields.get("token"),
    signature: fields.get("signature"),
  }, deps.now());
  if (!sig.ok) {
    log("warn", "refused a post", { reason: `${sig.reason} signature` });
    return jsonError(401, "invalid_signature", `Invalid Mailgun signature (${sig.reason})`);
  }
  // Signed by Mailgun: from here on a bad message is refused for good.
  if (files.length > MAX_ATTACHMENTS) return refused("too_many_attachments", `At most ${MAX_ATTACHMENTS} attachments`);
  const big = files.find((f) => f.size > MAX_ATTACHMENT_BYTES);
  if (big) return refused("attachment_too_large", `Attachments are limited to ${MAX_ATTACHMENT_BYTES} bytes`);
  const parsed = Inbound.safeParse({
    recipient: fields.get("recipient"),
    from: fields.get("from") ?? fields.get("sender"),
    subject: fields.get("subject") ?? headerOf(fields, "Subject"),
    "body-plain": fields.get("body-plain"),
    "stripped-text": fields.get("stripped-text"),
    "body-html": fields.get("body-html"),
    "Message-Id": headerOf(fields, "Message-Id"),
    "In-Reply-To": headerOf(fields, "In-Reply-To"),
    References: headerOf(fields, "References"),
  });
  if (!parsed.success) {
    return refused("invalid_message", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ").slice(0, 300));
  }
  const m = parsed.data;
  const payload = {
    token: storable(fields.get("token")),
    domain: deps.domain().toLowerCase(),
    recipient: storable(m.recipient),
    from: storable(m.from),
    subject: storable(m.subject ?? ""),
    body_plain: storable(m["body-plain"]),
    stripped_text: storable(m["stripped-text"]),
    body_html: storable(m["body-html"]),
    message_id: storable(m["Message-Id"]),
    in_reply_to: storable(m["In-Reply-To"]),
    references: storable(m.References),
    attachments: files.map((f) => ({
      name: storable(f.name || "attachment")!.slice(0, 255),
      type: storable(f.type || "application/octet-stream")!.slice(0, 255),
      size: f.size,
    })),
  };
  try {
    const sql = deps.sql();
    const [{ r }] = await sql<{ r: Record<string, unknown> }[]>`select public.ingest_inbound_email(${sql.json(payload)}) as r`;
    return json({ received: true, ...r });
  } catch (err) {
    return sqlFailure(err, "message");
  }
}

const Event = z.object({
  signature: z.object({ timestamp: z.string(), token: z.string(), signature: z.string() }),
  "event-data": z.object({
    id: z.string().min(1).max(200),
    event: z.string().max(50),
    timestamp: z.number().optional(),
    severity: z.enum(["permanent", "temporary"]).optional(),
    reason: z.string().max(500).optional(),
    message: z.object({ headers: z.object({ "message-id": z.string().min(1).max(998) }).passthrough() }).passthrough(),
  }).passthrough(),
});

async function event(req: Request, deps: Deps): Promise<Response> {
  const text = await readBounded(req, MAX_EVENT_BYTES);
  if (text === null) return jsonError(413, "payload_too_large", "Payload too large");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return jsonError(400, "invalid_json", "The body is not JSON");
  }
  const sig = verifyMailgunSignature(deps.signingKey(), (body as { signature?: Record<string, unknown> })?.signature ?? {}, deps.now());
  if (!sig.ok) {
    log("warn", "refused an event", { reason: `${sig.reason} signature` });
    return jsonError(401, "invalid_signature", `Invalid Mailgun signature (${sig.reason})`);
  }
  const parsed = Event.safeParse(body);
  if (!parsed.success) return refused("invalid_event", "Not a delivery event");
  const e = parsed.data["event-data"];
  const bounce = e.event === "bounced" ||
    (e.event === "failed" && e.severity === "permanent" && /bounce/i.test(e.reason ?? ""));
  const kind = bounce ? "bounced" : e.event;
  if (!["delivered", "failed", "complained", "bounced"].includes(kind)) {
    return json({ received: true, outcome: "ignored", event: e.event });
  }
  try {
    const sql = deps.sql();
    const [{ r }] = await sql<{ r: Record<string, unknown> }[]>`select public.apply_email_event(${
      sql.json({
        token: parsed.data.signature.token,
        event_id: storable(e.id),
        event: kind,
        severity: e.severity ?? null,
        reason: storable(e.reason),
        message_id: storable(e.message.headers["message-id"]),
        occurred_at: e.timestamp ?? null,
      })
    }) as r`;
    return json({ received: true, ...r });
  } catch (err) {
    return sqlFailure(err, "event");
  }
}

export function makeHandler(deps: Deps): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method !== "POST") return jsonError(405, "method_not_allowed", "Use POST");
    return new URL(req.url).pathname.replace(/\/+$/, "").endsWith("/events") ? await event(req, deps) : await inbound(req, deps);
  };
}

export function realDeps(): Deps {
  return {
    signingKey: () => mailgunInboundEnv().MAILGUN_WEBHOOK_SIGNING_KEY,
    domain: () => mailgunInboundEnv().MAILGUN_DOMAIN,
    sql: backendSql,
    now: () => new Date(),
  };
}

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());

// Mailgun: email out through the official `mailgun.js` SDK (it runs under
// Deno through npm: with the global FormData), and the signature check of
// what Mailgun posts to us (inbound forwards and delivery events).
// MAILGUN_API_BASE_URL points the SDK at the local stand-in
// (supabase/local/sandbox/mailgun.ts); in production it is
// https://api.mailgun.net (or https://api.eu.mailgun.net).
import Mailgun from "mailgun.js";
import { createHmac, timingSafeEqual } from "node:crypto";

export interface MailgunEnv {
  apiKey: string;
  domain: string;
  baseUrl?: string;
}

export interface Email {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  tags?: string[];
  /** Message-Id, Reply-To, In-Reply-To, References … (sent as h:<name>). */
  headers?: Record<string, string | null | undefined>;
}

export class MailgunError extends Error {
  constructor(public status: number, message: string) {
    super(message);
    this.name = "MailgunError";
  }
  /** 429, 5xx and network trouble (status 0) are worth retrying; other 4xx are not. */
  get retryable() {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

export function mailgunClient(env: MailgunEnv) {
  return new Mailgun(FormData).client({
    username: "api",
    key: env.apiKey,
    url: (env.baseUrl ?? "https://api.mailgun.net").replace(/\/+$/, ""),
    timeout: 15_000,
  });
}

/** Sends one email; Mailgun's message id. Failures are MailgunError. */
export async function sendEmail(env: MailgunEnv, email: Email): Promise<string> {
  const data: Record<string, unknown> = {
    from: email.from,
    to: [email.to],
    subject: email.subject,
    text: email.text,
  };
  if (email.html) data.html = email.html;
  if (email.tags?.length) data["o:tag"] = email.tags;
  for (const [k, v] of Object.entries(email.headers ?? {})) if (v) data[`h:${k}`] = v;
  try {
    // deno-lint-ignore no-explicit-any
    const r = await mailgunClient(env).messages.create(env.domain, data as any);
    if (!r.id) throw new MailgunError(r.status ?? 0, `Mailgun answered without an id: ${r.message ?? ""}`);
    return r.id;
  } catch (err) {
    if (err instanceof MailgunError) throw err;
    const e = err as { status?: number; message?: string; details?: unknown };
    const status = typeof e.status === "number" ? e.status : 0;
    throw new MailgunError(status, `Mailgun answered ${status || "nothing"}: ${String(e.details ?? e.message ?? err).slice(0, 200)}`);
  }
}

/** Seconds a Mailgun signature stays acceptable either side of now. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureCheck = { ok: true } | { ok: false; reason: "missing" | "invalid" | "stale" };

/**
 * Mailgun's webhook signature: HMAC-SHA256 of timestamp + token with the
 * webhook signing key, hex, compared in constant time; the timestamp must be
 * within the tolerance of `now`. (Replays of a token are refused where the
 * post is stored, in the same transaction.)
 */
export function verifyMailgunSignature(
  key: string,
  sig: { timestamp?: unknown; token?: unknown; signature?: unknown },
  now: Date,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  const { timestamp, token, signature } = sig;
  if (typeof timestamp !== "string" || typeof token !== "string" || typeof signature !== "string") {
    return { ok: false, reason: "missing" };
  }
  if (!/^\d{1,12}$/.test(timestamp) || !/^[0-9a-f]{64}$/i.test(signature) || token.length < 10 || token.length > 200) {
    return { ok: false, reason: "invalid" };
  }
  const expected = createHmac("sha256", key).update(timestamp + token).digest();
  const given = new Uint8Array(signature.match(/../g)!.map((h) => parseInt(h, 16)));
  if (!timingSafeEqual(expected, given)) return { ok: false, reason: "invalid" };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return { ok: false, reason: "stale" };
  return { ok: true };
}

/** The signature fields for a timestamp and token (the stand-in and tests sign with it). */
export function mailgunSignature(key: string, timestamp: string, token: string): string {
  return createHmac("sha256", key).update(timestamp + token).digest("hex");
}

// Authenticates a Twilio webhook before anything else happens: the raw
// form body is read (bounded), and X-Twilio-Signature is checked with the
// official `twilio` validator over the PUBLIC URL Twilio called
// (PUBLIC_FUNCTIONS_URL/<function>?<query>), not the internal URL this
// function sees behind the gateway.
import twilio from "twilio";
import { publicEnv, twilioEnv } from "./env.ts";
import { readBounded } from "./http.ts";

export const MAX_WEBHOOK_BYTES = 64 * 1024;

export type WebhookResult =
  | { ok: true; params: Record<string, string> }
  | { ok: false; response: Response };

function text(status: number, body: string) {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

export function publicUrlFor(functionName: string, req: Request): string {
  const base = publicEnv().PUBLIC_FUNCTIONS_URL.replace(/\/+$/, "");
  return `${base}/${functionName}${new URL(req.url).search}`;
}

export async function verifyTwilioWebhook(req: Request, functionName: string): Promise<WebhookResult> {
  if (req.method !== "POST") return { ok: false, response: text(405, "Method Not Allowed") };
  const raw = await readBounded(req, MAX_WEBHOOK_BYTES);
  if (raw === null) return { ok: false, response: text(413, "Payload Too Large") };
  const signature = req.headers.get("x-twilio-signature");
  const params = Object.fromEntries(new URLSearchParams(raw));
  const { TWILIO_AUTH_TOKEN } = twilioEnv();
  if (!signature || !twilio.validateRequest(TWILIO_AUTH_TOKEN, signature, publicUrlFor(functionName, req), params)) {
    console.warn(`${functionName}: refused a request with a missing or invalid X-Twilio-Signature`);
    return { ok: false, response: text(403, "Forbidden") };
  }
  return { ok: true, params };
}

export function twiml(xml: string, status = 200): Response {
  return new Response(xml, { status, headers: { "content-type": "text/xml; charset=utf-8" } });
}

// Authenticates a Twilio webhook before anything else happens: the raw
// form body is read (bounded), and X-Twilio-Signature is checked with the
// official `twilio` validator over the PUBLIC URL Twilio called
// (PUBLIC_FUNCTIONS_URL/<function>?<query>), not the internal URL this
// function sees behind the gateway.
import twilio from "twilio";
import type { z } from "zod";
import { publicFunctionUrl, twilioEnv } from "./env.ts";
import { formFields, readBounded } from "./http.ts";

export const MAX_WEBHOOK_BYTES = 64 * 1024;

/** What a Twilio webhook needs to authenticate its caller. */
export interface TwilioWebhookDeps {
  /** The auth token Twilio signs with. */
  twilioAuthToken(): string;
  /** A function's URL as Twilio calls it (PUBLIC_FUNCTIONS_URL/<name>). */
  publicUrl(functionName: string): string;
}

export function twilioWebhookDeps(): TwilioWebhookDeps {
  return { twilioAuthToken: () => twilioEnv().TWILIO_AUTH_TOKEN, publicUrl: publicFunctionUrl };
}

export type WebhookResult =
  | { ok: true; params: Record<string, string> }
  | { ok: false; response: Response };

function text(status: number, body: string) {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

export async function verifyTwilioWebhook(
  deps: TwilioWebhookDeps,
  req: Request,
  functionName: string,
): Promise<WebhookResult> {
  if (req.method !== "POST") return { ok: false, response: text(405, "Method Not Allowed") };
  const raw = await readBounded(req, MAX_WEBHOOK_BYTES);
  if (raw === null) return { ok: false, response: text(413, "Payload Too Large") };
  const signature = req.headers.get("x-twilio-signature");
  const params = formFields(raw);
  const url = `${deps.publicUrl(functionName)}${new URL(req.url).search}`;
  if (!signature || !twilio.validateRequest(deps.twilioAuthToken(), signature, url, params)) {
    console.warn(`${functionName}: refused a request with a missing or invalid X-Twilio-Signature`);
    return { ok: false, response: text(403, "Forbidden") };
  }
  return { ok: true, params };
}

/**
 * The webhook's fields validated by `schema` once the signature holds, or the
 * plain-text refusal Twilio gets (405, 413, 403, 400 naming the bad fields).
 */
export async function readTwilioWebhook<S extends z.ZodType>(
  deps: TwilioWebhookDeps,
  req: Request,
  functionName: string,
  schema: S,
): Promise<z.infer<S> | Response> {
  const auth = await verifyTwilioWebhook(deps, req, functionName);
  if (!auth.ok) return auth.response;
  const parsed = schema.safeParse(auth.params);
  if (!parsed.success) {
    return text(400, `Bad Request: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  }
  return parsed.data;
}

export function twiml(xml: string, status = 200): Response {
  return new Response(xml, { status, headers: { "content-type": "text/xml; charset=utf-8" } });
}

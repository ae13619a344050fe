// Authenticates a Twilio webhook before anything else happens: the raw
// form body is read (bounded), and X-Twilio-Signature is checked with the
// official `twilio` validator over the PUBLIC URL Twilio called
// (PUBLIC_FUNCTIONS_URL/<function>?<query>), not the internal URL this
// function sees behind the gateway.
import twilio from "twilio";
import type { z } from "zod";
import { publicFunctionUrl, twilioEnv } from "./env.ts";
import { formFields, jsonError, readBounded } from "./http.ts";
import { log } from "./log.ts";

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

export async function verifyTwilioWebhook(
  deps: TwilioWebhookDeps,
  req: Request,
  functionName: string,
): Promise<WebhookResult> {
  if (req.method !== "POST") return { ok: false, response: jsonError(405, "method_not_allowed", "Use POST") };
  const raw = await readBounded(req, MAX_WEBHOOK_BYTES);
  if (raw === null) return { ok: false, response: jsonError(413, "payload_too_large", "The request body is too large") };
  const signature = req.headers.get("x-twilio-signature");
  const params = formFields(raw);
  const url = `${deps.publicUrl(functionName)}${new URL(req.url).search}`;
  if (!signature || !twilio.validateRequest(deps.twilioAuthToken(), signature, url, params)) {
    log("warn", "refused a request with a missing or invalid X-Twilio-Signature", { webhook: functionName });
    return { ok: false, response: jsonError(403, "invalid_signature", "The X-Twilio-Signature does not match") };
  }
  return { ok: true, params };
}

/**
 * The webhook's fields validated by `schema` once the signature holds, or the
 * refusal Twilio gets in the one error shape (405, 413, 403, 400 naming the bad fields).
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
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || "(body)"))].join(", ");
    return jsonError(400, "invalid_body", `Invalid or missing fields: ${fields}`);
  }
  return parsed.data;
}

export function twiml(xml: string, status = 200): Response {
  return new Response(xml, { status, headers: { "content-type": "text/xml; charset=utf-8" } });
}

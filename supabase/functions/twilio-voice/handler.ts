// twilio-voice: Twilio's incoming-call webhook. Answers TwiML that plays the
// organization's recording notice (if any) and dials the number's agent with
// dual-channel recording and a recording-status callback to twilio-recording;
// writes the call's consent ledger row (which notice played, the caller's country).
import twilio from "twilio";
import { z } from "zod";
import { type Db, serviceClient } from "../_shared/clients.ts";
import { callerCountry } from "../_shared/consent.ts";
import { jsonError } from "../_shared/http.ts";
import { readTwilioWebhook, twiml, type TwilioWebhookDeps, twilioWebhookDeps } from "../_shared/twilio_webhook.ts";
import { errorText, log } from "../_shared/log.ts";

const E164 = /^\+[1-9][0-9]{6,14}$/;
const VoiceParams = z.object({
  CallSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/),
  To: z.string().regex(E164),
  From: z.string().min(1).max(64),
  Direction: z.string().max(32).optional(),
}).loose();

const VOICE = { voice: "Polly.Joanna" as const };

export function unknownNumberTwiml(): string {
  const r = new twilio.twiml.VoiceResponse();
  r.say(VOICE, "Sorry, this number is not in service. Goodbye.");
  r.hangup();
  return r.toString();
}

export function dialTwiml(opts: { notice: string | null; dial: string | null; callbackUrl: string }): string {
  const r = new twilio.twiml.VoiceResponse();
  if (opts.notice) r.say(VOICE, opts.notice);
  if (!opts.dial) {
    r.say(VOICE, "Sorry, nobody is available to take your call. Please try again later.");
    r.hangup();
    return r.toString();
  }
  const dial = r.dial({
    record: "record-from-answer-dual",
    recordingStatusCallback: opts.callbackUrl,
    recordingStatusCallbackMethod: "POST",
    recordingStatusCallbackEvent: ["completed"],
    timeout: 25,
  });
  dial.number(opts.dial);
  return r.toString();
}

export interface Deps extends TwilioWebhookDeps {
  /** Service role: the routing RPC (Twilio is authenticated, not a user). */
  db(): Db;
}

export function makeHandler(deps: Deps): (req: Request) => Promise<Response> {
  return async (req) => {
    const p = await readTwilioWebhook(deps, req, "twilio-voice", VoiceParams);
    if (p instanceof Response) return p;
    const { data, error } = await deps.db().rpc("twilio_voice_route", {
      p_call_sid: p.CallSid,
      p_from: p.From,
      p_to: p.To,
      p_direction: p.Direction ?? "inbound",
    });
    if (error) {
      log("error", "routing failed", { code: error.code, error: error.message });
      return jsonError(500, "internal_error", "Something went wrong on our side");
    }
    const route = data as { known: boolean; recording_notice?: string | null; dial?: string | null };
    if (!route.known) {
      log("warn", "call to an unknown number", { call_sid: p.CallSid, to: p.To });
      return twiml(unknownNumberTwiml());
    }
    // The consent ledger: the notice this TwiML plays (or none) and the caller's jurisdiction.
    const notice = route.recording_notice ?? null;
    const consent = await deps.db().rpc("record_call_consent_by_sid", {
      p_call_sid: p.CallSid,
      p_country: callerCountry(p.From) ?? "",
      p_notice: notice ?? "",
    });
    if (consent.error) {
      log("error", "consent ledger failed", { error: errorText(consent.error) });
      return new Response("Internal Server Error", { status: 500 });
    }
    const callbackUrl = deps.publicUrl("twilio-recording");
    return twiml(dialTwiml({ notice: route.recording_notice ?? null, dial: route.dial ?? null, callbackUrl }));
  };
}

export function realDeps(): Deps {
  return { ...twilioWebhookDeps(), db: serviceClient };
}

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());

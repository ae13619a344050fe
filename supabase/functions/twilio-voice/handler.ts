// twilio-voice: Twilio's incoming-call webhook. Answers TwiML that plays the
// organization's recording notice (if any) and dials the number's agent with
// dual-channel recording and a recording-status callback to twilio-recording.
import twilio from "twilio";
import { z } from "zod";
import { serviceClient } from "../_shared/clients.ts";
import { publicEnv } from "../_shared/env.ts";
import { twiml, verifyTwilioWebhook } from "../_shared/twilio_webhook.ts";

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

export async function handler(req: Request): Promise<Response> {
  const auth = await verifyTwilioWebhook(req, "twilio-voice");
  if (!auth.ok) return auth.response;
  const parsed = VoiceParams.safeParse(auth.params);
  if (!parsed.success) {
    return new Response("Bad Request: missing or malformed CallSid/To/From", { status: 400 });
  }
  const p = parsed.data;
  const { data, error } = await serviceClient().rpc("twilio_voice_route", {
    p_call_sid: p.CallSid,
    p_from: p.From,
    p_to: p.To,
    p_direction: p.Direction ?? "inbound",
  });
  if (error) {
    console.error("twilio-voice: routing failed", error);
    return new Response("Internal Server Error", { status: 500 });
  }
  const route = data as { known: boolean; recording_notice?: string | null; dial?: string | null };
  if (!route.known) {
    console.warn(`twilio-voice: call ${p.CallSid} to unknown number ${p.To}`);
    return twiml(unknownNumberTwiml());
  }
  const callbackUrl = `${publicEnv().PUBLIC_FUNCTIONS_URL.replace(/\/+$/, "")}/twilio-recording`;
  return twiml(dialTwiml({ notice: route.recording_notice ?? null, dial: route.dial ?? null, callbackUrl }));
}

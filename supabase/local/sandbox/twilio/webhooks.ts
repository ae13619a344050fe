// Webhooks the stand-in delivers as Twilio would: the voice webhook and the recording-status
// callback of a registered call, or any parameters, signed with X-Twilio-Signature.
import { parse, SandboxError } from "../kernel/control.ts";
import { twilioSignature } from "../kernel/sign.ts";
import { type WebhookDelivery, WebhookSpec } from "./specs.ts";
import type { TwilioState } from "./state.ts";

/** The recordingStatusCallback (and its method) of the TwiML a voice webhook answered. */
function recordingCallbackOf(
  twiml: string,
  base: string,
): { url: string; method: "GET" | "POST" } | null {
  const entities: Record<string, string> = { quot: '"', apos: "'", lt: "<", gt: ">", amp: "&" };
  const attr = (name: string) =>
    new RegExp(`\\b${name}="([^"]*)"`).exec(twiml)?.[1]
      .replace(/&(quot|apos|lt|gt|amp);/g, (_, e: string) => entities[e]);
  const url = attr("recordingStatusCallback");
  if (!url) return null;
  return {
    url: new URL(url, base).href,
    method: attr("recordingStatusCallbackMethod")?.toUpperCase() === "GET" ? "GET" : "POST",
  };
}

export async function deliverWebhook(
  state: TwilioState,
  authToken: string,
  input: WebhookSpec,
): Promise<WebhookDelivery> {
  const spec = parse(WebhookSpec, input);
  let url = spec.url;
  let method = spec.method;
  let params: Record<string, string> = {};

  if (spec.event) {
    const call = state.calls.get(spec.call_sid!);
    if (!call) throw new SandboxError(404, "not_found", `no call ${spec.call_sid}`);
    if (spec.event === "voice") {
      const number = [...state.numbers.values()].find((n) => n.phone_number === call.to);
      url ??= (number?.voice_url as string | null) ?? undefined;
      method ??= number?.voice_method === "GET" ? "GET" : "POST";
      params = {
        AccountSid: state.accountSid,
        ApiVersion: "2010-04-01",
        CallSid: call.sid as string,
        CallStatus: "ringing",
        Called: call.to as string,
        Caller: call.from as string,
        Direction: call.direction as string,
        From: call.from as string,
        To: call.to as string,
      };
    } else {
      const recording = [...state.recordings.values()].find((r) => r.call_sid === call.sid);
      if (!recording) {
        throw new SandboxError(400, "no_recording", `call ${call.sid} has no recording`);
      }
      const voiceUrl = [...state.numbers.values()].find((n) => n.phone_number === call.to)
        ?.voice_url;
      const callback = state.twiml.has(call.sid as string)
        ? recordingCallbackOf(
          state.twiml.get(call.sid as string)!,
          (voiceUrl as string | null) ?? state.baseUrl,
        )
        : null;
      url ??= callback?.url;
      method ??= callback?.method ?? "POST";
      params = {
        AccountSid: state.accountSid,
        CallSid: call.sid as string,
        RecordingSid: recording.sid as string,
        RecordingUrl: recording.media_url as string,
        RecordingStatus: recording.status as string,
        RecordingDuration: recording.duration as string,
        RecordingChannels: String(recording.channels),
        RecordingStartTime: recording.start_time as string,
        RecordingSource: recording.source as string,
      };
    }
    if (!url) {
      throw new SandboxError(
        400,
        "no_url",
        `no url given and none configured for the ${spec.event} webhook`,
      );
    }
  }
  params = { ...params, ...spec.params };
  method ??= "POST";

  // Twilio signs the URL it requests plus, for POST, the sorted body parameters.
  let target = url!;
  let signed = spec.signature_url ?? target;
  if (method === "GET") {
    const q = new URLSearchParams(params).toString();
    const join = (u: string) => (q ? `${u}${u.includes("?") ? "&" : "?"}${q}` : u);
    target = join(target);
    signed = join(signed);
  }
  const signature = twilioSignature(authToken, signed, method === "GET" ? {} : params);
  const delivery: WebhookDelivery = {
    url: target,
    method,
    params,
    signature,
    response: null,
    error: null,
  };
  try {
    const res = await fetch(target, {
      method,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "user-agent": "TwilioProxy/1.1",
        "x-twilio-signature": signature,
        "i-twilio-idempotency-token": crypto.randomUUID(),
      },
      body: method === "POST" ? new URLSearchParams(params).toString() : undefined,
      signal: AbortSignal.timeout(15_000), // Twilio's webhook timeout
    });
    const body = await res.text();
    delivery.response = { status: res.status, headers: Object.fromEntries(res.headers), body };
    if (spec.event === "voice" && res.ok) state.twiml.set(params.CallSid, body);
  } catch (e) {
    delivery.error = e instanceof Error ? e.message : String(e);
  }
  return delivery;
}

// Twilio stand-in: a local replacement for api.twilio.com and
// intelligence.twilio.com, for tests and the demo.
//
// It speaks Twilio's wire format (shapes from twilio/twilio-oai: snake_case
// fields, `uri`, RFC 2822 dates on 2010-04-01 resources and ISO 8601 on v2,
// paging envelopes, the error JSON `{ code, message, more_info, status }`),
// checks HTTP Basic auth (account SID + auth token), and serves what the
// product uses. One server answers both hosts, routed by path prefix:
//   /2010-04-01/Accounts/{AC}/AvailablePhoneNumbers/US/Local.json     GET
//   /2010-04-01/Accounts/{AC}/IncomingPhoneNumbers.json               GET, POST (buy)
//   /2010-04-01/Accounts/{AC}/IncomingPhoneNumbers/{PN}.json          GET, POST (update), DELETE
//   /2010-04-01/Accounts/{AC}/Calls/{CA}.json                         GET
//   /2010-04-01/Accounts/{AC}/Calls/{CA}/Recordings.json, Recordings.json?CallSid=   GET
//   /2010-04-01/Accounts/{AC}/Recordings/{RE}.json                    GET, DELETE
//   /2010-04-01/Accounts/{AC}/Recordings/{RE}[.wav|.mp3]              GET media, with Range
//   /v2/Transcripts?SourceSid={RE}, /v2/Transcripts/{GT}[/Sentences]  GET (Voice Intelligence)
// Media is generated, not stored: a 8 kHz 16-bit PCM WAV with a tone on each
// channel while that channel speaks in the transcript, or silent MPEG-1 Layer
// III frames for .mp3; both last as long as the recording.
//
// A control API under /_sandbox/ (no auth: bind it to loopback, the default) seeds
// state, injects faults (429, 500, slow, timeout, malformed body) and delivers
// webhooks signed with X-Twilio-Signature by the official `twilio` package.
//
//   deno run -A supabase/local/sandbox/twilio.ts --port 54340
// reads TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN, defaulting to obviously fake
// local credentials (DEFAULT_ACCOUNT_SID / DEFAULT_AUTH_TOKEN).
// The modules under twilio/: numbers, calls (and recordings), transcripts, media, webhooks,
// faults, the server; the shared kernel under kernel/.
import { exitOnSignal, scriptArgs } from "./kernel/server.ts";
import { startTwilioStandIn } from "./twilio/server.ts";

/** `AC` and 32 zeros: valid-looking for the SDK, obviously not a real account. */
export const DEFAULT_ACCOUNT_SID = "AC" + "0".repeat(32);
export const DEFAULT_AUTH_TOKEN = "local-sandbox-auth-token";

export { SandboxError } from "./kernel/control.ts";
export { Faults } from "./twilio/faults.ts";
export { generateMp3, generateWav, parseRange } from "./twilio/media.ts";
export type {
  CallSpec,
  Fault,
  FaultSpec,
  RegisteredCall,
  RequestLogEntry,
  WebhookDelivery,
  WebhookSpec,
} from "./twilio/specs.ts";
export {
  startTwilioStandIn,
  type TwilioStandIn,
  type TwilioStandInOptions,
} from "./twilio/server.ts";
export { TwilioState } from "./twilio/state.ts";

if (import.meta.main) {
  const { port, hostname } = scriptArgs("TWILIO_STAND_IN_PORT", {});
  const accountSid = Deno.env.get("TWILIO_ACCOUNT_SID") || DEFAULT_ACCOUNT_SID;
  const standIn = startTwilioStandIn({
    port,
    hostname,
    accountSid,
    authToken: Deno.env.get("TWILIO_AUTH_TOKEN") || DEFAULT_AUTH_TOKEN,
  });
  console.log(`Twilio stand-in listening on ${standIn.url} (account ${accountSid})`);
  exitOnSignal(standIn);
}

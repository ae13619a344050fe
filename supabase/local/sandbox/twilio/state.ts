// Everything the stand-in's Twilio account holds, as Twilio's JSON; resources change it through
// their modules (numbers, calls, transcripts), the methods here are their entry points.
import { clearAll, logCapped } from "../kernel/server.ts";
import { registerCall } from "./calls.ts";
import type { Faults } from "./faults.ts";
import { sid } from "./format.ts";
import { recordingMedia } from "./media.ts";
import { availableLocal, buyNumber, updateNumber } from "./numbers.ts";
import type { CallSpec, Json, RegisteredCall, RequestLogEntry } from "./specs.ts";
import { updateTranscript } from "./transcripts.ts";

/** Everything the stand-in's Twilio account holds, as Twilio's JSON. */
export class TwilioState {
  readonly numbers = new Map<string, Json>();
  readonly calls = new Map<string, Json>();
  readonly recordings = new Map<string, Json>();
  readonly transcripts = new Map<string, Json>();
  readonly sentences = new Map<string, Json[]>();
  /** The TwiML each call's voice webhook answered, by CallSid. */
  readonly twiml = new Map<string, string>();
  readonly requests: RequestLogEntry[] = [];
  readonly serviceSid = sid("GA");
  /** Generated media by `${RecordingSid}.${format}`. */
  readonly mediaCache = new Map<string, Uint8Array<ArrayBuffer>>();

  /** Origin of absolute URLs in resources (media_url, RecordingUrl, v2 links); set once listening. */
  baseUrl = "";

  constructor(readonly accountSid: string) {}

  get accountPath(): string {
    return `/2010-04-01/Accounts/${this.accountSid}`;
  }

  reset(): void {
    clearAll(
      this.numbers,
      this.calls,
      this.recordings,
      this.transcripts,
      this.sentences,
      this.twiml,
      this.mediaCache,
    );
    this.requests.length = 0;
  }

  snapshot(faults: Faults) {
    return {
      account_sid: this.accountSid,
      incoming_phone_numbers: [...this.numbers.values()],
      calls: [...this.calls.values()],
      recordings: [...this.recordings.values()],
      transcripts: [...this.transcripts.values()].map((t) => ({
        ...t,
        sentences: this.sentences.get(t.sid as string) ?? [],
      })),
      faults: faults.list(),
      requests: [...this.requests],
    };
  }

  log(entry: RequestLogEntry): void {
    logCapped(this.requests, entry, 500);
  }

  /** The US local numbers on offer in an area code: +1 NPA 555-0100…0119, minus those bought. */

  availableLocal(areaCode: string): Json[] {
    return availableLocal(this, areaCode);
  }

  buyNumber(form: URLSearchParams): Json {
    return buyNumber(this, form);
  }

  updateNumber(pn: string, form: URLSearchParams): Json {
    return updateNumber(this, pn, form);
  }

  registerCall(input: CallSpec): RegisteredCall {
    return registerCall(this, input);
  }

  updateTranscript(gt: string, input: unknown): Json {
    return updateTranscript(this, gt, input);
  }

  media(recording: Json, format: "wav" | "mp3"): Uint8Array<ArrayBuffer> {
    return recordingMedia(this, recording, format);
  }
}

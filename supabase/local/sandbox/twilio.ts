// Twilio stand-in: a local replacement for api.twilio.com and
// intelligence.twilio.com, for tests and the demo (ARCHITECTURE.md §6).
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
import { parseArgs } from "node:util";
import twilio from "twilio";
import { z } from "zod";

/** `AC` and 32 zeros: valid-looking for the SDK, obviously not a real account. */
export const DEFAULT_ACCOUNT_SID = "AC" + "0".repeat(32);
export const DEFAULT_AUTH_TOKEN = "local-sandbox-auth-token";

type Json = Record<string, unknown>;

// --- control API inputs -----------------------------------------------------

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "expected an E.164 phone number");
const sidOf = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `expected a ${prefix}… SID`);

const SentenceSpec = z.object({
  /** 1 = the caller's leg, 2 = the dialed agent's leg of a dual-channel recording. */
  media_channel: z.number().int().min(0).max(2),
  /** Seconds from the start of the recording. */
  start_time: z.number().min(0),
  end_time: z.number().min(0),
  transcript: z.string(),
  confidence: z.number().min(0).max(1).default(0.95),
}).refine((s) => s.end_time >= s.start_time, "end_time must not precede start_time");

const CallSpec = z.object({
  call_sid: sidOf("CA").optional(),
  from: e164,
  to: e164,
  direction: z.enum(["inbound", "outbound-api", "outbound-dial"]).default("inbound"),
  status: z.enum([
    "queued",
    "ringing",
    "in-progress",
    "canceled",
    "completed",
    "failed",
    "busy",
    "no-answer",
  ]).default("completed"),
  /** Seconds; defaults to the end of the last sentence, or 30. */
  duration: z.number().int().min(0).optional(),
  /** ISO 8601; defaults to `duration` seconds ago. */
  start_time: z.iso.datetime({ offset: true }).optional(),
  /** The call's recording (dual-channel by default), or false for none. */
  recording: z.union([
    z.literal(false),
    z.object({
      sid: sidOf("RE").optional(),
      duration: z.number().int().min(0).optional(),
      channels: z.union([z.literal(1), z.literal(2)]).default(2),
      source: z.string().default("DialVerb"),
      status: z.enum([
        "in-progress",
        "paused",
        "stopped",
        "processing",
        "completed",
        "absent",
        "deleted",
      ])
        .default("completed"),
    }),
  ]).prefault({}),
  /** A Voice Intelligence transcript of the recording; none when omitted. */
  transcript: z.object({
    sid: sidOf("GT").optional(),
    status: z.enum(["queued", "in-progress", "completed", "failed", "canceled", "error"])
      .default("completed"),
    language_code: z.string().default("en-US"),
    customer_key: z.string().nullable().default(null),
    sentences: z.array(SentenceSpec).default([]),
  }).optional(),
}).refine((c) => !(c.transcript && c.recording === false), "a transcript needs a recording");

const FaultSpec = z.object({
  kind: z.enum(["429", "500", "slow", "timeout", "malformed"]),
  /** Glob on the request path (`*` matches anything, `/` included); every API path when omitted. */
  path: z.string().optional(),
  method: z.string().toUpperCase().optional(),
  /** How many requests it applies to; until removed when omitted. */
  count: z.number().int().positive().optional(),
  /** `slow`: milliseconds to wait before answering normally. */
  delay_ms: z.number().int().min(0).default(2000),
  /** `429`: the Retry-After header, in seconds. */
  retry_after: z.number().int().min(0).default(1),
});

const WebhookSpec = z.object({
  /** Where to deliver. With `event`, defaults to the number's VoiceUrl (voice) or the
   * recordingStatusCallback of the TwiML the voice webhook answered (recording-status). */
  url: z.url().optional(),
  method: z.enum(["POST", "GET"]).optional(),
  /** Build Twilio's parameters for this call from the stand-in's state. */
  event: z.enum(["voice", "recording-status"]).optional(),
  call_sid: sidOf("CA").optional(),
  /** Parameters to send (merged over the event's). */
  params: z.record(z.string(), z.string()).default({}),
  /** The URL to sign when it differs from `url` (the public URL behind a proxy). */
  signature_url: z.url().optional(),
}).refine((w) => !w.event || w.call_sid, "call_sid is required with event")
  .refine((w) => w.event || w.url, "url is required without event");

const TranscriptUpdate = z.object({
  status: z.enum(["queued", "in-progress", "completed", "failed", "canceled", "error"]),
});

export type CallSpec = z.input<typeof CallSpec>;
export type FaultSpec = z.input<typeof FaultSpec>;
export type WebhookSpec = z.input<typeof WebhookSpec>;
export type Fault = z.output<typeof FaultSpec> & {
  id: string;
  remaining: number | null;
  hits: number;
};
export interface RegisteredCall {
  call: Json;
  recording: Json | null;
  transcript: Json | null;
}
export interface WebhookDelivery {
  url: string;
  method: "POST" | "GET";
  params: Record<string, string>;
  signature: string;
  response: { status: number; headers: Record<string, string>; body: string } | null;
  error: string | null;
}
export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  query: string;
  status: number;
  fault: Fault["kind"] | null;
}

/** A client error in a control-API call; answered as 400/404 `{ error: { code, message } }`. */
export class SandboxError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new SandboxError(400, "invalid_request", z.prettifyError(r.error));
  return r.data;
}

// --- formats ------------------------------------------------------------------

const sid = (prefix: string) => prefix + crypto.randomUUID().replaceAll("-", "");
/** Twilio's 2010-04-01 dates: `Fri, 18 Oct 2019 17:00:00 +0000`. */
const rfc2822 = (d: Date) => d.toUTCString().replace("GMT", "+0000");
/** v2 dates: `2019-10-18T17:00:00Z`. */
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
/** v2 decimals are strings in the current spec. */
const decimal = (n: number) => String(Math.round(n * 1000) / 1000);
const price = (perMinute: number, seconds: number) =>
  (-perMinute * Math.max(1, Math.ceil(seconds / 60))).toFixed(5);
/** `(415) 555-0100` for North American numbers, as Twilio's *_formatted fields. */
const formatted = (e164: string) => e164.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, "($1) $2-$3");

function twilioError(
  status: number,
  code: number,
  message: string,
  headers?: HeadersInit,
): Response {
  return jsonResponse(
    { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
    status,
    headers,
  );
}

function jsonResponse(body: unknown, status = 200, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(body), { status, headers: h });
}

const notFound = (path: string) =>
  twilioError(404, 20404, `The requested resource ${path} was not found`);

// --- media --------------------------------------------------------------------

interface Segment {
  channel: number;
  start: number;
  end: number;
}

/** 8 kHz 16-bit PCM WAV: a quiet tone on a channel during each of its segments. */
export function generateWav(
  seconds: number,
  channels: number,
  segments: Segment[],
): Uint8Array<ArrayBuffer> {
  const rate = 8000;
  const frames = Math.max(1, Math.round(seconds * rate));
  const bytes = new Uint8Array(44 + frames * channels * 2);
  const v = new DataView(bytes.buffer);
  const ascii = (at: number, s: string) =>
    [...s].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, "RIFF");
  v.setUint32(4, bytes.length - 8, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, channels, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * channels * 2, true);
  v.setUint16(32, channels * 2, true);
  v.setUint16(34, 16, true);
  ascii(36, "data");
  v.setUint32(40, frames * channels * 2, true);
  for (const s of segments) {
    const ch = Math.min(Math.max(s.channel, 1), channels) - 1;
    const hz = ch === 0 ? 440 : 330;
    const last = Math.min(frames, Math.round(s.end * rate));
    for (let f = Math.round(s.start * rate); f < last; f++) {
      v.setInt16(
        44 + (f * channels + ch) * 2,
        Math.round(6000 * Math.sin((2 * Math.PI * hz * f) / rate)),
        true,
      );
    }
  }
  return bytes;
}

/** Silent MP3: MPEG-1 Layer III frames at 32 kbit/s, 32 kHz (144 bytes, 36 ms each)
 * whose all-zero side info and main data decode as silence. */
export function generateMp3(seconds: number, channels: number): Uint8Array<ArrayBuffer> {
  const frames = Math.max(1, Math.ceil((seconds * 32000) / 1152));
  const frame = new Uint8Array(144);
  frame.set([0xff, 0xfb, 0x18, channels === 1 ? 0xc0 : 0x00]);
  const out = new Uint8Array(frames * frame.length);
  for (let i = 0; i < frames; i++) out.set(frame, i * frame.length);
  return out;
}

/** A single `bytes=` range of a body of `size` bytes; null to serve it whole. */
export function parseRange(
  header: string | null,
  size: number,
): { start: number; end: number } | "unsatisfiable" | null {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === "" && m[2] === "")) return null; // absent, malformed or multi-range
  if (m[1] === "") {
    const suffix = Number(m[2]);
    return suffix === 0 ? "unsatisfiable" : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== "" && Number(m[2]) < start) return null; // invalid range-spec: ignored (RFC 9110)
  return start >= size ? "unsatisfiable" : { start, end };
}

function mediaResponse(req: Request, body: Uint8Array<ArrayBuffer>, contentType: string): Response {
  const headers = new Headers({ "content-type": contentType, "accept-ranges": "bytes" });
  const range = parseRange(req.headers.get("range"), body.length);
  if (range === "unsatisfiable") {
    headers.set("content-range", `bytes */${body.length}`);
    return new Response(null, { status: 416, headers });
  }
  if (!range) return new Response(req.method === "HEAD" ? null : body, { headers });
  headers.set("content-range", `bytes ${range.start}-${range.end}/${body.length}`);
  const part = body.subarray(range.start, range.end + 1);
  headers.set("content-length", String(part.length));
  return new Response(req.method === "HEAD" ? null : part, { status: 206, headers });
}

// --- faults ---------------------------------------------------------------------

function globToRegExp(glob: string): RegExp {
  const body = glob.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${body}$`);
}

/** Faults injected into the Twilio API routes (never the control API). */
export class Faults {
  #faults: Fault[] = [];
  #next = 1;

  add(spec: FaultSpec): Fault {
    const f = parse(FaultSpec, spec);
    const fault: Fault = { ...f, id: `fault_${this.#next++}`, remaining: f.count ?? null, hits: 0 };
    this.#faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  remove(id: string): boolean {
    const before = this.#faults.length;
    this.#faults = this.#faults.filter((f) => f.id !== id);
    return this.#faults.length < before;
  }

  clear(): void {
    this.#faults = [];
  }

  /** The first fault matching this request, using up one of its count. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.#faults.find((f) =>
      (!f.method || f.method === method) && (!f.path || globToRegExp(f.path).test(path))
    );
    if (!fault) return undefined;
    fault.hits++;
    if (fault.remaining !== null && --fault.remaining === 0) this.remove(fault.id);
    return { ...fault };
  }
}

// --- state ----------------------------------------------------------------------

const AREAS: Record<
  string,
  [locality: string, region: string, postal: string, lat: string, lon: string]
> = {
  "212": ["New York", "NY", "10001", "40.750000", "-73.997000"],
  "213": ["Los Angeles", "CA", "90012", "34.052000", "-118.244000"],
  "305": ["Miami", "FL", "33130", "25.774000", "-80.194000"],
  "312": ["Chicago", "IL", "60601", "41.886000", "-87.618000"],
  "415": ["San Francisco", "CA", "94105", "37.789000", "-122.394000"],
  "512": ["Austin", "TX", "78701", "30.269000", "-97.742000"],
  "617": ["Boston", "MA", "02108", "42.357000", "-71.063000"],
  "206": ["Seattle", "WA", "98101", "47.610000", "-122.334000"],
};

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
  readonly #media = new Map<string, Uint8Array<ArrayBuffer>>();

  /** Origin of absolute URLs in resources (media_url, RecordingUrl, v2 links); set once listening. */
  baseUrl = "";

  constructor(readonly accountSid: string) {}

  get accountPath(): string {
    return `/2010-04-01/Accounts/${this.accountSid}`;
  }

  reset(): void {
    for (
      const m of [
        this.numbers,
        this.calls,
        this.recordings,
        this.transcripts,
        this.sentences,
        this.twiml,
        this.#media,
      ]
    ) {
      m.clear();
    }
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
    this.requests.push(entry);
    if (this.requests.length > 500) this.requests.shift();
  }

  /** The US local numbers on offer in an area code: +1 NPA 555-0100…0119, minus those bought. */
  availableLocal(areaCode: string): Json[] {
    if (!/^[2-9]\d\d$/.test(areaCode)) return [];
    const owned = new Set([...this.numbers.values()].map((n) => n.phone_number));
    const [locality, region, postal, lat, lon] = AREAS[areaCode] ?? [null, null, null, null, null];
    return Array.from({ length: 20 }, (_, i) => `+1${areaCode}55501${String(i).padStart(2, "0")}`)
      .filter((n) => !owned.has(n))
      .map((phone) => ({
        friendly_name: formatted(phone),
        phone_number: phone,
        lata: null,
        locality,
        rate_center: locality?.toUpperCase() ?? null,
        latitude: lat,
        longitude: lon,
        region,
        postal_code: postal,
        iso_country: "US",
        address_requirements: "none",
        beta: false,
        capabilities: { voice: true, sms: true, mms: true },
      }));
  }

  buyNumber(form: URLSearchParams): Json {
    let phone = form.get("PhoneNumber");
    const areaCode = form.get("AreaCode");
    if (!phone && areaCode) {
      phone = (this.availableLocal(areaCode)[0]?.phone_number as string) ?? null;
    }
    if (!phone || !/^\+[1-9]\d{6,14}$/.test(phone)) {
      throw new TwilioApiError(400, 21421, `PhoneNumber is invalid`);
    }
    if ([...this.numbers.values()].some((n) => n.phone_number === phone)) {
      throw new TwilioApiError(400, 21422, `PhoneNumber ${phone} is not available`);
    }
    const now = new Date();
    const pn = sid("PN");
    const number: Json = {
      account_sid: this.accountSid,
      address_requirements: "none",
      address_sid: null,
      api_version: "2010-04-01",
      beta: false,
      capabilities: { voice: true, sms: true, mms: true, fax: false },
      date_created: rfc2822(now),
      date_updated: rfc2822(now),
      emergency_status: "Inactive",
      emergency_address_sid: null,
      emergency_address_status: "unregistered",
      friendly_name: formatted(phone),
      identity_sid: null,
      origin: "twilio",
      phone_number: phone,
      sid: pn,
      sms_application_sid: null,
      sms_fallback_method: "POST",
      sms_fallback_url: null,
      sms_method: "POST",
      sms_url: null,
      status_callback: null,
      status_callback_method: "POST",
      trunk_sid: null,
      uri: `${this.accountPath}/IncomingPhoneNumbers/${pn}.json`,
      voice_application_sid: null,
      voice_caller_id_lookup: false,
      voice_fallback_method: "POST",
      voice_fallback_url: null,
      voice_method: "POST",
      voice_url: null,
      bundle_sid: null,
      voice_receive_mode: "voice",
      status: "in-use",
      type: "local",
      subresource_uris: {
        assigned_add_ons: `${this.accountPath}/IncomingPhoneNumbers/${pn}/AssignedAddOns.json`,
      },
    };
    this.numbers.set(pn, number);
    return this.updateNumber(pn, form);
  }

  updateNumber(pn: string, form: URLSearchParams): Json {
    const number = this.numbers.get(pn)!;
    for (const [param, value] of form) {
      const field = UPDATABLE[param];
      if (field) number[field] = field === "voice_caller_id_lookup" ? value === "true" : value;
    }
    number.date_updated = rfc2822(new Date());
    return number;
  }

  registerCall(input: CallSpec): RegisteredCall {
    const spec = parse(CallSpec, input);
    const callSid = spec.call_sid ?? sid("CA");
    const sentences = [...(spec.transcript?.sentences ?? [])].sort((a, b) =>
      a.start_time - b.start_time
    );
    const lastWord = Math.max(0, ...sentences.map((s) => s.end_time));
    const duration = spec.duration ?? (sentences.length ? Math.ceil(lastWord) : 30);
    const start = spec.start_time
      ? new Date(spec.start_time)
      : new Date(Date.now() - duration * 1000);
    const end = new Date(start.getTime() + duration * 1000);
    const callUri = `${this.accountPath}/Calls/${callSid}`;
    this.#forgetCall(callSid);
    const number = [...this.numbers.values()].find((n) => n.phone_number === spec.to);
    const call: Json = {
      account_sid: this.accountSid,
      annotation: null,
      answered_by: null,
      api_version: "2010-04-01",
      caller_name: null,
      date_created: rfc2822(start),
      date_updated: rfc2822(end),
      direction: spec.direction,
      duration: String(duration),
      end_time: rfc2822(end),
      forwarded_from: null,
      from: spec.from,
      from_formatted: formatted(spec.from),
      group_sid: null,
      parent_call_sid: null,
      phone_number_sid: number?.sid ?? null,
      price: spec.status === "completed" ? price(0.0085, duration) : null,
      price_unit: "USD",
      sid: callSid,
      start_time: rfc2822(start),
      status: spec.status,
      subresource_uris: Object.fromEntries(
        ["notifications", "recordings", "payments", "events", "siprec", "streams", "transcriptions"]
          .map((k) => [k, `${callUri}/${k[0].toUpperCase()}${k.slice(1)}.json`]),
      ),
      to: spec.to,
      to_formatted: formatted(spec.to),
      trunk_sid: null,
      uri: `${callUri}.json`,
      queue_time: "0",
    };
    this.calls.set(callSid, call);

    let recording: Json | null = null;
    if (spec.recording) {
      const re = spec.recording.sid ?? sid("RE");
      const recUri = `${this.accountPath}/Recordings/${re}`;
      const recDuration = spec.recording.duration ?? duration;
      recording = {
        account_sid: this.accountSid,
        api_version: "2010-04-01",
        call_sid: callSid,
        conference_sid: null,
        channels: spec.recording.channels,
        date_created: rfc2822(start),
        date_updated: rfc2822(end),
        start_time: rfc2822(start),
        price: spec.recording.status === "completed" ? price(0.0025, recDuration) : null,
        price_unit: "USD",
        duration: String(recDuration),
        sid: re,
        source: spec.recording.source,
        status: spec.recording.status,
        error_code: null,
        uri: `${recUri}.json`,
        subresource_uris: {
          add_on_results: `${recUri}/AddOnResults.json`,
          transcriptions: `${recUri}/Transcriptions.json`,
        },
        encryption_details: null,
        media_url: `${this.baseUrl}${recUri}`,
      };
      this.recordings.set(re, recording);
    }

    let transcript: Json | null = null;
    if (spec.transcript && recording) {
      const gt = spec.transcript.sid ?? sid("GT");
      const url = `${this.baseUrl}/v2/Transcripts/${gt}`;
      transcript = {
        account_sid: this.accountSid,
        service_sid: this.serviceSid,
        sid: gt,
        date_created: iso(end),
        date_updated: iso(end),
        status: spec.transcript.status,
        channel: {
          media_properties: {
            source_sid: recording.sid,
            media_url: null,
            reference_sids: { call_sid: callSid },
          },
          participants: [
            participant(1, "Customer", spec.from),
            participant(2, "Agent", spec.to),
          ],
          type: "voice_call",
        },
        data_logging: false,
        language_code: spec.transcript.language_code,
        customer_key: spec.transcript.customer_key,
        media_start_time: iso(start),
        duration: Number(recording.duration),
        url,
        redaction: false,
        encryption_credential_sid: null,
        links: {
          sentences: `${url}/Sentences`,
          encrypted_sentences: `${url}/Sentences/Encrypted`,
          media: `${url}/Media`,
          operator_results: `${url}/OperatorResults`,
          encrypted_operator_results: `${url}/OperatorResults/Encrypted`,
        },
      };
      this.transcripts.set(gt, transcript);
      this.sentences.set(
        gt,
        sentences.map((s, i) => ({
          media_channel: s.media_channel,
          sentence_index: i,
          start_time: decimal(s.start_time),
          end_time: decimal(s.end_time),
          transcript: s.transcript,
          sid: sid("GX"),
          confidence: decimal(s.confidence),
          words: wordsOf(s),
        })),
      );
    }
    return { call, recording, transcript };
  }

  /** Registering a call again replaces it, with its recordings and their transcripts. */
  #forgetCall(callSid: string): void {
    for (const recording of [...this.recordings.values()]) {
      if (recording.call_sid !== callSid) continue;
      this.recordings.delete(recording.sid as string);
      for (const t of [...this.transcripts.values()]) {
        if (sourceSidOf(t) !== recording.sid) continue;
        this.transcripts.delete(t.sid as string);
        this.sentences.delete(t.sid as string);
      }
    }
    for (const key of [...this.#media.keys()]) {
      if (!this.recordings.has(key.split(".")[0])) this.#media.delete(key);
    }
  }

  updateTranscript(gt: string, input: unknown): Json {
    const transcript = this.transcripts.get(gt);
    if (!transcript) throw new SandboxError(404, "not_found", `no transcript ${gt}`);
    transcript.status = parse(TranscriptUpdate, input).status;
    transcript.date_updated = iso(new Date());
    return transcript;
  }

  /** The recording's media, generated once: tones where its transcript has speech. */
  media(recording: Json, format: "wav" | "mp3"): Uint8Array<ArrayBuffer> {
    const key = `${recording.sid}.${format}`;
    let bytes = this.#media.get(key);
    if (!bytes) {
      const seconds = Number(recording.duration);
      const channels = recording.channels as number;
      if (format === "mp3") bytes = generateMp3(seconds, channels);
      else {
        const transcript = [...this.transcripts.values()].find((t) =>
          sourceSidOf(t) === recording.sid
        );
        const segments = transcript
          ? (this.sentences.get(transcript.sid as string) ?? []).map((s) => ({
            channel: s.media_channel as number,
            start: Number(s.start_time),
            end: Number(s.end_time),
          }))
          // No transcript: the two sides take 3-second turns.
          : Array.from(
            { length: Math.ceil(seconds / 3) },
            (_, i) => ({ channel: (i % 2) + 1, start: i * 3, end: i * 3 + 3 }),
          );
        bytes = generateWav(seconds, channels, segments);
      }
      this.#media.set(key, bytes);
    }
    return bytes;
  }
}

/** The recording a transcript was made from. */
const sourceSidOf = (transcript: Json) =>
  (transcript.channel as { media_properties: { source_sid: string } }).media_properties.source_sid;

const participant = (channel: number, role: string, phone: string): Json => ({
  channel_participant: channel,
  role,
  media_participant_id: phone,
  full_name: null,
  user_id: null,
  email: null,
  image_url: null,
});

function wordsOf(s: z.output<typeof SentenceSpec>): Json[] {
  const words = s.transcript.split(/\s+/).filter(Boolean);
  const step = (s.end_time - s.start_time) / Math.max(words.length, 1);
  return words.map((word, i) => ({
    word,
    start_time: decimal(s.start_time + i * step),
    end_time: decimal(s.start_time + (i + 1) * step),
  }));
}

/** IncomingPhoneNumber parameters a buy or update may set, and their fields. */
const UPDATABLE: Record<string, string> = {
  FriendlyName: "friendly_name",
  VoiceUrl: "voice_url",
  VoiceMethod: "voice_method",
  VoiceFallbackUrl: "voice_fallback_url",
  VoiceFallbackMethod: "voice_fallback_method",
  VoiceCallerIdLookup: "voice_caller_id_lookup",
  VoiceApplicationSid: "voice_application_sid",
  StatusCallback: "status_callback",
  StatusCallbackMethod: "status_callback_method",
  SmsUrl: "sms_url",
  SmsMethod: "sms_method",
  SmsFallbackUrl: "sms_fallback_url",
  SmsFallbackMethod: "sms_fallback_method",
};

class TwilioApiError extends Error {
  constructor(readonly status: number, readonly code: number, message: string) {
    super(message);
  }
}

// --- the Twilio REST API ------------------------------------------------------------

const A = "^/2010-04-01/Accounts/([^/]+)";
type Route = [
  method: string,
  pattern: RegExp,
  handler: (m: RegExpExecArray, req: Request, url: URL) => Response | Promise<Response>,
];

/** One page of `items` as the request's Page / PageSize ask, and the query of any page. */
function pageOf(url: URL, items: Json[], maxPageSize: number) {
  const q = url.searchParams;
  const pageSize = Math.min(Math.max(Number(q.get("PageSize")) || 50, 1), maxPageSize);
  const page = Math.max(Number(q.get("Page")) || 0, 0);
  const start = page * pageSize;
  const query = (p: number) => {
    const next = new URLSearchParams(q);
    next.set("PageSize", String(pageSize));
    next.set("Page", String(p));
    next.delete("PageToken");
    return `${url.pathname}?${next}`;
  };
  const hasNext = start + pageSize < items.length;
  return { page, pageSize, start, items: items.slice(start, start + pageSize), query, hasNext };
}

/** The 2010-04-01 list envelope: relative `*_uri`s, start/end. */
function paged2010(url: URL, key: string, items: Json[]): Json {
  const p = pageOf(url, items, 1000);
  return {
    [key]: p.items,
    end: p.items.length ? p.start + p.items.length - 1 : 0,
    first_page_uri: p.query(0),
    next_page_uri: p.hasNext ? p.query(p.page + 1) : null,
    page: p.page,
    page_size: p.pageSize,
    previous_page_uri: p.page > 0 ? p.query(p.page - 1) : null,
    start: p.start,
    uri: p.query(p.page),
  };
}

/** The v2 list envelope: `meta` with absolute `*_url`s. */
function pagedV2(baseUrl: string, url: URL, key: string, items: Json[], maxPageSize: number): Json {
  const p = pageOf(url, items, maxPageSize);
  return {
    [key]: p.items,
    meta: {
      key,
      page: p.page,
      page_size: p.pageSize,
      first_page_url: baseUrl + p.query(0),
      previous_page_url: p.page > 0 ? baseUrl + p.query(p.page - 1) : null,
      url: baseUrl + p.query(p.page),
      next_page_url: p.hasNext ? baseUrl + p.query(p.page + 1) : null,
    },
  };
}

function twilioRoutes(state: TwilioState): Route[] {
  const get = <T>(map: Map<string, T>, key: string, path: string): T => {
    const v = map.get(key);
    if (v === undefined) {
      throw new TwilioApiError(404, 20404, `The requested resource ${path} was not found`);
    }
    return v;
  };
  const form = async (req: Request) => new URLSearchParams(await req.text());
  const recordingsOf = (url: URL, callSid: string | null) =>
    jsonResponse(paged2010(
      url,
      "recordings",
      [...state.recordings.values()].filter((r) => !callSid || r.call_sid === callSid),
    ));
  const transcriptOf = (gt: string, path: string) => get(state.transcripts, gt, path);

  return [
    ["GET", new RegExp(`${A}/AvailablePhoneNumbers/([A-Z]{2})/Local\\.json$`), (m, _req, url) => {
      const all = m[2] === "US"
        ? state.availableLocal(url.searchParams.get("AreaCode") ?? "415")
        : [];
      const size = Number(url.searchParams.get("PageSize")) || all.length;
      return jsonResponse({
        available_phone_numbers: all.slice(0, size),
        uri: `${url.pathname}${url.search}`,
      });
    }],
    ["GET", new RegExp(`${A}/IncomingPhoneNumbers\\.json$`), (_m, _req, url) => {
      const phone = url.searchParams.get("PhoneNumber");
      const numbers = [...state.numbers.values()].filter((n) =>
        !phone || (n.phone_number as string).includes(phone)
      );
      return jsonResponse(paged2010(url, "incoming_phone_numbers", numbers));
    }],
    ["POST", new RegExp(`${A}/IncomingPhoneNumbers\\.json$`), async (_m, req) => {
      return jsonResponse(state.buyNumber(await form(req)), 201);
    }],
    ["GET", new RegExp(`${A}/IncomingPhoneNumbers/(PN\\w+)\\.json$`), (m, _req, url) => {
      return jsonResponse(get(state.numbers, m[2], url.pathname));
    }],
    ["POST", new RegExp(`${A}/IncomingPhoneNumbers/(PN\\w+)\\.json$`), async (m, req, url) => {
      get(state.numbers, m[2], url.pathname);
      return jsonResponse(state.updateNumber(m[2], await form(req)));
    }],
    ["DELETE", new RegExp(`${A}/IncomingPhoneNumbers/(PN\\w+)\\.json$`), (m, _req, url) => {
      get(state.numbers, m[2], url.pathname);
      state.numbers.delete(m[2]);
      return new Response(null, { status: 204 });
    }],
    ["GET", new RegExp(`${A}/Calls/(CA\\w+)\\.json$`), (m, _req, url) => {
      return jsonResponse(get(state.calls, m[2], url.pathname));
    }],
    ["GET", new RegExp(`${A}/Calls/(CA\\w+)/Recordings\\.json$`), (m, _req, url) => {
      get(state.calls, m[2], url.pathname);
      return recordingsOf(url, m[2]);
    }],
    ["GET", new RegExp(`${A}/Recordings\\.json$`), (_m, _req, url) => {
      return recordingsOf(url, url.searchParams.get("CallSid"));
    }],
    ["GET", new RegExp(`${A}/Recordings/(RE\\w+?)(\\.json|\\.wav|\\.mp3)?$`), (m, req, url) => {
      const recording = get(state.recordings, m[2], url.pathname);
      if (m[3] === ".json") return jsonResponse(recording);
      const format = m[3] === ".mp3" ? "mp3" : "wav";
      return mediaResponse(
        req,
        state.media(recording, format),
        format === "mp3" ? "audio/mpeg" : "audio/x-wav",
      );
    }],
    ["DELETE", new RegExp(`${A}/Recordings/(RE\\w+)\\.json$`), (m, _req, url) => {
      get(state.recordings, m[2], url.pathname);
      state.recordings.delete(m[2]);
      return new Response(null, { status: 204 });
    }],
    ["GET", /^\/v2\/Transcripts$/, (_m, _req, url) => {
      const q = url.searchParams;
      const transcripts = [...state.transcripts.values()].filter((t) =>
        (!q.get("SourceSid") || sourceSidOf(t) === q.get("SourceSid")) &&
        (!q.get("ServiceSid") || t.service_sid === q.get("ServiceSid")) &&
        (!q.get("Status") || t.status === q.get("Status")) &&
        (!q.get("LanguageCode") || t.language_code === q.get("LanguageCode"))
      );
      return jsonResponse(pagedV2(state.baseUrl, url, "transcripts", transcripts, 1000));
    }],
    ["GET", /^\/v2\/Transcripts\/(GT\w+)$/, (m, _req, url) => {
      return jsonResponse(transcriptOf(m[1], url.pathname));
    }],
    ["DELETE", /^\/v2\/Transcripts\/(GT\w+)$/, (m, _req, url) => {
      transcriptOf(m[1], url.pathname);
      state.transcripts.delete(m[1]);
      state.sentences.delete(m[1]);
      return new Response(null, { status: 204 });
    }],
    ["GET", /^\/v2\/Transcripts\/(GT\w+)\/Sentences$/, (m, _req, url) => {
      transcriptOf(m[1], url.pathname);
      const withWords = url.searchParams.get("WordTimestamps") === "true";
      const sentences = (state.sentences.get(m[1]) ?? []).map((s) => ({
        ...s,
        words: withWords ? s.words : null,
      }));
      return jsonResponse(pagedV2(state.baseUrl, url, "sentences", sentences, 5000));
    }],
  ];
}

// --- webhooks -------------------------------------------------------------------------

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

async function deliverWebhook(
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
  const signature = twilio.getExpectedTwilioSignature(
    authToken,
    signed,
    method === "GET" ? {} : params,
  );
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

// --- the server ---------------------------------------------------------------------------

export interface TwilioStandInOptions {
  port: number;
  accountSid: string;
  authToken: string;
  /** Interface to bind; 127.0.0.1 by default. */
  hostname?: string;
}

export interface TwilioStandIn {
  /** Base URL: what TWILIO_API_BASE_URL should be set to. */
  url: string;
  close(): Promise<void>;
  state: TwilioState;
  faults: Faults;
}

function authorized(req: Request, accountSid: string, authToken: string): boolean {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "");
  if (!m) return false;
  let decoded: string;
  try {
    decoded = atob(m[1]);
  } catch {
    return false;
  }
  const i = decoded.indexOf(":");
  return i > 0 && decoded.slice(0, i) === accountSid && decoded.slice(i + 1) === authToken;
}

const sandboxError = (status: number, code: string, message: string) =>
  jsonResponse({ error: { code, message } }, status);

/** Starts the stand-in; it listens as soon as this returns. */
export function startTwilioStandIn(opts: TwilioStandInOptions): TwilioStandIn {
  const hostname = opts.hostname ?? "127.0.0.1";
  const faults = new Faults();
  const hanging = new Set<() => void>();
  const state = new TwilioState(opts.accountSid);
  const routes = twilioRoutes(state);

  const hang = (req: Request) =>
    new Promise<Response>((resolve) => {
      const release = () => {
        hanging.delete(release);
        req.signal.removeEventListener("abort", release);
        resolve(new Response(null, { status: 504 }));
      };
      hanging.add(release);
      req.signal.addEventListener("abort", release, { once: true });
    });

  async function control(req: Request, url: URL): Promise<Response> {
    const path = url.pathname.replace(/^\/_sandbox/, "");
    const body = async () => {
      try {
        return await req.json();
      } catch {
        throw new SandboxError(400, "invalid_json", "the body must be JSON");
      }
    };
    const route = `${req.method} ${path}`;
    let m: RegExpExecArray | null;
    if (route === "GET /health") return jsonResponse({ ok: true, account_sid: opts.accountSid });
    if (route === "GET /state") return jsonResponse(state.snapshot(faults));
    if (route === "POST /reset") {
      state.reset();
      faults.clear();
      return new Response(null, { status: 204 });
    }
    if (route === "POST /calls") return jsonResponse(state.registerCall(await body()), 201);
    if ((m = /^POST \/transcripts\/(GT\w+)$/.exec(route))) {
      return jsonResponse(state.updateTranscript(m[1], await body()));
    }
    if (route === "GET /faults") return jsonResponse({ faults: faults.list() });
    if (route === "POST /faults") return jsonResponse(faults.add(await body()), 201);
    if (route === "DELETE /faults") {
      faults.clear();
      return new Response(null, { status: 204 });
    }
    if ((m = /^DELETE \/faults\/(\S+)$/.exec(route))) {
      return faults.remove(m[1])
        ? new Response(null, { status: 204 })
        : sandboxError(404, "not_found", `no fault ${m[1]}`);
    }
    if (route === "POST /webhooks") {
      return jsonResponse(await deliverWebhook(state, opts.authToken, await body()));
    }
    return sandboxError(404, "not_found", `no control endpoint ${route}`);
  }

  async function api(req: Request, url: URL, fault: Fault | undefined): Promise<Response> {
    if (fault?.kind === "timeout") return await hang(req);
    if (fault?.kind === "slow") await new Promise((r) => setTimeout(r, fault.delay_ms));
    if (fault?.kind === "429") {
      return twilioError(429, 20429, "Too Many Requests", {
        "retry-after": String(fault.retry_after),
      });
    }
    if (fault?.kind === "500") return twilioError(500, 20500, "Internal Server Error");
    if (!authorized(req, opts.accountSid, opts.authToken)) {
      return twilioError(401, 20003, "Authenticate", {
        "www-authenticate": 'Basic realm="Twilio API"',
      });
    }
    const account = /^\/2010-04-01\/Accounts\/([^/]+)/.exec(url.pathname)?.[1];
    if (account !== undefined && account !== opts.accountSid) {
      return twilioError(401, 20003, "Authenticate");
    }

    const method = req.method === "HEAD" ? "GET" : req.method;
    const matching = routes.filter(([, pattern]) => pattern.test(url.pathname));
    if (!matching.length) return notFound(url.pathname);
    const route = matching.find(([m]) => m === method);
    if (!route) return twilioError(405, 20004, "Method not allowed");
    const res = await route[2](route[1].exec(url.pathname)!, req, url);
    if (fault?.kind === "malformed" && res.ok) {
      return new Response('{"sid": "', { status: res.status, headers: res.headers });
    }
    return res;
  }

  async function handler(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname === "/_sandbox" || url.pathname.startsWith("/_sandbox/")) {
      try {
        return await control(req, url);
      } catch (e) {
        if (e instanceof SandboxError) return sandboxError(e.status, e.code, e.message);
        console.error("twilio stand-in: control API failed:", e);
        return sandboxError(500, "internal", String(e));
      }
    }
    const fault = faults.take(req.method, url.pathname);
    let res: Response;
    try {
      res = await api(req, url, fault);
    } catch (e) {
      if (!(e instanceof TwilioApiError)) console.error("twilio stand-in: request failed:", e);
      res = e instanceof TwilioApiError
        ? twilioError(e.status, e.code, e.message)
        : twilioError(500, 20500, "Internal Server Error");
    }
    res.headers.set("twilio-request-id", sid("RQ"));
    state.log({
      at: new Date().toISOString(),
      method: req.method,
      path: url.pathname,
      query: url.search,
      status: res.status,
      fault: fault?.kind ?? null,
    });
    return res;
  }

  const server = Deno.serve({ port: opts.port, hostname, onListen: () => {} }, handler);
  const url = `http://${hostname === "0.0.0.0" ? "127.0.0.1" : hostname}:${server.addr.port}`;
  state.baseUrl = url;

  return {
    url,
    state,
    faults,
    async close() {
      for (const release of [...hanging]) release();
      await server.shutdown();
    },
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { port: { type: "string" }, hostname: { type: "string" } },
  });
  const accountSid = Deno.env.get("TWILIO_ACCOUNT_SID") || DEFAULT_ACCOUNT_SID;
  const standIn = startTwilioStandIn({
    port: Number(values.port ?? Deno.env.get("TWILIO_STAND_IN_PORT") ?? 0),
    hostname: values.hostname,
    accountSid,
    authToken: Deno.env.get("TWILIO_AUTH_TOKEN") || DEFAULT_AUTH_TOKEN,
  });
  console.log(`Twilio stand-in listening on ${standIn.url} (account ${accountSid})`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => standIn.close().finally(() => Deno.exit(0)));
  }
}

// The Twilio stand-in's control-API inputs (seeded calls, faults, webhooks) and its records.
import { z } from "zod";
import { type FaultState, TransportFaultSpec } from "../kernel/faults.ts";
import type { RequestEntry } from "../kernel/server.ts";

export type Json = Record<string, unknown>;

// --- control API inputs -----------------------------------------------------

export const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "expected an E.164 phone number");
export const sidOf = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `expected a ${prefix}… SID`);

export const SentenceSpec = z.object({
  /** 1 = the caller's leg, 2 = the dialed agent's leg of a dual-channel recording. */
  media_channel: z.number().int().min(0).max(2),
  /** Seconds from the start of the recording. */
  start_time: z.number().min(0),
  end_time: z.number().min(0),
  transcript: z.string(),
  confidence: z.number().min(0).max(1).default(0.95),
}).refine((s) => s.end_time >= s.start_time, "end_time must not precede start_time");

export const CallSpec = z.object({
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

export const FaultSpec = TransportFaultSpec.extend({
  /** `429`: the Retry-After header, in seconds. */
  retry_after: z.number().int().min(0).default(1),
});

export const WebhookSpec = z.object({
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

export const TranscriptUpdate = z.object({
  status: z.enum(["queued", "in-progress", "completed", "failed", "canceled", "error"]),
});

export type CallSpec = z.input<typeof CallSpec>;
export type FaultSpec = z.input<typeof FaultSpec>;
export type WebhookSpec = z.input<typeof WebhookSpec>;
export type Fault = z.output<typeof FaultSpec> & FaultState;
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
export interface RequestLogEntry extends RequestEntry {
  fault: Fault["kind"] | null;
}

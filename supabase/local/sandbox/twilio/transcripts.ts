// Voice Intelligence (v2): transcripts of recordings and their sentences, with word timings.
import { parse, SandboxError } from "../kernel/control.ts";
import { decimal, found, iso, jsonResponse, pagedV2, sid, type TwilioRoute } from "./format.ts";
import { type CallSpec, type Json, type SentenceSpec, TranscriptUpdate } from "./specs.ts";
import type { TwilioState } from "./state.ts";
import type { z } from "zod";

type Spec = z.output<typeof CallSpec>;
type Sentence = z.output<typeof SentenceSpec>;

/** The transcript of a registered call's recording, and its sentences. */
export function addTranscript(
  state: TwilioState,
  spec: Spec,
  recording: Json,
  callSid: string,
  start: Date,
  end: Date,
  sentences: Sentence[],
): Json {
  const transcriptSpec = spec.transcript!;
  const gt = transcriptSpec.sid ?? sid("GT");
  const url = `${state.baseUrl}/v2/Transcripts/${gt}`;
  const transcript: Json = {
    account_sid: state.accountSid,
    service_sid: state.serviceSid,
    sid: gt,
    date_created: iso(end),
    date_updated: iso(end),
    status: transcriptSpec.status,
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
    language_code: transcriptSpec.language_code,
    customer_key: transcriptSpec.customer_key,
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
  state.transcripts.set(gt, transcript);
  state.sentences.set(
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
  return transcript;
}

export function updateTranscript(state: TwilioState, gt: string, input: unknown): Json {
  const transcript = state.transcripts.get(gt);
  if (!transcript) throw new SandboxError(404, "not_found", `no transcript ${gt}`);
  transcript.status = parse(TranscriptUpdate, input).status;
  transcript.date_updated = iso(new Date());
  return transcript;
}

/** The recording a transcript was made from. */
export const sourceSidOf = (transcript: Json) =>
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

export function transcriptRoutes(state: TwilioState): TwilioRoute[] {
  const transcriptOf = (gt: string, path: string) => found(state.transcripts, gt, path);
  return [
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

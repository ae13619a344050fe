// Calls and Recordings: calls registered through the control API (with their recording and
// transcript), read back through the 2010-04-01 API, recordings' metadata and media.
import { parse } from "../kernel/control.ts";
import {
  A,
  formatted,
  found,
  jsonResponse,
  paged2010,
  price,
  rfc2822,
  sid,
  type TwilioRoute,
} from "./format.ts";
import { mediaResponse, recordingMedia } from "./media.ts";
import { CallSpec, type Json, type RegisteredCall } from "./specs.ts";
import type { TwilioState } from "./state.ts";
import { addTranscript, sourceSidOf } from "./transcripts.ts";

/** Registers a call (replacing one with its SID), its recording and its transcript. */
export function registerCall(state: TwilioState, input: CallSpec): RegisteredCall {
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
  const callUri = `${state.accountPath}/Calls/${callSid}`;
  forgetCall(state, callSid);
  const number = [...state.numbers.values()].find((n) => n.phone_number === spec.to);
  const call: Json = {
    account_sid: state.accountSid,
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
  state.calls.set(callSid, call);

  let recording: Json | null = null;
  if (spec.recording) {
    const re = spec.recording.sid ?? sid("RE");
    const recUri = `${state.accountPath}/Recordings/${re}`;
    const recDuration = spec.recording.duration ?? duration;
    recording = {
      account_sid: state.accountSid,
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
      media_url: `${state.baseUrl}${recUri}`,
    };
    state.recordings.set(re, recording);
  }

  const transcript = spec.transcript && recording
    ? addTranscript(state, spec, recording, callSid, start, end, sentences)
    : null;
  return { call, recording, transcript };
}

/** Registering a call again replaces it, with its recordings and their transcripts. */
function forgetCall(state: TwilioState, callSid: string): void {
  for (const recording of [...state.recordings.values()]) {
    if (recording.call_sid !== callSid) continue;
    state.recordings.delete(recording.sid as string);
    for (const t of [...state.transcripts.values()]) {
      if (sourceSidOf(t) !== recording.sid) continue;
      state.transcripts.delete(t.sid as string);
      state.sentences.delete(t.sid as string);
    }
  }
  for (const key of [...state.mediaCache.keys()]) {
    if (!state.recordings.has(key.split(".")[0])) state.mediaCache.delete(key);
  }
}

export function callRoutes(state: TwilioState): TwilioRoute[] {
  const recordingsOf = (url: URL, callSid: string | null) =>
    jsonResponse(paged2010(
      url,
      "recordings",
      [...state.recordings.values()].filter((r) => !callSid || r.call_sid === callSid),
    ));
  return [
    ["GET", new RegExp(`${A}/Calls/(CA\\w+)\\.json$`), (m, _req, url) => {
      return jsonResponse(found(state.calls, m[2], url.pathname));
    }],
    ["GET", new RegExp(`${A}/Calls/(CA\\w+)/Recordings\\.json$`), (m, _req, url) => {
      found(state.calls, m[2], url.pathname);
      return recordingsOf(url, m[2]);
    }],
    ["GET", new RegExp(`${A}/Recordings\\.json$`), (_m, _req, url) => {
      return recordingsOf(url, url.searchParams.get("CallSid"));
    }],
    ["GET", new RegExp(`${A}/Recordings/(RE\\w+?)(\\.json|\\.wav|\\.mp3)?$`), (m, req, url) => {
      const recording = found(state.recordings, m[2], url.pathname);
      if (m[3] === ".json") return jsonResponse(recording);
      const format = m[3] === ".mp3" ? "mp3" : "wav";
      return mediaResponse(
        req,
        recordingMedia(state, recording, format),
        format === "mp3" ? "audio/mpeg" : "audio/x-wav",
      );
    }],
    ["DELETE", new RegExp(`${A}/Recordings/(RE\\w+)\\.json$`), (m, _req, url) => {
      found(state.recordings, m[2], url.pathname);
      state.recordings.delete(m[2]);
      return new Response(null, { status: 204 });
    }],
  ];
}

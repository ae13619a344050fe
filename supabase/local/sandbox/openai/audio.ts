// POST /v1/audio/transcriptions: multipart upload; json, text, srt, vtt and verbose_json with
// segments and words; scripted transcriptions.
import { type State } from "./chat.ts";
import { errorResponse, invalidRequest, jsonResponse } from "./errors.ts";
import { SENTENCE } from "./transcript.ts";
import { fnv1a, type Obj, round2, type ScriptedTranscription } from "./types.ts";

export const PLACEHOLDER_LINES = [
  "Thanks for calling, this is Alex from the sales team, how can I help you today?",
  "Hi Alex, I'm calling about upgrading our team plan.",
  "Sure, the premium plan is $49 per seat per month and includes onboarding.",
  "That sounds good, but is there a discount for an annual contract?",
  "Yes, annual billing saves you two months.",
  "Great, let's do it for ten seats.",
  "Perfect, I'll send the agreement to your email today.",
  "Thank you for your help.",
];
export const AUDIO_EXTENSIONS = [
  "flac",
  "m4a",
  "mp3",
  "mp4",
  "mpeg",
  "mpga",
  "oga",
  "ogg",
  "wav",
  "webm",
];
export const LANGUAGES: Record<string, string> = {
  en: "english",
  es: "spanish",
  fr: "french",
  de: "german",
  it: "italian",
  pt: "portuguese",
  nl: "dutch",
  ja: "japanese",
  zh: "chinese",
};
export const MAX_AUDIO_BYTES = 25 * 1024 * 1024;

/** Duration of a PCM WAV file from its RIFF header, or null. */
export function wavDuration(bytes: Uint8Array): number | null {
  if (bytes.length < 44) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number) => String.fromCharCode(...bytes.subarray(o, o + 4));
  if (tag(0) !== "RIFF" || tag(8) !== "WAVE") return null;
  let byteRate = 0;
  for (let o = 12; o + 8 <= bytes.length;) {
    const id = tag(o);
    const size = dv.getUint32(o + 4, true);
    if (id === "fmt " && o + 16 <= bytes.length) byteRate = dv.getUint32(o + 16, true);
    if (id === "data") {
      const dataSize = Math.min(size, bytes.length - o - 8);
      return byteRate > 0 ? dataSize / byteRate : null;
    }
    o += 8 + size + (size % 2);
  }
  return null;
}

export function splitForSegments(text: string): string[] {
  const parts = [...text.matchAll(SENTENCE)].map((m) => m[0].trim()).filter(Boolean);
  return parts.length ? parts : [text.trim()].filter(Boolean);
}

export function wordTokens(text: string): number[] {
  return text.split(/\s+/).filter(Boolean).map((w) => 220 + (fnv1a(w) % 50000));
}

export function buildTranscription(
  size: number,
  bytes: Uint8Array,
  scripted: ScriptedTranscription | undefined,
) {
  const langIn = scripted?.language ?? "en";
  const language = LANGUAGES[langIn] ?? langIn;
  let duration = scripted?.duration ?? wavDuration(bytes) ?? Math.max(1, size / 16000);
  let segs: { start: number; end: number; text: string }[];
  if (scripted?.segments?.length) {
    segs = scripted.segments.map((s) => ({ start: s.start, end: s.end, text: s.text }));
    if (scripted.duration === undefined) duration = Math.max(...segs.map((s) => s.end));
  } else {
    const lines = scripted?.text !== undefined
      ? splitForSegments(scripted.text)
      : PLACEHOLDER_LINES.slice(0, 3 + (size % (PLACEHOLDER_LINES.length - 2)));
    const step = duration / Math.max(1, lines.length);
    segs = lines.map((text, i) => ({ start: round2(i * step), end: round2((i + 1) * step), text }));
  }
  duration = round2(duration);
  const text = scripted?.text ?? segs.map((s) => s.text).join(" ");
  const segments = segs.map((s, id) => ({
    id,
    seek: Math.floor(s.start / 30) * 3000,
    start: s.start,
    end: s.end,
    text: ` ${s.text.trim()}`,
    tokens: [50364, ...wordTokens(s.text), 50364 + Math.round(s.end / 0.02)],
    temperature: 0.0,
    avg_logprob: -round2(0.15 + (fnv1a(s.text) % 20) / 100),
    compression_ratio: round2(1.2 + (fnv1a(`${s.text}#c`) % 40) / 100),
    no_speech_prob: round2((fnv1a(`${s.text}#n`) % 5) / 1000),
  }));
  const words = segs.flatMap((s) => {
    const ws = s.text.split(/\s+/).filter(Boolean);
    const step = (s.end - s.start) / Math.max(1, ws.length);
    return ws.map((w, i) => ({
      word: w.replace(/^[^\w$']+|[^\w']+$/g, "") || w,
      start: round2(s.start + i * step),
      end: round2(s.start + (i + 1) * step),
    }));
  });
  return { language, duration, text, segments, words };
}

export function srtTime(sec: number, sep: string): string {
  const ms = Math.round(sec * 1000);
  const h = Math.floor(ms / 3600000),
    m = Math.floor((ms % 3600000) / 60000),
    s = Math.floor((ms % 60000) / 1000);
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${
    String(s).padStart(2, "0")
  }${sep}${String(ms % 1000).padStart(3, "0")}`;
}

export async function transcription(
  form: FormData,
  state: State,
  headers: Record<string, string>,
): Promise<{ response: Response; scripted: boolean; json?: unknown }> {
  const file = form.get("file");
  if (!(file instanceof File)) {
    return {
      response: invalidRequest(
        "Missing required parameter: 'file'.",
        "file",
        "missing_required_parameter",
      ),
      scripted: false,
    };
  }
  const model = form.get("model");
  if (typeof model !== "string" || !model) {
    return { response: invalidRequest("you must provide a model parameter"), scripted: false };
  }
  const format = String(form.get("response_format") ?? "json");
  const granularities = [
    ...form.getAll("timestamp_granularities[]"),
    ...form.getAll("timestamp_granularities"),
  ].map(String);
  if (!["json", "text", "srt", "verbose_json", "vtt", "diarized_json"].includes(format)) {
    return {
      response: invalidRequest(
        `Invalid value: '${format}'. Supported values are: 'json', 'text', 'srt', 'verbose_json', and 'vtt'.`,
        "response_format",
        "invalid_value",
      ),
      scripted: false,
    };
  }
  if (model.startsWith("gpt-4o") && !["json", "text"].includes(format)) {
    return {
      response: invalidRequest(
        `response_format '${format}' is not compatible with model '${model}'. Use 'json' or 'text' instead.`,
        "response_format",
        "unsupported_value",
      ),
      scripted: false,
    };
  }
  if (granularities.length && format !== "verbose_json") {
    return {
      response: invalidRequest(
        "timestamp_granularities is only supported when response_format is set to verbose_json.",
        "timestamp_granularities",
        "invalid_value",
      ),
      scripted: false,
    };
  }
  const ext = file.name.includes(".") ? file.name.split(".").pop()!.toLowerCase() : "";
  if (!AUDIO_EXTENSIONS.includes(ext)) {
    return {
      response: invalidRequest(
        `Invalid file format. Supported formats: ${
          JSON.stringify(AUDIO_EXTENSIONS).replace(/"/g, "'").replace(/,/g, ", ")
        }`,
      ),
      scripted: false,
    };
  }
  if (file.size > MAX_AUDIO_BYTES) {
    return {
      response: errorResponse(413, {
        message:
          `Maximum content size limit (${MAX_AUDIO_BYTES}) exceeded (${file.size} bytes read)`,
        type: "server_error",
      }),
      scripted: false,
    };
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const scripted = state.transcriptions.shift();
  const t = buildTranscription(file.size, bytes, scripted);
  const usage = { type: "duration", seconds: Math.ceil(t.duration) };
  const isScripted = scripted !== undefined;
  switch (format) {
    case "text":
      return {
        response: new Response(`${t.text}\n`, {
          headers: { ...headers, "content-type": "text/plain; charset=utf-8" },
        }),
        scripted: isScripted,
      };
    case "srt":
    case "vtt": {
      const sep = format === "srt" ? "," : ".";
      const cues = t.segments.map((s, i) =>
        `${format === "srt" ? `${i + 1}\n` : ""}${srtTime(s.start, sep)} --> ${
          srtTime(s.end, sep)
        }\n${s.text.trim()}\n`
      );
      const out = (format === "vtt" ? "WEBVTT\n\n" : "") + cues.join("\n");
      return {
        response: new Response(out, {
          headers: { ...headers, "content-type": "text/plain; charset=utf-8" },
        }),
        scripted: isScripted,
      };
    }
    case "verbose_json": {
      const json: Obj = {
        task: "transcribe",
        language: t.language,
        duration: t.duration,
        text: t.text,
      };
      if (granularities.includes("word")) json.words = t.words;
      if (!granularities.length || granularities.includes("segment")) json.segments = t.segments;
      json.usage = usage;
      return { response: jsonResponse(json, headers), scripted: isScripted, json };
    }
    default: {
      const json = { text: t.text, usage };
      return { response: jsonResponse(json, headers), scripted: isScripted, json };
    }
  }
}

// The OpenAI stand-in's voice part, beside its chat and transcription code:
//   POST /v1/audio/speech        tts-1, tts-1-hd, gpt-4o-mini-tts → real audio (voice/speech.ts)
//   POST /v1/audio/transcriptions answers with the transcript taught for the uploaded audio
//                                 when there is one (voice/taught.ts), before scripted ones
// Control API under /_sandbox/voice: POST/GET/DELETE /transcripts (teach), POST/GET/DELETE
// /faults (voice faults on /v1/audio/*: 429, 500, 503, slow_first_byte, cut, timeout).
import { control, type ControlRoute } from "../kernel/control.ts";
import { Hangs } from "../kernel/faults.ts";
import { json, noContent } from "../kernel/http.ts";
import { VoiceFaults } from "../voice/faults.ts";
import { OPENAI_VOICES, speech } from "../voice/speech.ts";
import { TaughtTranscripts } from "../voice/taught.ts";
import { errorResponse, invalidRequest, OPENAI_HEADERS } from "./errors.ts";

export const TTS_MODELS = ["tts-1", "tts-1-hd", "gpt-4o-mini-tts"];

export function openaiVoice() {
  const faults = new VoiceFaults();
  const taught = new TaughtTranscripts();
  const hangs = new Hangs();
  const closing = new AbortController();
  const routes: ControlRoute[] = [
    ...taught.routes(),
    ...faults.routes(),
    ["POST /reset", () => {
      faults.clear();
      taught.clear();
      return noContent();
    }],
    ["GET /health", () => json({ ok: true })],
  ];

  /** A voice fault's immediate answer on an audio route, or null (then `fault` shapes the stream). */
  async function faultAnswer(req: Request, path: string) {
    const fault = faults.take(req.method, path);
    if (fault?.kind === "timeout") return { res: await hangs.hang(req), fault };
    if (fault?.kind === "429") {
      return {
        res: errorResponse(429, {
          message: "Rate limit reached for requests",
          type: "requests",
          code: "rate_limit_exceeded",
        }, { "retry-after": String(fault.retry_after) }),
        fault,
      };
    }
    if (fault?.kind === "500" || fault?.kind === "503") {
      return {
        res: errorResponse(Number(fault.kind), {
          message: "The server had an error while processing your request. Sorry about that!",
          type: "server_error",
        }),
        fault,
      };
    }
    return { res: null, fault };
  }

  return {
    faults,
    taught,
    isVoiceControl: (url: URL) => url.pathname.startsWith("/_sandbox/voice/"),
    control: (req: Request, url: URL) => {
      const inner = new URL(url);
      inner.pathname = url.pathname.replace(/^\/_sandbox\/voice/, "/_sandbox");
      return control("openai voice", routes, req, inner);
    },
    /** POST /v1/audio/speech (already authenticated). */
    async speech(req: Request, body: unknown, requestId: string): Promise<Response> {
      const { res, fault } = await faultAnswer(req, "/v1/audio/speech");
      if (res) return res;
      return await speech(body, (status, message, param) =>
        status === 400 ? invalidRequest(message, param) : errorResponse(status, { message, type: "server_error" }), {
        fault,
        signals: [req.signal, closing.signal],
        models: TTS_MODELS,
        voices: OPENAI_VOICES,
        headers: OPENAI_HEADERS(requestId, Date.now()),
      });
    },
    /** Before a transcription: a voice fault's answer, or the taught transcript (or null). */
    async beforeTranscription(req: Request, form: FormData): Promise<{ res: Response | null; text: string | null }> {
      const { res } = await faultAnswer(req, "/v1/audio/transcriptions");
      if (res) return { res, text: null };
      const file = form.get("file");
      if (!(file instanceof File)) return { res: null, text: null };
      const ext = file.name.split(".").pop()?.toLowerCase() ?? "wav";
      const text = await taught.transcribe(new Uint8Array(await file.arrayBuffer()), ext === "mpga" || ext === "mpeg" ? "mp3" : ext);
      return { res: null, text };
    },
    close() {
      closing.abort();
      hangs.releaseAll();
    },
  };
}

// OpenAI stand-in: a local replacement for api.openai.com used by tests and the offline demo.
// It is a third-party stand-in, never a replacement for our own code.
//
// It speaks OpenAI's real wire format (shapes from the `openai` SDK's generated types) for
//   POST /v1/chat/completions      incl. Structured Outputs (response_format json_schema, strict),
//                                  json_object, plain text, n, max_completion_tokens, stream (SSE)
//   POST /v1/audio/transcriptions  multipart; json | text | srt | vtt | verbose_json (segments, words)
//   POST /v1/audio/speech          real speech (espeak-ng); taught transcripts and voice faults
//                                  under /_sandbox/voice (openai/speech.ts)
//   GET  /v1/models[/{id}]
// with Bearer-key auth and OpenAI's error body `{ error: { message, type, param, code } }`.
//
// Structured Outputs: the reply content is a JSON string built by walking the request's JSON
// schema and filling values deterministically. Where a property name suggests it, values are
// taken from the transcript in the user message: string fields named like `quote`/`evidence`
// get an exact sentence (substring) of the user message, `start`/`time` numbers the time of
// that sentence (clamped to minimum/maximum), sentiment scores/labels come from a small lexicon,
// money fields from "$1,200"-style amounts, conversion booleans from phrases like "let's do it".
// Strict schemas are checked the way OpenAI checks them (every object `additionalProperties:
// false` and every property required) and rejected with OpenAI's 400 when they are not.
//
// Control API (no auth; JSON in and out) under /_sandbox, see CONTROL_HELP below: script the
// next chat replies or transcriptions, inject faults (429 with retry-after and x-ratelimit-*,
// 500, 503, any status, slow, timeout = never answer until the client aborts, malformed 200
// body, and for chat: refusal, invalid_json, schema_violation, length), read the request log.
//
// Use in-process:  const oa = await startOpenAIStandIn({ port: 0, apiKey: "sk-test" });
//                  openaiClient({ apiKey: "sk-test", baseUrl: oa.baseURL }) ... await oa.close();
// Or as a script:  deno run -A supabase/local/sandbox/openai.ts --port 54399 [--api-key K]
//                  [--hostname 127.0.0.1]   → then OPENAI_BASE_URL=http://127.0.0.1:54399/v1
//
// The modules under openai/: chat, audio, the schema filler and transcript analysis it uses,
// errors and faults, the control API, the server; the shared kernel under kernel/.
import { startOpenAIStandIn } from "./openai/server.ts";

export { wavDuration } from "./openai/audio.ts";
export { CONTROL_HELP } from "./openai/control.ts";
export { fillSchema, strictSchemaProblem } from "./openai/schema.ts";
export { startOpenAIStandIn } from "./openai/server.ts";
export { analyzeTranscript, extractSentences } from "./openai/transcript.ts";
export {
  type Fault,
  FAULT_KINDS,
  type FaultKind,
  type FaultRegistry,
  type FaultSpec,
  type OpenAIStandIn,
  type RecordedRequest,
  type ScriptedReply,
  type ScriptedTranscription,
  type StartOptions,
} from "./openai/types.ts";

if (import.meta.main) {
  const args = Deno.args;
  const arg = (name: string) => {
    const i = args.indexOf(`--${name}`);
    if (i >= 0) return args[i + 1];
    return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  };
  const port = Number(arg("port") ?? Deno.env.get("OPENAI_STANDIN_PORT") ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(
      "usage: deno run -A supabase/local/sandbox/openai.ts --port N [--api-key KEY] [--hostname H]",
    );
    Deno.exit(2);
  }
  const standIn = await startOpenAIStandIn({
    port,
    apiKey: arg("api-key") ?? Deno.env.get("OPENAI_STANDIN_API_KEY") ?? undefined,
    hostname: arg("hostname"),
  });
  console.log(
    `OpenAI stand-in listening: OPENAI_BASE_URL=${standIn.baseURL} (control API ${standIn.url}/_sandbox)`,
  );
  const stop = () => {
    standIn.close().then(() => Deno.exit(0));
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}

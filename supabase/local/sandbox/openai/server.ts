// The OpenAI stand-in's server: auth, faults, the request log and the /v1 routes.
import { isControl } from "../kernel/control.ts";
import { FaultRegistry as Registry, sleep } from "../kernel/faults.ts";
import { logCapped } from "../kernel/server.ts";
import { transcription } from "./audio.ts";
import { openaiVoice } from "./speech.ts";
import { chatCompletion, type ChatMessage, promptChars, type State } from "./chat.ts";
import {
  FaultSpecSchema,
  openaiControl,
  ScriptedReplySchema,
  ScriptedTranscriptionSchema,
} from "./control.ts";
import {
  errorResponse,
  faultResponse,
  invalidRequest,
  jsonResponse,
  OPENAI_HEADERS,
  rateLimitHeaders,
} from "./errors.ts";
import {
  CONTENT_FAULTS,
  type Fault,
  type FaultSpec,
  isObj,
  maskKey,
  type Obj,
  type OpenAIStandIn,
  randomId,
  type RecordedRequest,
  type ScriptedReply,
  type StartOptions,
  tokensOf,
} from "./types.ts";

const MAX_LOG = 1000;

export async function startOpenAIStandIn(opts: StartOptions): Promise<OpenAIStandIn> {
  const hostname = opts.hostname ?? "127.0.0.1";
  const requests: RecordedRequest[] = [];
  const state: State = { replies: [], transcriptions: [] };
  const closing = new AbortController();
  const voice = openaiVoice();

  const faults = new Registry<Fault, FaultSpec>(
    (spec) => {
      const parsed = FaultSpecSchema.parse({
        ...spec,
        count: spec.count === Infinity ? null : spec.count,
      });
      const count = parsed.count === undefined
        ? 1
        : parsed.count === null
        ? Infinity
        : parsed.count;
      return { fault: parsed, remaining: count };
    },
    (f, _method, path) =>
      f.path !== undefined
        ? f.path === path
        : CONTENT_FAULTS.has(f.kind)
        ? path === "/v1/chat/completions"
        : true,
  );

  const reset = () => {
    faults.clear();
    state.replies.length = 0;
    state.transcriptions.length = 0;
    state.prompts?.clear();
    requests.length = 0;
    voice.faults.clear();
    voice.taught.clear();
  };

  const control = (req: Request, url: URL) =>
    openaiControl({ state, requests, faults, reset }, req, url);

  async function api(req: Request, url: URL): Promise<Response> {
    const startedAt = Date.now();
    const requestId = `req_${randomId(24).toLowerCase()}`;
    const baseHeaders = OPENAI_HEADERS(requestId, startedAt);
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => (headers[k] = v));
    const auth = req.headers.get("authorization") ?? "";
    const key = /^Bearer\s+(\S.*)$/i.exec(auth)?.[1]?.trim() ?? "";
    if (auth) headers.authorization = key ? `Bearer ${maskKey(key)}` : auth;
    const entry: RecordedRequest = {
      id: requestId,
      at: new Date(startedAt).toISOString(),
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      authorized: false,
      body: null,
      model: null,
      status: null,
      fault: null,
      scripted: false,
    };
    logCapped(requests, entry, MAX_LOG);

    const finish = (res: Response, json?: unknown): Response => {
      entry.status = res.status;
      entry.durationMs = Date.now() - startedAt;
      if (json !== undefined) entry.response = json;
      const h = new Headers(res.headers);
      for (const [k, v] of Object.entries(baseHeaders)) if (!h.has(k)) h.set(k, v);
      h.set("openai-processing-ms", String(Math.max(1, Date.now() - startedAt)));
      return new Response(res.body, { status: res.status, headers: h });
    };

    // Body: JSON or multipart, recorded before anything can fail.
    let jsonBody: unknown = undefined;
    let form: FormData | null = null;
    let bodyError: Response | null = null;
    let raw = "";
    const ctype = (req.headers.get("content-type") ?? "").toLowerCase();
    if (req.method === "POST") {
      if (ctype.startsWith("multipart/form-data")) {
        try {
          form = await req.formData();
          const fields: Record<string, string | string[]> = {};
          let file: Obj | null = null;
          for (const [k, v] of form.entries()) {
            if (v instanceof File) file = { field: k, name: v.name, type: v.type, size: v.size };
            else if (k in fields) fields[k] = [...[fields[k]].flat(), v];
            else fields[k] = v;
          }
          entry.body = { fields, file };
          raw = JSON.stringify(fields);
          entry.model = typeof fields.model === "string" ? fields.model : null;
        } catch {
          bodyError = invalidRequest("Could not parse multipart form");
        }
      } else {
        const text = await req.text();
        raw = text;
        try {
          jsonBody = text ? JSON.parse(text) : undefined;
          entry.body = jsonBody ?? null;
          if (isObj(jsonBody) && typeof jsonBody.model === "string") entry.model = jsonBody.model;
        } catch {
          entry.body = text;
          bodyError = invalidRequest(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
          );
        }
      }
    }

    // Auth (before faults, as OpenAI authenticates before rate limiting).
    if (!key) {
      return finish(errorResponse(401, {
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        type: "invalid_request_error",
      }));
    }
    if (opts.apiKey !== undefined && key !== opts.apiKey) {
      return finish(errorResponse(401, {
        message: `Incorrect API key provided: ${
          maskKey(key)
        }. You can find your API key at https://platform.openai.com/account/api-keys.`,
        type: "invalid_request_error",
        code: "invalid_api_key",
      }));
    }
    entry.authorized = true;

    const route = req.method === "POST" && url.pathname === "/v1/chat/completions"
      ? "chat"
      : req.method === "POST" && url.pathname === "/v1/audio/transcriptions"
      ? "audio"
      : req.method === "POST" && url.pathname === "/v1/audio/speech"
      ? "speech"
      : req.method === "GET" && /^\/v1\/models(\/[^/]+)?$/.test(url.pathname)
      ? "models"
      : null;
    if (!route) {
      return finish(errorResponse(404, {
        message: `Invalid URL (${req.method} ${url.pathname})`,
        type: "invalid_request_error",
      }));
    }
    if (bodyError) return finish(bodyError);
    if (route === "speech") return finish(await voice.speech(req, jsonBody, requestId));

    const promptTokens = isObj(jsonBody) && Array.isArray(jsonBody.messages)
      ? tokensOf(promptChars(jsonBody.messages as ChatMessage[]))
      : 0;
    const fault = faults.take(req.method, url.pathname, raw) ?? null;
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === "timeout") {
      await sleep(2 ** 31 - 1, [req.signal, closing.signal]);
      entry.durationMs = Date.now() - startedAt;
      return new Response(null, { status: 504 }); // the client is gone; nobody reads this
    }
    if (fault?.kind === "slow") await sleep(fault.delayMs ?? 1000, [req.signal, closing.signal]);
    if (fault && fault.kind !== "slow" && !CONTENT_FAULTS.has(fault.kind)) {
      return finish(faultResponse(fault, entry.model, promptTokens));
    }
    const contentFault = fault && CONTENT_FAULTS.has(fault.kind) ? fault : null;
    const okHeaders = { ...rateLimitHeaders(800000 - promptTokens) };

    if (route === "models") {
      const ids = [
        "gpt-4o",
        "gpt-4o-2024-08-06",
        "gpt-4o-mini",
        "gpt-4.1",
        "gpt-4.1-mini",
        "whisper-1",
        "gpt-4o-transcribe",
        "gpt-4o-mini-transcribe",
      ];
      const model = (id: string) => ({
        id,
        object: "model",
        created: 1715367049,
        owned_by: "system",
      });
      const id = url.pathname.split("/")[3];
      if (id) {
        const decoded = decodeURIComponent(id);
        return finish(
          ids.includes(decoded) ? jsonResponse(model(decoded), okHeaders) : errorResponse(404, {
            message: `The model '${decoded}' does not exist or you do not have access to it.`,
            type: "invalid_request_error",
            param: null,
            code: "model_not_found",
          }),
        );
      }
      return finish(jsonResponse({ object: "list", data: ids.map(model) }, okHeaders));
    }

    if (route === "audio") {
      if (!form) {
        return finish(
          invalidRequest("Invalid Content-Type header (expected multipart/form-data)."),
        );
      }
      const taught = await voice.beforeTranscription(req, form);
      if (taught.res) return finish(taught.res);
      if (taught.text !== null) state.transcriptions.unshift({ text: taught.text });
      const r = await transcription(form, state, okHeaders);
      entry.scripted = r.scripted;
      return finish(r.response, r.json);
    }

    // chat
    if (!isObj(jsonBody)) return finish(invalidRequest("you must provide a model parameter"));
    const r = chatCompletion(jsonBody, contentFault, state);
    if (r instanceof Response) return finish(r);
    entry.scripted = r.scripted;
    if (r.stream) {
      const sse = (r.body as unknown[]).map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") +
        "data: [DONE]\n\n";
      return finish(
        new Response(sse, {
          headers: {
            ...okHeaders,
            "content-type": "text/event-stream; charset=utf-8",
            "cache-control": "no-cache",
          },
        }),
        r.body,
      );
    }
    return finish(jsonResponse(r.body, okHeaders), r.body);
  }

  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: opts.port,
    hostname,
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
  }, async (req) => {
    const url = new URL(req.url);
    if (voice.isVoiceControl(url)) return await voice.control(req, url);
    if (isControl(url)) {
      return await control(req, url);
    }
    if (url.pathname.startsWith("/v1/") || url.pathname === "/v1") return await api(req, url);
    return errorResponse(404, {
      message: `Invalid URL (${req.method} ${url.pathname})`,
      type: "invalid_request_error",
    });
  });
  const { port } = await listening.promise;
  const host = hostname.includes(":")
    ? `[${hostname}]`
    : hostname === "0.0.0.0"
    ? "127.0.0.1"
    : hostname;
  const url = `http://${host}:${port}`;
  let closed: Promise<void> | null = null;

  return {
    url,
    baseURL: `${url}/v1`,
    port,
    requests,
    faults,
    scriptReply: (...replies) =>
      void state.replies.push(...replies.map((r) => ScriptedReplySchema.parse(r) as ScriptedReply)),
    scriptTranscription: (...items) =>
      void state.transcriptions.push(...items.map((t) => ScriptedTranscriptionSchema.parse(t))),
    reset,
    close() {
      closed ??= (async () => {
        closing.abort();
        voice.close();
        await server.shutdown();
      })();
      return closed;
    },
  };
}

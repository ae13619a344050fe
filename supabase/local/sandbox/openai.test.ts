// Tests for the OpenAI stand-in (supabase/local/sandbox/openai.ts), driven through the real
// `openai` SDK as built by our product code (supabase/functions/_shared/providers/openai.ts):
// Structured Outputs with zod 4 (zodResponseFormat + chat.completions.parse), usage, scripted
// replies, every fault kind as the SDK surfaces it, transcriptions, auth, and the control API.
// Run: DENO_DIR=.local/deno node_modules/.bin/deno test -A supabase/local/sandbox/openai.test.ts
import assert from "node:assert/strict";
import { sandboxCall, withServer } from "./kernel/testing.ts";
import {
  APIConnectionTimeoutError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  toFile,
} from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import { z } from "zod";
import { classifyOpenAIError, openaiClient } from "../../functions/_shared/providers/openai.ts";
import { type OpenAIStandIn, startOpenAIStandIn, wavDuration } from "./openai.ts";

const KEY = "sk-test-standin-0123456789abcdef";
const MODEL = "gpt-4o-2024-08-06";

const CallAnalysis = z.object({
  sentiment: z.object({
    score: z.number().min(-1).max(1),
    label: z.enum(["positive", "neutral", "negative"]),
  }),
  converted: z.object({ value: z.boolean(), quote: z.string() }),
  upsell: z.object({ amount_usd: z.number().nullable(), evidence_quote: z.string().nullable() }),
  items: z.array(z.object({
    name: z.string(),
    covered: z.boolean(),
    quote: z.string(),
    start: z.number().min(0).max(120),
  })),
});

const TRANSCRIPT = [
  "[00:01] Agent: Thanks for calling Acme, this is Dana, how can I help you today?",
  "[00:06] Customer: Hi, I'm looking at upgrading our account to the premium plan.",
  "[00:12] Agent: Great choice, the premium plan is $1,200 per year and includes onboarding.",
  "[00:20] Customer: That sounds good, let's do it.",
  "[00:25] Agent: Perfect, my card number is [REDACTED] and I'll send the agreement today.",
].join("\n");

const PROMPT = `Analyze this sales call. Return JSON.\n\nTranscript:\n${TRANSCRIPT}`;

const withStandIn = (
  fn: (oa: OpenAIStandIn) => Promise<void>,
  apiKey: string | undefined = KEY,
) => withServer(() => startOpenAIStandIn({ port: 0, apiKey }), fn);

const client = (oa: OpenAIStandIn, extra: { timeoutMs?: number; apiKey?: string } = {}) =>
  openaiClient({ apiKey: extra.apiKey ?? KEY, baseUrl: oa.baseURL, timeoutMs: extra.timeoutMs });

const analyze = (oa: OpenAIStandIn, extra: { timeoutMs?: number; apiKey?: string } = {}) =>
  client(oa, extra).chat.completions.parse({
    model: MODEL,
    temperature: 0,
    messages: [
      { role: "system", content: "You are a sales call analyst. Quote the transcript exactly." },
      { role: "user", content: PROMPT },
    ],
    response_format: zodResponseFormat(CallAnalysis, "call_analysis"),
  });

const control = (oa: OpenAIStandIn, method: string, path: string, body?: unknown) =>
  sandboxCall(oa.url, method, path, body);

Deno.test("structured output: parses with zod 4, quotes are exact substrings, values plausible, usage reported", async () => {
  await withStandIn(async (oa) => {
    const completion = await analyze(oa);
    const msg = completion.choices[0].message;
    assert.equal(msg.refusal, null);
    assert.ok(msg.parsed, "parsed is set");
    const parsed = CallAnalysis.parse(JSON.parse(msg.content!));
    assert.deepEqual(parsed, msg.parsed);

    // Quotes are sentences of the user message (so evidence-quote checks pass).
    const quotes = [
      parsed.converted.quote,
      parsed.upsell.evidence_quote!,
      ...parsed.items.map((i) => i.quote),
    ];
    for (const q of quotes) {
      assert.ok(q.length > 8, `quote is not empty: ${q}`);
      assert.ok(PROMPT.includes(q), `quote is a substring of the prompt: ${q}`);
    }
    assert.match(parsed.converted.quote, /let's do it/);
    assert.equal(parsed.converted.value, true);
    assert.equal(parsed.upsell.amount_usd, 1200);
    assert.equal(parsed.sentiment.label, "positive");
    assert.ok(parsed.sentiment.score > 0 && parsed.sentiment.score <= 1);
    assert.ok(parsed.items.length >= 1);
    for (const item of parsed.items) {
      const line = TRANSCRIPT.split("\n").find((l) => l.includes(item.quote))!;
      const [mm, ss] = /\[(\d+):(\d+)\]/.exec(line)!.slice(1).map(Number);
      assert.equal(item.start, mm * 60 + ss, "start is the time of the quoted line");
    }

    // OpenAI's envelope.
    assert.match(completion.id, /^chatcmpl-/);
    assert.equal(completion.object, "chat.completion");
    assert.equal(completion.model, MODEL);
    assert.equal(completion.choices[0].finish_reason, "stop");
    assert.match(completion.system_fingerprint!, /^fp_/);
    assert.ok(Math.abs(completion.created - Date.now() / 1000) < 60);
    const u = completion.usage!;
    const chars = PROMPT.length +
      "You are a sales call analyst. Quote the transcript exactly.".length;
    assert.equal(u.prompt_tokens, Math.ceil(chars / 4));
    assert.equal(u.completion_tokens, Math.ceil(msg.content!.length / 4));
    assert.equal(u.total_tokens, u.prompt_tokens + u.completion_tokens);

    // The request log shows what our code sent.
    const [req] = oa.requests;
    assert.equal(req.path, "/v1/chat/completions");
    assert.equal(req.model, MODEL);
    assert.equal(req.status, 200);
    assert.ok(JSON.stringify(req.body).includes("[REDACTED]"));
    assert.equal(
      (req.body as { response_format: { type: string } }).response_format.type,
      "json_schema",
    );
    assert.doesNotMatch(req.headers.authorization, /0123456789abcdef/, "key is masked in the log");
  });
});

Deno.test("structured output: same request, same content (deterministic)", async () => {
  await withStandIn(async (oa) => {
    const a = await analyze(oa);
    const b = await analyze(oa);
    assert.equal(a.choices[0].message.content, b.choices[0].message.content);
    assert.notEqual(a.id, b.id);
  });
});

Deno.test("structured output: a non-strict schema is refused with OpenAI's 400", async () => {
  await withStandIn(async (oa) => {
    const err = await client(oa).chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "hi" }],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "loose",
          strict: true,
          schema: {
            type: "object",
            properties: { a: { type: "string" }, b: { type: "number" } },
            required: ["a"],
            additionalProperties: false,
          },
        },
      },
    }).then(() => null, (e) => e);
    assert.ok(err instanceof BadRequestError);
    assert.equal(err.status, 400);
    assert.equal(err.param, "response_format");
    assert.match(err.message, /Invalid schema for response_format 'loose'.*Missing 'b'/);
  });
});

Deno.test("scripted replies come back verbatim, in order, then generation resumes", async () => {
  await withStandIn(async (oa) => {
    const scripted =
      '{"sentiment":{"score":-0.5,"label":"negative"},"converted":{"value":false,"quote":"no"},"upsell":{"amount_usd":null,"evidence_quote":null},"items":[]}';
    const r = await control(oa, "POST", "/chat/replies", {
      replies: [{ content: scripted }, { content: { hello: "world" } }],
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.pending, 2);
    const first = await analyze(oa);
    assert.equal(first.choices[0].message.content, scripted);
    assert.equal(first.choices[0].message.parsed?.sentiment.label, "negative");
    const second = await client(oa).chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "x" }],
    });
    assert.equal(second.choices[0].message.content, '{"hello":"world"}');
    const third = await analyze(oa);
    assert.equal(third.choices[0].message.parsed?.converted.value, true);
    assert.deepEqual(oa.requests.map((q) => q.scripted), [true, true, false]);
  });
});

Deno.test("match: faults, scripted replies and the request log apply only to requests with the text", async () => {
  await withStandIn(async (oa) => {
    const chat = (content: string) =>
      client(oa).chat.completions.create({ model: MODEL, messages: [{ role: "user", content }] });
    const f = await control(oa, "POST", "/faults", { kind: "server_error", match: "zqmine", count: 1 });
    assert.equal(f.status, 201);
    const r = await control(oa, "POST", "/chat/replies", { match: "zqmine", content: "scripted for mine" });
    assert.equal(r.status, 201);
    // Another request passes the fault and the scripted reply by.
    const other = await chat("someone else's call");
    assert.match(other.choices[0].message.content!, /stand-in replying/);
    // The request with the text takes the fault, then the next one the reply.
    await assert.rejects(chat("my call says zqmine"), InternalServerError);
    const mine = await chat("my call says zqmine");
    assert.equal(mine.choices[0].message.content, "scripted for mine");
    assert.deepEqual(oa.requests.map((q) => [q.fault, q.scripted]), [[null, false], ["server_error", false], [null, true]]);
    const log = await control(oa, "GET", "/requests?path=/v1/chat/completions&contains=zqmine");
    assert.equal(log.body.requests.length, 2);
    assert.equal((await control(oa, "POST", "/faults", { kind: "server_error", match: "" })).status, 400);
  });
});

Deno.test("content faults: refusal, invalid_json, schema_violation, length — then the retry succeeds", async () => {
  await withStandIn(async (oa) => {
    oa.faults.add({ kind: "refusal" });
    const refused = await analyze(oa);
    assert.equal(refused.choices[0].message.content, null);
    assert.match(refused.choices[0].message.refusal!, /can't assist/);
    assert.equal(refused.choices[0].message.parsed, null);

    oa.faults.add({ kind: "invalid_json" });
    await assert.rejects(analyze(oa), SyntaxError);

    oa.faults.add({ kind: "schema_violation" });
    const violation = await analyze(oa).then(() => null, (e) => e);
    assert.ok(violation instanceof z.ZodError, `ZodError, got ${violation}`);
    // Raw content is JSON that fails the schema (what a retry-with-validation-error path sees).
    const raw = await client(oa).chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: PROMPT }],
      response_format: zodResponseFormat(CallAnalysis, "call_analysis"),
    });
    assert.ok(
      CallAnalysis.safeParse(JSON.parse(raw.choices[0].message.content!)).success,
      "fault was one-shot",
    );

    oa.faults.add({ kind: "length" });
    await assert.rejects(
      analyze(oa),
      (e: Error) => e.constructor.name === "LengthFinishReasonError",
    );

    const retry = await analyze(oa);
    assert.ok(retry.choices[0].message.parsed);
    assert.deepEqual(
      oa.requests.map((r) => r.fault),
      ["refusal", "invalid_json", "schema_violation", null, "length", null],
    );
  });
});

Deno.test("429 → RateLimitError with retry-after and x-ratelimit-* headers; next request passes", async () => {
  await withStandIn(async (oa) => {
    const r = await control(oa, "POST", "/faults", { kind: "rate_limit", retryAfterSeconds: 2 });
    assert.equal(r.status, 201);
    assert.equal(r.body.faults[0].remaining, 1);
    const err = await analyze(oa).then(() => null, (e) => e);
    assert.ok(err instanceof RateLimitError);
    assert.equal(err.status, 429);
    assert.equal(err.code, "rate_limit_exceeded");
    assert.equal(err.type, "tokens");
    assert.equal(err.headers.get("retry-after"), "2");
    assert.equal(err.headers.get("x-ratelimit-remaining-tokens"), "0");
    assert.ok(err.headers.get("x-ratelimit-limit-requests"));
    assert.match(err.requestID!, /^req_/);
    const c = classifyOpenAIError(err);
    assert.deepEqual([c.retryable, c.status, c.retryAfterMs], [true, 429, 2000]);
    assert.ok((await analyze(oa)).choices[0].message.parsed);

    oa.faults.add({ kind: "rate_limit", code: "insufficient_quota" });
    const quota = await analyze(oa).then(() => null, (e) => e);
    assert.ok(quota instanceof RateLimitError);
    assert.equal(classifyOpenAIError(quota).retryable, false);
  });
});

Deno.test("500 and 503 → InternalServerError; a custom status; path-scoped and sticky faults", async () => {
  await withStandIn(async (oa) => {
    oa.faults.add({ kind: "server_error" });
    const e500 = await analyze(oa).then(() => null, (e) => e);
    assert.ok(e500 instanceof InternalServerError);
    assert.equal(e500.status, 500);
    assert.equal(e500.type, "server_error");

    oa.faults.add({ kind: "unavailable" });
    const e503 = await analyze(oa).then(() => null, (e) => e);
    assert.ok(e503 instanceof InternalServerError);
    assert.equal(e503.status, 503);
    assert.equal(classifyOpenAIError(e503).retryable, true);

    oa.faults.add({
      kind: "error",
      status: 400,
      message: "context too long",
      code: "context_length_exceeded",
    });
    const e400 = await analyze(oa).then(() => null, (e) => e);
    assert.ok(e400 instanceof BadRequestError);
    assert.equal(e400.code, "context_length_exceeded");
    assert.equal(classifyOpenAIError(e400).retryable, false);

    // Sticky, scoped to transcriptions: chat is unaffected.
    await control(oa, "POST", "/faults", {
      kind: "server_error",
      path: "/v1/audio/transcriptions",
      count: null,
    });
    assert.ok((await analyze(oa)).choices[0].message.parsed);
    const audio = client(oa).audio.transcriptions;
    const file = () => toFile(new Uint8Array(1000), "call.mp3");
    for (let i = 0; i < 2; i++) {
      await assert.rejects(
        audio.create({ file: await file(), model: "whisper-1" }),
        InternalServerError,
      );
    }
    const listed = await control(oa, "GET", "/faults");
    assert.equal(listed.body.faults.length, 1);
    assert.equal(listed.body.faults[0].remaining, null);
    assert.equal(listed.body.faults[0].hits, 2);
    await control(oa, "DELETE", "/faults");
    assert.ok((await audio.create({ file: await file(), model: "whisper-1" })).text);
  });
});

Deno.test("timeout → APIConnectionTimeoutError; slow answers late; malformed body → error", async () => {
  await withStandIn(async (oa) => {
    oa.faults.add({ kind: "timeout" });
    const started = Date.now();
    const err = await analyze(oa, { timeoutMs: 300 }).then(() => null, (e) => e);
    assert.ok(err instanceof APIConnectionTimeoutError, `got ${err}`);
    assert.ok(Date.now() - started < 5000);
    assert.equal(classifyOpenAIError(err).retryable, true);

    oa.faults.add({ kind: "slow", delayMs: 400 });
    const t0 = Date.now();
    const slow = await analyze(oa);
    assert.ok(Date.now() - t0 >= 380);
    assert.ok(slow.choices[0].message.parsed);

    oa.faults.add({ kind: "slow", delayMs: 2000 });
    await assert.rejects(analyze(oa, { timeoutMs: 200 }), APIConnectionTimeoutError);

    oa.faults.add({ kind: "malformed" });
    const bad = await analyze(oa).then(() => null, (e) => e);
    assert.ok(bad instanceof Error, "malformed body is an error");
    assert.ok(classifyOpenAIError(bad).retryable);
    assert.equal(oa.requests.at(-1)!.status, 200);
  });
});

Deno.test("auth: wrong key → AuthenticationError 401 invalid_api_key; missing key → 401", async () => {
  await withStandIn(async (oa) => {
    const err = await analyze(oa, { apiKey: "sk-wrong-key-000000000000" }).then(
      () => null,
      (e) => e,
    );
    assert.ok(err instanceof AuthenticationError);
    assert.equal(err.status, 401);
    assert.equal(err.code, "invalid_api_key");
    assert.match(err.message, /Incorrect API key provided: sk-wr\*+0000/);
    assert.equal(classifyOpenAIError(err).retryable, false);

    const res = await fetch(`${oa.baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "hi" }] }),
    });
    assert.equal(res.status, 401);
    const body = await res.json();
    assert.deepEqual(Object.keys(body.error).sort(), ["code", "message", "param", "type"]);
    assert.match(body.error.message, /You didn't provide an API key/);
    assert.deepEqual(oa.requests.map((r) => r.authorized), [false, false]);

    // Faults do not fire before auth.
    oa.faults.add({ kind: "server_error" });
    await assert.rejects(analyze(oa, { apiKey: "sk-nope-nope-nope" }), AuthenticationError);
    assert.equal(oa.faults.list().length, 1);
  });
});

Deno.test("transcription: verbose_json segments, deterministic placeholder, scripted transcript, model limits", async () => {
  await withStandIn(async (oa) => {
    const audio = client(oa).audio.transcriptions;
    // A 3-second 8 kHz mono 16-bit WAV: duration comes from its header.
    const wav = makeWav(3, 8000);
    assert.equal(wavDuration(wav), 3);
    const verbose = await audio.create({
      file: await toFile(wav, "recording.wav", { type: "audio/wav" }),
      model: "whisper-1",
      response_format: "verbose_json",
      timestamp_granularities: ["segment"],
    });
    assert.equal(verbose.duration, 3);
    assert.equal(verbose.language, "english");
    assert.equal((verbose as unknown as { task: string }).task, "transcribe");
    assert.ok(verbose.segments!.length >= 3);
    let prevEnd = 0;
    for (const [i, s] of verbose.segments!.entries()) {
      assert.deepEqual(
        Object.keys(s).sort(),
        [
          "avg_logprob",
          "compression_ratio",
          "end",
          "id",
          "no_speech_prob",
          "seek",
          "start",
          "temperature",
          "text",
          "tokens",
        ],
      );
      assert.equal(s.id, i);
      assert.ok(s.start >= prevEnd - 1e-9 && s.end > s.start && s.end <= 3);
      assert.ok(Array.isArray(s.tokens) && s.tokens.length > 0);
      prevEnd = s.end;
    }
    assert.equal(verbose.text, verbose.segments!.map((s) => s.text.trim()).join(" "));
    const again = await audio.create({
      file: await toFile(wav, "recording.wav"),
      model: "whisper-1",
      response_format: "verbose_json",
      timestamp_granularities: ["segment"],
    });
    assert.equal(again.text, verbose.text, "same file → same placeholder");

    // Scripted transcript for the next upload (control API), then the placeholder again.
    const text = "Hello, thanks for calling. I want the premium plan. Great, let's do it.";
    const r = await control(oa, "POST", "/audio/transcriptions", { text, duration: 30 });
    assert.equal(r.status, 201);
    const scripted = await audio.create({
      file: await toFile(wav, "recording.wav"),
      model: "whisper-1",
      response_format: "verbose_json",
      timestamp_granularities: ["segment"],
    });
    assert.equal(scripted.text, text);
    assert.equal(scripted.duration, 30);
    assert.deepEqual(scripted.segments!.map((s) => s.text.trim()), [
      "Hello, thanks for calling.",
      "I want the premium plan.",
      "Great, let's do it.",
    ]);
    assert.equal(scripted.segments!.at(-1)!.end, 30);

    oa.scriptTranscription({
      segments: [{ start: 0, end: 2.5, text: "Agent here." }, {
        start: 2.5,
        end: 7,
        text: "Customer here.",
      }],
    });
    const segs = await audio.create({
      file: await toFile(wav, "recording.wav"),
      model: "whisper-1",
      response_format: "verbose_json",
    });
    assert.equal(segs.duration, 7);
    assert.equal(segs.segments![1].start, 2.5);

    // Plain json; the request log holds the multipart fields and file metadata.
    const plain = await audio.create({
      file: await toFile(wav, "recording.wav", { type: "audio/wav" }),
      model: "gpt-4o-transcribe",
    });
    assert.equal(typeof plain.text, "string");
    const last = oa.requests.at(-1)!;
    assert.equal(last.model, "gpt-4o-transcribe");
    assert.deepEqual((last.body as { file: unknown }).file, {
      field: "file",
      name: "recording.wav",
      type: "audio/wav",
      size: wav.length,
    });
    const verboseLog = oa.requests[0].body as { fields: Record<string, unknown> };
    assert.equal(verboseLog.fields.response_format, "verbose_json");
    assert.equal(verboseLog.fields["timestamp_granularities[]"], "segment");

    // Like OpenAI: gpt-4o-transcribe has no verbose_json; unknown file types are refused.
    await assert.rejects(
      audio.create({
        file: await toFile(wav, "recording.wav"),
        model: "gpt-4o-transcribe",
        response_format: "verbose_json",
      }),
      (e) => e instanceof BadRequestError && /not compatible/.test(e.message),
    );
    await assert.rejects(
      audio.create({ file: await toFile(wav, "recording.bin"), model: "whisper-1" }),
      (e) => e instanceof BadRequestError && /Invalid file format/.test(e.message),
    );
  });
});

Deno.test("control API: request log, reset, unknown endpoints; /v1/models; unknown /v1 path → 404", async () => {
  await withStandIn(async (oa) => {
    await analyze(oa);
    const log = await control(oa, "GET", "/requests?path=/v1/chat/completions");
    assert.equal(log.body.requests.length, 1);
    assert.equal(log.body.requests[0].model, MODEL);
    assert.equal(log.body.requests[0].response.object, "chat.completion");
    assert.equal((await control(oa, "POST", "/faults", { kind: "nope" })).status, 400);
    assert.equal((await control(oa, "GET", "/nope")).status, 404);
    await control(oa, "POST", "/faults", { kind: "server_error", count: 3 });
    await control(oa, "POST", "/chat/replies", { content: "x" });
    assert.deepEqual((await control(oa, "POST", "/reset")).body, { ok: true });
    assert.equal(oa.requests.length, 0);
    assert.equal(oa.faults.list().length, 0);
    assert.deepEqual((await control(oa, "GET", "/chat/replies")).body, { replies: [] });

    const models = await client(oa).models.list();
    assert.ok(models.data.some((m) => m.id === "gpt-4o"));
    await assert.rejects(client(oa).models.retrieve("gpt-9"), NotFoundError);
    await assert.rejects(
      client(oa).embeddings.create({ model: "text-embedding-3-small", input: "x" }),
      NotFoundError,
    );
  });
});

Deno.test("plain text and streaming chat completions", async () => {
  await withStandIn(async (oa) => {
    const text = await client(oa).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hello there, buyer." }],
    });
    assert.match(text.choices[0].message.content!, /Hello there, buyer\./);
    const stream = await client(oa).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hello there, buyer." }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = "";
    let usage = null;
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(content, text.choices[0].message.content);
    assert.ok(usage && usage.total_tokens > 0);
  });
});

Deno.test("openaiClient: defaults to api.openai.com, no SDK retries; retries stay configurable", async () => {
  const c = openaiClient({ apiKey: "sk-x" });
  assert.equal(c.baseURL, "https://api.openai.com/v1");
  assert.equal(c.maxRetries, 0);
  assert.throws(() => openaiClient({ apiKey: "" }));
  await withStandIn(async (oa) => {
    oa.faults.add({ kind: "rate_limit", retryAfterSeconds: 0 });
    const retrying = openaiClient({ apiKey: KEY, baseUrl: oa.baseURL, maxRetries: 1 });
    const ok = await retrying.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(ok.object, "chat.completion");
    assert.deepEqual(oa.requests.map((r) => r.status), [429, 200]);
  });
});

function makeWav(seconds: number, rate: number): Uint8Array {
  const dataSize = seconds * rate * 2;
  const buf = new Uint8Array(44 + dataSize);
  const dv = new DataView(buf.buffer);
  const str = (o: number, s: string) => [...s].forEach((ch, i) => (buf[o + i] = ch.charCodeAt(0)));
  str(0, "RIFF");
  dv.setUint32(4, 36 + dataSize, true);
  str(8, "WAVE");
  str(12, "fmt ");
  dv.setUint32(16, 16, true);
  dv.setUint16(20, 1, true);
  dv.setUint16(22, 1, true);
  dv.setUint32(24, rate, true);
  dv.setUint32(28, rate * 2, true);
  dv.setUint16(32, 2, true);
  dv.setUint16(34, 16, true);
  str(36, "data");
  dv.setUint32(40, dataSize, true);
  return buf;
}

Deno.test("openai stand-in: the analyzer's line prefix '[m:ss | t=…]' is not part of a quote", async () => {
  const { extractSentences } = await import("./openai/transcript.ts");
  const [s] = extractSentences("[0:15 | t=15.5] Customer: Yes, let's add the battery backup.");
  assert.equal(s.text, "Yes, let's add the battery backup.");
  assert.equal(s.speaker, "Customer");
  assert.equal(s.time, 15);
});

Deno.test("openai stand-in: with a 'Transcript:' heading, quotes come only from what follows it", async () => {
  const { extractSentences } = await import("./openai/transcript.ts");
  const message = [
    "Currency: upsell is additional revenue beyond the base purchase, in USD.",
    "Call script:",
    "- greet: Greet the customer and introduce yourself.",
    "Transcript:",
    "0s A: Thanks for calling Acme Solar, how can I help?",
    "4s C: I would like a quote for panels on my roof.",
  ].join("\n");
  const sentences = extractSentences(message);
  assert.deepEqual(sentences.map((s) => [s.speaker, s.time, s.text]), [
    ["A", 0, "Thanks for calling Acme Solar, how can I help?"],
    ["C", 4, "I would like a quote for panels on my roof."],
  ]);
});

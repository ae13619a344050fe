// The GPT-4o analyzer against the OpenAI stand-in (real SDK, real wire
// format): Structured Outputs validated by zod, one retry with the
// validation error, provider errors left to the queue.
import assert from "node:assert/strict";
import { APIError } from "openai";
import { startOpenAIStandIn } from "../../../local/sandbox/openai.ts";
import { openaiClient } from "../providers/openai.ts";
import { verifyEvidence } from "./evidence.ts";
import { analyzeWithOpenAI, InvalidModelOutput, PROMPT_VERSION } from "./openai_analyzer.ts";
import { type AnalysisInput, Insight } from "./schema.ts";

const input: AnalysisInput = {
  currency: "USD",
  script: [{ id: "greet", label: "Greet the caller" }, { id: "close", label: "Ask for the sale" }],
  segments: [
    { start: 0, end: 4, speaker: "agent", text: "Thanks for calling Acme Solar, this is Alex, how can I help?" },
    { start: 4, end: 10, speaker: "customer", text: "Hi, I want to add a battery backup to my panels." },
    { start: 10, end: 16, speaker: "agent", text: "The battery is $300 installed. Shall I add it to your order?" },
    { start: 16, end: 19, speaker: "customer", text: "Yes, let's do it. That sounds great." },
  ],
};

async function withStandIn(fn: (s: Awaited<ReturnType<typeof startOpenAIStandIn>>) => Promise<void>) {
  const s = await startOpenAIStandIn({ port: 0, apiKey: "sk-test" });
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

const client = (url: string) => openaiClient({ apiKey: "sk-test", baseUrl: url, timeoutMs: 5000 });

Deno.test("structured output validates against the Insight schema; tokens and prompt version recorded", async () => {
  await withStandIn(async (s) => {
    const r = await analyzeWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o" });
    assert.doesNotThrow(() => Insight.parse(r.insight));
    assert.equal(r.analyzer, "openai");
    assert.equal(r.model, "gpt-4o");
    assert.equal(r.promptVersion, PROMPT_VERSION);
    assert.ok(r.tokensIn > 0 && r.tokensOut > 0);
    const sent = s.requests.find((q) => q.path === "/v1/chat/completions")!;
    const body = sent.body as { model: string; response_format: { type: string; json_schema: { strict: boolean } } };
    assert.equal(body.model, "gpt-4o");
    assert.equal(body.response_format.type, "json_schema");
    assert.equal(body.response_format.json_schema.strict, true);
    // Quotes the stand-in takes from the prompt survive evidence checking.
    const checked = verifyEvidence(r.insight, input.segments, input.script);
    assert.ok(checked.insight.sentiment.evidence.length + checked.insight.key_moments.length > 0);
  });
});

Deno.test("an invalid reply is retried once with the validation error", async () => {
  await withStandIn(async (s) => {
    s.faults.add({ kind: "schema_violation", count: 1 });
    const r = await analyzeWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o" });
    assert.doesNotThrow(() => Insight.parse(r.insight));
    const calls = s.requests.filter((q) => q.path === "/v1/chat/completions");
    assert.equal(calls.length, 2);
    const retry = calls[1].body as { messages: { role: string; content: string }[] };
    assert.match(retry.messages.at(-1)!.content, /not valid for the required schema/);
  });
});

Deno.test("two invalid replies are a permanent InvalidModelOutput", async () => {
  await withStandIn(async (s) => {
    s.faults.add({ kind: "invalid_json", count: 2 });
    await assert.rejects(analyzeWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o" }), InvalidModelOutput);
  });
});

Deno.test("a refusal counts as invalid output", async () => {
  await withStandIn(async (s) => {
    s.faults.add({ kind: "refusal", count: 2 });
    await assert.rejects(analyzeWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o" }), /refused/);
  });
});

Deno.test("429 and 500 are thrown as provider errors for the queue to retry", async () => {
  await withStandIn(async (s) => {
    s.faults.add({ kind: "rate_limit", count: 1 });
    await assert.rejects(analyzeWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o" }), (e: unknown) => e instanceof APIError && e.status === 429);
    s.faults.add({ kind: "server_error", count: 1 });
    await assert.rejects(analyzeWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o" }), (e: unknown) => e instanceof APIError && e.status === 500);
  });
});

// The GPT-4o analyzer against the OpenAI stand-in (real SDK, real wire
// format): Structured Outputs validated by zod, one retry with the
// validation error, escalation to the larger model once, the static prompt
// first, provider errors left to the queue.
import assert from "node:assert/strict";
import { APIError } from "openai";
import { startOpenAIStandIn } from "../../../local/sandbox/openai.ts";
import { openaiClient } from "../providers/openai.ts";
import { verifyEvidence } from "./evidence.ts";
import { analyzeWithOpenAI, InvalidModelOutput, PROMPT_VERSION, systemPrompt } from "./openai_analyzer.ts";
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

type Sent = { model: string; messages: { role: string; content: string }[] };
const chats = (s: Awaited<ReturnType<typeof startOpenAIStandIn>>) =>
  s.requests.filter((q) => q.path === "/v1/chat/completions").map((q) => q.body as Sent);

Deno.test("the mini model's output invalid after its retry: the larger model is asked once, and the result says so", async () => {
  await withStandIn(async (s) => {
    s.faults.add({ kind: "invalid_json", count: 2 });
    const r = await analyzeWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o-mini", escalation: "gpt-4o" });
    assert.doesNotThrow(() => Insight.parse(r.insight));
    assert.deepEqual(chats(s).map((b) => b.model), ["gpt-4o-mini", "gpt-4o-mini", "gpt-4o"]);
    assert.equal(r.model, "gpt-4o");
    assert.match(r.escalation!, /^escalated: gpt-4o-mini output failed validation \(invalid model output twice: .+\); gpt-4o instead$/);
    // The escalation starts afresh (no failed replies in its prompt), and every request's tokens count.
    assert.equal(chats(s)[2].messages.length, 2);
    const single = await analyzeWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o-mini", escalation: "gpt-4o" });
    assert.equal(single.escalation, null);
    assert.equal(single.model, "gpt-4o-mini");
    assert.ok(r.tokensIn > 2 * single.tokensIn, `${r.tokensIn} vs ${single.tokensIn}`);
  });
});

Deno.test("an invalid reply from the larger model too is a permanent InvalidModelOutput after one escalation request", async () => {
  await withStandIn(async (s) => {
    s.faults.add({ kind: "schema_violation", count: 3 });
    await assert.rejects(
      analyzeWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o-mini", escalation: "gpt-4o" }),
      (e: unknown) => e instanceof InvalidModelOutput && /^invalid model output twice from gpt-4o-mini, then from gpt-4o: /.test(e.message),
    );
    assert.deepEqual(chats(s).map((b) => b.model), ["gpt-4o-mini", "gpt-4o-mini", "gpt-4o"]);
  });
});

Deno.test("no escalation without a larger model, or when the model is the larger one already", async () => {
  await withStandIn(async (s) => {
    s.faults.add({ kind: "invalid_json", count: 4 });
    await assert.rejects(analyzeWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o-mini" }), InvalidModelOutput);
    await assert.rejects(analyzeWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o", escalation: "gpt-4o" }), InvalidModelOutput);
    assert.equal(chats(s).length, 4);
  });
});

Deno.test("static instructions first (the same for every call), the call's script and compacted transcript last", async () => {
  await withStandIn(async (s) => {
    const other = { ...input, currency: "EUR", script: [{ id: "x", label: "Other script" }], segments: input.segments.slice(0, 2) };
    await analyzeWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o-mini" });
    await analyzeWithOpenAI(other, { client: client(s.baseURL), model: "gpt-4o-mini" });
    const [a, b] = chats(s);
    assert.equal(a.messages[0].role, "system");
    assert.equal(a.messages[0].content, systemPrompt());
    assert.equal(b.messages[0].content, a.messages[0].content, "the cacheable prefix does not change between calls");
    assert.doesNotMatch(a.messages[0].content, /Acme|USD|greet/);
    const user = a.messages[1].content;
    assert.ok(user.indexOf("Call script:") < user.indexOf("Transcript:"));
    assert.match(user, /Transcript:\n0s A: Thanks for calling Acme Solar, this is Alex, how can I help\?\n4s C: Hi, I want/);
    assert.ok(user.endsWith("Yes, let's do it. That sounds great."));
  });
});

Deno.test("the stand-in reports the cached prompt prefix (1,024 tokens and up, 128-token steps) per model", async () => {
  await withStandIn(async (s) => {
    const long = {
      ...input,
      segments: Array.from({ length: 80 }, (_, i) => ({
        start: i * 5, end: i * 5 + 5, speaker: i % 2 ? "customer" as const : "agent" as const,
        text: `Sentence number ${i} about the battery backup and the solar panels on the roof.`,
      })),
    };
    const first = await analyzeWithOpenAI(long, { client: client(s.baseURL), model: "gpt-4o-mini" });
    assert.equal(first.tokensCached, 0, "nothing cached before the first request");
    const again = await analyzeWithOpenAI(long, { client: client(s.baseURL), model: "gpt-4o-mini" });
    assert.ok(again.tokensCached >= 1024 && again.tokensCached <= again.tokensIn && again.tokensCached % 128 === 0, String(again.tokensCached));
    const otherModel = await analyzeWithOpenAI(long, { client: client(s.baseURL), model: "gpt-4o" });
    assert.equal(otherModel.tokensCached, 0, "the cache is per model");
    const short = await analyzeWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o-mini" });
    await analyzeWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o-mini" }).then((r) => assert.equal(r.tokensCached, 0, "below 1,024 tokens no caching"));
    assert.equal(short.tokensCached, 0);
  });
});

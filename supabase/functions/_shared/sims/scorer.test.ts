// The SIM scorer: Structured Outputs against the OpenAI stand-in (one
// required answer per scorecard item), the evidence check of call analysis,
// retries on invalid output, provider faults surfacing as errors (nothing
// half-written), and the offline scorer.
import assert from "node:assert/strict";
import { APIError } from "openai";
import { openaiClient } from "../providers/openai.ts";
import { InvalidModelOutput, SCORER_ATTEMPTS, scoreOffline, scoreSchema, scoreWithOpenAI, verifySimEvidence } from "./scorer.ts";
import { items, template, turns, withStandIn } from "./testdata.ts";

const input = { template, items, turns };

const client = (url: string, maxRetries = 0) => openaiClient({ apiKey: "sk-test", baseUrl: url, timeoutMs: 5000, maxRetries });
const chatCalls = (s: { requests: { path: string }[] }) => s.requests.filter((q) => q.path === "/v1/chat/completions").length;

Deno.test("OpenAI scorer: every item answered, quotes verified against the session, strict schema", async () => {
  await withStandIn(async (s) => {
    const r = await scoreWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o" });
    assert.equal(r.scorer, "openai");
    assert.deepEqual(r.items.map((i) => i.item_id), items.map((i) => i.item_id));
    for (const i of r.items) {
      if (i.answer === "no") continue;
      assert.ok(turns.some((t) => t.content.includes(i.evidence_quote!)), `quote from the session: ${i.evidence_quote}`);
      assert.ok(turns.some((t) => t.at_seconds === i.evidence_time), "time of the line");
    }
    assert.ok(r.tokensIn > 0 && r.tokensOut > 0);
    const body = s.requests.find((q) => q.path === "/v1/chat/completions")!.body as {
      response_format: { json_schema: { strict: boolean; schema: { properties: { answers: { required: string[] } } } } };
      messages: { content: string }[];
    };
    assert.equal(body.response_format.json_schema.strict, true);
    assert.deepEqual(body.response_format.json_schema.schema.properties.answers.required, items.map((i) => i.key));
    assert.match(body.messages[1].content, /t=25\.0\] Agent: I understand, that is fair/);
  });
});

Deno.test("evidence check: a quote that is not in the session turns the answer into no", async () => {
  await withStandIn(async (s) => {
    s.scriptReply({
      content: {
        answers: {
          introduce: { answer: "yes", evidence: { quote: "this is Alex from SalesPulse", time: 2 }, reason: "r" },
          budget: { answer: "yes", evidence: { quote: "What is your budget for this?", time: 9 }, reason: "invented" },
          objection: { answer: "partial", evidence: { quote: "I understand, that is fair", time: 25 }, reason: "r" },
          next_step: { answer: "yes", evidence: null, reason: "no evidence" },
        },
        tips: ["Ask about the budget."],
      },
    });
    const r = await scoreWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o" });
    assert.deepEqual(r.items.map((i) => i.answer), ["yes", "no", "partial", "no"]);
    assert.equal(r.items[0].evidence_time, 2);
    assert.equal(r.droppedClaims, 2);
    assert.deepEqual(r.tips, ["Ask about the budget."]);
  });
});

Deno.test("invalid JSON and schema violations are retried with the error; too many is a clear failure", async () => {
  await withStandIn(async (s) => {
    s.faults.add({ kind: "invalid_json", count: 1 });
    s.faults.add({ kind: "schema_violation", count: 1 });
    const r = await scoreWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o" });
    assert.equal(r.items.length, items.length);
    assert.equal(chatCalls(s), 3);
    s.reset();
    s.faults.add({ kind: "invalid_json", count: SCORER_ATTEMPTS });
    await assert.rejects(scoreWithOpenAI(input, { client: client(s.baseURL), model: "gpt-4o" }), InvalidModelOutput);
    assert.equal(chatCalls(s), SCORER_ATTEMPTS);
  });
});

Deno.test("429 and 500 are retried by the SDK; a lasting 500 is thrown, with no partial result", async () => {
  await withStandIn(async (s) => {
    s.faults.add({ kind: "rate_limit", count: 1, retryAfterSeconds: 0 });
    s.faults.add({ kind: "server_error", count: 1 });
    const r = await scoreWithOpenAI(input, { client: client(s.baseURL, 2), model: "gpt-4o" });
    assert.equal(r.items.length, items.length);
    s.reset();
    s.faults.add({ kind: "server_error", count: null });
    await assert.rejects(scoreWithOpenAI(input, { client: client(s.baseURL, 2), model: "gpt-4o" }), (e: unknown) => e instanceof APIError && e.status === 500);
    assert.equal(chatCalls(s), 3);
  });
});

Deno.test("offline scorer: finds the rep's lines for each item, misses what was not done, tips for misses", () => {
  const r = scoreOffline(input);
  assert.equal(r.scorer, "offline");
  const by = Object.fromEntries(items.map((it, i) => [it.key, r.items[i]]));
  assert.equal(by.introduce.answer, "yes");
  assert.equal(by.introduce.evidence_quote, turns[0].content);
  assert.equal(by.introduce.evidence_time, 2);
  assert.equal(by.objection.answer, "yes");
  assert.equal(by.objection.evidence_time, 25);
  assert.equal(by.next_step.answer, "yes");
  assert.equal(by.next_step.evidence_time, 41);
  assert.equal(by.budget.answer, "no", "nobody asked about the budget");
  assert.equal(by.budget.evidence_quote, null);
  assert.match(r.tips[0], /budget/);
  // Buyer lines are not the rep's doing.
  const onlyBuyer = scoreOffline({ template, items, turns: turns.filter((t) => t.role === "buyer") });
  assert.ok(onlyBuyer.items.every((i) => i.answer === "no"));
});

Deno.test("the schema allows partial only where the item does", () => {
  const schema = scoreSchema(items);
  const ok = { answers: Object.fromEntries(items.map((i) => [i.key, { answer: "no", evidence: null, reason: "" }])), tips: [] };
  assert.doesNotThrow(() => schema.parse(ok));
  assert.throws(() => schema.parse({ ...ok, answers: { ...ok.answers, budget: { answer: "partial", evidence: null, reason: "" } } }));
  assert.throws(() => schema.parse({ ...ok, answers: { introduce: ok.answers.introduce } }), "every item is required");
  const v = verifySimEvidence(new Map([["introduce", { answer: "yes", quote: "Hi Sam", time: 99 }]]), input);
  assert.equal(v.items[0].evidence_time, 2, "time taken from the line the quote is in");
});

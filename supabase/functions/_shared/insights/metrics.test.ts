import assert from "node:assert/strict";
import { conversationMetrics } from "./metrics.ts";
import type { Segment } from "./schema.ts";

const seg = (speaker: Segment["speaker"], start: number, end: number, text: string): Segment => ({ speaker, start, end, text });

Deno.test("metrics: talk ratio, wpm, questions, silence", () => {
  const m = conversationMetrics([
    seg("agent", 0, 6, "Hi, thanks for calling. How can I help? Is this about your bill?"),
    seg("customer", 6.5, 8.5, "Yes, the bill."),
    seg("agent", 12, 18, "I can see a one time charge of forty nine dollars on it."),
  ]);
  assert.equal(m.talk_ratio, 0.8571); // 12 of 14 seconds
  assert.equal(m.agent_questions, 2);
  assert.equal(m.silence_seconds, 3.5); // 8.5 → 12; the 0.5 s gap is not silence
  assert.equal(m.speakers.customer.words, 3);
  assert.equal(m.customer_wpm, 90);
  assert.equal(m.interruptions, 0);
  assert.equal(m.duration_seconds, 18);
});

Deno.test("metrics: the longest monologue joins one speaker's turns with short pauses", () => {
  const m = conversationMetrics([
    seg("agent", 0, 10, "One."),
    seg("agent", 10.5, 30, "Two."),
    seg("customer", 31, 33, "Okay."),
    seg("agent", 34, 50, "Three."),
  ]);
  assert.equal(m.longest_monologue_seconds, 30);
  assert.equal(m.longest_monologue_speaker, "agent");
  assert.equal(m.longest_monologue_start, 0);
});

Deno.test("metrics: interruptions are turns that start while the other speaker still talks", () => {
  const m = conversationMetrics([
    seg("agent", 0, 10, "Let me explain the plan in detail"),
    seg("customer", 8, 12, "Sorry, but"),
    seg("agent", 11.9, 15, "Sure."),
    seg("customer", 16, 17, "Fine."),
  ]);
  assert.deepEqual(m.interruptions_by, { agent: 0, customer: 1 }); // 11.9 vs 12 is within the overlap allowance
  assert.equal(m.interruptions, 1);
});

Deno.test("metrics: an empty transcript", () => {
  const m = conversationMetrics([]);
  assert.equal(m.talk_ratio, null);
  assert.equal(m.agent_wpm, null);
  assert.equal(m.longest_monologue_speaker, null);
});

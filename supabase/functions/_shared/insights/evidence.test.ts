import assert from "node:assert/strict";
import { verifyEvidence } from "./evidence.ts";
import { Insight, type ScriptItem, type Segment } from "./schema.ts";
import { quote as ev } from "./testdata/calls.ts";

const segments: Segment[] = [
  { start: 0, end: 4, speaker: "agent", text: "Thanks for calling Acme, this is Alex." },
  { start: 4, end: 9, speaker: "customer", text: "Hi! I'd love to add the battery backup." },
  { start: 9, end: 14, speaker: "agent", text: "Great, the battery is $300 and I'll send the paperwork today." },
  { start: 14, end: 18, speaker: "customer", text: "Perfect, let's do it." },
];
const script: ScriptItem[] = [{ id: "greet", label: "Greet" }, { id: "close", label: "Ask for the sale" }];

const base: Insight = Insight.parse({
  summary: "Customer bought a battery.",
  sentiment: { score: 0.8, label: "positive", evidence: [ev("I'd love to add the battery backup", 4), ev("I am thrilled", 20)] },
  converted: { value: true, evidence: ev("let's do it", 99, "agent") },
  upsell: {
    amount: 650,
    currency: "USD",
    items: [
      { name: "Battery", amount: 300, evidence: ev("the battery is $300", 9, "agent") },
      { name: "Warranty", amount: 350, evidence: ev("and the extended warranty for $350", 12, "agent") },
    ],
  },
  script_adherence: {
    score: 100,
    checklist: [
      { item_id: "greet", done: true, evidence: ev("Thanks for calling Acme", 0, "agent") },
      { item_id: "close", done: true, evidence: ev("Would you like to buy?", 10, "agent") },
    ],
  },
  objections: [{ objection: "price", handled: true, evidence: ev("That's too expensive", 5) }],
  next_steps: [{ step: "Send paperwork", owner: "agent", evidence: ev("I'll send the paperwork today", 9, "agent") }],
  key_moments: [{ label: "Close", evidence: ev("Perfect, let's do it.", 14) }],
});

Deno.test("quotes found in the transcript are kept, with the sentence's real time and speaker", () => {
  const { insight } = verifyEvidence(base, segments, script);
  assert.deepEqual(insight.converted, { value: true, evidence: { quote: "let's do it", time: 14, speaker: "customer" } });
  assert.equal(insight.next_steps.length, 1);
  assert.equal(insight.key_moments[0].evidence.time, 14);
});

Deno.test("quotes that are not in the transcript are dropped and totals recomputed", () => {
  const { insight, dropped } = verifyEvidence(base, segments, script);
  assert.equal(insight.sentiment.evidence.length, 1, "the invented sentiment quote is gone");
  assert.deepEqual(insight.upsell.items.map((i) => i.name), ["Battery"]);
  assert.equal(insight.upsell.amount, 300, "the upsell total is the sum of supported items");
  assert.equal(insight.objections.length, 0);
  assert.deepEqual(insight.script_adherence.checklist.map((c) => c.done), [true, false]);
  assert.equal(insight.script_adherence.score, 50);
  assert.equal(dropped, 4);
});

Deno.test("a conversion claim without evidence is not made", () => {
  const claim = { ...base, converted: { value: true, evidence: ev("I will buy it all", 3) } };
  assert.deepEqual(verifyEvidence(claim, segments, script).insight.converted, { value: false, evidence: null });
});

Deno.test("matching ignores case, punctuation and curly quotes", () => {
  const claim = { ...base, converted: { value: true, evidence: ev("PERFECT  let\u2019s do it", 0) } };
  assert.equal(verifyEvidence(claim, segments, script).insight.converted.value, true);
});

Deno.test("the checklist follows the script: missing items count as not done", () => {
  const claim = { ...base, script_adherence: { score: 100, checklist: [] } };
  const { insight } = verifyEvidence(claim, segments, script);
  assert.deepEqual(insight.script_adherence, {
    score: 0,
    checklist: [{ item_id: "greet", done: false, evidence: null }, { item_id: "close", done: false, evidence: null }],
  });
});

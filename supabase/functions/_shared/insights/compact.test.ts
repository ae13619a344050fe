// Transcript compaction: fewer prompt tokens, and every quote stored is still
// the transcript's own words (the evidence check runs on the original).
import assert from "node:assert/strict";
import { compactText, compactTranscript, originalQuote, restoreQuotes } from "./compact.ts";
import { verifyEvidence } from "./evidence.ts";
import { transcriptForPrompt } from "./openai_analyzer.ts";
import type { Insight, Segment } from "./schema.ts";
import { quote as ev } from "./testdata/calls.ts";

const segments: Segment[] = [
  { start: 0, end: 3, speaker: "agent", text: "Thanks for calling Acme Solar, this is Alex." },
  { start: 3, end: 6, speaker: "agent", text: "How can I help you today?" },
  { start: 6, end: 12, speaker: "customer", text: "Um, so, uh, I want to, you know, add a battery backup." },
  { start: 12, end: 15, speaker: "customer", text: "Do you know the price?" },
  { start: 15, end: 20, speaker: "agent", text: "Sure, the battery is, um, $300 installed." },
];

Deno.test("fillers go, meaning stays: whole-word um/uh, comma-delimited 'you know'; 'do you know' kept", () => {
  assert.equal(compactText("Um, so, uh, I want to, you know, add a battery backup.").text, "so I want to, add a battery backup.");
  assert.equal(compactText("Do you know the price?").text, "Do you know the price?");
  assert.equal(compactText("Sure, the battery is, um, $300 installed.").text, "Sure, the battery is $300 installed.");
  assert.equal(compactText("Hummus and umbrellas, uhm, please").text, "Hummus and umbrellas please");
  assert.equal(compactText("um").text, "");
});

Deno.test("one line per turn with short speaker labels and one start time, smaller than the per-sentence format", () => {
  const compact = compactTranscript(segments);
  assert.deepEqual(compact.split("\n"), [
    "0s A: Thanks for calling Acme Solar, this is Alex. How can I help you today?",
    "6s C: so I want to, add a battery backup. Do you know the price?",
    "15s A: Sure, the battery is $300 installed.",
  ]);
  const full = transcriptForPrompt({ segments, script: [], currency: "USD" });
  assert.ok(compact.length < 0.75 * full.length, `${compact.length} vs ${full.length} characters`);
});

Deno.test("a quote copied from a compacted line is mapped back to the transcript's own words", () => {
  assert.equal(originalQuote("the battery is $300 installed", segments), "the battery is, um, $300 installed");
  assert.equal(originalQuote("I want to, add a battery backup", segments), "I want to, you know, add a battery backup");
  assert.equal(originalQuote("How can I help you today?", segments), null, "verbatim already");
  assert.equal(originalQuote("a battery for free", segments), null, "not said at all");
});


Deno.test("after restoring, every surviving quote is verbatim in the original transcript; made-up and cross-sentence quotes are dropped", () => {
  const insight: Insight = {
    summary: "A customer adds a battery.",
    sentiment: { score: 0.5, label: "positive", evidence: [ev("I want to, add a battery backup", 6, "customer")] },
    converted: { value: true, evidence: ev("the battery is $300 installed", 15, "agent") },
    upsell: { amount: 300, currency: "USD", items: [{ name: "battery", amount: 300, evidence: ev("battery backup. Do you know the price", 6, "customer") }] },
    script_adherence: { score: 100, checklist: [{ item_id: "greet", done: true, evidence: ev("Thanks for calling Acme Solar", 0, "agent") }] },
    objections: [{ objection: "price", handled: true, evidence: ev("the price is too high", 12, "customer") }],
    next_steps: [],
    key_moments: [],
  } as unknown as Insight;
  const restored = restoreQuotes(insight, segments);
  const checked = verifyEvidence(restored, segments, [{ id: "greet", label: "Greet" }]);
  assert.equal(checked.dropped, 2, "the cross-sentence quote and the made-up one");
  const quotes = [
    ...checked.insight.sentiment.evidence,
    checked.insight.converted.evidence!,
    ...checked.insight.script_adherence.checklist.map((c) => c.evidence!),
  ].map((e) => e.quote);
  assert.deepEqual(quotes, ["I want to, you know, add a battery backup", "the battery is, um, $300 installed", "Thanks for calling Acme Solar"]);
  for (const q of quotes) assert.ok(segments.some((s) => s.text.includes(q)), `verbatim: ${q}`);
  assert.equal(checked.insight.converted.value, true);
  assert.equal(checked.insight.upsell.items.length, 0);
});

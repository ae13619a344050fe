import assert from "node:assert/strict";
import { analyzeCallSentiment, scoreTurn } from "./sentiment.ts";
import type { Segment } from "./schema.ts";

Deno.test("sentiment: mockery and hostile opt-outs are negative", () => {
  assert.ok(scoreTurn("Oh dear, oh dear, oh dear!").score < 0);
  assert.deepEqual(scoreTurn("Oh dear, oh dear, oh dear!").cues, ["sarcasm"]);
  const optOut = scoreTurn("Remove me from your list and don't call again.");
  assert.ok(optOut.score <= -0.6);
  assert.ok(optOut.cues.includes("opt-out"));
  assert.ok(scoreTurn("Oh great, another fee. Yeah, right.").score < 0);
});

Deno.test("sentiment: task words are not the customer's mood", () => {
  for (const t of ["I lost my credit card.", "I had a car accident this morning.", "There is some damage to the bumper."]) {
    assert.equal(scoreTurn(t).score, 0, t);
  }
  assert.ok(scoreTurn("I'm furious about the damage.").score < -0.3, "mood words about the task still count");
});

Deno.test("sentiment: negation, complaints and bare politeness", () => {
  assert.ok(scoreTurn("I'm not happy at all with this.").score < 0);
  assert.ok(scoreTurn("This is the third time I've called about this.").cues.includes("complaint"));
  assert.ok(scoreTurn("I want to speak to a manager.").score <= -0.5);
  assert.deepEqual(scoreTurn("Okay. Thank you, bye.").cues, ["politeness"]);
  assert.equal(scoreTurn("Yes.").score, 0);
});

Deno.test("sentiment: per speaker and turn, trajectory and end state", () => {
  const segs: Segment[] = [
    ["customer", "This is ridiculous, my internet has been down for three days."],
    ["agent", "I'm so sorry. I've booked a technician for tomorrow morning."],
    ["customer", "Okay, that's better."],
    ["agent", "You'll get a text when they're on the way."],
    ["customer", "Great, thank you so much, that's really helpful!"],
  ].map(([speaker, text], i) => ({ speaker: speaker as Segment["speaker"], text, start: i * 5, end: i * 5 + 4 }));
  const s = analyzeCallSentiment(segs);
  assert.equal(s.turns.length, 5);
  assert.equal(s.turns[0].label, "negative");
  assert.equal(s.turns[4].label, "positive");
  assert.equal(s.by_speaker.customer.turns, 3);
  assert.equal(s.customer.trajectory.trend, "improving");
  assert.equal(s.customer.trajectory.end_state, "positive");
});

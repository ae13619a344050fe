import assert from "node:assert/strict";
import { z } from "zod";
import { analyzeOffline, OFFLINE_MODEL, OFFLINE_PROMPT_VERSION } from "./offline.ts";
import { type Evidence, Insight, ScriptItem, type Segment, type Speaker } from "./schema.ts";

const DEMO = new URL("../../../local/demo/", import.meta.url);

// --- helpers ----------------------------------------------------------------------------------

/** A transcript from `[speaker, text]` turns, 6 s apart. */
function transcript(turns: Array<["agent" | "customer", string]>): Segment[] {
  return turns.map(([speaker, text], k) => ({ start: k * 6, end: k * 6 + 5, speaker, text }));
}

/** Every Evidence object anywhere in the insight. */
function allEvidence(value: unknown, out: Evidence[] = []): Evidence[] {
  if (Array.isArray(value)) value.forEach((v) => allEvidence(v, out));
  else if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (
      typeof o.quote === "string" && typeof o.time === "number" && typeof o.speaker === "string"
    ) {
      out.push(o as unknown as Evidence);
    } else Object.values(o).forEach((v) => allEvidence(v, out));
  }
  return out;
}

/** Each quote is a non-empty substring of a segment with that start time and speaker. */
function assertEvidenceInTranscript(insight: Insight, segments: Segment[]): number {
  const evidence = allEvidence(insight);
  for (const e of evidence) {
    assert.ok(e.quote.trim().length > 0, "empty quote");
    const source = segments.find((s) =>
      s.start === e.time && s.speaker === e.speaker && s.text.includes(e.quote)
    );
    assert.ok(source, `quote not found at ${e.time}s (${e.speaker}): ${JSON.stringify(e.quote)}`);
  }
  return evidence.length;
}

function analyze(segments: Segment[], script: ScriptItem[] = [], currency = "USD") {
  const result = analyzeOffline({ segments, script, currency });
  Insight.parse(result.insight);
  assertEvidenceInTranscript(result.insight, segments);
  return result;
}

const SCRIPT: ScriptItem[] = z.array(ScriptItem).parse(
  JSON.parse(Deno.readTextFileSync(new URL("call_script.json", DEMO))).items,
);

// --- small hand-made transcripts --------------------------------------------------------------

const UPSELL_CALL = transcript([
  ["agent", "Thanks for calling Acme, this is Sam. How can I help?"],
  ["customer", "Hi, I want to find out about solar panels for my house."],
  ["agent", "Happy to help. What does your monthly electric bill usually run?"],
  ["customer", "About $220 in the summer."],
  ["agent", "And do you own the home?"],
  ["customer", "Yes, we do."],
  [
    "agent",
    "I'd recommend our 6 kilowatt system. The price is $18,000, and you'd save about $150 a month.",
  ],
  ["customer", "That sounds great."],
  ["agent", "We can also add a battery backup for an extra $49 a month."],
  ["customer", "What does the battery cover?"],
  ["agent", "It keeps your fridge and lights on during an outage."],
  ["customer", "Yes, add that."],
  [
    "agent",
    "And a critter guard to keep squirrels out from under the panels is an additional $300.",
  ],
  ["customer", "Sure, let's add the critter guard too."],
  ["agent", "So your total comes to $18,300 plus the battery at $49 a month."],
  ["agent", "Would you like to go ahead today?"],
  ["customer", "Yes, let's do it. I'm really happy with this."],
  [
    "agent",
    "Wonderful. You'll get an email today with the agreement, and our survey team will call you on Tuesday.",
  ],
  ["customer", "Perfect, thank you so much!"],
]);

Deno.test("converted call with an upsell of $49/month + $300", () => {
  const r = analyze(UPSELL_CALL, SCRIPT);
  const i = r.insight;
  assert.equal(i.converted.value, true);
  assert.equal(i.converted.evidence?.quote, "Yes, let's do it.");
  assert.equal(i.converted.evidence?.speaker, "customer");
  assert.equal(i.upsell.amount, 349);
  assert.equal(i.upsell.currency, "USD");
  assert.deepEqual(i.upsell.items.map((x) => x.amount), [49, 300]);
  assert.match(i.upsell.items[0].name, /battery backup/);
  assert.match(i.upsell.items[1].name, /critter guard/);
  assert.equal(i.upsell.items[0].evidence.quote, "Yes, add that.");
  assert.equal(i.upsell.items[1].evidence.quote, "Sure, let's add the critter guard too.");
  assert.equal(i.sentiment.label, "positive");
  assert.ok(i.sentiment.score > 0.3, `score ${i.sentiment.score}`);
  assert.ok(i.sentiment.evidence.length > 0);
  assert.ok(i.next_steps.some((s) => /survey team will call you on Tuesday/.test(s.step)));
  assert.ok(i.key_moments.some((m) => /add-on/i.test(m.label)));
  assert.match(i.summary, /agreed to buy/);
  assert.match(i.summary, /\$349/);
  // Metadata of an offline result.
  assert.equal(r.analyzer, "offline");
  assert.equal(r.model, OFFLINE_MODEL);
  assert.equal(r.promptVersion, OFFLINE_PROMPT_VERSION);
  assert.equal(r.tokensIn, 0);
  assert.equal(r.tokensOut, 0);
  assert.equal(r.droppedClaims, 0);
  assert.ok(r.latencyMs >= 0);
});

Deno.test("refusal: not converted, negative sentiment, the refusal as evidence", () => {
  const segments = transcript([
    ["agent", "Good morning, Acme Inc, this is Jamie speaking."],
    ["customer", "Hi. Your salesman quoted me $31,000 for panels and honestly that's ridiculous."],
    ["agent", "I understand. Can I ask what you were expecting?"],
    ["customer", "Something reasonable. This is way too expensive and I'm really disappointed."],
    ["agent", "I could look at a smaller system that comes in around $24,000."],
    [
      "customer",
      "No. I'm not interested, and I'm frustrated that nobody told me the price upfront.",
    ],
    ["agent", "I'm sorry to hear that. Can I send you a comparison anyway?"],
    ["customer", "No thanks. Please don't call me again."],
  ]);
  const i = analyze(segments, SCRIPT).insight;
  assert.equal(i.converted.value, false);
  assert.ok(i.converted.evidence);
  assert.equal(i.converted.evidence.speaker, "customer");
  assert.match(i.converted.evidence.quote, /not interested|No thanks/);
  assert.equal(i.sentiment.label, "negative");
  assert.ok(i.sentiment.score < -0.3, `score ${i.sentiment.score}`);
  assert.ok(i.sentiment.evidence.every((e) => e.speaker === "customer"));
  assert.equal(i.upsell.amount, 0);
  assert.deepEqual(i.upsell.items, []);
  const price = i.objections.find((o) => /price/i.test(o.objection));
  assert.ok(price, "price objection");
  assert.equal(price.handled, false, "the customer repeats the price objection");
  assert.match(i.summary, /did not commit/);
});

Deno.test("declining an add-on does not undo the sale; a later refusal does", () => {
  const declined = analyze(transcript([
    ["agent", "So that's the 6 kilowatt system. Shall I go ahead and place the order?"],
    ["customer", "Yes, please go ahead and place the order."],
    ["agent", "We also have a monitoring plan for an extra $12 a month."],
    ["customer", "No thanks, I'll pass on that."],
    ["agent", "No problem. I've submitted your order."],
  ])).insight;
  assert.equal(declined.converted.value, true);
  assert.equal(declined.converted.evidence?.quote, "Yes, please go ahead and place the order.");
  assert.equal(declined.upsell.amount, 0);

  const changedMind = analyze(transcript([
    ["agent", "Would you like to go ahead today?"],
    ["customer", "Yes, let's do it."],
    ["agent", "Great, I just need a card for the deposit."],
    ["customer", "Actually, I'll think about it and call you back."],
  ])).insight;
  assert.equal(changedMind.converted.value, false);
  assert.equal(
    changedMind.converted.evidence?.quote,
    "Actually, I'll think about it and call you back.",
  );
});

Deno.test("amounts: words, pounds, totals and savings are told apart", () => {
  const gbp = analyze(
    transcript([
      ["agent", "The installation comes to £6,200, which saves you about £90 a month."],
      ["agent", "We can also add an extended warranty for an extra £300."],
      ["customer", "Yes, add the warranty."],
      ["agent", "And there's a bird guard for another 150 pounds."],
      ["customer", "No, I'll skip that."],
    ]),
    [],
    "GBP",
  ).insight;
  assert.equal(gbp.upsell.currency, "GBP");
  assert.equal(gbp.upsell.amount, 300);
  assert.deepEqual(gbp.upsell.items.map((x) => x.name), ["extended warranty"]);

  const words = analyze(transcript([
    ["agent", "The EV charger installation is 1200 dollars, with the permit included."],
    ["customer", "Okay, yeah, let's do the charger."],
    ["agent", "So in total that's 1200 dollars."],
    ["customer", "Sounds good."],
  ])).insight;
  assert.equal(words.upsell.amount, 1200, "a recap of the same amount is not counted twice");
  assert.equal(words.converted.value, true);

  const none = analyze(transcript([
    [
      "agent",
      "You'd save $120 a month, and the system price is $21,000 before the $6,300 tax credit.",
    ],
    ["customer", "That sounds great, let's do it."],
  ])).insight;
  assert.equal(none.converted.value, true);
  assert.equal(none.upsell.amount, 0, "savings, the main price and credits are not upsells");
});

Deno.test("script adherence: checklist matching against the agent's sentences", () => {
  const script: ScriptItem[] = [
    { id: "greeting", label: "Greet the caller", description: "Thank them and give your name" },
    { id: "needs", label: "Identify needs", description: "Ask discovery questions" },
    { id: "close", label: "Ask for the sale" },
    {
      id: "warranty",
      label: "Mention the 25-year warranty",
      description: "Panels and workmanship",
    },
  ];
  const segments = transcript([
    ["agent", "Thank you for calling Acme Inc, my name is Alex."],
    ["customer", "Hi, I'm calling about the panels. Is there a warranty?"],
    // The customer saying a checklist phrase does not count for the agent.
    ["customer", "Would you like to go ahead? That's what your ad said."],
    ["agent", "Yes, every system comes with our 25-year warranty on panels and workmanship."],
    ["customer", "Okay, thanks, bye."],
  ]);
  const i = analyze(segments, script).insight;
  const byId = Object.fromEntries(i.script_adherence.checklist.map((c) => [c.item_id, c]));
  assert.deepEqual(i.script_adherence.checklist.map((c) => c.item_id), script.map((s) => s.id));
  assert.equal(byId.greeting.done, true);
  assert.equal(byId.greeting.evidence?.quote, "Thank you for calling Acme Inc, my name is Alex.");
  assert.equal(byId.needs.done, false);
  assert.equal(byId.needs.evidence, null);
  assert.equal(byId.close.done, false);
  assert.equal(byId.warranty.done, true);
  assert.equal(byId.warranty.evidence?.speaker, "agent");
  assert.match(byId.warranty.evidence?.quote ?? "", /25-year warranty/);
  assert.equal(i.script_adherence.score, 50);

  assert.equal(analyze(segments, []).insight.script_adherence.score, 0, "no script, no score");
});

Deno.test("evidence quotes are exact substrings; multi-sentence segments are split", () => {
  const segments: Segment[] = [
    {
      start: 0,
      end: 9.5,
      speaker: "agent",
      text:
        "Hi, this is Dr. Lee from Acme.  The 7.2 kW system is $21,600.  Would you like to go ahead?",
    },
    { start: 10.25, end: 14, speaker: "customer", text: "  Hmm. Yes, let's do it!  " },
  ];
  const i = analyze(segments).insight;
  assert.equal(i.converted.evidence?.quote, "Yes, let's do it!");
  assert.equal(i.converted.evidence?.time, 10.25);
  assert.ok(assertEvidenceInTranscript(i, segments) > 0);
});

Deno.test("an empty transcript gives a valid, neutral insight", () => {
  const i = analyze([], SCRIPT).insight;
  assert.equal(i.sentiment.label, "neutral");
  assert.equal(i.sentiment.score, 0);
  assert.equal(i.converted.value, false);
  assert.equal(i.converted.evidence, null);
  assert.equal(i.upsell.amount, 0);
  assert.equal(i.script_adherence.score, 0);
  assert.equal(i.script_adherence.checklist.length, SCRIPT.length);
  assert.ok(i.summary.length > 0);
});

Deno.test("deterministic: the same input gives the same insight", () => {
  const a = analyzeOffline({ segments: UPSELL_CALL, script: SCRIPT, currency: "USD" }).insight;
  const b = analyzeOffline({ segments: UPSELL_CALL, script: SCRIPT, currency: "USD" }).insight;
  assert.deepEqual(a, b);
});

// --- the demo calls ---------------------------------------------------------------------------

const DemoCall = z.object({
  title: z.string().min(1),
  agent: z.enum(["agent1", "agent2"]),
  from: z.string().regex(/^\+1555\d{7}$/),
  to: z.enum(["+14155550100", "+14155550111"]),
  days_ago: z.number().int().min(0).max(13),
  expected: z.object({
    converted: z.boolean(),
    upsell_amount: z.number().min(0),
    sentiment: z.enum(["positive", "neutral", "negative"]),
  }),
  sentences: z.array(z.object({
    media_channel: z.union([z.literal(1), z.literal(2)]),
    start_time: z.number().min(0),
    end_time: z.number().min(0),
    transcript: z.string().min(1),
  })).min(25).max(90),
}).strict();
type DemoCall = z.infer<typeof DemoCall>;

const demoDir = new URL("calls/", DEMO);
const demoFiles = [...Deno.readDirSync(demoDir)]
  .filter((e) => e.isFile && e.name.endsWith(".json"))
  .map((e) => e.name)
  .sort();

function loadDemo(name: string): DemoCall {
  return DemoCall.parse(JSON.parse(Deno.readTextFileSync(new URL(name, demoDir))));
}

/** Channel 1 is the caller (customer), channel 2 the dialed agent. */
function demoSegments(call: DemoCall): Segment[] {
  return call.sentences.map((s) => ({
    start: s.start_time,
    end: s.end_time,
    speaker: (s.media_channel === 1 ? "customer" : "agent") as Speaker,
    text: s.transcript,
  }));
}

Deno.test("demo calls: ten well-formed, realistic transcripts", () => {
  assert.equal(demoFiles.length, 10);
  demoFiles.forEach((name, k) =>
    assert.match(name, new RegExp(`^${String(k + 1).padStart(2, "0")}-[a-z0-9-]+\\.json$`))
  );
  const outcomes = new Set<string>();
  let pii = "";
  for (const name of demoFiles) {
    const call = loadDemo(name);
    // Each agent answers their own line (seed.sql: agent1 on …0100, agent2 on …0111).
    assert.equal(call.to, call.agent === "agent1" ? "+14155550100" : "+14155550111", name);
    let prevEnd = 0;
    for (const s of call.sentences) {
      assert.ok(s.start_time >= prevEnd, `${name}: overlapping sentence at ${s.start_time}`);
      assert.ok(s.end_time > s.start_time, `${name}: empty sentence at ${s.start_time}`);
      assert.ok(s.end_time - s.start_time <= 20, `${name}: sentence too long at ${s.start_time}`);
      prevEnd = s.end_time;
    }
    assert.ok(prevEnd >= 120 && prevEnd <= 600, `${name}: ${prevEnd}s long`);
    assert.deepEqual(new Set(call.sentences.map((s) => s.media_channel)), new Set([1, 2]), name);
    outcomes.add(
      `${call.expected.converted}/${call.expected.upsell_amount > 0}/${call.expected.sentiment}`,
    );
    pii += call.sentences.map((s) => s.transcript).join("\n") + "\n";
  }
  assert.ok(outcomes.size >= 5, "varied outcomes");
  // Material for the redactor: a card number with its CVV, emails, phone numbers.
  assert.match(pii, /\b4111 1111 1111 1111\b/);
  assert.match(pii, /\bCVV is \d{3}\b/);
  assert.match(pii, /[\w.]+@example\.(?:com|net|org)/);
  assert.match(pii, /\b\d{3}-555-\d{4}\b/);
});

for (const name of demoFiles) {
  Deno.test(`demo call ${name}: the offline analysis matches the expected outcome`, () => {
    const call = loadDemo(name);
    const segments = demoSegments(call);
    const r = analyze(segments, SCRIPT);
    const i = r.insight;
    assert.equal(i.converted.value, call.expected.converted, "converted");
    assert.equal(i.upsell.amount, call.expected.upsell_amount, "upsell amount");
    assert.equal(
      i.sentiment.label,
      call.expected.sentiment,
      `sentiment (score ${i.sentiment.score})`,
    );
    assert.equal(i.upsell.currency, "USD");
    assert.equal(i.script_adherence.checklist.length, SCRIPT.length);
    assert.ok(i.script_adherence.score > 0);
    if (call.expected.converted) assert.equal(i.converted.evidence?.speaker, "customer");
    if (call.expected.upsell_amount > 0) assert.ok(i.upsell.items.length > 0);
    assert.ok(i.summary.split(/(?<=\.)\s+(?=[A-Z])/).length <= 3, i.summary);
  });
}

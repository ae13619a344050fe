import assert from "node:assert/strict";
import {
  findInSegments,
  luhnValid,
  PII_TYPES,
  type PiiFinding,
  type PiiType,
  redact,
  redactSegments,
  ssnValid,
} from "./redact.ts";
import labelled from "./testdata/redaction_labelled.json" with { type: "json" };

/** The findings of one text as [type, exact substring] pairs. */
function spans(text: string, opts?: { context?: string }): [PiiType, string][] {
  return redact(text, opts).found.map((f) => [f.type, text.slice(f.start, f.end)]);
}

// ---------------------------------------------------------------------------
// Cards

Deno.test("redact: Luhn checksum", () => {
  for (
    const ok of [
      "4111111111111111",
      "5555555555554444",
      "378282246310005",
      "6011111111111117",
      "4222222222222",
    ]
  ) {
    assert.ok(luhnValid(ok), ok);
  }
  for (const bad of ["4111111111111112", "1234567890123456", "5555555555554440", "12a4"]) {
    assert.ok(!luhnValid(bad), bad);
  }
});

Deno.test("redact: card numbers in the usual shapes", () => {
  assert.deepEqual(spans("the card number is 4111 1111 1111 1111."), [[
    "CARD",
    "4111 1111 1111 1111",
  ]]);
  assert.deepEqual(spans("it's 5555-5555-5555-4444, expiring in May"), [[
    "CARD",
    "5555-5555-5555-4444",
  ]]);
  assert.deepEqual(spans("Amex 3782 822463 10005 please"), [["CARD", "3782 822463 10005"]]);
  assert.deepEqual(spans("use 378282246310005"), [["CARD", "378282246310005"]]);
  assert.deepEqual(spans("number's 4111 1111, uh, 1111 1111 ok"), [[
    "CARD",
    "4111 1111, uh, 1111 1111",
  ]]);
});

Deno.test("redact: a 16-digit number that fails Luhn is not a card", () => {
  assert.ok(!luhnValid("1234567890123456"));
  assert.deepEqual(spans("Your order is 1234 5678 9012 3456, thanks."), []);
  assert.deepEqual(spans("The card number is 4111 1111 1111 1112."), []);
});

Deno.test("redact: a labelled order number is not a card even when it passes Luhn", () => {
  assert.ok(luhnValid("4123567812345678"));
  assert.deepEqual(spans("Your order number is 4123 5678 1234 5678."), []);
});

Deno.test("redact: card digits spoken as words", () => {
  const text = "It's four one one one, one one one one, one one one one, one one one one.";
  const r = redact(text);
  assert.equal(r.text, "It's [CARD].");
  assert.deepEqual(spans(text), [[
    "CARD",
    "four one one one, one one one one, one one one one, one one one one",
  ]]);
  assert.equal(
    redact(
      "the card: four, one, one, one, one, one, one, one, one, one, one, one, one, one, one, one.",
    ).text,
    "the card: [CARD].",
  );
  // digit words in prose stay words
  assert.deepEqual(spans("Oh, one more thing, two of our reps left."), []);
});

Deno.test("redact: digits glued to letters or decimals, and lists of numbers, are not cards", () => {
  assert.deepEqual(spans("commit e7594d531819053508447f688a3bde"), []);
  assert.deepEqual(spans("we logged 48, 20, 104, 189, 37, 38, 55 calls"), []);
  assert.deepEqual(spans("I'm calling about invoice 4111111111111111, it's wrong."), []);
});

Deno.test("redact: card followed by a CVV in the same run keeps them apart", () => {
  assert.deepEqual(spans("card 4111 1111 1111 1111 and the cvv 123"), [[
    "CARD",
    "4111 1111 1111 1111",
  ], [
    "CVV",
    "123",
  ]]);
});

// ---------------------------------------------------------------------------
// CVV

Deno.test("redact: CVV only near card-verification words", () => {
  assert.deepEqual(spans("The security code on the back is 737."), [["CVV", "737"]]);
  assert.deepEqual(spans("737, that's the security code."), [["CVV", "737"]]);
  assert.deepEqual(spans("Amex, the four digit code on the front is 7341."), [["CVV", "7341"]]);
  assert.deepEqual(spans("The C V V is six one eight."), [["CVV", "six one eight"]]);
  // bare three- and four-digit numbers elsewhere are not CVVs
  assert.deepEqual(spans("It's 123."), []);
  assert.deepEqual(spans("You're on plan 123 with 300 minutes."), []);
  assert.deepEqual(spans("Room 415, suite 200, 1200 seats."), []);
});

Deno.test("redact: CVV from the previous sentence, in one text or through opts.context", () => {
  assert.deepEqual(spans("Agent: What's the CVV? Customer: It's 123."), [["CVV", "123"]]);
  assert.deepEqual(
    spans("It's 123.", { context: "And the three digits on the back of the card?" }),
    [["CVV", "123"]],
  );
  assert.deepEqual(spans("It's 123.", { context: "How many seats do you need?" }), []);
});

Deno.test("redact: card endings, expiry dates and money are not CVVs", () => {
  assert.deepEqual(spans("The card ending in 1881, and the security code?"), []);
  assert.deepEqual(spans("Card 4111111111111111, expiry 0328, CVV 902."), [[
    "CARD",
    "4111111111111111",
  ], [
    "CVV",
    "902",
  ]]);
  assert.deepEqual(spans("It's $499 a month.", { context: "What's the security code?" }), []);
});

Deno.test("redact: a new question or a street address does not take the CVV", () => {
  assert.deepEqual(spans("What's the security code? Also, how many seats? We need 300."), []);
  assert.deepEqual(
    spans("Is your address still 1234 Oak Street?", { context: "And the CVV?" }),
    [["ADDRESS", "1234 Oak Street"]],
  );
});

// ---------------------------------------------------------------------------
// SSN

Deno.test("redact: SSN formatted, or nine digits near social security", () => {
  assert.deepEqual(spans("my social is 123-45-6789."), [["SSN", "123-45-6789"]]);
  assert.deepEqual(spans("it's 219 09 9999"), [["SSN", "219 09 9999"]]);
  assert.deepEqual(spans("The social is 412345678."), [["SSN", "412345678"]]);
  assert.deepEqual(spans("412345678."), []); // nine bare digits with no context
  assert.deepEqual(spans("It's 412345678.", { context: "Can I get your SSN?" }), [[
    "SSN",
    "412345678",
  ]]);
  assert.deepEqual(spans("The last four of your social? 6789."), [["SSN", "6789"]]);
});

Deno.test("redact: SSNs that are never issued are not SSNs", () => {
  for (const bad of ["000123456", "666451234", "912345678", "123004567", "123450000"]) {
    assert.ok(!ssnValid(bad), bad);
  }
  assert.ok(ssnValid("123456789"));
  for (
    const t of [
      "case 000-12-3456",
      "part 666-45-1234",
      "sku 912-34-5678",
      "form 123-00-4567",
      "ref 432-10-0000",
    ]
  ) {
    assert.deepEqual(spans(t), [], t);
  }
  assert.deepEqual(spans("My social is 987654321."), []);
  assert.deepEqual(spans("The zip is 94105-1234.", { context: "And your social?" }), [[
    "ADDRESS",
    "94105-1234",
  ]]);
});

// ---------------------------------------------------------------------------
// Email

Deno.test("redact: emails, written and spoken", () => {
  assert.deepEqual(spans("send it to jane.doe@example.com please"), [[
    "EMAIL",
    "jane.doe@example.com",
  ]]);
  assert.deepEqual(spans("it's j.smith+billing@acme-corp.example.co.uk."), [[
    "EMAIL",
    "j.smith+billing@acme-corp.example.co.uk",
  ]]);
  assert.deepEqual(spans("It's john dot smith at gmail dot com."), [[
    "EMAIL",
    "john dot smith at gmail dot com",
  ]]);
  assert.deepEqual(spans("email me at sarah at contoso dot io"), [[
    "EMAIL",
    "sarah at contoso dot io",
  ]]);
  assert.deepEqual(spans("visit us at acme dot com"), []);
  assert.deepEqual(spans("pricing is at example dot com slash pricing"), []);
  assert.deepEqual(spans("we're @acmehelp on twitter"), []);
});

// ---------------------------------------------------------------------------
// Phone

Deno.test("redact: phone numbers in E.164, US and UK formats", () => {
  for (
    const p of [
      "+15551234567",
      "(555) 123-4567",
      "555-123-4567",
      "555.123.4567",
      "1-555-123-4567",
      "+1 (646) 555-0147",
      "+44 20 7183 8750",
      "020 7946 0958",
    ]
  ) {
    assert.deepEqual(spans(`You can reach me on ${p}, thanks.`), [["PHONE", p]], p);
  }
  assert.deepEqual(spans("My number is 2125550199."), [["PHONE", "2125550199"]]);
  assert.deepEqual(spans("Best number is five five five, two three four, five six seven eight."), [[
    "PHONE",
    "five five five, two three four, five six seven eight",
  ]]);
  assert.deepEqual(spans("Call 1-800-555-0199, extension 204."), [["PHONE", "1-800-555-0199"]]);
});

Deno.test("redact: years, money, quantities, times and labelled numbers are not phones", () => {
  for (
    const t of [
      "We've been customers since 2019.",
      "The annual plan is $1,200, or $110 a month.",
      "We need 25 licenses.",
      "Tuesday at 10:30 works.",
      "The order number is 58213.",
      "Our zip code is 94105.",
      "I'm 35.",
      "Dial extension 4412.",
      "Churn went down 15%.",
      "Invoice number 2024113055 is overdue.",
      "The order number is 555-123-4567.",
      "From 01/15/2025 to 01/14/2026.",
      "We had 1,250,000 calls.",
    ]
  ) {
    assert.deepEqual(spans(t).filter(([type]) => type === "PHONE"), [], t);
  }
});

// ---------------------------------------------------------------------------
// Placeholders and offsets

Deno.test("redact: typed placeholders, offsets into the input", () => {
  const text = "Card 4111111111111111, cvv 123, SSN 123-45-6789, a@example.com, (555) 123-4567.";
  const r = redact(text);
  assert.equal(r.text, "Card [CARD], cvv [CVV], SSN [SSN], [EMAIL], [PHONE].");
  assert.deepEqual(r.found.map((f) => f.type), ["CARD", "CVV", "SSN", "EMAIL", "PHONE"]);
  assert.deepEqual(r.found.map((f) => text.slice(f.start, f.end)), [
    "4111111111111111",
    "123",
    "123-45-6789",
    "a@example.com",
    "(555) 123-4567",
  ]);
  assert.deepEqual(redact("Nothing to see, 25 seats at $49."), {
    text: "Nothing to see, 25 seats at $49.",
    found: [],
  });
});

// ---------------------------------------------------------------------------
// Segments

type Seg = { start: number; end: number; speaker: "agent" | "customer"; text: string };
function segs(...lines: [Seg["speaker"], string][]): Seg[] {
  return lines.map(([speaker, text], i) => ({ start: i * 5, end: i * 5 + 4, speaker, text }));
}

Deno.test("redactSegments: a CVV asked for in one segment and given in the next", () => {
  const r = redactSegments(segs(
    ["agent", "Great, and what's the security code on the back of the card?"],
    ["customer", "It's 123."],
    ["agent", "Thanks, so that's 25 seats."],
  ));
  assert.deepEqual(r.segments.map((s) => s.text), [
    "Great, and what's the security code on the back of the card?",
    "It's [CVV].",
    "Thanks, so that's 25 seats.",
  ]);
  assert.equal(r.counts.CVV, 1);
  // other fields are kept
  assert.deepEqual(r.segments.map((s) => [s.start, s.end, s.speaker]), [[0, 4, "agent"], [
    5,
    9,
    "customer",
  ], [
    10,
    14,
    "agent",
  ]]);
});

Deno.test("redactSegments: a card number split over segments of one speaker", () => {
  const two = redactSegments(
    segs(["customer", "The card number is 4111 1111"], ["customer", "1111 1111."]),
  );
  assert.deepEqual(two.segments.map((s) => s.text), ["The card number is [CARD]", "[CARD]."]);
  assert.equal(two.counts.CARD, 1);

  const three = redactSegments(segs(
    ["customer", "Sure, 5555 5555"],
    ["customer", "5555"],
    ["customer", "4444."],
    ["agent", "And the CVV?"],
    ["customer", "872."],
  ));
  assert.deepEqual(three.segments.map((s) => s.text), [
    "Sure, [CARD]",
    "[CARD]",
    "[CARD].",
    "And the CVV?",
    "[CVV].",
  ]);
  assert.deepEqual(three.counts, {
    CARD: 1,
    CVV: 1,
    SSN: 0,
    EMAIL: 0,
    PHONE: 0,
    ACCOUNT: 0,
    DOB: 0,
    ADDRESS: 0,
    NAME: 0,
  });

  // across a backchannel of the other speaker
  const back = redactSegments(
    segs(["customer", "Card is 4012 8888"], ["agent", "Mm-hm."], ["customer", "Then 8888 1881."]),
  );
  assert.deepEqual(back.segments.map((s) => s.text), ["Card is [CARD]", "Mm-hm.", "Then [CARD]."]);
});

Deno.test("redactSegments: digits of different speakers are not joined into a card", () => {
  const r = redactSegments(segs(["agent", "Is it 4111 1111"], ["customer", "1111 1111?"]));
  assert.deepEqual(r.counts.CARD, 0);
  const f = findInSegments(segs(["customer", "It's 4111 1111"], ["customer", "1111 1111"]));
  assert.deepEqual(f.map((x) => [x.segment, x.type, x.id]), [[0, "CARD", f[0].id], [
    1,
    "CARD",
    f[0].id,
  ]]);
});

Deno.test("redactSegments: a finding never leaves part of itself in the next segment", () => {
  const r = redactSegments([{ text: "Write to john dot smith" }, {
    text: "at example dot com please.",
  }]);
  assert.ok(r.segments.every((s) => !/smith|example/.test(s.text)), JSON.stringify(r.segments));
  assert.equal(r.counts.EMAIL, 1);
});

Deno.test("redactSegments: a CVV two segments after the question when the one between is filler", () => {
  const r = redactSegments(segs(
    ["agent", "I'll need the three digit code on the back."],
    ["customer", "Hold on, let me grab it."],
    ["customer", "Okay, 419."],
  ));
  assert.equal(r.segments[2].text, "Okay, [CVV].");
});

// ---------------------------------------------------------------------------
// The labelled set: precision and recall per type

interface Label {
  type: PiiType;
  value: string;
  start: number;
  segment?: number;
}
interface Case {
  id: string;
  text?: string;
  segments?: { speaker: string; text: string }[];
  pii: Label[];
}

/**
 * Thresholds: every type reaches 1.000 on this set today (it was written by the
 * rules' author, so treat that as an upper bound); these leave room for one
 * miss or false alarm per type, and hold card/SSN/CVV recall at 0.95.
 */
const MIN_RECALL: Partial<Record<PiiType, number>> = {
  CARD: 0.95,
  CVV: 0.95,
  SSN: 0.95,
  EMAIL: 0.9,
  PHONE: 0.9,
};
const MIN_PRECISION: Partial<Record<PiiType, number>> = {
  CARD: 0.95,
  CVV: 0.95,
  SSN: 0.95,
  EMAIL: 0.9,
  PHONE: 0.9,
};
const MIN_OVERALL = { precision: 0.97, recall: 0.97 };

Deno.test("redact: precision and recall on the labelled set", () => {
  const cases = (labelled as { cases: Case[] }).cases;
  assert.ok(cases.length >= 120);
  // A finding is right when a label of its type overlaps it; a label is recalled when a finding of its type overlaps it.
  const zero = () => ({ found: 0, right: 0, labels: 0, recalled: 0 });
  const tally = Object.fromEntries(PII_TYPES.map((t) => [t, zero()])) as Record<
    PiiType,
    ReturnType<typeof zero>
  >;
  const problems: string[] = [];
  for (const c of cases) {
    const texts = c.segments ? c.segments.map((s) => s.text) : [c.text!];
    const found: (PiiFinding & { segment: number })[] = c.segments
      ? findInSegments(c.segments)
      : redact(c.text!).found.map((f) => ({ ...f, segment: 0 }));
    const labels = c.pii.map((l) => ({
      ...l,
      segment: l.segment ?? 0,
      end: l.start + l.value.length,
    }));
    for (const l of labels) {
      assert.equal(texts[l.segment].slice(l.start, l.end), l.value, `${c.id}: label offsets`);
    }
    const overlap = (a: { segment: number; start: number; end: number }, b: typeof a) =>
      a.segment === b.segment && a.start < b.end && b.start < a.end;
    for (const f of found) {
      const right = labels.some((l) => l.type === f.type && overlap(f, l));
      tally[f.type].found++;
      if (right) tally[f.type].right++;
      else problems.push(`${c.id}: false ${f.type} "${texts[f.segment].slice(f.start, f.end)}"`);
    }
    for (const l of labels) {
      const recalled = found.some((f) => f.type === l.type && overlap(f, l));
      tally[l.type].labels++;
      if (recalled) tally[l.type].recalled++;
      else problems.push(`${c.id}: missed ${l.type} "${l.value}"`);
    }
  }
  const all = zero();
  for (const t of PII_TYPES) {
    for (const k of Object.keys(all) as (keyof typeof all)[]) all[k] += tally[t][k];
  }
  const score = (k: typeof all) => ({
    precision: k.found ? k.right / k.found : 1,
    recall: k.labels ? k.recalled / k.labels : 1,
  });
  const rows: Record<string, { labels: number; found: number; precision: string; recall: string }> =
    {};
  for (
    const [name, k] of [...PII_TYPES.map((t) => [t, tally[t]] as const), ["overall", all] as const]
  ) {
    const m = score(k);
    rows[name] = {
      labels: k.labels,
      found: k.found,
      precision: m.precision.toFixed(3),
      recall: m.recall.toFixed(3),
    };
  }
  const negatives = cases.filter((c) => !c.pii.length).length;
  console.log(`\nPII redaction on ${cases.length} labelled cases (${negatives} with no PII)`);
  console.table(rows);
  if (problems.length) console.log(problems.join("\n"));

  for (const t of PII_TYPES) {
    const m = score(tally[t]);
    if (MIN_RECALL[t] === undefined || MIN_PRECISION[t] === undefined) continue;
    assert.ok(m.recall >= MIN_RECALL[t], `${t} recall ${m.recall} < ${MIN_RECALL[t]}`);
    assert.ok(
      m.precision >= MIN_PRECISION[t],
      `${t} precision ${m.precision} < ${MIN_PRECISION[t]}`,
    );
  }
  const overall = score(all);
  assert.ok(overall.precision >= MIN_OVERALL.precision, `overall precision ${overall.precision}`);
  assert.ok(overall.recall >= MIN_OVERALL.recall, `overall recall ${overall.recall}`);
});

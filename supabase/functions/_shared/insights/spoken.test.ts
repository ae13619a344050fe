// The hard cases of spoken transcripts: numbers in words, groups split over
// turns, read-backs, dates of birth, addresses, ZIPs, spelled emails, names.
import assert from "node:assert/strict";
import { type PiiType, redactSegments } from "./redact.ts";
import { numberRuns, spokenDigits } from "./spoken.ts";

type Turn = [string, string];
const redacted = (turns: Turn[], types?: PiiType[]) => {
  const r = redactSegments(turns.map(([speaker, text]) => ({ speaker, text })), { types });
  return { texts: r.segments.map((s) => s.text), counts: r.counts };
};

Deno.test("spoken: number words become digits", () => {
  assert.equal(spokenDigits(["two", "fifty", "six"]), "256");
  assert.equal(spokenDigits(["double", "five", "oh", "one"]), "5501");
  assert.equal(spokenDigits(["twenty", "two"]), "22");
  assert.deepEqual(numberRuns("it's four three two one, okay").map((r) => r.digits), ["4321"]);
  assert.deepEqual(numberRuns("that's 1,200 and 3.50").map((r) => r.digits), ["1200", "350"]);
});

Deno.test("spoken: an SSN split over turns, with a backchannel between", () => {
  const r = redacted([
    ["agent", "Can I get your social security number?"],
    ["customer", "Sure, it's 234554"],
    ["agent", "Mm-hm."],
    ["customer", "9312"],
  ]);
  assert.deepEqual(r.texts, [
    "Can I get your social security number?",
    "Sure, it's [SSN]",
    "Mm-hm.",
    "[SSN]",
  ]);
  assert.equal(r.counts.SSN, 1);
});

Deno.test("spoken: short groups in words after 'social', and the agent's read-back", () => {
  const r = redacted([
    ["agent", "And the social?"],
    ["customer", "two five six, seven eight"],
    ["customer", "nine one two two"],
    ["agent", "So that's two five six, seven eight, nine one two two?"],
    ["customer", "Yes."],
  ]);
  assert.deepEqual(r.texts.slice(1, 4), ["[SSN]", "[SSN]", "So that's [SSN]?"]);
});

Deno.test("spoken: card digits one by one, account numbers and their read-back", () => {
  assert.deepEqual(
    redacted([["agent", "What are the digits on the card?"], ["customer", "4 3 2 1"]]).texts[1],
    "[CARD]",
  );
  const r = redacted([
    ["agent", "What is your account number?"],
    ["customer", "765 456 789"],
    ["agent", "Thank you, 765 456 789. One moment."],
  ]);
  assert.deepEqual(r.texts.slice(1), ["[ACCOUNT]", "Thank you, [ACCOUNT]. One moment."]);
  assert.equal(r.counts.ACCOUNT, 1);
});

Deno.test("spoken: phone numbers in words and in groups across turns", () => {
  const r = redacted([
    ["agent", "What's the best phone number?"],
    ["customer", "four one five"],
    ["customer", "five five five, two six seven one"],
  ]);
  assert.deepEqual(r.texts.slice(1), ["[PHONE]", "[PHONE]"]);
});

Deno.test("spoken: dates of birth, addresses and ZIP codes", () => {
  assert.equal(
    redacted([["agent", "Date of birth?"], ["customer", "October 29th, 1984."]]).texts[1],
    "[DOB].",
  );
  assert.equal(
    redacted([["customer", "I was born on the fourth of July, nineteen eighty two."]]).texts[0],
    "I was born on [DOB].",
  );
  assert.equal(
    redacted([["customer", "It's 1234 Oak Street, apartment 5, Springfield, Illinois 62704."]])
      .texts[0],
    "It's [ADDRESS].",
  );
  assert.equal(
    redacted([["customer", "twelve thirty four Maple Avenue"]]).texts[0],
    "[ADDRESS]",
  );
  assert.equal(
    redacted([["agent", "And the zip code?"], ["customer", "three oh three oh one"]]).texts[1],
    "[ADDRESS]",
  );
});

Deno.test("spoken: a spelled email and the customer's stated name", () => {
  assert.equal(
    redacted([["agent", "What's your email?"], [
      "customer",
      "it's j o h n dot smith at gmail dot com",
    ]]).texts[1],
    "it's [EMAIL]",
  );
  const r = redacted([
    ["agent", "Thanks for calling, this is Sam. Who am I speaking with?"],
    ["customer", "Hi, my name is Dana Whitfield."],
    ["agent", "Thanks Dana, how can I help?"],
  ]);
  assert.deepEqual(r.texts, [
    "Thanks for calling, this is Sam. Who am I speaking with?",
    "Hi, my name is [NAME].",
    "Thanks [NAME], how can I help?",
  ]);
});

Deno.test("spoken: what is not personal data stays", () => {
  const keep: Turn[][] = [
    [["agent", "Your order number is 55512345."], [
      "customer",
      "Great, it costs 250 dollars and I have 3 kids.",
    ]],
    [["customer", "I'm calling about the charge from March 3rd."]],
    [["agent", "What's the phone plan you're on?"], [
      "customer",
      "The 40 dollar one, for two years now.",
    ]],
    [["customer", "I'm fine, thanks. I'm calling about my bill."]],
    [["agent", "The card ending in 4242, right?"], ["customer", "Yes."]],
    [["agent", "Your confirmation number is 7 7 3 2 1."], ["customer", "Thanks."]],
  ];
  for (const turns of keep) assert.deepEqual(redacted(turns).texts, turns.map(([, t]) => t));
});

Deno.test("spoken: an organization redacts only the types it chose, counts per type", () => {
  const turns: Turn[] = [
    ["customer", "My name is Dana Whitfield and my date of birth is October 29th, 1984."],
  ];
  const all = redacted(turns);
  assert.equal(all.texts[0], "My name is [NAME] and my date of birth is [DOB].");
  assert.equal(all.counts.NAME, 1);
  assert.equal(all.counts.DOB, 1);
  const some = redacted(turns, ["DOB"]);
  assert.equal(some.texts[0], "My name is Dana Whitfield and my date of birth is [DOB].");
  assert.deepEqual(some.counts, { DOB: 1 });
});

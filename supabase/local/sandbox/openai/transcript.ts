// Transcript analysis (what the user message says), used to fill schema values plausibly:
// sentences with speakers and times, a lexicon sentiment, amounts, conversion phrases.
import { round2 } from "./types.ts";

export interface Sentence {
  text: string; // an exact substring of the user message
  index: number;
  speaker: string | null;
  time: number | null; // seconds, when the line carried a timestamp
}

export interface Transcript {
  sentences: Sentence[];
  text: string;
  sentiment: number; // -1..1
  amounts: number[];
  converted: boolean;
}

export const POSITIVE = [
  "great",
  "good",
  "thanks",
  "thank you",
  "love",
  "perfect",
  "happy",
  "excellent",
  "awesome",
  "wonderful",
  "sounds good",
  "appreciate",
  "helpful",
  "glad",
  "excited",
  "interested",
];
export const NEGATIVE = [
  "bad",
  "terrible",
  "angry",
  "upset",
  "cancel",
  "problem",
  "too expensive",
  "frustrat",
  "disappoint",
  "not happy",
  "refund",
  "complain",
  "hate",
  "worst",
  "annoy",
  "not interested",
  "waste",
];
export const CONVERSION = [
  /\bsign (?:me|us) up\b/i,
  /\blet'?s do (?:it|that)\b/i,
  /\blet'?s go ahead\b/i,
  /\bgo ahead\b/i,
  /\b(?:i|we)'?ll take (?:it|that|the)\b/i,
  /\b(?:i|we)'?d like to (?:buy|order|purchase|upgrade|sign)\b/i,
  /\bplace the order\b/i,
  /\bdeal\b/i,
  /\bpurchase\b/i,
];
export const TOPICS: { match: RegExp; words: string[] }[] = [
  {
    match: /convert|conversion|close|closed|sale|sold|purchase|buy|deal|won|signed|booked|outcome/,
    words: [
      "sign me up",
      "sign up",
      "let's do it",
      "lets do it",
      "go ahead",
      "i'll take",
      "we'll take",
      "buy",
      "purchase",
      "order",
      "deal",
      "sounds good",
      "yes",
    ],
  },
  {
    match: /upsell|upgrade|revenue|amount|price|pricing|plan|product|value|cost|mrr|arr/,
    words: [
      "$",
      "upgrade",
      "premium",
      "add-on",
      "add on",
      "plan",
      "per month",
      "annual",
      "dollars",
      "seat",
    ],
  },
  { match: /sentiment|tone|mood|emotion|satisfaction/, words: [...POSITIVE, ...NEGATIVE] },
  {
    match: /objection|concern|complaint|risk|issue|pain|hesitat|blocker/,
    words: [
      "but",
      "expensive",
      "too much",
      "concern",
      "not sure",
      "worried",
      "problem",
      "cancel",
      "competitor",
      "cheaper",
    ],
  },
  {
    match: /script|adherence|checklist|greet|intro|compliance|disclos|step|opening|recording/,
    words: [
      "thank",
      "calling",
      "my name",
      "this is",
      "help",
      "recorded",
      "recording",
      "today",
      "how can i",
    ],
  },
  {
    match: /next|follow|action|commit/,
    words: ["follow up", "call you", "send", "email", "tomorrow", "next week", "i'll"],
  },
  { match: /question|discovery|need|ask/, words: ["?", "what", "how", "need", "looking for"] },
];
export const GENERIC_PATH_WORDS = new Set([
  "quote",
  "quotes",
  "evidence",
  "evidence_quote",
  "text",
  "value",
  "items",
  "item",
  "excerpt",
  "snippet",
  "label",
  "score",
  "start",
  "end",
  "time",
]);

export function parseClock(s: string): number | null {
  const t = s.trim().replace(/\s+/g, "");
  let m = /^(\d+(?:\.\d+)?)s$/.exec(t);
  if (m) return Number(m[1]);
  m = /^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$/.exec(t);
  if (m) return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  return null;
}

export const CLOCK = String.raw`\d+:\d{2}(?::\d{2})?(?:\.\d+)?|\d+(?:\.\d+)?\s?s\b`;
export const TIME_PREFIX = new RegExp(
  // "[0:15]", "[0:15 - 0:20]", "(t=15.5)", and the analyzer's "[0:15 | t=15.5]".
  String.raw`^[\[(]?\s*(?:t=)?(${CLOCK})(?:\s*[-–]\s*(?:${CLOCK}))?(?:\s*\|\s*t=\d+(?:\.\d+)?)?\s*[\])]?\s*[-–:|]?\s*`,
);
export const SPEAKER_PREFIX = /^([A-Za-z][\w .'-]{0,30}?)\s*(?:[\[(]([^\])]*)[\])])?\s*:\s+/;
export const SENTENCE = /\S.*?(?:[.!?]+["')\]]*(?=\s|$)|$)/g;

export function splitSentences(
  text: string,
  speaker: string | null,
  time: number | null,
  out: Omit<Sentence, "index">[],
) {
  for (const m of text.matchAll(SENTENCE)) {
    const s = m[0].trim();
    if (s.length < 8 || s.split(/\s+/).length < 2) continue;
    if (/[{}\\"]/.test(s)) continue; // JSON / escaped text: not a clean quote
    out.push({ text: s, speaker, time });
  }
}

/** Sentences of the user message; speaker-labelled lines ("Agent: …", "[00:12] Customer: …")
 * or JSON segments ({"speaker": …, "start": …, "text": "…"}) are preferred when present. */
export function extractSentences(text: string): Sentence[] {
  const labelled: Omit<Sentence, "index">[] = [];
  const plain: Omit<Sentence, "index">[] = [];
  // A message with a "Transcript:" heading quotes only what follows it (a
  // model reads the instructions and the script above it as context, not as
  // what was said).
  const lines = text.split(/\r?\n/);
  const heading = lines.findIndex((l) => /^\s*transcript\s*:\s*$/i.test(l));
  for (const raw of heading >= 0 ? lines.slice(heading + 1) : lines) {
    let rest = raw.trim().replace(/^[-*•]\s+/, "");
    if (!rest) continue;
    let time: number | null = null;
    let speaker: string | null = null;
    const t = TIME_PREFIX.exec(rest);
    if (t) {
      time = parseClock(t[1]);
      rest = rest.slice(t[0].length);
    }
    const s = SPEAKER_PREFIX.exec(rest);
    if (s) {
      speaker = s[1].trim();
      if (s[2] && time === null) time = parseClock(s[2].replace(/^t=/, "").split(/[-–]/)[0]);
      rest = rest.slice(s[0].length);
      if (time === null) {
        const t2 = TIME_PREFIX.exec(rest);
        if (t2) {
          time = parseClock(t2[1]);
          rest = rest.slice(t2[0].length);
        }
      }
    }
    splitSentences(rest, speaker, time, speaker ? labelled : plain);
  }
  // JSON segments: "text": "…" (without escapes the raw text is a substring of the message).
  const json: Omit<Sentence, "index">[] = [];
  for (const m of text.matchAll(/\{[^{}]*"text"\s*:\s*"((?:[^"\\]|\\.)*)"[^{}]*\}/g)) {
    const obj = m[0];
    const raw = m[1];
    if (raw.includes("\\")) continue;
    const start = /"(?:start|start_time|time|ts)"\s*:\s*(\d+(?:\.\d+)?)/.exec(obj);
    const speaker = /"(?:speaker|role|channel)"\s*:\s*"([^"]*)"/.exec(obj);
    splitSentences(raw, speaker?.[1] ?? null, start ? Number(start[1]) : null, json);
  }
  const labelledLines = labelled.length >= 2 ? labelled : [];
  const chosen = labelledLines.length
    ? labelledLines
    : json.length >= 2
    ? json
    : [...labelled, ...plain];
  return chosen.map((s, index) => ({ ...s, index }));
}

export function countHits(text: string, words: string[]): number {
  const low = text.toLowerCase();
  return words.reduce((n, w) => n + (low.includes(w) ? 1 : 0), 0);
}

export function analyzeTranscript(text: string): Transcript {
  const sentences = extractSentences(text);
  const body = sentences.length ? sentences.map((s) => s.text).join("\n") : text;
  const p = countHits(body, POSITIVE);
  const n = countHits(body, NEGATIVE);
  const sentiment = round2((p - n) / (p + n + 1));
  const amounts: number[] = [];
  const re =
    /\$\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(\s?(?:k|thousand)\b)?|\b(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s?(?:dollars|usd|bucks)\b/gi;
  for (const m of body.matchAll(re)) {
    const whole = (m[1] ?? m[4]).replace(/,/g, "");
    const cents = m[2] ?? m[5];
    let v = Number(whole) + (cents ? Number(cents.padEnd(2, "0")) / 100 : 0);
    if (m[3]) v *= 1000;
    amounts.push(v);
  }
  const converted = CONVERSION.some((r) => r.test(body)) && !/\bnot interested\b/i.test(body);
  return { sentences, text, sentiment, amounts, converted };
}

// PII redaction for call transcripts: card numbers, CVVs, SSNs, emails and
// phone numbers are replaced by typed placeholders ([CARD], [CVV], …) before
// any LLM sees a transcript, and in the transcript we store.
//
// Rules, not a model: cheap, deterministic, and measured against the labelled
// set in testdata/redaction_labelled.json (see redact.test.ts).
//
// How it works
// - Spoken digits ("four one one one, one one one one") are rewritten to
//   numerals in a working copy that maps every character back to the input,
//   so one set of digit rules serves "4111 1111" and "four one one one".
// - Detectors run in a fixed order and a later finding never overlaps an
//   earlier one: EMAIL → CARD (Luhn) → formatted SSN → formatted PHONE → the
//   rules that need context (bare 9-digit SSN, bare phone digits, SSN last
//   four, CVV, CVV read back).
// - "Context" is the same sentence or the previous one. Sentences split on
//   . ? ! and at segment boundaries, so in `redactSegments` a CVV asked for in
//   one segment is found in the answer in the next one.
// - Card digits may run on across consecutive segments of the same speaker
//   (also across one short backchannel of the other speaker: "Mm-hm.").
// - Then spoken.ts: numbers said in words, groups split over turns after a
//   context word, read-backs, dates of birth, addresses, spelled emails, names.
import { luhnValid, ssnValid } from "./checks.ts";
export { luhnValid, ssnValid };
import { findSpoken, type SpokenFinding, type SpokenType } from "./spoken.ts";

export type PiiType = "CARD" | "CVV" | "SSN" | "EMAIL" | "PHONE" | SpokenType;
export const PII_TYPES: readonly PiiType[] = [
  "CARD",
  "CVV",
  "SSN",
  "EMAIL",
  "PHONE",
  "ACCOUNT",
  "DOB",
  "ADDRESS",
  "NAME",
];

/** Options of an organization: which types it redacts (all by default). */
export interface RedactOptions {
  types?: readonly PiiType[];
  /** false: the written-number rules only, without spoken.ts (the eval's baseline). */
  spoken?: boolean;
}

/** A finding; offsets are UTF-16 indexes into the input text, end exclusive. */
export interface PiiFinding {
  type: PiiType;
  start: number;
  end: number;
}

/** A finding inside one segment. A card split over segments gives one per segment, same `id`. */
export interface SegmentPiiFinding extends PiiFinding {
  segment: number;
  id: number;
}

export function placeholder(type: PiiType): string {
  return `[${type}]`;
}

/**
 * Redacts one text. `opts.context` is the text that came just before (e.g.
 * the previous sentence of the conversation); it is only read for context
 * (a CVV question, "social security"), never redacted or reported.
 */
export function redact(
  text: string,
  opts: { context?: string } & RedactOptions = {},
): { text: string; found: PiiFinding[] } {
  const units: UnitInput[] = [];
  if (opts.context) {
    units.push({ text: opts.context, speaker: undefined, report: false, chain: false });
  }
  units.push({ text, speaker: undefined, report: true, chain: false });
  const doc = new Doc(units);
  doc.detect();
  const unit = units.length - 1;
  const rules = doc.findings().filter((f) => f.unit === unit).map((f) => ({ ...f, segment: 0 }));
  const found = merge(rules, findSpoken([{ text }], rules))
    .filter((f) => !opts.types || opts.types.includes(f.type))
    .sort((a, b) => a.start - b.start)
    .map(({ type, start, end }) => ({ type, start, end }));
  return { text: applyRedactions(text, found), found };
}

/** Finds PII in a transcript given as sentences, with context across them. */
export function findInSegments<T extends { text: string }>(
  segments: T[],
  opts: RedactOptions = {},
): SegmentPiiFinding[] {
  const units: UnitInput[] = segments.map((s) => ({
    text: s.text,
    speaker: (s as { speaker?: unknown }).speaker,
    report: true,
    chain: true,
  }));
  const doc = new Doc(units);
  doc.detect();
  const rules = doc.findings().map(({ type, start, end, unit, id }) => ({
    type: type as PiiType,
    start,
    end,
    segment: unit,
    id,
  }));
  return merge(rules, opts.spoken === false ? [] : findSpoken(segments, rules))
    .filter((f) => !opts.types || opts.types.includes(f.type))
    .sort((a, b) => a.segment - b.segment || a.start - b.start);
}

/**
 * Redacts a transcript given as sentences (segments). Every other field of a
 * segment is kept. `counts` counts findings: a card split over two segments
 * counts once.
 */
export function redactSegments<T extends { text: string }>(
  segments: T[],
  opts: RedactOptions = {},
): { segments: T[]; counts: Partial<Record<PiiType, number>> } {
  const found = findInSegments(segments, opts);
  const counts = Object.fromEntries(
    (opts.types ?? PII_TYPES).map((t) => [t, 0]),
  ) as Record<PiiType, number>;
  const ids = new Set<number>();
  for (const f of found) {
    if (!ids.has(f.id)) counts[f.type]++;
    ids.add(f.id);
  }
  const out = segments.map((s, i) => {
    const mine = found.filter((f) => f.segment === i);
    return mine.length ? { ...s, text: applyRedactions(s.text, mine) } : s;
  });
  return { segments: out, counts };
}

/** The rules' findings and the spoken ones; a spoken finding replaces the rules' findings it contains. */
function merge<T extends { type: string; segment: number; start: number; end: number }>(
  rules: T[],
  spoken: SpokenFinding[],
): (T | SpokenFinding)[] {
  const kept = rules.filter((r) =>
    !spoken.some((s) => s.segment === r.segment && s.start <= r.start && r.end <= s.end)
  );
  return [...kept, ...spoken];
}

function applyRedactions(text: string, found: PiiFinding[]): string {
  let out = "";
  let pos = 0;
  for (const f of [...found].sort((a, b) => a.start - b.start)) {
    if (f.start < pos) continue;
    out += text.slice(pos, f.start) + placeholder(f.type);
    pos = f.end;
  }
  return out + text.slice(pos);
}

// ---------------------------------------------------------------------------
// Checks on digit strings

/** Issuer prefixes of the major networks and the lengths they issue. */
const NETWORKS: [RegExp, number[]][] = [
  [/^4/, [13, 16, 19]], // Visa
  [/^(?:5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/, [16]], // Mastercard
  [/^3[47]/, [15]], // American Express
  [/^(?:6011|64[4-9]|65|622)/, [16, 17, 18, 19]], // Discover
  [/^35(?:2[89]|[3-8]\d)/, [16, 17, 18, 19]], // JCB
  [/^62/, [16, 17, 18, 19]], // UnionPay
  [/^(?:30[0-5]|36|38|39)/, [14, 15, 16, 17, 18, 19]], // Diners Club
];
// Maestro (50, 56–69, 12–19 digits) is left out: it would take in most numbers
// starting with 5 or 6. With card words nearby any Luhn-valid 13–19 digits do.

/** Does the number look like one a major network issues (prefix and length)? */
function cardNetwork(d: string): boolean {
  return NETWORKS.some(([re, lengths]) => re.test(d) && lengths.includes(d.length));
}

/** The lengths worth trying first for a prefix, so "card + CVV" picks the card. */
function preferredLengths(d: string): number[] {
  if (/^3[47]/.test(d)) return [15];
  if (/^3(?:0[0-5]|[689])/.test(d)) return [14, 16];
  if (/^4/.test(d)) return [16, 13, 19];
  return [16, 19];
}

// ---------------------------------------------------------------------------
// Vocabulary

const DIGIT_WORDS: Record<string, string> = {
  zero: "0",
  oh: "0",
  one: "1",
  two: "2",
  three: "3",
  four: "4",
  five: "5",
  six: "6",
  seven: "7",
  eight: "8",
  nine: "9",
};
const SPOKEN_DIGIT =
  /\b(?:(double|triple)\s+)?(zero|oh|one|two|three|four|five|six|seven|eight|nine)\b/gi;
const HAS_SPOKEN_DIGIT = /\b(?:zero|one|two|three|four|five|six|seven|eight|nine)\b/i;
const SPOKEN_GAP = /^(?:[ \t]+|[ \t]*[,\-–][ \t]*)$/;

const CARD_WORDS =
  /\b(?:card|visa|master\s?card|amex|american express|discover|credit|debit|cc)\b/i;
const CVV_WORDS =
  /\b(?:cvv2?|cvc2?|cvn|cid|csc|c\.?\s?v\.?\s?[vc]\b\.?|(?<!social\s)security\s+(?:code|number|digits)|sec\s+code|card\s+verification|verification\s+(?:value|number)|(?:three|four|3|4)[\s-]digit\s+(?:code|number|security)|(?:three|four|3|4)\s+(?:digits|numbers)\s+on\s+the\s+(?:back|front)|(?:code|number|numbers|digits)\s+on\s+the\s+(?:back|front)|back\s+of\s+(?:the|your)\s+card)/i;
/** A bare "code" is a CVV question only when a card is being discussed. */
const CODE_WORD =
  /\b(?<!(?:zip|postal|post|promo|promotion|discount|coupon|area|country|access|pin|sort|tax|reference|confirmation|verification|billing)\s)code\b/i;
/** A one-time code sent by text or email, not a card's security code. */
const OTP_WORDS =
  /\b(?:text(?:ed)?|sms|sent|send|e-?mail(?:ed)?|authenticator|one[- ]time|log\s?in|sign\s?in)\b/i;
const SSN_WORDS =
  /\b(?:social\s+security|ssn|s\.\s?s\.\s?n\.?|s s n|social(?!\s+(?:media|network|channels?|posts?|team|events?|profiles?)))\b/i;
const SSN_LAST4 =
  /\blast\s+(?:four|4)(?:\s+digits)?\s+of\s+(?:your|my|the|his|her|their)?\s*(?:social(?:\s+security)?|ssn|s\.?\s?s\.?\s?n)\b|\b(?:social|ssn)\b[^.?!\d]{0,20}\blast\s+(?:four|4)\b/i;
const PHONE_WORDS =
  /\b(?:area\s+code|phone|cell|cellphone|mobile|number|call|calling|callback|reach|text|dial|contact|landline|fax|line|ring)\b/i;

/** Words that make the number after them the identifier of something else (an order, an invoice, …). */
const ID_LABELS = String
  .raw`(?:order|tracking|invoice|confirmation|reference|ref|ticket|case|policy|serial|sku|po|claim|routing|booking|reservation|transaction|receipt|quote|model|part)` +
  String
    .raw`\.?(?:\s+(?:number|no\.?|num|#|id|code))?|(?:account|acct|customer|member|employee|unit)\.?\s+(?:number|no\.?|num|#|id)`;
/** Weaker labels: enough to stop a bare 3–4 digit number being a CVV, not to overrule a phone format. */
const PLACE_LABELS = String
  .raw`extension|ext|plan|room|suite|floor|desk|flight|version|build|page|step|section|item|apt|apartment|building`;
const LABEL_TAIL = String.raw`\s*(?:is|was|of|:|=|#|reads|says)?(?:\s*(?:uh|um|,|is|number))*\s*$`;
const LABEL_BEFORE = new RegExp(String.raw`\b(?:${ID_LABELS})` + LABEL_TAIL, "i");
const ANY_LABEL_BEFORE = new RegExp(
  String.raw`\b(?:${ID_LABELS}|(?:${PLACE_LABELS})\.?)` + LABEL_TAIL,
  "i",
);
const QUANTITY_AFTER =
  /^\s*(?:%|percent\b|per\s?cent\b|dollars?\b|bucks\b|cents?\b|usd\b|eur\b|euros?\b|pounds?\b|quid\b|k\b|am\b|pm\b|a\.m\.|p\.m\.|o'clock\b|seconds?\b|minutes?\b|mins?\b|hours?\b|hrs?\b|days?\b|weeks?\b|months?\b|years?\b|yrs?\b|licen[cs]es?\b|seats?\b|users?\b|units?\b|reps?\b|people\b|employees\b|agents?\b|calls?\b|records\b|items?\b|orders?\b|accounts?\b|[kmgt]b\b|miles?\b|st\b|nd\b|rd\b|th\b)/i;
/** "1234 Oak Street", "500 Main St". */
const ADDRESS_AFTER =
  /^\s+(?:[a-z]+\.?\s+){0,3}(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl|parkway|pkwy|highway|hwy|terrace|circle|square|sq)\b/i;
const MONEY_BEFORE = /[$£€¥]\s*$/;
/** "the card ending in 4242", "expiration 0428": not a CVV. */
const NOT_CVV_BEFORE =
  /\b(?:ending(?:\s+(?:in|with))?|ends?\s+(?:in|with)|last\s+(?:four|4|digits)|exp\w*|valid\s+(?:thru|through|until)|good\s+(?:thru|through))\W*(?:date\W*)?(?:is\W*)?$/i;

/** Between card digit groups: spaces, light punctuation, hesitations. */
const CARD_GAP = /^(?:[\s,.\-–—…]|\b(?:uh|um+|er|erm|ah|hmm|mm|and|then|okay|ok|so)\b)*$/i;
const BACKCHANNEL_MAX_WORDS = 4;

const EMAIL =
  /(?<![\w.%+\-])[a-z0-9](?:[a-z0-9._%+\-]*[a-z0-9_%+\-])?@[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)*\.[a-z]{2,}\b/gi;
const TLD =
  "com|net|org|edu|gov|io|co|us|uk|ca|de|fr|es|it|nl|au|in|info|biz|me|ai|app|dev|example";
const SPOKEN_EMAIL = new RegExp(
  String
    .raw`\b([a-z0-9][a-z0-9_+\-]*(?:(?:\.|\s+dot\s+|\s+underscore\s+|\s+dash\s+|\s+hyphen\s+)[a-z0-9][a-z0-9_+\-]*)*)` +
    String.raw`,?\s+(?:at|@)\s+` +
    String
      .raw`((?:[a-z0-9][a-z0-9\-]*(?:\s+[a-z0-9][a-z0-9\-]*)?(?:\.|\s+dot\s+))+(?:${TLD}))\b(?!\s*(?:/|slash\b))`,
  "gi",
);
/** A single word before "at" that is not the local part of an address ("visit us at acme dot com"). */
const NOT_EMAIL_LOCAL = new Set([
  ..."me us you him her them it we i they is are was were be been here there".split(" "),
  ..."home work office online look find visit this that one it's i'm we're we'll you're".split(" "),
  ..."sure yes yeah okay ok thanks so and that's".split(" "),
]);
const DOMAIN_PROSE =
  /\b(?:the|a|an|my|our|your|their|his|her|its|this|that|of|in|on|at|for|to|and|or|is|was)\s/i;
const DETERMINER = /\b(?:the|a|an|our|your|their|his|its|this|that|these|those|some|any|more)\s+$/i;

const PHONE_INTL = /(?<![\w+])\+\d[\d \t().\-]{6,20}\d(?![\d])/g;
const PHONE_NANP =
  /(?<![\w+\-.])(?:\+?1[ .\-]?)?(?:\(\d{3}\)[ .\-]?|\d{3}[ .\-])\d{3}[ .\-]\d{4}(?!\d|[.\-]\d)/g;
/** "415, 555, 2671": only with phone words nearby. */
const PHONE_NANP_COMMAS = /(?<![\w.,])\d{3}, ?\d{3}, ?\d{4}(?![\d]|[.,]\d)/g;
const PHONE_UK = /(?<![\w+\-.])0\d{2,4}[ \-]\d{3,4}[ \-]?\d{3,4}(?!\d|[.\-]\d)/g;
const SSN_FORMATTED = /(?<![\w\-.])(\d{3})([ \-])(\d{2})\2(\d{4})(?!\d|[.\-]\d)/g;

// ---------------------------------------------------------------------------
// The document: units (segments) joined by "\n", split into sentences.

interface UnitInput {
  text: string;
  speaker: unknown;
  /** Report findings in this unit (false for redact()'s context). */
  report: boolean;
  /** Card digits may continue into the next unit of the same speaker. */
  chain: boolean;
}
interface Unit extends UnitInput {
  start: number;
  end: number;
}
interface Sentence {
  start: number;
  end: number;
  unit: number;
}
/** A run of digits in the working copy, with its span in the input. */
interface Group {
  ns: number;
  ne: number;
  os: number;
  oe: number;
  digits: string;
  unit: number;
  sent: number;
}
interface Run {
  groups: Group[];
  os: number;
  oe: number;
  digits: string;
  sent: number;
}
interface Hit {
  id: number;
  type: PiiType;
  start: number;
  end: number;
  parts: [number, number][];
  digits: string;
  sent: number;
}

class Doc {
  readonly text: string;
  readonly units: Unit[] = [];
  readonly sentences: Sentence[] = [];
  /** Working copy with spoken digits as numerals; ns/ne map each char to its input span. */
  n = "";
  ns: number[] = [];
  ne: number[] = [];
  groups: Group[] = [];
  hits: Hit[] = [];

  constructor(inputs: UnitInput[]) {
    let pos = 0;
    const parts: string[] = [];
    for (const u of inputs) {
      this.units.push({ ...u, start: pos, end: pos + u.text.length });
      parts.push(u.text);
      pos += u.text.length + 1;
    }
    this.text = parts.join("\n");
    this.units.forEach((u, i) => {
      const re = /[.?!…]+(?=\s|$)/g;
      let s = u.start;
      const body = this.text.slice(u.start, u.end);
      for (const m of body.matchAll(re)) {
        const e = u.start + m.index + m[0].length;
        this.sentences.push({ start: s, end: e, unit: i });
        s = e;
      }
      if (s < u.end || s === u.start) this.sentences.push({ start: s, end: u.end, unit: i });
    });
    this.normalize();
    for (const m of this.n.matchAll(/\d+/g)) {
      const ns = m.index, ne = m.index + m[0].length;
      const os = this.ns[ns], oe = this.ne[ne - 1];
      this.groups.push({
        ns,
        ne,
        os,
        oe,
        digits: m[0],
        unit: this.unitAt(os),
        sent: this.sentAt(os),
      });
    }
  }

  // -- positions ------------------------------------------------------------

  unitAt(pos: number): number {
    let lo = 0, hi = this.units.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.units[mid].start <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  sentAt(pos: number): number {
    let lo = 0, hi = this.sentences.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.sentences[mid].start <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  sentText(i: number): string {
    const s = this.sentences[i];
    return s ? this.text.slice(s.start, s.end) : "";
  }

  /** Input text of the sentence before `pos`, at most `max` chars. */
  before(pos: number, max = 40): string {
    const s = this.sentences[this.sentAt(pos)];
    return this.text.slice(Math.max(s.start, pos - max), pos);
  }

  after(pos: number, max = 20): string {
    const s = this.sentences[this.sentAt(Math.max(0, pos - 1))];
    return this.text.slice(pos, Math.min(s.end, pos + max));
  }

  fromN(a: number, b: number): [number, number] {
    return [this.ns[a], this.ne[b - 1]];
  }

  // -- spoken digits ----------------------------------------------------------

  /** Builds the working copy: runs of two or more spoken digits become numerals. */
  private normalize(): void {
    const t = this.text;
    type Tok = { start: number; end: number; digits: string; oh: boolean };
    const toks: Tok[] = [];
    for (const m of t.matchAll(SPOKEN_DIGIT)) {
      const d = DIGIT_WORDS[m[2].toLowerCase()];
      const times = m[1] ? (m[1].toLowerCase() === "double" ? 2 : 3) : 1;
      toks.push({
        start: m.index,
        end: m.index + m[0].length,
        digits: d.repeat(times),
        oh: !m[1] && m[2].toLowerCase() === "oh",
      });
    }
    const runs: Tok[][] = [];
    let cur: Tok[] = [];
    const flush = () => {
      while (cur.length && cur[0].oh) cur.shift(); // "Oh, one more thing": a leading "oh" is a word
      if (cur.reduce((n, k) => n + k.digits.length, 0) >= 2) runs.push(cur);
      cur = [];
    };
    for (const k of toks) {
      if (cur.length && !SPOKEN_GAP.test(t.slice(cur[cur.length - 1].end, k.start))) flush();
      cur.push(k);
    }
    flush();
    let pos = 0;
    const copy = (to: number) => {
      for (; pos < to; pos++) {
        this.n += t[pos];
        this.ns.push(pos);
        this.ne.push(pos + 1);
      }
    };
    const emit = (s: string, a: number, b: number) => {
      for (const ch of s) {
        this.n += ch;
        this.ns.push(a);
        this.ne.push(b);
      }
    };
    for (const run of runs) {
      copy(run[0].start);
      run.forEach((k, i) => {
        if (i > 0) {
          const gap = t.slice(run[i - 1].end, k.start);
          if (/[,\-–]/.test(gap)) emit(" ", run[i - 1].end, k.start);
        }
        emit(k.digits, k.start, k.end);
      });
      pos = run[run.length - 1].end;
    }
    copy(t.length);
  }

  // -- findings -------------------------------------------------------------

  overlaps(start: number, end: number): boolean {
    return this.hits.some((h) => h.parts.some(([s, e]) => s < end && start < e));
  }

  add(type: PiiType, start: number, end: number, digits = "", parts?: [number, number][]): boolean {
    parts ??= this.splitByUnit(start, end);
    if (!parts.length || parts.some(([s, e]) => this.overlaps(s, e))) return false;
    this.hits.push({
      id: this.hits.length,
      type,
      start,
      end,
      parts,
      digits,
      sent: this.sentAt(start),
    });
    return true;
  }

  /** A span's pieces, one per unit it touches, trimmed of spaces and punctuation at the edges. */
  splitByUnit(start: number, end: number): [number, number][] {
    const parts: [number, number][] = [];
    for (let u = this.unitAt(start); u < this.units.length && this.units[u].start < end; u++) {
      let s = Math.max(start, this.units[u].start), e = Math.min(end, this.units[u].end);
      while (s < e && /[\s,.;:!?…\-–—]/.test(this.text[s])) s++;
      while (e > s && /[\s,.;:!?…\-–—]/.test(this.text[e - 1])) e--;
      if (s < e) parts.push([s, e]);
    }
    return parts;
  }

  findings(): (PiiFinding & { unit: number; id: number })[] {
    const out: (PiiFinding & { unit: number; id: number })[] = [];
    for (const h of this.hits) {
      for (const [s, e] of h.parts) {
        const unit = this.unitAt(s);
        const u = this.units[unit];
        if (!u.report) continue;
        out.push({
          type: h.type,
          start: s - u.start,
          end: Math.min(e, u.end) - u.start,
          unit,
          id: h.id,
        });
      }
    }
    return out.sort((a, b) => a.unit - b.unit || a.start - b.start);
  }

  // -- context ----------------------------------------------------------------

  /** Does sentence i, or the one before it, match? */
  near(i: number, test: (s: string) => boolean): boolean {
    return test(this.sentText(i)) || (i > 0 && test(this.sentText(i - 1)));
  }

  /** The CVV keyword of sentence i, if it has one. */
  cvvWord(i: number): RegExpExecArray | null {
    const s = this.sentText(i);
    if (!s || (OTP_WORDS.test(s) && !CARD_WORDS.test(s))) return null;
    const m = CVV_WORDS.exec(s);
    if (m) return m;
    const code = CODE_WORD.exec(s);
    if (!code) return null;
    const cardNear = this.near(i, (t) => CARD_WORDS.test(t)) ||
      this.hits.some((h) => h.type === "CARD" && (h.sent === i || h.sent === i - 1));
    return cardNear ? code : null;
  }

  /** A filler sentence between a question and its answer ("Hold on, let me grab it."), not a new question. */
  quiet(i: number): boolean {
    const s = this.sentText(i);
    return !!s && !/\?\s*$/.test(s) && !/\d/.test(s) && !HAS_SPOKEN_DIGIT.test(s) &&
      s.trim().split(/\s+/).length <= 8;
  }

  /** Is the number at [os, oe) part of something else: a larger number, a code, money, a quantity, a label? */
  notStandalone(os: number, oe: number, label: "id" | "any" | "none" = "any"): boolean {
    if (this.glued(os, oe)) return true; // X200 · 1,200 · 3.50 · 10:30 · 12/26
    if (MONEY_BEFORE.test(this.before(os, 3))) return true;
    if (QUANTITY_AFTER.test(this.after(oe)) || ADDRESS_AFTER.test(this.after(oe, 40))) return true;
    if (label === "none") return false;
    return (label === "id" ? LABEL_BEFORE : ANY_LABEL_BEFORE).test(this.before(os, 50));
  }

  // -- digit runs ---------------------------------------------------------------

  claimed(g: Group): boolean {
    return this.overlaps(g.os, g.oe);
  }

  /** Groups joined by a single space or dash (in the working copy), not yet claimed. */
  tightRuns(): Run[] {
    const runs: Run[] = [];
    let cur: Group[] = [];
    const flush = () => {
      if (cur.length) {
        runs.push({
          groups: cur,
          os: cur[0].os,
          oe: cur[cur.length - 1].oe,
          digits: cur.map((g) => g.digits).join(""),
          sent: cur[0].sent,
        });
      }
      cur = [];
    };
    for (const g of this.groups) {
      if (this.claimed(g)) {
        flush();
        continue;
      }
      const prev = cur[cur.length - 1];
      if (prev && !(prev.unit === g.unit && /^(?: |-| - )$/.test(this.n.slice(prev.ne, g.ns)))) {
        flush();
      }
      cur.push(g);
    }
    flush();
    return runs;
  }

  /** Are the digits at [os, oe) glued to letters or part of a decimal / 1,000s number? */
  glued(os: number, oe: number): boolean {
    const t = this.text;
    return /[A-Za-z0-9]/.test(t[os - 1] ?? "") && /\d/.test(t[os]) ||
      /[A-Za-z0-9]/.test(t[oe] ?? "") && /\d/.test(t[oe - 1]) ||
      /[.,:/]/.test(t[os - 1] ?? "") && /\d/.test(t[os - 2] ?? "") ||
      /[.,:/]/.test(t[oe] ?? "") && /\d/.test(t[oe + 1] ?? "");
  }

  /** May card digits in group a continue with group b? */
  cardGap(a: Group, b: Group): boolean {
    const gap = this.n.slice(a.ne, b.ns);
    if (a.unit === b.unit) {
      // "4111, 1111": a comma or period between groups only between groups of four or more
      if (/[,.]/.test(gap) && (a.digits.length < 4 || b.digits.length < 4)) return false;
      return gap.length <= 14 && CARD_GAP.test(gap);
    }
    const ua = this.units[a.unit], ub = this.units[b.unit];
    if (!ua.chain || !ub.chain || !sameSpeaker(ua.speaker, ub.speaker)) return false;
    if (b.unit - a.unit > 2) return false;
    if (b.unit - a.unit === 2) {
      const mid = this.units[a.unit + 1];
      if (sameSpeaker(mid.speaker, ua.speaker)) return false;
      if (/\d/.test(mid.text) || HAS_SPOKEN_DIGIT.test(mid.text)) return false;
      if (mid.text.trim().split(/\s+/).length > BACKCHANNEL_MAX_WORDS) return false;
    }
    const tail = this.text.slice(a.oe, ua.end), head = this.text.slice(ub.start, b.os);
    return tail.length <= 14 && head.length <= 14 && CARD_GAP.test(tail) && CARD_GAP.test(head);
  }

  // -- detectors ----------------------------------------------------------------

  detect(): void {
    this.emails();
    this.cards();
    this.ssnFormatted();
    this.phonesFormatted();
    this.contextNumbers();
    this.ssnLastFour();
    this.cvvs();
  }

  emails(): void {
    for (const m of this.text.matchAll(EMAIL)) this.add("EMAIL", m.index, m.index + m[0].length);
    for (const m of this.text.matchAll(SPOKEN_EMAIL)) {
      const local = m[1];
      const single = !/\.|\s(?:dot|underscore|dash|hyphen)\s/i.test(local);
      if (single && NOT_EMAIL_LOCAL.has(local.toLowerCase())) continue;
      if (
        single && !/\d/.test(local) &&
        DETERMINER.test(this.text.slice(Math.max(0, m.index - 10), m.index))
      ) continue;
      // a domain label of two words ("northwind traders dot com") is ASR spacing, unless it reads as prose
      if (/\s/.test(m[2].replace(/\s+dot\s+/gi, ".")) && DOMAIN_PROSE.test(m[2])) continue;
      this.add("EMAIL", m.index, m.index + m[0].length);
    }
  }

  cards(): void {
    // Chains of digit groups that may belong to one number; within a chain try
    // group-aligned spans of 13–19 digits that pass Luhn.
    const chains: Group[][] = [];
    for (const g of this.groups) {
      const chain = chains[chains.length - 1];
      if (chain && this.cardGap(chain[chain.length - 1], g)) chain.push(g);
      else chains.push([g]);
    }
    for (const chain of chains) {
      let i = 0;
      while (i < chain.length) {
        const j = this.cardAt(chain, i);
        if (j < 0) {
          i++;
          continue;
        }
        const gs = chain.slice(i, j + 1);
        const parts: [number, number][] = [];
        for (const g of gs) {
          const last = parts[parts.length - 1];
          if (last && this.unitAt(last[1] - 1) === g.unit) last[1] = g.oe;
          else parts.push([g.os, g.oe]);
        }
        this.add("CARD", gs[0].os, gs[gs.length - 1].oe, gs.map((g) => g.digits).join(""), parts);
        i = j + 1;
      }
    }
  }

  /** The end index of a card starting at chain[i], or -1. */
  private cardAt(chain: Group[], i: number): number {
    const ends = new Map<number, number>(); // digit count → end index
    let len = 0;
    for (let j = i; j < chain.length && len < 19; j++) {
      len += chain[j].digits.length;
      if (len >= 13 && len <= 19) ends.set(len, j);
    }
    if (!ends.size) return -1;
    const all = chain.slice(i).map((g) => g.digits).join("");
    const order = [...preferredLengths(all), ...[...ends.keys()].sort((a, b) => b - a)];
    const first = chain[i];
    for (const n of order) {
      const j = ends.get(n);
      if (j === undefined) continue;
      const d = all.slice(0, n);
      if (!luhnValid(d)) continue;
      if (/^0+$/.test(d)) continue;
      // without card words nearby, only a real network's prefix and length will do
      if (!cardNetwork(d) && !this.near(first.sent, (s) => CARD_WORDS.test(s))) continue;
      const last = chain[j];
      if (this.glued(first.os, last.oe)) continue;
      if (LABEL_BEFORE.test(this.before(first.os, 50))) continue;
      if (MONEY_BEFORE.test(this.before(first.os, 3))) continue;
      return j;
    }
    return -1;
  }

  ssnFormatted(): void {
    for (const m of this.n.matchAll(SSN_FORMATTED)) {
      const digits = m[1] + m[3] + m[4];
      if (!ssnValid(digits)) continue;
      const [s, e] = this.fromN(m.index, m.index + m[0].length);
      if (this.notStandalone(s, e, "none")) continue;
      this.add("SSN", s, e, digits);
    }
  }

  phonesFormatted(): void {
    const found: [number, number][] = [];
    for (const m of this.n.matchAll(PHONE_INTL)) {
      const d = m[0].replace(/\D/g, "");
      if (d.length < 8 || d.length > 15 || /\n/.test(m[0]) || /\s{2}/.test(m[0])) continue;
      found.push([m.index, m.index + m[0].length]);
    }
    for (const m of this.n.matchAll(PHONE_NANP)) found.push([m.index, m.index + m[0].length]);
    for (const m of this.n.matchAll(PHONE_UK)) {
      const d = m[0].replace(/\D/g, "").length;
      if (d === 10 || d === 11) found.push([m.index, m.index + m[0].length]);
    }
    for (const m of this.n.matchAll(PHONE_NANP_COMMAS)) {
      if (this.near(this.sentAt(this.ns[m.index]), (t) => PHONE_WORDS.test(t))) {
        found.push([m.index, m.index + m[0].length]);
      }
    }
    found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    for (const [a, b] of found) {
      const [s, e] = this.fromN(a, b);
      if (this.notStandalone(s, e, "id")) continue;
      this.add("PHONE", s, e);
    }
  }

  /** Bare digits that are PII only with the right words nearby. */
  contextNumbers(): void {
    for (const r of this.tightRuns()) {
      const n = r.digits.length;
      const shape = r.groups.map((g) => g.digits.length).join("-");
      if (
        n === 9 && shape !== "5-4" && ssnValid(r.digits) &&
        this.near(r.sent, (s) => SSN_WORDS.test(s))
      ) {
        if (!this.notStandalone(r.os, r.oe)) this.add("SSN", r.os, r.oe, r.digits);
        continue;
      }
      const phoneShape = (n === 10 && /^[2-9]/.test(r.digits)) ||
        (n === 11 && /^1[2-9]/.test(r.digits)) ||
        shape === "3-4";
      if (
        phoneShape && this.near(r.sent, (s) => PHONE_WORDS.test(s)) &&
        !this.notStandalone(r.os, r.oe)
      ) {
        this.add("PHONE", r.os, r.oe, r.digits);
      }
    }
  }

  /** "The last four of your social?" — "6789." */
  ssnLastFour(): void {
    const taken = new Set<number>();
    for (const r of this.tightRuns()) {
      if (r.digits.length !== 4 || taken.has(r.sent) || this.notStandalone(r.os, r.oe)) continue;
      const s = this.sentText(r.sent);
      const m = SSN_LAST4.exec(s);
      const here = m && this.sentences[r.sent].start + m.index + m[0].length <= r.os;
      if (here || (!m && r.sent > 0 && SSN_LAST4.test(this.sentText(r.sent - 1)))) {
        if (this.add("SSN", r.os, r.oe, r.digits)) taken.add(r.sent);
      }
    }
  }

  cvvs(): void {
    const cardEnds = new Set(
      this.hits.filter((h) => h.type === "CARD").map((h) => h.digits.slice(-4)),
    );
    const eligible = (r: Run) =>
      (r.digits.length === 3 || r.digits.length === 4) && !this.notStandalone(r.os, r.oe) &&
      !NOT_CVV_BEFORE.test(this.before(r.os, 30)) && !cardEnds.has(r.digits);
    const bySentence = new Map<number, Run[]>();
    for (const r of this.tightRuns()) {
      if (!eligible(r)) continue;
      bySentence.set(r.sent, [...(bySentence.get(r.sent) ?? []), r]);
    }
    for (const [i, runs] of bySentence) {
      const start = this.sentences[i].start;
      let pick: Run | undefined;
      const m = this.cvvWord(i);
      if (m) {
        const kwStart = start + m.index, kwEnd = kwStart + m[0].length;
        pick = runs.find((r) => r.os >= kwEnd) ??
          runs.filter((r) => r.oe <= kwStart && kwStart - r.oe <= 30).pop();
      }
      if (!pick) {
        const asked = (i > 0 && this.cvvWord(i - 1) !== null) ||
          (i > 1 && this.quiet(i - 1) && this.cvvWord(i - 2) !== null);
        if (asked) pick = runs[0];
      }
      if (pick) this.add("CVV", pick.os, pick.oe, pick.digits);
    }
    // Read back: the same digits repeated within the next few sentences.
    for (const h of this.hits.filter((x) => x.type === "CVV")) {
      for (const r of this.tightRuns()) {
        if (r.digits === h.digits && r.sent > h.sent && r.sent <= h.sent + 3 && eligible(r)) {
          this.add("CVV", r.os, r.oe, r.digits);
        }
      }
    }
  }
}

function sameSpeaker(a: unknown, b: unknown): boolean {
  return a === b;
}

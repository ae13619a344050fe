// PII in spoken transcripts, on top of the rules in redact.ts: numbers said in
// words ("two fifty six", "twenty two"), digit groups split over turns
// ("234554" … "Mm-hm." … "9312"), the agent reading a number back, dates of
// birth, street addresses and ZIP codes, spelled-out emails and the
// customer's stated name.
//
// How it works
// - Every segment is cut into number runs: numerals and number words next to
//   each other ("4 3 2 1", "seven six five", "nineteen eighty four"); words
//   become digits through `words-to-numbers`.
// - A context word ("social", "phone", "account number", "date of birth",
//   "zip" …) opens a window of the following few segments, both speakers, so
//   a read-back is inside it. The runs in the window belong to that type
//   until the type's digits are complete, the talk moves on (two segments
//   without a number once digits came) or another context word opens a new
//   window. Labels of things that are not personal data ("order number",
//   "confirmation number") open a window that redacts nothing.
// - A later run that repeats (part of) a redacted number is a read-back.
// - A whole date with a year long past is a date of birth anywhere; other
//   dates only in a date-of-birth window.
import { wordsToNumbers } from "words-to-numbers";
import { luhnValid, ssnValid } from "./checks.ts";

export type SpokenType =
  | "PHONE"
  | "SSN"
  | "CARD"
  | "ACCOUNT"
  | "DOB"
  | "ADDRESS"
  | "EMAIL"
  | "NAME";

export interface SpokenFinding {
  type: SpokenType;
  segment: number;
  start: number;
  end: number;
  /** Findings that are one piece of PII (a number split over turns) share an id. */
  id: number;
}

interface Seg {
  text: string;
  speaker?: unknown;
}

// ---------------------------------------------------------------------------
// Number runs

const UNITS = "zero|oh|one|two|three|four|five|six|seven|eight|nine";
const TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen";
const TENS = "twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety";
const ORDINALS =
  "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth";
const NUM_WORD = new RegExp(`^(?:${UNITS}|${TEENS}|${TENS}|hundred|thousand|double|triple)$`, "i");
const TOKEN = /[A-Za-z]+|\d+/g;

export interface NumRun {
  start: number;
  end: number;
  digits: string;
  /** How many separate groups the run was said in ("415 555 2671" → 3). */
  groups: number;
}

/** Digits of a run of number words: "two fifty six" → "256", "double five" → "55". */
export function spokenDigits(words: string[]): string {
  const out: string[] = [];
  let chunk: string[] = [];
  const flush = () => {
    if (!chunk.length) return;
    const v = wordsToNumbers(chunk.join(" "));
    out.push(String(v).replace(/\D/g, ""));
    chunk = [];
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i].toLowerCase();
    if (w === "oh") {
      flush();
      out.push("0");
    } else if ((w === "double" || w === "triple") && i + 1 < words.length) {
      flush();
      const d = spokenDigits([words[++i]]);
      out.push(d.repeat(w === "double" ? 2 : 3));
    } else chunk.push(w);
  }
  flush();
  return out.join("");
}

/** Number runs of one text. Tokens join when only spaces, commas, dashes or "…" lie between. */
export function numberRuns(text: string): NumRun[] {
  const runs: NumRun[] = [];
  let cur: { start: number; end: number; tok: string }[] = [];
  const flush = () => {
    while (cur.length && /^(?:oh|double|triple|hundred|thousand)$/i.test(cur[0].tok)) cur.shift();
    if (cur.length) {
      const digits: string[] = [];
      let words: string[] = [];
      let groups = 0;
      for (const t of cur) {
        if (/^\d+$/.test(t.tok)) {
          if (words.length) digits.push(spokenDigits(words)), groups++;
          words = [];
          digits.push(t.tok);
          groups++;
        } else words.push(t.tok);
      }
      if (words.length) digits.push(spokenDigits(words)), groups++;
      const d = digits.join("");
      if (d) runs.push({ start: cur[0].start, end: cur[cur.length - 1].end, digits: d, groups });
    }
    cur = [];
  };
  for (const m of text.matchAll(TOKEN)) {
    const tok = m[0];
    const glued = /^\d+$/.test(tok) &&
      (/[A-Za-z]/.test(text[m.index + tok.length] ?? "") ||
        /[A-Za-z]/.test(text[m.index - 1] ?? ""));
    const isNum = !glued && (/^\d+$/.test(tok) || NUM_WORD.test(tok));
    if (!isNum) {
      flush();
      continue;
    }
    const prev = cur[cur.length - 1];
    if (prev && !/^(?:(?:[\s,\-–—…]|\.{2,})*|[./:])$/.test(text.slice(prev.end, m.index))) flush();
    // "1,200" / "3.50" / "10:30" are one number, not a group of digits
    if (
      prev && /^[.,:/]$/.test(text.slice(prev.end, m.index)) && /^\d+$/.test(prev.tok) &&
      /^\d+$/.test(tok)
    ) {
      cur.push({ start: m.index, end: m.index + tok.length, tok });
      continue;
    }
    cur.push({ start: m.index, end: m.index + tok.length, tok });
  }
  flush();
  return runs;
}

// ---------------------------------------------------------------------------
// Context words

type WindowType = Exclude<SpokenType, "EMAIL" | "NAME"> | "NONE" | "ZIP" | "NUMBER";

const TRIGGERS: [WindowType, RegExp][] = [
  [
    "NONE",
    /\b(?:order|tracking|invoice|confirmation|reference|ref|ticket|case|claim|serial|model|part|sku|extension|ext|room|flight|quote|transaction|receipt|booking|reservation|routing)\s+(?:number|no\.?|num|#|id|code)\b|\b(?:extension|routing|sort\s+code)\b/gi,
  ],
  [
    "SSN",
    /\b(?:social\s+security|social|ssn|s\.?\s?s\.?\s?n\.?)\b(?!\s+(?:media|network|channels?|posts?|team|events?|profiles?))/gi,
  ],
  ["DOB", /\b(?:date\s+of\s+birth|birth\s*date|birthday|d\.?\s?o\.?\s?b\.?|born)\b/gi],
  ["ZIP", /\b(?:zip(?:\s*code)?|postal\s+code|post\s*code)\b/gi],
  [
    "ADDRESS",
    /\b(?:(?:street|home|mailing|billing|shipping|service|physical)\s+address|address(?!\s+(?:book|bar))|live\s+at|living\s+at|located\s+at)\b/gi,
  ],
  [
    "CARD",
    /\b(?:card\s+number|credit\s+card|debit\s+card|visa|master\s?card|amex|american\s+express|discover\s+card|card)\b/gi,
  ],
  [
    "ACCOUNT",
    /\b(?:account|acct|member(?:ship)?\s+(?:number|id)|customer\s+(?:number|id)|policy\s+number|iban|pin)\b/gi,
  ],
  [
    "PHONE",
    /\b(?:phone|telephone|cell(?:phone)?|mobile|callback|call\s+(?:you|me)\s+(?:back\s+)?(?:at|on)|reach\s+(?:you|me)\s+(?:at|on)|landline|fax)\b/gi,
  ],
  ["NUMBER", /\bnumber\b/gi],
];
/** "email address" is an email, not a street address. */
const EMAIL_ADDRESS = /\be-?\s?mail\s+address\b/i;

/** Digits that complete a type; the window closes once a type has this many. */
const FULL: Record<string, number> = {
  SSN: 9,
  PHONE: 11,
  CARD: 19,
  ACCOUNT: 20,
  DOB: 8,
  ZIP: 9,
  ADDRESS: 12,
  NUMBER: 12,
};
const PHONE_SHAPE = /^(?:1?[2-9]\d{9}|\d{7})$/;

const QUANTITY_AFTER =
  /^\s*(?:%|percent\b|dollars?\b|bucks\b|cents?\b|euros?\b|pounds?\b|k\b|grand\b|am\b|pm\b|a\.m\.|p\.m\.|o'clock\b|seconds?\b|minutes?\b|mins?\b|hours?\b|days?\b|weeks?\b|months?\b|years?\b|times?\b|digits?\b|numbers?\b|licen[cs]es?\b|seats?\b|users?\b|people\b|items?\b|calls?\b|of\s+(?:them|those|these)\b|miles?\b)/i;
/** "the card ending in 4242", "expires 09/28": not the card number. */
const NOT_CARD_BEFORE =
  /\b(?:ending(?:\s+(?:in|with))?|ends?\s+(?:in|with)|last\s+(?:four|4)(?:\s+digits)?|exp\w*|valid\s+(?:thru|through|until)|good\s+(?:thru|through))\W*(?:date\W*)?(?:is\W*)?$/i;
const MONEY_BEFORE =
  /(?:[$£€]\s*|\b(?:costs?|price|pay|paid|charge[ds]?|fee|bill|owe|balance(?:\s+of)?|total|about|around|like|only|just|maybe|top\s+\d+|after|before|by|until|at)\s+)$/i;

interface Trigger {
  type: WindowType;
  segment: number;
  end: number;
}

function triggersOf(text: string, segment: number): Trigger[] {
  const found: (Trigger & { start: number })[] = [];
  for (const [type, re] of TRIGGERS) {
    for (const m of text.matchAll(re)) {
      const start = m.index, end = m.index + m[0].length;
      if (type === "ADDRESS" && EMAIL_ADDRESS.test(text.slice(Math.max(0, start - 8), end))) {
        continue;
      }
      if (found.some((f) => f.start < end && start < f.end)) continue;
      // "social security number", "phone number": one context, not two
      if (
        type === "NUMBER" &&
        found.some((f) => f.end <= start && /^[\s\w]{0,12}$/.test(text.slice(f.end, start)))
      ) continue;
      found.push({ type, segment, start, end });
    }
  }
  return found.sort((a, b) => a.start - b.start).map(({ type, segment, end }) => ({
    type,
    segment,
    end,
  }));
}

// ---------------------------------------------------------------------------
// Dates, addresses, emails, names

const MONTH =
  "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
const DAY =
  `\\d{1,2}(?:st|nd|rd|th)?|(?:(?:twenty|thirty)[\\s-]?)?(?:${ORDINALS})|(?:${TEENS}|${TENS}|${UNITS})`;
const YEAR =
  `\\d{4}|'\\d{2}|(?:nineteen|twenty)\\s+(?:(?:${TENS})(?:[\\s-](?:${UNITS}))?|${TEENS}|oh\\s+(?:${UNITS})|hundred)|two\\s+thousand(?:\\s+(?:and\\s+)?(?:${UNITS}|${TEENS}|twenty(?:[\\s-](?:${UNITS}))?))?`;
const DATE_SPOKEN = new RegExp(
  `\\b(?:(?:${MONTH})\\.?\\s+(?:the\\s+)?(?:${DAY})|(?:the\\s+)?(?:${DAY})\\s+of\\s+(?:${MONTH}))\\b(?:,?\\s+(?:of\\s+)?(?<year>${YEAR})\\b)?`,
  "gi",
);
const DATE_NUMERIC = /(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/.-])/g;
const THIS_YEAR = new Date().getUTCFullYear();

function yearOf(raw: string | undefined): number | null {
  if (!raw) return null;
  if (/^\d{4}$/.test(raw)) return Number(raw);
  if (/^'\d{2}$/.test(raw)) return 1900 + Number(raw.slice(1));
  const d = spokenDigits(raw.split(/[\s-]+/).filter((w) => w.toLowerCase() !== "and"));
  const n = Number(d.length === 3 ? d.slice(0, 2) + "0" + d.slice(2) : d);
  return n >= 1900 && n <= THIS_YEAR ? n : null;
}

const STREET =
  "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl|parkway|pkwy|highway|hwy|terrace|circle|cir|square|trail|crescent|close|row|alley|pike";
const NUMERIC =
  `\\d{1,6}[a-z]?|(?:(?:${UNITS}|${TEENS}|${TENS}|hundred|thousand)[\\s-]+){0,5}(?:${UNITS}|${TEENS}|${TENS}|hundred|thousand)`;
const STATE =
  "alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|georgia|hawaii|idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|minnesota|mississippi|missouri|montana|nebraska|nevada|new\\s+hampshire|new\\s+jersey|new\\s+mexico|new\\s+york|north\\s+carolina|north\\s+dakota|ohio|oklahoma|oregon|pennsylvania|rhode\\s+island|south\\s+carolina|south\\s+dakota|tennessee|texas|utah|vermont|virginia|washington|west\\s+virginia|wisconsin|wyoming|AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY";
const ADDRESS = new RegExp(
  `\\b(?:${NUMERIC})\\s+(?:(?:north|south|east|west|n|s|e|w)\\.?\\s+)?(?:[a-z0-9']+\\s+){0,3}?(?:${STREET})\\b\\.?` +
    `(?:,?\\s+(?:apartment|apt\\.?|unit|suite|ste\\.?|number|#)\\s*(?:${NUMERIC}|[a-z])\\b)?` +
    `(?:,?\\s+(?:[a-z]+\\s+){0,2}?[a-z]+,?\\s+(?:${STATE})\\b(?:,?\\s+(?:\\d{5}(?:-\\d{4})?|(?:(?:${UNITS})[\\s,-]+){4}(?:${UNITS})))?)?`,
  "gi",
);
/** "…, Springfield, Illinois 62704": a ZIP after a state, wherever it is. */
const STATE_ZIP = new RegExp(`\\b(?:${STATE})\\b,?\\s+(\\d{5}(?:-\\d{4})?)\\b`, "g");

const TLD = "com|net|org|edu|gov|io|co|us|uk|ca|info|biz|me|ai|app|dev";
const EMAIL_WORD = /\be-?\s?mail\b/i;
const SPELL_TOKEN = /^(?:[a-z]|\d+|dot|period|underscore|dash|hyphen|[a-z]+)$/i;
const EMAIL_STOP = new Set(
  "is it's its my the a and so um uh yeah yes sure okay ok email e-mail mail address that's thats it me us at to"
    .split(" "),
);
const SPOKEN_DOMAIN = new RegExp(
  `\\s(?:at|@|at\\s+sign)\\s+((?:[a-z0-9]+[\\s-]?){1,3}?)\\s*(?:dot|\\.)\\s*(?:${TLD})\\b`,
  "gi",
);
const FREEMAIL = /^(?:g\s?mail|yahoo|hotmail|outlook|aol|icloud|proton\s?mail|live|msn|comcast)$/i;

const NAME_INTRO =
  /\b(?:my\s+name\s+is|my\s+name's|the\s+name\s+is|name's|(?:first|last|full)\s+name\s+is|(?:first|last|full)\s+name's)\s+/gi;
const NAME_SELF =
  /(?:^|[.!?,]\s*|\b(?:hi|hello|hey|yes|yeah|oh)\b,?\s+)(?:this\s+is|it's|i'm|i\s+am)\s+/gi;
const NAME_STOP = new Set(
  ("sorry fine good great okay ok just not here calling interested busy sure glad happy looking trying " +
    "still also actually really the a an going at in on with from about that this so very well yes no " +
    "afraid fed tired done mister mr mrs ms miss doctor dr speaking").split(" "),
);
const NAME_WORD = /^[A-Z][a-z'’-]+$/;
const SPELLED = /\b((?:[a-z](?:[\s-]+|$)){2,}[a-z]?)\b/gi;

// ---------------------------------------------------------------------------

export function findSpoken(
  segments: Seg[],
  taken: { type: string; segment: number; start: number; end: number }[] = [],
): SpokenFinding[] {
  const out: SpokenFinding[] = [];
  let nextId = 100_000;
  // a finding of the rules may be widened by one of the same type ("n dot smith at …" → "j o h n dot smith at …")
  const free = (segment: number, start: number, end: number, type?: SpokenType) =>
    !taken.some((t) =>
      t.segment === segment && t.start < end && start < t.end &&
      !(t.type === type && start <= t.start && t.end <= end)
    ) &&
    !out.some((t) => t.segment === segment && t.start < end && start < t.end);
  const add = (type: SpokenType, segment: number, start: number, end: number, id = nextId++) => {
    if (start >= end || !free(segment, start, end, type)) return false;
    out.push({ type, segment, start, end, id });
    return true;
  };

  // Dates and addresses first: they hold numbers a window would take for itself.
  const dobWindows = windowsOf(segments, "DOB");
  segments.forEach((s, i) => {
    for (const m of s.text.matchAll(DATE_SPOKEN)) {
      const year = yearOf(m.groups?.year);
      const inDob = dobWindows.has(i);
      if ((year && year <= THIS_YEAR - 14) || (inDob && (year || !m.groups?.year))) {
        add("DOB", i, m.index, m.index + m[0].length);
      }
    }
    for (const m of s.text.matchAll(DATE_NUMERIC)) {
      const y = m[4].length === 2 ? 1900 + Number(m[4]) : Number(m[4]);
      const monthDay = Number(m[1]) <= 31 && Number(m[3]) <= 31;
      if (
        monthDay && (dobWindows.has(i) || (m[4].length === 4 && y >= 1900 && y <= THIS_YEAR - 14))
      ) {
        add("DOB", i, m.index, m.index + m[0].length);
      }
    }
    for (const m of s.text.matchAll(ADDRESS)) {
      if (/^\d+$/.test(m[0].split(/\s/)[0]) || numberRuns(m[0])[0]?.start === 0) {
        add("ADDRESS", i, m.index, m.index + m[0].replace(/[\s,.]+$/, "").length);
      }
    }
    for (const m of s.text.matchAll(STATE_ZIP)) {
      const at = m.index + m[0].length - m[1].length;
      add("ADDRESS", i, at, at + m[1].length);
    }
  });

  emails(segments, add);
  names(segments, add, out);

  // Windows of context: every run after a context word until the number is complete.
  const redacted: { type: SpokenType; digits: string; segment: number }[] = [];
  const triggers = segments.flatMap((s, i) => triggersOf(s.text, i));
  const runsOf = segments.map((s) => numberRuns(s.text));
  const claimed = new Set<string>();
  for (let t = 0; t < triggers.length; t++) {
    const trig = triggers[t];
    const next = triggers[t + 1];
    let digits = "";
    let picked: { segment: number; run: NumRun }[] = [];
    let idle = 0;
    for (let i = trig.segment; i < segments.length && i <= trig.segment + 6; i++) {
      const runs = runsOf[i].filter((r) =>
        (i > trig.segment || r.start >= trig.end) &&
        !(next && (i > next.segment || (i === next.segment && r.start >= next.end)))
      );
      const usable = runs.filter((r) => r.digits.length >= 2)
        .filter((r) => !QUANTITY_AFTER.test(segments[i].text.slice(r.end, r.end + 20)))
        .filter((r) =>
          !MONEY_BEFORE.test(segments[i].text.slice(Math.max(0, r.start - 18), r.start))
        )
        .filter((r) =>
          trig.type !== "CARD" ||
          !NOT_CARD_BEFORE.test(segments[i].text.slice(Math.max(0, r.start - 24), r.start))
        );
      if (!usable.length) {
        if (next && (i > next.segment || (i === next.segment))) break;
        if (++idle >= (digits ? 2 : 3)) break;
        continue;
      }
      idle = 0;
      for (const r of usable) {
        picked.push({ segment: i, run: r });
        digits += r.digits;
        if (digits.length >= (FULL[trig.type] ?? 12)) break;
      }
      if (digits.length >= (FULL[trig.type] ?? 12)) break;
    }
    if (trig.type === "NONE" || !picked.length) continue;
    const type = windowType(trig.type, digits);
    if (!type) continue;
    if (trig.type === "ZIP") {
      picked = picked.filter((p) => p.run.digits.length >= 5 || picked.length > 1);
    }
    const id = nextId++;
    let any = false;
    for (const p of picked) {
      const key = `${p.segment}:${p.run.start}`;
      if (claimed.has(key)) continue;
      if (add(type, p.segment, p.run.start, p.run.end, id)) {
        claimed.add(key);
        any = true;
      }
    }
    if (any) redacted.push({ type, digits, segment: picked[0].segment });
  }

  // Read-backs: a later run that repeats a redacted number, or a piece of it of 3+ digits.
  for (const r of redacted) {
    for (let i = r.segment; i < segments.length && i <= r.segment + 12; i++) {
      for (const run of runsOf[i]) {
        if (run.digits.length >= 3 && r.digits.includes(run.digits)) {
          add(r.type, i, run.start, run.end);
        }
      }
    }
  }
  return out.sort((a, b) => a.segment - b.segment || a.start - b.start);
}

/** The type a window's digits get, or null when they are not personal data after all. */
function windowType(t: WindowType, digits: string): SpokenType | null {
  switch (t) {
    case "NONE":
      return null;
    case "ZIP":
      return digits.length >= 5 ? "ADDRESS" : null;
    case "NUMBER":
      return PHONE_SHAPE.test(digits) ? "PHONE" : null;
    case "CARD":
      // a whole card number has to pass Luhn; shorter runs are the part of one that was said
      return digits.length >= 4 && (digits.length < 13 || luhnValid(digits)) ? "CARD" : null;
    case "SSN":
      // nine digits that were never issued are something else
      return digits.length >= 2 && (digits.length !== 9 || ssnValid(digits)) ? "SSN" : null;
    case "DOB":
      return digits.length >= 4 ? "DOB" : null;
    case "PHONE":
      return digits.length >= 4 ? "PHONE" : null;
    case "ACCOUNT":
      return digits.length >= 4 ? "ACCOUNT" : null;
    case "ADDRESS":
      return "ADDRESS";
  }
}

/** Segments inside a window opened by a context word of `type` (that segment and the next three). */
function windowsOf(segments: Seg[], type: WindowType): Set<number> {
  const out = new Set<number>();
  segments.forEach((s, i) => {
    if (triggersOf(s.text, i).some((t) => t.type === type)) {
      for (let k = i; k < Math.min(segments.length, i + 4); k++) out.add(k);
    }
  });
  return out;
}

type Add = (type: SpokenType, segment: number, start: number, end: number, id?: number) => boolean;

/** "j o h n dot smith at gmail dot com": the local part is the run of spellable words before "at". */
function emails(segments: Seg[], add: Add): void {
  segments.forEach((s, i) => {
    const context = EMAIL_WORD.test(s.text) || (i > 0 && EMAIL_WORD.test(segments[i - 1].text)) ||
      (i > 1 && EMAIL_WORD.test(segments[i - 2].text));
    for (const m of s.text.matchAll(SPOKEN_DOMAIN)) {
      const domain = m[1].trim();
      if (!context && !FREEMAIL.test(domain)) continue;
      const before = s.text.slice(0, m.index);
      const toks = [...before.matchAll(/[A-Za-z0-9']+/g)];
      let k = toks.length;
      let spelled = 0;
      while (k > 0 && toks.length - k < 16) {
        const w = toks[k - 1][0];
        if (EMAIL_STOP.has(w.toLowerCase()) || !SPELL_TOKEN.test(w)) break;
        // a word longer than one letter ends the local part unless letters or "dot" surround it
        if (w.length > 1 && !/^(?:dot|period|underscore|dash|hyphen|\d+)$/i.test(w)) {
          if (spelled > 0 && k < toks.length && toks[k][0].length === 1) {
            k--;
            break;
          }
          spelled++;
          if (spelled > 2) break;
        }
        k--;
      }
      if (k === toks.length) continue;
      add("EMAIL", i, toks[k].index!, m.index + m[0].length);
    }
  });
}

/** The customer's stated name ("my name is Dana Whitfield"), its spelling, and every later mention. */
function names(segments: Seg[], add: Add, out: SpokenFinding[]): void {
  const tokens = new Set<string>();
  segments.forEach((s, i) => {
    if (s.speaker === "agent" || /^\s*agent:/i.test(s.text)) return;
    const take = (at: number, loose: boolean) => {
      const words = [...s.text.slice(at).matchAll(/[A-Za-z'’-]+/g)].slice(0, 3);
      const picked: RegExpMatchArray[] = [];
      for (const w of words) {
        if (NAME_STOP.has(w[0].toLowerCase())) break;
        if (!NAME_WORD.test(w[0]) && !(loose && picked.length < 2)) break;
        // words must follow one another with only spaces between
        const prev = picked[picked.length - 1];
        if (prev && !/^\s+$/.test(s.text.slice(at + prev.index! + prev[0].length, at + w.index!))) {
          break;
        }
        picked.push(w);
      }
      if (!picked.length) return;
      const a = at + picked[0].index!,
        b = at + picked[picked.length - 1].index! + picked[picked.length - 1][0].length;
      if (add("NAME", i, a, b)) picked.forEach((w) => w[0].length > 1 && tokens.add(w[0]));
    };
    for (const m of s.text.matchAll(NAME_INTRO)) take(m.index + m[0].length, true);
    if (i < 8) { for (const m of s.text.matchAll(NAME_SELF)) take(m.index + m[0].length, false); }
    // "that's S M I T H" / "spelled D-A-N-A" after a name
    if (
      /\b(?:spell|spelled|spelt|name)\b/i.test(s.text) ||
      out.some((f) => f.type === "NAME" && f.segment >= i - 1)
    ) {
      for (const m of s.text.matchAll(SPELLED)) {
        const letters = m[1].replace(/[^a-z]/gi, "");
        if (letters.length >= 3) add("NAME", i, m.index, m.index + m[1].trimEnd().length);
      }
    }
  });
  if (!tokens.size) return;
  const re = new RegExp(
    `\\b(?:${[...tokens].map((t) => t.replace(/[.*+?^${}()|[\]\\'’-]/g, "\\$&")).join("|")})\\b`,
    "g",
  );
  segments.forEach((s, i) => {
    for (const m of s.text.matchAll(re)) add("NAME", i, m.index, m.index + m[0].length);
  });
}

// The offline analyzer: used when OPENAI_API_KEY is absent, so the product works end to end
// with no keys. Deterministic rules over the transcript, producing the same `Insight` shape
// as the GPT-4o analyzer:
//
//   sentiment        VADER (npm `vader-sentiment`) over the CUSTOMER's sentences, topic words
//                    masked, complaint / opt-out / sarcasm cues (sentiment.ts), later
//                    sentences weighted more.
//   converted        the last decisive customer signal (agreement vs. refusal phrases), agent
//                    confirmations of payment/order, a card number read out.
//   upsell           money amounts the agent offers as an add-on ("an extra $49 a month"),
//                    counted when the customer's next decisive sentence agrees.
//   script adherence checklist matching of each ScriptItem against the AGENT's sentences:
//                    phrase rules for common items (greeting, recording notice, discovery,
//                    offer, objections, add-on, close, next steps) plus label keywords.
//   objections, next steps, key moments, a template summary.
//
// Every Evidence quote is a whole sentence sliced from a segment's text, with that segment's
// start time and speaker, so it is an exact substring of the transcript.
import { aggregate, CALL_THRESHOLD, scoreTurn } from "./sentiment.ts";
import {
  type AnalysisInput,
  type AnalysisResult,
  type Evidence,
  Insight,
  type ScriptItem,
  type Segment,
  type Speaker,
} from "./schema.ts";

export const OFFLINE_MODEL = "offline-rules-v2";
export const OFFLINE_PROMPT_VERSION = "offline-v2";

// ---------------------------------------------------------------------------------------------
// Sentences

/** One sentence of one segment. `text` is an exact substring of the segment's text. */
interface Unit {
  /** Position in the call (0-based, over all sentences). */
  i: number;
  text: string;
  lower: string;
  start: number;
  speaker: Speaker;
  question: boolean;
}

const ABBREVIATION = /\b(?:mr|mrs|ms|dr|st|jr|sr|vs|etc|a\.m|p\.m|e\.g|i\.e|approx)\.$/i;

/** Splits a segment into sentences at `.`, `!` or `?` followed by whitespace ("7.2" stays). */
function splitSentences(text: string): string[] {
  const out: string[] = [];
  const boundary = /[.!?]+["')\]]*(?=\s)/g;
  let from = 0;
  for (let m = boundary.exec(text); m; m = boundary.exec(text)) {
    const end = m.index + m[0].length;
    const piece = text.slice(from, end);
    if (ABBREVIATION.test(piece.trimEnd())) continue;
    out.push(piece);
    from = end;
  }
  out.push(text.slice(from));
  return out.map((s) => s.trim()).filter((s) => /[\p{L}\p{N}]/u.test(s));
}

function toUnits(segments: Segment[]): Unit[] {
  const units: Unit[] = [];
  const ordered = segments
    .map((s, k) => ({ s, k }))
    .sort((a, b) => a.s.start - b.s.start || a.k - b.k);
  for (const { s } of ordered) {
    for (const text of splitSentences(s.text)) {
      units.push({
        i: units.length,
        text,
        lower: normalizeQuotes(text.replace(/[A-Z]+/g, (c) => c.toLowerCase())),
        start: s.start,
        speaker: s.speaker,
        question: /\?["')\]]*$/.test(text),
      });
    }
  }
  return units;
}

/** Lower case with curly apostrophes made straight, keeping every offset of the original. */
const normalizeQuotes = (s: string) =>
  s.replace(/[\u2018\u2019\u02bc]/g, "'").replace(
    /[^ -~]/g,
    (c) => (c.toLowerCase().length === c.length ? c.toLowerCase() : c),
  );

const evidence = (u: Unit): Evidence => ({ quote: u.text, time: u.start, speaker: u.speaker });

/** True when a negation sits just before `index` ("not ready to sign", "don't want to"). */
function negatedAt(lower: string, index: number): boolean {
  const before = lower.slice(Math.max(0, index - 28), index);
  return /\b(?:not|never|no|don't|won't|can't|cannot|isn't|aren't|wasn't|didn't|doesn't|wouldn't)\s+(?:\w+\s+)?$/
    .test(before);
}

/** First non-negated match of any pattern, or null. */
function findPhrase(lower: string, patterns: RegExp[]): RegExpExecArray | null {
  for (const p of patterns) {
    const re = new RegExp(p.source, p.flags.includes("g") ? p.flags : p.flags + "g");
    for (let m = re.exec(lower); m; m = re.exec(lower)) {
      if (!negatedAt(lower, m.index)) return m;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Sentiment (customer sentences): VADER with call rules (sentiment.ts)

interface Scored {
  unit: Unit;
  score: number;
  cues: string[];
}

function analyzeSentiment(customer: Unit[]): { insight: Insight["sentiment"]; scored: Scored[] } {
  let prevNegative = false;
  const scored = customer.map((unit) => {
    const r = scoreTurn(unit.text, prevNegative);
    prevNegative = r.score <= -0.05;
    return { unit, ...r };
  });
  const score = aggregate(scored);
  const label = score >= CALL_THRESHOLD
    ? "positive"
    : score <= -CALL_THRESHOLD
    ? "negative"
    : "neutral";
  const positive = scored.filter((s) => s.score > 0.05).sort((a, b) => b.score - a.score);
  const negative = scored.filter((s) => s.score < -0.05).sort((a, b) => a.score - b.score);
  const picks = label === "positive"
    ? [...positive.slice(0, 2), ...negative.slice(0, 1)]
    : label === "negative"
    ? [...negative.slice(0, 2), ...positive.slice(0, 1)]
    : [...negative.slice(0, 1), ...positive.slice(0, 1)];
  return {
    insight: {
      score: Object.is(score, -0) ? 0 : score,
      label,
      evidence: picks.map((s) => evidence(s.unit)),
    },
    scored,
  };
}

// ---------------------------------------------------------------------------------------------
// Money amounts and add-on offers

type Period = "month" | "year" | null;

interface Amount {
  value: number;
  currency: string;
  period: Period;
  index: number;
  end: number;
}

const DOLLAR_CURRENCIES = new Set(["USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"]);

const AMOUNT_RE = new RegExp(
  String.raw`([$£€])\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?:\s?(k|thousand)\b)?` +
    String.raw`|\b(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s?(k\b|thousand\b)?\s?` +
    String.raw`(dollars?|bucks|usd|pounds?|quid|gbp|euros?|eur)\b`,
  "gi",
);

function currencyOf(marker: string, inputCurrency: string): string {
  const m = marker.toLowerCase();
  if (m === "£" || m.startsWith("pound") || m === "quid" || m === "gbp") return "GBP";
  if (m === "€" || m.startsWith("euro") || m === "eur") return "EUR";
  return DOLLAR_CURRENCIES.has(inputCurrency) ? inputCurrency : "USD";
}

function findAmounts(text: string, inputCurrency: string): Amount[] {
  const out: Amount[] = [];
  for (const m of text.matchAll(AMOUNT_RE)) {
    const [whole, sym, int1, dec1, mul1, int2, dec2, mul2, word] = m;
    const int = (int1 ?? int2).replace(/,/g, "");
    const dec = dec1 ?? dec2;
    const mul = (mul1 ?? mul2) ? 1000 : 1;
    const value = Number(dec ? `${int}.${dec}` : int) * mul;
    if (!Number.isFinite(value) || value <= 0) continue;
    const after = text.slice(m.index! + whole.length, m.index! + whole.length + 24).toLowerCase();
    const period: Period = /^\s*(?:a|per|\/|each)\s*(?:month|mo)\b|^\s*monthly\b/.test(after)
      ? "month"
      : /^\s*(?:a|per|\/|each)\s*(?:year|yr)\b|^\s*(?:yearly|annually)\b/.test(after)
      ? "year"
      : null;
    out.push({
      value,
      currency: currencyOf(sym ?? word, inputCurrency),
      period,
      index: m.index!,
      end: m.index! + whole.length,
    });
  }
  return out;
}

/** Words that mark an amount as something added on. */
const ADDON_CUE = new Set([
  "add",
  "adding",
  "added",
  "extra",
  "additional",
  "also",
  "upgrade",
  "plus",
  "top",
  "bundle",
  "throw",
  "add-on",
]);
/** Words that mark an amount as a total, a saving, a bill or the main price. */
const NOT_ADDON = new Set([
  "total",
  "comes",
  "payment",
  "payments",
  "price",
  "bill",
  "bills",
  "save",
  "saving",
  "savings",
  "credit",
  "rebate",
  "discount",
  "off",
  "deposit",
  "refund",
  "net",
  "incentive",
]);
/** Sentences that restate what was agreed rather than offer something. */
const RECAP =
  /\b(?:in total|total|altogether|all in|comes to|to recap|recap|so that's|grand total|that brings)\b/;

/** Add-on products, for naming an offer and for spotting one without a cue word. */
const CATALOGUE =
  /\b(?:battery(?: backup| storage)?|backup battery|critter guard|pest guard|bird guard|(?:premium )?monitoring(?: plan| package| service)?|(?:maintenance|cleaning|service|protection|inspection|care) plan|(?:extended|premium) warranty|warranty extension|(?:level 2 )?ev charger|charger|smart panel(?: upgrade)?|panel upgrade|(?:smart )?thermostat|surge protect\w*|generator|water heater|heat pump|insulation)\b/g;
const NAME_STOP = new Set(
  "a an the our your their this that these those for with of to add offer get have also we can i you it is at on in one extra additional"
    .split(
      " ",
    ),
);

function wordsBefore(lower: string, index: number, n: number): string[] {
  return lower.slice(0, index).split(/[^a-z0-9'-]+/).filter(Boolean).slice(-n);
}

function isAddonAmount(u: Unit, a: Amount, prevAgent: Unit | undefined): boolean {
  if (RECAP.test(u.lower)) return false;
  const after = u.lower.slice(a.end, a.end + 12);
  if (/^\s*off\b/.test(after)) return false;
  if (/^\s*(?:more|extra)\b/.test(after)) return true;
  const before = wordsBefore(u.lower, a.index, 10).reverse();
  for (const w of before) {
    if (NOT_ADDON.has(w)) return false;
    if (ADDON_CUE.has(w)) return true;
  }
  if (/\bon top\b/.test(u.lower)) return true;
  CATALOGUE.lastIndex = 0;
  if (CATALOGUE.test(u.lower)) return true;
  // The product was named in the agent's previous sentence ("We can add one for $179").
  if (prevAgent && !RECAP.test(prevAgent.lower)) {
    CATALOGUE.lastIndex = 0;
    return CATALOGUE.test(prevAgent.lower);
  }
  return false;
}

function nameFrom(u: Unit, near: number): string | null {
  let best: { name: string; dist: number } | null = null;
  for (const m of u.text.matchAll(new RegExp(CATALOGUE.source, "gi"))) {
    const words = u.text.slice(0, m.index).split(/\s+/).filter(Boolean);
    const lead: string[] = [];
    while (words.length && lead.length < 3) {
      const w = words.pop()!;
      const bare = w.toLowerCase().replace(/[^a-z0-9.-]/g, "");
      if (!bare || NAME_STOP.has(bare) || /[,;:]$/.test(w)) break;
      lead.unshift(w);
    }
    while (lead.length && /^(?:and|or)$/i.test(lead[0])) lead.shift();
    const name = [...lead, m[0]].join(" ");
    const dist = Math.abs(m.index! - near);
    if (!best || dist < best.dist) best = { name, dist };
  }
  return best?.name ?? null;
}

function describeAmount(amount: number, period: Period, currency: string): string {
  return formatMoney(amount, currency) + (period ? `/${period}` : "");
}

function formatMoney(value: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency,
      maximumFractionDigits: Number.isInteger(value) ? 0 : 2,
    }).format(value);
  } catch {
    return `${value} ${currency}`;
  }
}

// Customer responses to an offer.
const OFFER_NEUTRAL =
  /\b(?:why not|no problem|not a problem|no[- ]brainer|(?:don't|do not) mind|don't see why not)\b/g;
/** Short agreement words count only at the start of a sentence ("Yes, …", "Okay, sure."), not
 * as intensifiers ("we definitely have squirrels", "I'll make sure"). */
const OFFER_ACCEPT_START =
  /^(?:(?:oh|okay|ok|well|then|alright|hmm|um|uh|so)[,.]?\s+)*(?:yes|yeah|yep|yup|sure|absolutely|definitely|of course|deal|sounds good|that works)\b/;
const OFFER_ACCEPT =
  /\b(?:sounds good|let's (?:do|add|go|get|include)|go ahead|add (?:it|that|them|the|this|those|one)|i'll take|we'll take|take it|i want (?:it|that|one)|include (?:it|that)|sign me up|count me in|do it|go for it|throw (?:it|that) in)\b/;
const OFFER_REFUSE =
  /^(?:no|nope|nah)\b|\bno,? thanks?\b|\bno,? thank you\b|\b(?:i'll|we'll|i will|we will|i'd|we'd|i think i'll|i think we'll) (?:pass|skip|hold off)\b|\bpass on\b|\bskip (?:it|that|the)\b|\bnot (?:right )?now\b|\bnot interested\b|\bmaybe later\b|\bnot this time\b|\bthink about it\b|\b(?:i'm|we're) good\b|\b(?:don't|do not) (?:need|want)\b|\bwithout (?:it|that|the)\b/;

type Response = "accept" | "refuse" | null;

function offerResponse(u: Unit): Response {
  if (u.question) return null;
  const lower = u.lower.replace(OFFER_NEUTRAL, " ");
  if (OFFER_REFUSE.test(lower)) return "refuse";
  if (OFFER_ACCEPT_START.test(lower)) return "accept";
  if (OFFER_ACCEPT.test(lower) && !negatedAt(lower, lower.search(OFFER_ACCEPT))) return "accept";
  return null;
}

/** Agent questions that ask for the sale; they close an add-on offer's window. */
const CLOSE_QUESTION = [
  /\bwould you like to (?:go ahead|get (?:that|it|this|you) started|move forward|proceed|place|sign)\b/,
  /\bshall (?:i|we) (?:go ahead|place|get)\b/,
  /\bare you ready to\b/,
  /\bdo you want to (?:go ahead|move forward|get started|sign)\b/,
  /\bcan i get you started\b/,
  /\b(?:should|can) i go ahead\b/,
  /\bwant me to (?:go ahead|place|book|put)\b/,
  /\bready to move forward\b/,
];

interface UpsellItem {
  name: string;
  amount: number;
  currency: string;
  period: Period;
  evidence: Evidence;
  unit: Unit;
}

interface UpsellScan {
  items: UpsellItem[];
  /** Customer sentences that answered an add-on offer (their refusals don't end the deal). */
  responses: Map<number, Response>;
  /** Agent sentences that offered an add-on. */
  offers: Unit[];
}

const OFFER_WINDOW = 8;

function scanUpsell(units: Unit[], inputCurrency: string): UpsellScan {
  const items: UpsellItem[] = [];
  const responses = new Map<number, Response>();
  const offers: Unit[] = [];
  const seen = new Set<string>();
  const candidatesOf = new Map<number, Amount[]>();
  let prevAgent: Unit | undefined;
  for (const u of units) {
    const amounts = findAmounts(u.text, inputCurrency)
      .filter((a) => isAddonAmount(u, a, u.speaker === "agent" ? prevAgent : undefined));
    if (amounts.length) candidatesOf.set(u.i, amounts);
    if (u.speaker === "agent") prevAgent = u;
  }
  const accept = (offer: Unit, amounts: Amount[], by: Unit) => {
    const prev = units.slice(0, offer.i).reverse().find((x) => x.speaker === offer.speaker);
    for (const a of amounts) {
      const key = `${a.value}|${a.period}|${a.currency}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const name = nameFrom(offer, a.index) ??
        (prev && offer.i - prev.i <= 2 ? nameFrom(prev, prev.text.length) : null) ??
        nameFrom(by, 0) ?? "Add-on";
      items.push({
        name: a.period ? `${name} (per ${a.period})` : name,
        amount: a.value,
        currency: a.currency,
        period: a.period,
        evidence: evidence(by),
        unit: by,
      });
    }
  };
  for (const [i, amounts] of candidatesOf) {
    const u = units[i];
    if (u.speaker === "customer") {
      // The customer asks for a priced add-on themselves ("add the $300 critter guard too").
      if (offerResponse(u) === "accept") {
        responses.set(u.i, "accept");
        accept(u, amounts, u);
      }
      continue;
    }
    offers.push(u);
    for (let j = i + 1; j < units.length && j <= i + OFFER_WINDOW; j++) {
      const v = units[j];
      if (v.speaker === "agent") {
        if (candidatesOf.has(j) || findPhrase(v.lower, CLOSE_QUESTION)) break;
        continue;
      }
      const r = offerResponse(v);
      if (!r) continue;
      responses.set(v.i, r);
      if (r === "accept") accept(u, amounts, v);
      break;
    }
  }
  items.sort((a, b) => a.unit.i - b.unit.i);
  return { items, responses, offers };
}

// ---------------------------------------------------------------------------------------------
// Conversion

const CUSTOMER_ACCEPT = [
  /\blet'?s do (?:it|this)\b/,
  /\blet'?s go (?:ahead|for it)\b/,
  /\bsign (?:me|us) up\b/,
  /\bcount (?:me|us) in\b/,
  /\b(?:i'll|we'll|i will|we will) take (?:it|them|that|the)\b/,
  /\bgo ahead (?:and )?(?:place|put in|submit|process|book|sign|order|with (?:it|the order|the purchase|that|the install))\b/,
  /\bplace the order\b/,
  /\byes,? (?:please )?add (?:that|it|them)\b/,
  /\blet'?s add\b/,
  /\b(?:i|we) (?:want|would like|'d like) to (?:move forward|go ahead|buy|order|purchase|sign up|book|get started)\b/,
  /\b(?:i'm|we're|i am|we are) ready to (?:sign|buy|order|move forward|go ahead|get started)\b/,
  /\bwhere do (?:i|we) sign\b/,
  /\b(?:i'll|we'll|i will|we will) sign\b/,
  /\bbook (?:it|me in|us in|the (?:audit|install|installation|visit))\b/,
  /\bput it on (?:my|the) card\b/,
  /\bcharge (?:it to )?(?:my|the) card\b/,
  /\b(?:i|we)'?ve decided (?:i|we) want to\b/,
];
const CUSTOMER_REFUSE = [
  /\bnot interested\b/,
  /\b(?:i'll|i will|we'll|we will|let me|i need to|we need to|i want to|want to|i'd like to) think (?:about it|it over)\b/,
  /\bsend me (?:some )?(?:info|information|details|a brochure|something)\b/,
  /\b(?:i'll|we'll|i will|we will|i think we'll|i think i'll) pass\b/,
  /\bno,? thanks?\b|\bno,? thank you\b/,
  /\b(?:going|go|went) with (?:another|a different|someone else|the other|them|sun\w+|[a-z]+(?:bright|power|energy|solar))\b/,
  /\b(?:want to|wanna|going to|need to) cancel\b|\bcancel (?:the|my|our) (?:order|contract|install|installation|whole)\b/,
  /\b(?:can't|cannot) afford\b/,
  /\bnot (?:going to|gonna) (?:buy|sign|do it|go ahead|move forward)\b/,
  /\b(?:can't|cannot|won't) (?:make a decision|decide|commit)\b/,
  /\bwithout (?:talking|speaking) (?:to|with)\b/,
  /\bneed to (?:talk|speak|check) (?:to|with)\b/,
  /\bnot (?:ready|right now)\b/,
  /\bmaybe (?:later|next year|when)\b/,
];
const CARD_DIGITS = /\b(?:\d[ -]?){12,18}\d\b|\[(?:redacted|card|pii)[^\]]*\]/i;
const AGENT_CONFIRM = [
  /\b(?:payment|deposit|charge) (?:has )?(?:gone|went|go) through\b/,
  /\bpayment (?:is|has been) (?:processed|received|approved)\b/,
  /\b(?:i've|i have|we've|we have) (?:processed|submitted|placed)\b.*\b(?:order|payment|deposit)\b/,
  /\byour order (?:number|is confirmed|has been)\b/,
  /\border is confirmed\b/,
  /\bcard (?:has been|was) (?:charged|approved)\b/,
];

interface Decision {
  value: boolean;
  evidence: Evidence | null;
  unit: Unit | null;
}

function decideConversion(units: Unit[], upsell: UpsellScan): Decision {
  type Signal = { unit: Unit; kind: "accept" | "refuse"; strength: number };
  const signals: Signal[] = [];
  for (const u of units) {
    if (u.speaker === "agent") {
      if (findPhrase(u.lower, AGENT_CONFIRM)) {
        signals.push({ unit: u, kind: "accept", strength: 0 });
      }
      continue;
    }
    const answered = upsell.responses.get(u.i);
    if (answered === "accept") {
      signals.push({ unit: u, kind: "accept", strength: 2 });
      continue;
    }
    if (answered === "refuse") continue; // declining an add-on is not declining the deal
    if (findPhrase(u.lower, CUSTOMER_REFUSE)) {
      signals.push({ unit: u, kind: "refuse", strength: 2 });
    } else if (findPhrase(u.lower, CUSTOMER_ACCEPT)) {
      signals.push({ unit: u, kind: "accept", strength: 2 });
    } else if (CARD_DIGITS.test(u.text)) signals.push({ unit: u, kind: "accept", strength: 1 });
  }
  const last = signals.at(-1);
  if (!last) return { value: false, evidence: null, unit: null };
  if (last.kind === "refuse") {
    return { value: false, evidence: evidence(last.unit), unit: last.unit };
  }
  // Converted: the deciding sentence is the customer's last agreement since the last refusal,
  // else the card read out, else the agent's confirmation.
  const lastRefuse = signals.findLastIndex((s) => s.kind === "refuse");
  const accepts = signals.slice(lastRefuse + 1);
  const best = accepts.filter((s) => s.strength === 2).at(-1) ??
    accepts.filter((s) => s.strength === 1).at(-1) ?? last;
  return { value: true, evidence: evidence(best.unit), unit: best.unit };
}

// ---------------------------------------------------------------------------------------------
// Objections

/** `again`: what counts as coming back to an objection already raised (a topic mention will do). */
const OBJECTIONS: Array<{ key: string; label: string; re: RegExp; again?: RegExp }> = [
  {
    key: "price",
    label: "Price is too high",
    again: /\b(?:price|prices|cost|costs|expensive|afford|budget)\b/,
    re:
      /\b(?:too expensive|expensive|(?:can't|cannot|couldn't) afford|too much|(?:out of|over|on a|tight) budget|cheaper|lower price|(?:the )?price is (?:too|a bit|way|so|really|high|crazy|insane)|a lot of money|chunk of change|pricey|overpriced|costs? too|steep|the highest|big gap|\d[\d,]* more than|not worth (?:it|the (?:money|price))|(?:that's|it's) a lot|too high|(?:the|that|a|this) fee|(?:don't|do not) want to pay)\b/,
  },
  {
    key: "competitor",
    label: "Comparing with a competitor",
    re:
      /\b(?:other|another|different|two|three) (?:quotes?|compan(?:y|ies)|installers?|offers?|bids?)\b|\bcompetitors?\b|\bquoted (?:me|us)\b|\bgoing with\b|\bmatch their\b/,
  },
  {
    key: "timing",
    label: "Timing is not right",
    re:
      /\b(?:not (?:the )?right time|not ready|bad time|next year|few months|later this year|moving|too soon|not right now|makes sense right now)\b/,
  },
  {
    key: "authority",
    label: "Needs to consult someone else",
    re:
      /\b(?:talk|speak|check|discuss|run it by)(?: it)?(?: to| with| by)? (?:my |our )?(?:wife|husband|spouse|partner|boss|family|landlord|hoa)\b|\bwithout (?:talking|speaking) (?:to|with)\b/,
  },
  {
    key: "financing",
    label: "Concerns about financing",
    re: /\b(?:a loan|the loan|financing|interest rate|credit score)\b/,
  },
  {
    key: "trust",
    label: "Doubts or distrust",
    re:
      /\b(?:heard (?:promises|that|this) (?:like that |like this )?before|don't trust|skeptical|scam|too good to be true|not sure (?:it|this) (?:works|will work)|worried|concerned)\b/,
  },
  {
    key: "no_need",
    label: "Not interested or no need",
    re:
      /\b(?:not interested|no interest|(?:don't|do not|doesn't) (?:really )?need (?:it|that|one|this|any)|no need for|(?:we're|i'm|we are|i am) (?:fine|good|all set|happy) (?:with|as)|already (?:have|got|use|pay for|signed up)|(?:don't|do not) want (?:it|that|this|one|any)|not for (?:me|us))\b/,
  },
  {
    key: "information",
    label: "Wants information before deciding",
    re:
      /\b(?:send (?:me|us) (?:some |more )?(?:info|information|details|something|a brochure|the details)|(?:just )?e-?mail (?:me|us) (?:the|some) (?:info|details)|think (?:about|it over)|sleep on it|need (?:some )?time to|let me think|look (?:it|that) over)\b/,
  },
  {
    key: "contract",
    label: "Concerns about contract terms",
    re:
      /\b(?:contract|locked in|long[- ]term commitment|cancellation fee|early termination|fine print|hidden (?:fees|charges)|auto[- ]?renew)\b/,
  },
  {
    key: "busy",
    label: "No time to talk",
    re:
      /\b(?:(?:i'm|we're|i am) (?:busy|driving|at work|in a meeting)|not a good time|(?:call|ring) (?:me )?(?:back )?later|in the middle of something|don't have time)\b/,
  },
  {
    key: "opt_out",
    label: "Asked not to be contacted",
    re:
      /\b(?:(?:remove|take) (?:me|my (?:number|name)) (?:off|from)|(?:don't|do not|never|stop) (?:ever )?(?:call(?:ing)?|contact(?:ing)?) (?:me|us|this number)|do[ -]not[ -]call list|unsubscribe|leave me alone)\b/,
  },
  {
    key: "cancel",
    label: "Wants to cancel or escalate",
    re: /\b(?:cancel|refund|take the panels off|out of the contract|lawyer|attorney|sue you)\b/,
  },
];

interface FoundObjection {
  key: string;
  label: string;
  unit: Unit;
  handled: boolean;
  response: Unit | null;
}

function findObjections(units: Unit[]): FoundObjection[] {
  const found: FoundObjection[] = [];
  const keyOf = (u: Unit) => OBJECTIONS.find((o) => o.re.test(u.lower));
  for (const u of units) {
    if (u.speaker !== "customer") continue;
    const o = keyOf(u);
    if (!o || found.some((f) => f.key === o.key)) continue;
    const response = units.slice(u.i + 1, u.i + 4).find((v) => v.speaker === "agent") ?? null;
    const repeated = response !== null &&
      units.slice(response.i + 1).some((v) =>
        v.speaker === "customer" && (keyOf(v)?.key === o.key || (o.again?.test(v.lower) ?? false))
      );
    found.push({
      key: o.key,
      label: o.label,
      unit: u,
      handled: response !== null && !repeated,
      response,
    });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Next steps

const STEP_SUBJECT =
  /\b(?:i'll|i will|we'll|we will|i'm going to|we're going to|i am going to|i'm (?:sending|scheduling|booking|opening|applying|emailing)|someone will|(?:our|the|your) (?:[a-z]+ ){0,2}(?:team|tech|technician|electrician|crew|roofer|installer|consultant|specialist|contractor)s? will|you'll (?:also )?(?:get|receive|need to|have to|hear|see)|you're booked|talk to you|you (?:will|should) (?:get|receive|see|hear)|(?:it|the card|a new card|your (?:new )?card|the refund|the credit|the letter|the technician|a technician|someone) (?:will|should) (?:arrive|be|reach|come|show|get)|let me (?:transfer|connect|put you through)|i(?:'ve| have) (?:scheduled|sent|set up|ordered|booked|opened|submitted|escalated|blocked|issued|requested|raised|applied|submitted|cancelled|canceled|updated)|(?:please|just) call (?:us|back)|call (?:us )?back (?:when|if|any ?time|once)|expect (?:a|an|the|it)|we(?:'ll| will) (?:be )?(?:in touch|reach out))\b/;
const STEP_VERB =
  /\b(?:send|sending|email|emailing|call|text|schedule|scheduling|book|booked|booking|set up|follow up|come out|visit|install|replace|repair|fix|confirm|review|go through|get back|mail|escalate|opening|open|applying|apply|sign|survey|inspect|seal|look over|put together|talk|get an email|receive|arrive|transfer|connect|put you through|ship|deliver|process|refund|credit|issue[ds]?|submit(?:ted)?|order(?:ed)?|scheduled|sent|set up|blocked|escalated|requested|raised|opened|get (?:a|an|the|your|it|one)|hear (?:back|from)|reach|in touch|reach out|mailed|shipped|delivered)\b/;

function findNextSteps(units: Unit[]): Insight["next_steps"] {
  const steps: Insight["next_steps"] = [];
  const seen = new Set<string>();
  for (const u of units) {
    if (u.question || /\bif\b|\bunless\b/.test(u.lower)) continue;
    const m = STEP_SUBJECT.exec(u.lower);
    if (!m || negatedAt(u.lower, m.index) || !STEP_VERB.test(u.lower.slice(m.index))) continue;
    const subject = m[0];
    const other: Speaker = u.speaker === "agent" ? "customer" : "agent";
    const owner = /^you'll (?:need|have) to/.test(subject)
      ? other
      : /^you'll|^you're booked|^talk to you/.test(subject)
      ? "agent"
      : /^(?:our|the|your|someone)/.test(subject)
      ? "agent"
      : u.speaker;
    let step = u.text.slice(m.index).replace(/[.!\s]+$/, "");
    step = step.charAt(0).toUpperCase() + step.slice(1);
    if (step.length > 160) step = step.slice(0, 157).trimEnd() + "…";
    const key = step.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    steps.push({ step, owner, evidence: evidence(u) });
  }
  return steps.slice(0, 8);
}

// ---------------------------------------------------------------------------------------------
// Script adherence

type Category =
  | "recording"
  | "addon"
  | "objections"
  | "close"
  | "next_steps"
  | "greeting"
  | "needs"
  | "present";

/** What a script item is about, from its id, label and description (first match wins). */
const CATEGORY_OF: Array<[Category, RegExp]> = [
  ["recording", /record|consent|disclos/],
  ["addon", /add-?on|upsell|cross-?sell|upgrade|additional product/],
  ["objections", /objection|concern|pushback/],
  ["close", /ask for the (?:sale|order|business)|\bclose\b|closing|commit|go ahead/],
  ["next_steps", /next step|follow[- ]?up|wrap[- ]?up|recap/],
  ["greeting", /greet|introduc|welcome|opening|hello/],
  ["needs", /\bneeds?\b|discover|qualif|questions?|pain point/],
  ["present", /present|recommend|solution|pitch|proposal|offer|product|quote/],
];

const AGENT_RULES: Record<Exclude<Category, "needs" | "objections" | "addon">, RegExp[]> = {
  greeting: [
    /\bthank(?:s| you) for calling\b/,
    /\bthis is [a-z]+\b/,
    /\bmy name is\b/,
    /\b[a-z]+ speaking\b/,
    /\bgood (?:morning|afternoon|evening)\b/,
    /\bwelcome to\b/,
  ],
  recording: [
    /\bcall (?:is|may be|will be|might be|is being) (?:recorded|monitored)\b/,
    /\brecorded (?:for|to)\b/,
    /\bbeing recorded\b/,
  ],
  present: [
    /\b(?:i'd|i would|i|we'd|we would) (?:recommend|suggest)\b/,
    /\bwe (?:can|could) offer\b/,
    /\bour [a-z0-9.]+ (?:kilowatt )?(?:system|plan|package)\b/,
    /\bthe (?:price|audit|proposal|package|quote) (?:is|comes|would)\b/,
    /\bthe system (?:comes|would|costs?)\b/,
    /\bwould (?:cost|come in)\b/,
    /\bkilowatt system\b/,
  ],
  close: [
    ...CLOSE_QUESTION,
    /\bcan i take (?:a|your) card\b/,
    /\b(?:put|charge) (?:that|it) (?:on|to) the card\b/,
  ],
  next_steps: [
    /\bnext steps?\b/,
    /\bnext,? you'll\b/,
    /\byou'll (?:get|receive) (?:an?|the|your) (?:email|text|call|confirmation)\b/,
    /\b(?:will|'ll) (?:call|email|text|send|schedule) you\b/,
    /\b(?:team|tech|technician|electrician|crew|roofer) will\b/,
    /\byou're booked\b/,
    /\bconfirmation email\b/,
    /\bonce (?:you|it's) sign/,
    /\b(?:i'll|we'll) (?:call|email|send|schedule)\b/,
    /\btalk to you\b/,
  ],
};

const ACKNOWLEDGE =
  /\b(?:i understand|i hear you|understood|that makes sense|makes sense|that's fair|fair question|completely understand|totally|i get (?:it|that)|you're right|i respect|i apologi[sz]e|sorry|of course|great question|good question|that's a fair)\b/;
const ADMIN_QUESTION =
  /\b(?:your name|the name|address|email|e-mail|number to|spell|how (?:can|may) i help|can i do for you|anything else|still there|what was that|help you|speaking with|who (?:do|am) i)\b/;
const OFFER_FRAMING =
  /\b(?:we (?:also )?(?:have|offer|can add)|i can add|would you like|you might want|customers (?:add|get)|folks (?:add|get)|consider|recommend)\b/;

const STOPWORDS = new Set(
  ("a an the and or of to for in on at by with from as is are be it its this that your you our we " +
    "their they them he she his her i me my any all each every what which who how when where " +
    "ask asks tell tells give say mention make ensure use get customer caller agent call about " +
    "into than then so do does if not no yes").split(" "),
);

function stem(w: string): string {
  const s = w.replace(/(?:ations?|ings?|ions?|ments?|edly|ed|es|ly|s)$/, "");
  return (s.length >= 3 ? s : w).slice(0, 6);
}

function keywords(text: string | undefined): string[] {
  if (!text) return [];
  return [
    ...new Set(
      text.toLowerCase().split(/[^a-z0-9-]+/).filter((w) => w.length > 2 && !STOPWORDS.has(w)).map(
        stem,
      ),
    ),
  ];
}

function categoryOf(item: ScriptItem): Category | null {
  const text = `${item.id.replace(/[_-]+/g, " ")} ${item.label} ${item.description ?? ""}`
    .toLowerCase();
  const label = `${item.id.replace(/[_-]+/g, " ")} ${item.label}`.toLowerCase();
  // The id and label decide; the description only when they say nothing recognisable.
  return CATEGORY_OF.find(([, re]) => re.test(label))?.[0] ??
    CATEGORY_OF.find(([, re]) => re.test(text))?.[0] ?? null;
}

function matchCategory(
  category: Category,
  agent: Unit[],
  ctx: { objections: FoundObjection[]; upsell: UpsellScan },
): Unit | null {
  switch (category) {
    case "greeting": {
      // A greeting belongs at the start of the call.
      const opening = agent.slice(0, 3);
      return opening.find((u) => findPhrase(u.lower, AGENT_RULES.greeting)) ?? null;
    }
    case "needs": {
      const questions = agent.filter((u) =>
        u.question && !ADMIN_QUESTION.test(u.lower) && !findPhrase(u.lower, CLOSE_QUESTION)
      );
      return questions.length >= 2 ? questions[0] : null;
    }
    case "objections": {
      for (const o of ctx.objections) {
        if (!o.response) continue;
        const next = agent.filter((u) => u.i >= o.response!.i && u.i <= o.response!.i + 2);
        const ack = next.find((u) => ACKNOWLEDGE.test(u.lower));
        if (ack) return ack;
      }
      return ctx.objections.find((o) => o.handled)?.response ?? null;
    }
    case "addon": {
      if (ctx.upsell.offers.length) return ctx.upsell.offers[0];
      return agent.find((u) => {
        CATALOGUE.lastIndex = 0;
        return CATALOGUE.test(u.lower) && OFFER_FRAMING.test(u.lower);
      }) ?? null;
    }
    default:
      // Rules in priority order: the strongest kind of evidence anywhere in the call first.
      for (const rule of AGENT_RULES[category]) {
        const hit = agent.find((u) => findPhrase(u.lower, [rule]));
        if (hit) return hit;
      }
      return null;
  }
}

/** Keyword matching of the item's own words. Items whose category has phrase rules need two
 * label words, so "Ask for the sale" is not satisfied by "the sale value of a home". */
function matchKeywords(item: ScriptItem, agent: Unit[], known: boolean): Unit | null {
  const label = keywords(item.label);
  const desc = keywords(item.description).filter((k) => !label.includes(k));
  const needLabel = known ? 2 : Math.min(2, label.length);
  for (const u of agent) {
    const words = new Set(keywords(u.text));
    const hitsLabel = label.filter((k) => words.has(k)).length;
    const hitsDesc = desc.filter((k) => words.has(k)).length;
    if ((needLabel > 0 && hitsLabel >= needLabel) || (!known && hitsLabel + hitsDesc >= 3)) {
      return u;
    }
  }
  return null;
}

function scoreScript(
  script: ScriptItem[],
  units: Unit[],
  ctx: { objections: FoundObjection[]; upsell: UpsellScan },
): Insight["script_adherence"] {
  const agent = units.filter((u) => u.speaker === "agent");
  const checklist = script.map((item) => {
    const category = categoryOf(item);
    const hit = (category ? matchCategory(category, agent, ctx) : null) ??
      matchKeywords(item, agent, category !== null);
    return { item_id: item.id, done: hit !== null, evidence: hit ? evidence(hit) : null };
  });
  const done = checklist.filter((c) => c.done).length;
  return {
    score: checklist.length ? Math.round((100 * done) / checklist.length) : 0,
    checklist,
  };
}

// ---------------------------------------------------------------------------------------------
// Summary

const TOPICS: Array<[string, RegExp]> = [
  ["solar panels", /\b(?:solar|panels?|kilowatt|array)\b/g],
  ["battery storage", /\b(?:battery|backup power|outages?)\b/g],
  ["EV charging", /\b(?:ev|electric car|charger|charging)\b/g],
  ["a home energy audit", /\b(?:audit|insulation|thermostat|furnace|heating)\b/g],
  [
    "a service problem",
    /\b(?:leak\w*|broken|not working|error|dropped|failed|repair|claim|dead)\b/g,
  ],
];

function callTopics(units: Unit[]): string[] {
  const all = units.map((u) => u.lower).join(" ");
  return TOPICS
    .map(([name, re]) => ({ name, n: all.match(re)?.length ?? 0 }))
    .filter((t) => t.n >= 3)
    .sort((a, b) => b.n - a.n)
    .slice(0, 2)
    .map((t) => t.name);
}

function summarize(
  units: Unit[],
  segments: Segment[],
  insight: Omit<Insight, "summary" | "key_moments">,
  objections: FoundObjection[],
  decision: Decision,
): string {
  if (!units.length) return "The call has no transcribed speech, so there is nothing to analyze.";
  const seconds = Math.max(...segments.map((s) => s.end), 0);
  const minutes = Math.max(1, Math.round(seconds / 60));
  const topics = callTopics(units);
  const first = `A ${minutes}-minute call${topics.length ? ` about ${topics.join(" and ")}` : ""}.`;
  const { upsell } = insight;
  let outcome: string;
  if (insight.converted.value) {
    outcome = upsell.amount > 0
      ? `The customer agreed to buy, including add-ons worth ${
        formatMoney(upsell.amount, upsell.currency)
      } (${upsell.items.map((i) => i.name).join(", ")}).`
      : "The customer agreed to buy.";
  } else if (decision.unit) {
    const reason =
      /think (?:about|it over)|information|\binfo\b|details|brochure/.test(decision.unit.lower)
        ? "asked for time or information instead"
        : /wife|husband|spouse|partner|boss|talking|speaking|talk|speak/.test(decision.unit.lower)
        ? "wants to consult someone first"
        : /cancel/.test(decision.unit.lower)
        ? "asked to cancel"
        : "declined";
    outcome = `The customer did not commit to a purchase (${reason}).`;
  } else {
    outcome = "No purchase decision was reached.";
  }
  const raised = objections.length
    ? `; objections: ${
      objections.map((o) => `${o.key} (${o.handled ? "handled" : "not resolved"})`).join(", ")
    }`
    : "";
  const step = insight.next_steps[0]?.step;
  const next = step
    ? `; next step: ${/^I\b/.test(step) ? step : step.charAt(0).toLowerCase() + step.slice(1)}`
    : "";
  return `${first} ${outcome} Customer sentiment was ${insight.sentiment.label}${raised}${next}.`;
}

// ---------------------------------------------------------------------------------------------
// Key moments

function keyMoments(
  objections: FoundObjection[],
  decision: Decision,
  items: UpsellItem[],
  scored: Scored[],
): Insight["key_moments"] {
  const moments: Array<{ label: string; unit: Unit }> = [];
  for (const o of objections) {
    moments.push({ label: `Objection: ${o.label.toLowerCase()}`, unit: o.unit });
  }
  if (decision.unit) {
    moments.push({
      label: decision.value ? "Customer agreed to buy" : "Customer did not commit",
      unit: decision.unit,
    });
  }
  for (const i of items) {
    moments.push({
      label: `Accepted add-on: ${i.name}, ${describeAmount(i.amount, i.period, i.currency)}`,
      unit: i.unit,
    });
  }
  const best = scored.reduce<Scored | null>((b, s) => (s.score > (b?.score ?? 0) ? s : b), null);
  const worst = scored.reduce<Scored | null>((b, s) => (s.score < (b?.score ?? 0) ? s : b), null);
  if (best && best.score >= 0.6) moments.push({ label: "Most positive moment", unit: best.unit });
  if (worst && worst.score <= -0.6) {
    moments.push({ label: "Most negative moment", unit: worst.unit });
  }
  // One moment per sentence (labels joined), in call order.
  const byUnit = new Map<number, { labels: string[]; unit: Unit }>();
  for (const m of moments) {
    const e = byUnit.get(m.unit.i);
    if (e) {
      if (!e.labels.includes(m.label)) e.labels.push(m.label);
    } else byUnit.set(m.unit.i, { labels: [m.label], unit: m.unit });
  }
  return [...byUnit.values()]
    .sort((a, b) => a.unit.i - b.unit.i)
    .map((m) => ({ label: m.labels.join("; "), evidence: evidence(m.unit) }));
}

// ---------------------------------------------------------------------------------------------
// Entry point

/** Analyzes a call with deterministic rules; no network, no keys. */
export function analyzeOffline(input: AnalysisInput): AnalysisResult {
  const t0 = performance.now();
  const currency = /^[A-Za-z]{3}$/.test(input.currency) ? input.currency.toUpperCase() : "USD";
  const units = toUnits(input.segments);
  const customer = units.filter((u) => u.speaker === "customer");

  const { insight: sentiment, scored } = analyzeSentiment(customer);
  const upsellScan = scanUpsell(units, currency);
  const decision = decideConversion(units, upsellScan);
  const objections = findObjections(units);

  // One currency per insight: the most common among accepted items, else the input's.
  const counts = new Map<string, number>();
  for (const i of upsellScan.items) counts.set(i.currency, (counts.get(i.currency) ?? 0) + 1);
  const upsellCurrency = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? currency;
  const items = upsellScan.items.filter((i) => i.currency === upsellCurrency);
  const amount = Math.round(items.reduce((s, i) => s + i.amount, 0) * 100) / 100;

  const partial = {
    sentiment,
    converted: { value: decision.value, evidence: decision.evidence },
    upsell: {
      amount,
      currency: upsellCurrency,
      items: items.map((i) => ({ name: i.name, amount: i.amount, evidence: i.evidence })),
    },
    script_adherence: scoreScript(input.script, units, { objections, upsell: upsellScan }),
    objections: objections.map((o) => ({
      objection: o.label,
      handled: o.handled,
      evidence: evidence(o.unit),
    })),
    next_steps: findNextSteps(units),
  };
  const insight = Insight.parse({
    summary: summarize(units, input.segments, partial, objections, decision),
    ...partial,
    key_moments: keyMoments(objections, decision, items, scored),
  });
  return {
    insight,
    analyzer: "offline",
    model: OFFLINE_MODEL,
    promptVersion: OFFLINE_PROMPT_VERSION,
    tokensIn: 0,
    tokensOut: 0,
    latencyMs: Math.round(performance.now() - t0),
    droppedClaims: 0,
  };
}

// Sentiment per speaker and turn, and the customer's trajectory, on VADER
// (npm `vader-sentiment`: a maintained valence lexicon with negation,
// intensifiers, "but" shifts, caps and punctuation rules built in).
//
// What a lexicon alone gets wrong on calls, and what is done about it:
// - Topic words are not mood: "I lost my credit card", "there was an
//   accident", "the damage", "fraud on my account" describe why the customer
//   calls. They are masked before scoring, so only how the customer talks
//   about it counts ("I'm furious about the damage" still scores).
// - Intents weigh more than words: a complaint ("this is the third time",
//   "I want to speak to a manager") or an opt-out ("remove me from your list",
//   "don't call me again") makes the turn negative however polite its words.
// - Sarcasm cues ("oh great", "yeah right", "oh dear, oh dear", "thanks for
//   nothing", praise right after a complaint) turn positive words negative.
// - Politeness is not satisfaction: "yes", "sure", "okay", "thanks" and a
//   closing "thank you, bye" count for nothing.
import vader from "vader-sentiment";
import type { Segment, Speaker } from "./schema.ts";

export type Label = "positive" | "neutral" | "negative";

export type TurnSentiment = {
  /** Index of the segment. */
  segment: number;
  speaker: Speaker;
  start: number;
  /** VADER compound after the call-specific rules, -1 … 1. */
  score: number;
  label: Label;
  /** Why the lexicon score was changed: "complaint", "opt-out", "sarcasm", "politeness". */
  cues: string[];
};

export type SpeakerSentiment = {
  score: number;
  label: Label;
  turns: number;
};

export type Trajectory = {
  /** Mean score of the first and last third of the customer's turns. */
  start: number;
  end: number;
  /** "improving", "worsening" or "steady". */
  trend: "improving" | "worsening" | "steady";
  /** How the customer ends the call. */
  end_state: Label;
};

export type CallSentiment = {
  turns: TurnSentiment[];
  by_speaker: Record<Speaker, SpeakerSentiment>;
  customer: { score: number; label: Label; trajectory: Trajectory };
};

interface Vader {
  SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } };
}
const analyzer = (vader as unknown as Vader).SentimentIntensityAnalyzer;

/** Words that name the customer's problem, not how they feel about it. */
const TOPIC =
  /\b(?:lost|lose|losing|stolen|stole|theft|thief|accident|crash(?:ed)?|damage[ds]?|fraud(?:ulent)?|scam(?:med)?|dispute[ds]?|debt|died|death|passed away|funeral|sick|ill|illness|injur(?:y|ed|ies)|emergency|problem|problems|issue|issues|error|errors|broken|fault|faulty|leak(?:s|ing)?|cancel(?:l?ed|l?ing|lation)?|block(?:ed)?|freeze|frozen|declined|overdraft|overdrawn|charge[ds]?|fee|fees|late|penalty|claim|claims|repair|fix|bug|outage|down|hack(?:ed)?|suspicious|unauthori[sz]ed|hurt|pain|credit|dead)\b|\bno\b(?=\s*(?:[,.!?]|$))/gi;
/** Answers, greetings and fillers the lexicon scores but that say nothing about mood on a call. */
const FILLER =
  /\b(?:yes|yeah|yep|sure|okay|ok|alright|fine|please|hi|hello|hey|right|pretty|big|kind|kinda|like|well|true|agree|honest(?:ly)?|match|interest(?:ed)?\s+in|care\s+(?:of|for)|(?:thanks|thank\s+you)(?!\s+(?:so|very)\s+much|\s+a\s+lot))\b/gi;

const COMPLAINT =
  /\b(?:(?:make|file|lodge|raise)\s+a\s+complaint|i\s+want\s+to\s+complain|(?:speak|talk)\s+(?:to|with)\s+(?:a|your|the)\s+(?:manager|supervisor|someone\s+(?:else|senior))|(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th))\s+time\s+(?:i(?:'ve)?|calling|i\s+called)|this\s+is\s+(?:ridiculous|unacceptable|outrageous|a\s+joke|insane)|nobody\s+(?:has|had|ever)\s+(?:called|helped|got(?:ten)?\s+back)|called\s+(?:two|three|four|five|several|many|\d+)\s+times|(?:been|was)\s+(?:on\s+hold|waiting)\s+(?:for\s+)?(?:an?\s+|over\s+an?\s+|\d+\s+)(?:hour|minutes|days|weeks)|nobody\s+(?:called|helped|got\s+back)|no\s+one\s+(?:called|helped|got\s+back)|(?:fed\s+up|sick\s+(?:and\s+tired\s+)?of|had\s+enough)|waste\s+of\s+(?:my\s+)?time|(?:terrible|awful|horrible|worst)\s+(?:service|experience|company|bank))\b/i;
const OPT_OUT =
  /\b(?:(?:remove|take)\s+(?:me|my\s+(?:number|name))\s+(?:off|from)|(?:don't|do\s+not|never|stop)\s+(?:ever\s+)?(?:call(?:ing)?|contact(?:ing)?|phon(?:e|ing)|bother(?:ing)?)\s+(?:me|us|this\s+number)|put\s+me\s+on\s+(?:your|the)\s+do[\s-]not[\s-]call|unsubscribe|leave\s+me\s+alone|lose\s+my\s+number|how\s+did\s+you\s+get\s+(?:my|this)\s+number)\b/i;
const SARCASM =
  /\b(?:oh\s+(?:great|wonderful|lovely|perfect|brilliant|fantastic|joy)|yeah,?\s+right|sure\s+you\s+(?:will|do|are)|thanks\s+(?:a\s+lot|for\s+nothing)|just\s+(?:great|perfect|wonderful|what\s+i\s+needed)|how\s+(?:wonderful|lovely|convenient)|big\s+surprise|what\s+a\s+(?:surprise|joke)|(?:oh\s+dear,?\s*){2,}|(?:great|wonderful|perfect|lovely),?\s+(?:just|another|now|so)\b)/i;
const POLITE_ONLY =
  /^\s*(?:(?:okay|ok|alright|all\s+right|yes|yeah|sure)[,.!]?\s*)*(?:thank\s*(?:you|s)(?:\s+(?:so\s+much|very\s+much|again))?|thanks|cheers|bye|goodbye|have\s+a\s+(?:good|nice|great)\s+(?:day|one|evening))(?:[,.!]?\s*(?:thank\s*(?:you|s)|bye(?:\s+bye)?|goodbye|you\s+too|take\s+care|have\s+a\s+(?:good|nice|great)\s+(?:day|one|evening)))*[.!]*\s*$/i;

const TURN_THRESHOLD = 0.05;

/** The customer's overall score at or beyond this is positive/negative. */
export const CALL_THRESHOLD = 0.2;

function labelOf(score: number, threshold: number): Label {
  return score >= threshold ? "positive" : score <= -threshold ? "negative" : "neutral";
}

/** One turn's score: VADER over the text with topic words masked, then intents and cues. */
export function scoreTurn(
  text: string,
  prevCustomerNegative = false,
): { score: number; cues: string[] } {
  const cues: string[] = [];
  const masked = text.replace(TOPIC, "thing").replace(FILLER, "so");
  let score = analyzer.polarity_scores(masked).compound;
  if (OPT_OUT.test(text)) {
    cues.push("opt-out");
    score = Math.min(score, -0.6);
  }
  if (COMPLAINT.test(text)) {
    cues.push("complaint");
    score = Math.min(score, -0.5);
  }
  if (
    SARCASM.test(text) ||
    (prevCustomerNegative && score > 0.3 && /!|\boh\b/i.test(text) && !POLITE_ONLY.test(text))
  ) {
    cues.push("sarcasm");
    score = -Math.max(0.4, Math.abs(score));
  }
  if (!cues.length && POLITE_ONLY.test(text)) {
    cues.push("politeness");
    score = Math.min(score, 0.1);
  }
  return { score: Math.round(score * 1000) / 1000, cues };
}

export function analyzeCallSentiment(segments: Segment[]): CallSentiment {
  const turns: TurnSentiment[] = [];
  let prevNegative = false;
  segments.forEach((s, i) => {
    const { score, cues } = scoreTurn(s.text, s.speaker === "customer" && prevNegative);
    if (s.speaker === "customer") prevNegative = score <= -TURN_THRESHOLD;
    turns.push({
      segment: i,
      speaker: s.speaker,
      start: s.start,
      score,
      label: labelOf(score, TURN_THRESHOLD),
      cues,
    });
  });
  const bySpeaker = (sp: Speaker): SpeakerSentiment => {
    const mine = turns.filter((t) => t.speaker === sp);
    const score = round(mean(mine.map((t) => t.score)));
    return { score, label: labelOf(score, CALL_THRESHOLD), turns: mine.length };
  };
  const customer = turns.filter((t) => t.speaker === "customer");
  const score = aggregate(customer);
  const third = Math.max(1, Math.ceil(customer.length / 3));
  const startScore = round(mean(customer.slice(0, third).map((t) => t.score)));
  const endScore = round(mean(customer.slice(-third).map((t) => t.score)));
  const delta = endScore - startScore;
  return {
    turns,
    by_speaker: { agent: bySpeaker("agent"), customer: bySpeaker("customer") },
    customer: {
      score,
      label: labelOf(score, CALL_THRESHOLD),
      trajectory: {
        start: startScore,
        end: endScore,
        trend: delta >= 0.25 ? "improving" : delta <= -0.25 ? "worsening" : "steady",
        end_state: labelOf(endScore, CALL_THRESHOLD),
      },
    },
  };
}

/**
 * The customer's score from their scored turns or sentences: the mean of those that carry
 * sentiment (factual answers don't dilute it), later ones weighing up to twice as much, one
 * with an intent (complaint, opt-out, sarcasm) twice again, bare politeness not at all; shrunk
 * towards neutral when few turns carry sentiment.
 */
export function aggregate(scored: { score: number; cues: string[] }[]): number {
  let net = 0, weights = 0;
  scored.forEach((t, k) => {
    if (t.cues.includes("politeness") || Math.abs(t.score) < TURN_THRESHOLD) return;
    const intent = t.cues.length ? 2 : 1;
    const w = (1 + (scored.length > 1 ? k / (scored.length - 1) : 0)) * intent;
    net += w * t.score;
    weights += w;
  });
  // one neutral turn's weight as a prior: a call with one warm sentence is not yet a happy customer
  return round(net / (weights + 1));
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const round = (x: number) => Math.round(x * 100) / 100 + 0;

// Scoring a SIM session on its scorecard: every item answered yes / no (or
// partial where the item allows it) with a verbatim quote from the session
// and its time, plus coaching tips. The OpenAI scorer uses Structured Outputs
// from a zod schema with one required property per item (so an answer can't
// be missing); the offline scorer matches the item's key words in the rep's
// turns. Both go through the same evidence check as call analysis (a quote
// not in the conversation is no evidence: the item becomes "no").
// A result is complete or the scorer throws: never half a score. Invalid
// replies are retried by the same helper as call analysis (parseWithRetries).
import type OpenAI from "openai";
import { z } from "zod";
import { locate, normalize } from "../insights/evidence.ts";
import { InvalidModelOutput, parseWithRetries, transcriptForPrompt } from "../insights/openai_analyzer.ts";
import { type ItemScore, type ScoreItem, type SimScoreResult, type SimTemplate, type Turn, turnsAsSegments } from "./schema.ts";

export { InvalidModelOutput };
export const SCORER_PROMPT_VERSION = "sim-score-v1";
/** Invalid replies are retried with the validation error this many times in all. */
export const SCORER_ATTEMPTS = 3;

export interface ScoreInput {
  template: SimTemplate;
  items: ScoreItem[];
  turns: Turn[];
}

export function scoreSchema(items: ScoreItem[]) {
  const answers: Record<string, z.ZodType> = {};
  for (const item of items) {
    answers[item.key] = z.object({
      answer: item.partial_credit ? z.enum(["yes", "partial", "no"]) : z.enum(["yes", "no"]),
      evidence: z.object({
        quote: z.string().describe("Verbatim words from the conversation, copied exactly from one line"),
        time: z.number().min(0).describe("The t= value of the line the quote is from"),
      }).nullable(),
      reason: z.string().describe("One sentence: why this answer"),
    });
  }
  return z.object({
    answers: z.object(answers),
    tips: z.array(z.string()).describe("Two or three concrete coaching tips for the rep's next attempt"),
  });
}

export function scorerSystemPrompt(input: ScoreInput): string {
  const questions = input.items.map((i) =>
    `- ${i.key} (weight ${i.weight}${i.partial_credit ? ", partial credit allowed" : ""}): ${i.question}${i.guidance ? ` — ${i.guidance}` : ""}`
  ).join("\n");
  return [
    "You judge a sales role-play between a sales rep (Agent) and a buyer (Customer) for a sales manager.",
    `The buyer was ${input.template.persona_name}, ${input.template.persona_role} at ${input.template.company}. Scenario: ${input.template.scenario}`,
    "Answer every scorecard question below about what the rep did, using only what is said in the conversation.",
    "yes needs evidence: a verbatim quote copied exactly from one conversation line, with that line's t= value as time. Without evidence the answer is no.",
    "Scorecard:",
    questions,
  ].join("\n");
}

/** The evidence check of call analysis, applied to a session: unsupported answers become "no". */
export function verifySimEvidence(
  answers: Map<string, { answer: ItemScore["answer"]; quote: string | null; time: number | null }>,
  input: ScoreInput,
): { items: ItemScore[]; dropped: number } {
  const segments = turnsAsSegments(input.turns);
  const normalized = segments.map((s) => normalize(s.text));
  let dropped = 0;
  const items = input.items.map((item): ItemScore => {
    const a = answers.get(item.key);
    if (!a || a.answer === "no") return { item_id: item.item_id, answer: "no", evidence_quote: null, evidence_time: null };
    const seg = a.quote ? locate({ quote: a.quote, time: a.time ?? 0, speaker: "agent" }, segments, normalized) : null;
    if (!seg) {
      dropped++;
      return { item_id: item.item_id, answer: "no", evidence_quote: null, evidence_time: null };
    }
    const answer = a.answer === "partial" && !item.partial_credit ? "yes" : a.answer;
    return { item_id: item.item_id, answer, evidence_quote: a.quote!.trim().slice(0, 1000), evidence_time: seg.start };
  });
  return { items, dropped };
}

export async function scoreWithOpenAI(input: ScoreInput, opts: { client: OpenAI; model: string }): Promise<SimScoreResult> {
  const transcript = transcriptForPrompt({ segments: turnsAsSegments(input.turns), script: [], currency: "USD" });
  const r = await parseWithRetries({
    client: opts.client,
    model: opts.model,
    messages: [
      { role: "system", content: scorerSystemPrompt(input) },
      { role: "user", content: `Conversation:\n${transcript}` },
    ],
    schema: scoreSchema(input.items),
    name: "sim_score",
    attempts: SCORER_ATTEMPTS,
  });
  const parsed = r.value as {
    answers: Record<string, { answer: ItemScore["answer"]; evidence: { quote: string; time: number } | null }>;
    tips: string[];
  };
  const answers = new Map(Object.entries(parsed.answers).map(([k, v]) => [k, {
    answer: v.answer,
    quote: v.evidence?.quote ?? null,
    time: v.evidence?.time ?? null,
  }]));
  const checked = verifySimEvidence(answers, input);
  return {
    items: checked.items,
    tips: parsed.tips.map((t) => t.trim()).filter(Boolean).slice(0, 5),
    scorer: "openai",
    model: opts.model,
    promptVersion: SCORER_PROMPT_VERSION,
    tokensIn: r.tokensIn,
    tokensOut: r.tokensOut,
    droppedClaims: checked.dropped,
  };
}

const STOP = new Set(
  ("did the rep a an and or of to for about their they them with on in at as is are was were be been any such " +
    "ask asked rep's buyer buyer's customer customer's what how that this it its his her propose proposed concrete " +
    "clearly make made give gave use used acknowledge your you have does from like next then when will would could should into over").split(" "),
);

/** Words that count as doing what a question's key word asks. */
const SYNONYMS: Record<string, string[]> = {
  budget: ["budget", "price", "cost", "spend", "afford", "invest"],
  introduce: ["this is", "my name", "i'm", "i am", "calling from", "with"],
  themselves: ["this is", "my name", "i'm", "i am"],
  needs: ["need", "currently", "today", "how do you", "challenge", "situation", "what do you use"],
  situation: ["currently", "today", "how do you", "situation"],
  objection: ["understand", "i hear you", "fair", "makes sense", "good question", "i get that"],
  step: ["demo", "meeting", "next step", "schedule", "calendar", "book", "follow up"],
  demo: ["demo", "show you"],
  meeting: ["meeting", "meet", "call next", "book"],
  greet: ["hello", "hi ", "good morning", "good afternoon", "thanks for"],
  close: ["sign", "go ahead", "order", "shall i", "ready to"],
};

function cues(question: string, key: string): string[] {
  const words = normalize(`${key.replace(/[_-]/g, " ")} ${question}`).split(" ").filter((w) => w.length >= 4 && !STOP.has(w));
  const out = new Set<string>();
  for (const w of words) {
    for (const [k, list] of Object.entries(SYNONYMS)) if (w.startsWith(k) || k.startsWith(w)) list.forEach((s) => out.add(s));
    out.add(w.length > 5 ? w.slice(0, w.length - 2) : w); // a crude stem: "budgets" → "budg", "schedule" → "schedu"
  }
  return [...out];
}

/** The offline scorer: an item is "yes" when one of the rep's lines says its key words; that line is the evidence. */
export function scoreOffline(input: ScoreInput): SimScoreResult {
  const answers = new Map<string, { answer: ItemScore["answer"]; quote: string | null; time: number | null }>();
  for (const item of input.items) {
    const c = cues(item.question, item.key);
    // "Did the rep ask …" needs a question from the rep.
    const asks = /\bask/i.test(item.question);
    const hit = input.turns.find((t) =>
      t.role === "rep" && (!asks || t.content.includes("?")) && c.some((w) => ` ${normalize(t.content)} `.includes(normalize(w)))
    );
    answers.set(item.key, hit ? { answer: "yes", quote: hit.content, time: hit.at_seconds } : { answer: "no", quote: null, time: null });
  }
  const checked = verifySimEvidence(answers, input);
  const missed = input.items.filter((i) => checked.items.find((x) => x.item_id === i.item_id)?.answer === "no");
  const tips = missed.length
    ? missed.sort((a, b) => b.weight - a.weight).slice(0, 3).map((i) => `Next time, make sure of this: ${i.question}`)
    : ["Every scorecard item was covered. Try a harder SIM next."];
  return {
    items: checked.items,
    tips,
    scorer: "offline",
    model: "offline-scorer-v1",
    promptVersion: SCORER_PROMPT_VERSION,
    tokensIn: 0,
    tokensOut: 0,
    droppedClaims: checked.dropped,
  };
}

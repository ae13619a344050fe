// The shapes of call analysis: transcript segments in, structured insight
// out. One zod schema serves both analyzers: GPT-4o gets it as Structured
// Outputs (zodResponseFormat), the offline analyzer must produce it too, and
// every result is validated against it before it is stored.
import { z } from "zod";

export const Speaker = z.enum(["agent", "customer"]);
export type Speaker = z.infer<typeof Speaker>;

/** One transcript sentence. Times are seconds from the start of the recording. */
export const Segment = z.object({
  start: z.number().min(0),
  end: z.number().min(0),
  speaker: Speaker,
  text: z.string(),
});
export type Segment = z.infer<typeof Segment>;

/** A call script checklist item (call_scripts.items). */
export const ScriptItem = z.object({
  id: z.string().min(1).max(64),
  label: z.string().min(1).max(200),
  description: z.string().max(1000).optional(),
});
export type ScriptItem = z.infer<typeof ScriptItem>;

/** Evidence: a verbatim quote from the transcript, with when and who. */
export const Evidence = z.object({
  quote: z.string().describe("Verbatim words from the transcript, copied exactly"),
  time: z.number().min(0).describe("Start time in seconds of the sentence the quote is from"),
  speaker: Speaker,
});
export type Evidence = z.infer<typeof Evidence>;

export const Insight = z.object({
  summary: z.string().describe("Two or three sentences: what the call was about and how it ended"),
  sentiment: z.object({
    score: z.number().min(-1).max(1).describe("Customer sentiment from -1 (very negative) to 1 (very positive)"),
    label: z.enum(["negative", "neutral", "positive"]),
    evidence: z.array(Evidence),
  }),
  converted: z.object({
    value: z.boolean().describe("Did the customer commit to buy during the call?"),
    evidence: Evidence.nullable(),
  }),
  upsell: z.object({
    amount: z.number().min(0).describe("Total additional revenue the customer agreed to, 0 if none"),
    currency: z.string().describe("ISO 4217 code, e.g. USD"),
    items: z.array(z.object({ name: z.string(), amount: z.number().min(0), evidence: Evidence })),
  }),
  script_adherence: z.object({
    score: z.number().int().min(0).max(100).describe("Share of checklist items the agent covered, 0-100"),
    checklist: z.array(z.object({
      item_id: z.string().describe("The id of the call script item"),
      done: z.boolean(),
      evidence: Evidence.nullable(),
    })),
  }),
  objections: z.array(z.object({ objection: z.string(), handled: z.boolean(), evidence: Evidence })),
  next_steps: z.array(z.object({
    step: z.string(),
    owner: z.enum(["agent", "customer", "unknown"]),
    evidence: Evidence.nullable(),
  })),
  key_moments: z.array(z.object({ label: z.string(), evidence: Evidence })),
});
export type Insight = z.infer<typeof Insight>;

export interface AnalysisInput {
  segments: Segment[];
  script: ScriptItem[];
  currency: string;
}

export interface AnalysisResult {
  insight: Insight;
  analyzer: "openai" | "offline";
  model: string;
  promptVersion: string;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
  /** Claims dropped because their quote is not in the transcript. */
  droppedClaims: number;
}

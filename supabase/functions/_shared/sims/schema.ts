// The shapes of a SIM (role-play practice) conversation, independent of its
// transport (text chat today, voice later): the template the buyer plays,
// the turns, the scorecard items it is judged on, and the score.
import { z } from "zod";
import type { Segment } from "../insights/schema.ts";

export const Objection = z.object({
  text: z.string().min(1).max(300),
  /** From which of the rep's turns (0 = the first) the buyer raises it. */
  after_turn: z.number().int().min(0).max(99),
});
export type Objection = z.infer<typeof Objection>;

/** What the buyer persona is built from (sim_templates). */
export const SimTemplate = z.object({
  name: z.string(),
  persona_name: z.string(),
  persona_role: z.string(),
  company: z.string(),
  temperament: z.string(),
  difficulty: z.number().int().min(1).max(5),
  scenario: z.string(),
  objectives: z.array(z.string()),
  objections: z.array(Objection),
});
export type SimTemplate = z.infer<typeof SimTemplate>;

export type TurnRole = "rep" | "buyer";
export interface Turn {
  role: TurnRole;
  content: string;
  /** Seconds from the start of the session. */
  at_seconds: number;
}

/** A scorecard item the session is judged on. */
export interface ScoreItem {
  item_id: string;
  key: string;
  question: string;
  guidance?: string | null;
  weight: number;
  partial_credit: boolean;
}

export type Answer = "yes" | "partial" | "no";

export interface ItemScore {
  item_id: string;
  answer: Answer;
  evidence_quote: string | null;
  evidence_time: number | null;
}

export interface SimScoreResult {
  items: ItemScore[];
  tips: string[];
  scorer: "openai" | "offline";
  model: string;
  promptVersion: string;
  tokensIn: number;
  tokensOut: number;
  /** Answers turned to "no" because their quote is not in the conversation. */
  droppedClaims: number;
}

export interface BuyerReply {
  text: string;
  buyer: "openai" | "offline";
  model: string;
  tokensIn: number;
  tokensOut: number;
  /** The buyer has run out of patience and ends the conversation. */
  hungUp: boolean;
}

/** The conversation as transcript segments: the rep speaks as the "agent", the buyer as the "customer". */
export function turnsAsSegments(turns: Turn[]): Segment[] {
  return turns.map((t, i) => ({
    start: t.at_seconds,
    end: turns[i + 1]?.at_seconds ?? t.at_seconds + 5,
    speaker: t.role === "rep" ? "agent" : "customer",
    text: t.content,
  }));
}

/** How hard the buyer is: objection rate and patience (rep turns before the buyer hangs up). */
export function difficultyProfile(difficulty: number): { objectionRate: number; patienceTurns: number; label: string } {
  const d = Math.min(5, Math.max(1, Math.round(difficulty)));
  return {
    objectionRate: [0.2, 0.35, 0.5, 0.7, 0.9][d - 1],
    patienceTurns: [16, 14, 12, 10, 8][d - 1],
    label: ["very easy", "easy", "moderate", "hard", "very hard"][d - 1],
  };
}

// A SIM template, scorecard items and a conversation the buyer and scorer
// tests share, and the OpenAI stand-in they run against.
import { startOpenAIStandIn } from "../../../local/sandbox/openai.ts";
import type { ScoreItem, SimTemplate, Turn } from "./schema.ts";

export async function withStandIn(fn: (s: Awaited<ReturnType<typeof startOpenAIStandIn>>) => Promise<void>) {
  const s = await startOpenAIStandIn({ port: 0, apiKey: "sk-test" });
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

export const template: SimTemplate = {
  name: "Objection: the price-sensitive owner",
  persona_name: "Sam Patel",
  persona_role: "Owner",
  company: "Patel Plumbing",
  temperament: "sceptical and direct",
  difficulty: 4,
  scenario: "Sam runs a 12-person plumbing company and took a free trial. He thinks the price is too high.",
  objectives: ["Answer the price objection with value", "Agree a next step"],
  objections: [
    { text: "Honestly, this is too expensive for a company our size.", after_turn: 1 },
    { text: "Your competitor offered me a 30% discount.", after_turn: 3 },
  ],
};

export const items: ScoreItem[] = [
  { item_id: "i-intro", key: "introduce", question: "Did the rep introduce themselves and their company?", weight: 1, partial_credit: false },
  { item_id: "i-budget", key: "budget", question: "Did the rep ask about the budget?", weight: 2, partial_credit: false },
  { item_id: "i-objection", key: "objection", question: "Did the rep acknowledge the buyer's objection and answer it?", weight: 3, partial_credit: true },
  { item_id: "i-next", key: "next_step", question: "Did the rep propose a concrete next step, such as a demo or a meeting?", weight: 2, partial_credit: false },
];

export const turns: Turn[] = [
  { role: "rep", content: "Hi Sam, this is Alex from SalesPulse, calling about your trial.", at_seconds: 2 },
  { role: "buyer", content: "Hello, this is Sam Patel at Patel Plumbing. Who am I speaking with?", at_seconds: 5 },
  { role: "rep", content: "How do you track your team's calls today?", at_seconds: 12 },
  { role: "buyer", content: "Honestly, this is too expensive for a company our size.", at_seconds: 16 },
  { role: "rep", content: "I understand, that is fair. Most teams your size win back the cost in two extra jobs a month.", at_seconds: 25 },
  { role: "buyer", content: "Okay. And what exactly would that do for us?", at_seconds: 30 },
  { role: "rep", content: "Shall we book a demo on Tuesday so you can see it with your own calls?", at_seconds: 41 },
  { role: "buyer", content: "Alright, that sounds reasonable. Let's book it for Tuesday at 10.", at_seconds: 45 },
];

// Test conversations and evidence quotes, shared by the insight engine's unit
// tests and the API tests (supabase/tests/api). Only tests import this file.
import type { Evidence } from "../schema.ts";

/** A transcript sentence as Twilio Voice Intelligence (and its stand-in) serves it: channel 1 is the customer, 2 the agent. */
export interface StandInSentence {
  media_channel: 1 | 2;
  start_time: number;
  end_time: number;
  transcript: string;
}

/** How a sale opens: the customer orders the panels and says yes to a battery backup ($300). */
export const SALE_OPENING: StandInSentence[] = [
  { media_channel: 2, start_time: 0, end_time: 4, transcript: "Thanks for calling, this is Alex. How can I help you today?" },
  { media_channel: 1, start_time: 4.5, end_time: 9, transcript: "Hi Alex, I'm ready to order the panels we discussed." },
  { media_channel: 2, start_time: 9.5, end_time: 15, transcript: "Wonderful. Would you also like the battery backup for an extra $300?" },
  { media_channel: 1, start_time: 15.5, end_time: 18, transcript: "Yes, let's do it, add the battery." },
];

/** How a sale closes, from `start`: the paperwork and the install as next steps. */
export const saleClose = (start: number): StandInSentence => ({
  media_channel: 2,
  start_time: start,
  end_time: start + 5.5,
  transcript: "Perfect, I'll email the paperwork today and we'll schedule the install.",
});

/** A call that converts, with an upsell (the battery) and a next step. */
export const SALE: StandInSentence[] = [...SALE_OPENING, saleClose(18.5)];

/** An evidence quote as an analyzer answers it (checked against the transcript afterwards). */
export const quote = (text: string, time: number, speaker: Evidence["speaker"] = "customer"): Evidence => ({
  quote: text,
  time,
  speaker,
});

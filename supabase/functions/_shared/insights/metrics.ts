// Conversation metrics from the timestamped segments (seconds from the start
// of the recording): talk time and talk/listen ratio per speaker, the longest
// monologue, interruptions, questions the agent asked, silence and words per
// minute. Stored per call (call_metrics) with the customer's sentiment
// trajectory, and averaged per agent on the dashboard.
import type { Segment, Speaker } from "./schema.ts";

export type SpeakerMetrics = {
  talk_seconds: number;
  /** Share of all talk time, 0–1. */
  talk_share: number;
  words: number;
  wpm: number | null;
  turns: number;
};

export type ConversationMetrics = {
  duration_seconds: number;
  /** The agent's share of talk time (talk/listen ratio), 0–1; null without speech. */
  talk_ratio: number | null;
  longest_monologue_seconds: number;
  longest_monologue_speaker: Speaker | null;
  longest_monologue_start: number | null;
  /** A turn that starts before the other speaker's turn has ended (by more than OVERLAP_S). */
  interruptions: number;
  interruptions_by: Record<Speaker, number>;
  agent_questions: number;
  /** Time in which nobody speaks, counting gaps of at least SILENCE_GAP_S. */
  silence_seconds: number;
  agent_wpm: number | null;
  customer_wpm: number | null;
  speakers: Record<Speaker, SpeakerMetrics>;
};

export const OVERLAP_S = 0.3;
export const SILENCE_GAP_S = 2;
/** Consecutive turns of one speaker with a pause shorter than this are one monologue. */
const MONOLOGUE_PAUSE_S = 1.5;

const words = (text: string) => (text.match(/[\p{L}\p{N}][\p{L}\p{N}'’\-]*/gu) ?? []).length;
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

export function conversationMetrics(input: Segment[]): ConversationMetrics {
  const segments = [...input]
    .filter((s) => s.end >= s.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const per: Record<Speaker, SpeakerMetrics> = {
    agent: { talk_seconds: 0, talk_share: 0, words: 0, wpm: null, turns: 0 },
    customer: { talk_seconds: 0, talk_share: 0, words: 0, wpm: null, turns: 0 },
  };
  for (const s of segments) {
    const m = per[s.speaker];
    m.talk_seconds += s.end - s.start;
    m.words += words(s.text);
    m.turns++;
  }
  const talk = per.agent.talk_seconds + per.customer.talk_seconds;
  for (const sp of ["agent", "customer"] as const) {
    const m = per[sp];
    m.talk_share = talk ? round(m.talk_seconds / talk, 4) : 0;
    m.wpm = m.talk_seconds >= 1 ? round(m.words / (m.talk_seconds / 60), 1) : null;
    m.talk_seconds = round(m.talk_seconds);
  }

  // Monologues: runs of one speaker's turns, pauses under MONOLOGUE_PAUSE_S, not broken by the other speaker.
  let longest = { seconds: 0, speaker: null as Speaker | null, start: null as number | null };
  let run: { speaker: Speaker; start: number; end: number } | null = null;
  const closeRun = () => {
    if (run && run.end - run.start > longest.seconds) {
      longest = { seconds: round(run.end - run.start), speaker: run.speaker, start: run.start };
    }
  };
  for (const s of segments) {
    if (run && run.speaker === s.speaker && s.start - run.end < MONOLOGUE_PAUSE_S) {
      run.end = Math.max(run.end, s.end);
    } else {
      closeRun();
      run = { speaker: s.speaker, start: s.start, end: s.end };
    }
  }
  closeRun();

  // Interruptions: a turn that starts while the other speaker is still talking.
  const interruptionsBy: Record<Speaker, number> = { agent: 0, customer: 0 };
  const lastEnd: Record<Speaker, number> = { agent: -Infinity, customer: -Infinity };
  for (const s of segments) {
    const other: Speaker = s.speaker === "agent" ? "customer" : "agent";
    if (lastEnd[other] - s.start > OVERLAP_S) interruptionsBy[s.speaker]++;
    lastEnd[s.speaker] = Math.max(lastEnd[s.speaker], s.end);
  }

  // Silence: gaps between the end of all speech so far and the next turn.
  let silence = 0, spokenUntil = segments[0]?.start ?? 0;
  for (const s of segments) {
    const gap = s.start - spokenUntil;
    if (gap >= SILENCE_GAP_S) silence += gap;
    spokenUntil = Math.max(spokenUntil, s.end);
  }

  const agentQuestions = segments
    .filter((s) => s.speaker === "agent")
    .reduce((n, s) => n + (s.text.match(/\?+/g) ?? []).length, 0);
  const duration = segments.length ? Math.max(...segments.map((s) => s.end)) - segments[0].start : 0;
  return {
    duration_seconds: round(duration),
    talk_ratio: talk ? per.agent.talk_share : null,
    longest_monologue_seconds: longest.seconds,
    longest_monologue_speaker: longest.speaker,
    longest_monologue_start: longest.start,
    interruptions: interruptionsBy.agent + interruptionsBy.customer,
    interruptions_by: interruptionsBy,
    agent_questions: agentQuestions,
    silence_seconds: round(silence),
    agent_wpm: per.agent.wpm,
    customer_wpm: per.customer.wpm,
    speakers: per,
  };
}

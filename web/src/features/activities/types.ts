// Activity types and outcomes as people read them.
export const MANUAL_TYPES = ["call", "email", "meeting", "demo", "proposal", "follow_up", "note"] as const;
export type ManualType = typeof MANUAL_TYPES[number];
export const TYPE_LABELS: Record<string, string> = {
  call: "Call", email: "Email", meeting: "Meeting", demo: "Demo", proposal: "Proposal", follow_up: "Follow-up", note: "Note",
  sim: "SIM session", referral: "Referral",
};
export const OUTCOMES = ["completed", "no_answer", "follow_up", "scheduled", "won", "lost"] as const;
export const OUTCOME_LABELS: Record<string, string> = {
  completed: "Completed", no_answer: "No answer", follow_up: "Follow-up needed", scheduled: "Scheduled", won: "Won", lost: "Lost",
};
export const outcomeKind = (o: string | null) => (o === "won" ? "good" : o === "lost" ? "bad" : o === "follow_up" || o === "no_answer" ? "warn" : "");

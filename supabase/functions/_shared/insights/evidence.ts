// Evidence checking: every claim of an insight carries a quote, and a quote
// that is not in the transcript is not evidence. Unsupported claims are
// dropped (or, for yes/no claims, not made); times and speakers are taken
// from the sentence the quote was found in; derived numbers (upsell total,
// adherence score) are recomputed from what survives.
import type { Evidence, Insight, ScriptItem, Segment } from "./schema.ts";

export function normalize(s: string): string {
  return s
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[^\p{L}\p{N}'\[\]]+/gu, " ")
    .trim();
}

/** The segment a quote comes from: nearest in time among those containing it. */
export function locate(e: Evidence, segments: Segment[], normalized: string[]): Segment | null {
  const q = normalize(e.quote);
  if (q.length < 3) return null;
  let best: Segment | null = null;
  let bestDistance = Infinity;
  segments.forEach((s, i) => {
    if (!normalized[i].includes(q)) return;
    const d = Math.abs(s.start - e.time);
    if (d < bestDistance) {
      best = s;
      bestDistance = d;
    }
  });
  return best;
}

export function verifyEvidence(
  insight: Insight,
  segments: Segment[],
  script: ScriptItem[],
): { insight: Insight; dropped: number } {
  const normalized = segments.map((s) => normalize(s.text));
  let dropped = 0;
  const fix = (e: Evidence | null | undefined): Evidence | null => {
    if (!e) return null;
    const s = locate(e, segments, normalized);
    if (!s) {
      dropped++;
      return null;
    }
    return { quote: e.quote.trim(), time: s.start, speaker: s.speaker };
  };
  const keep = <T extends { evidence: Evidence }>(items: T[]): T[] =>
    items.flatMap((it) => {
      const ev = fix(it.evidence);
      return ev ? [{ ...it, evidence: ev }] : [];
    });

  const sentimentEvidence = insight.sentiment.evidence.flatMap((e) => {
    const ev = fix(e);
    return ev ? [ev] : [];
  });

  const convertedEvidence = fix(insight.converted.evidence);
  const converted = { value: insight.converted.value && convertedEvidence !== null, evidence: convertedEvidence };

  const items = keep(insight.upsell.items);
  const upsellAmount = Math.round(items.reduce((a, i) => a + i.amount, 0) * 100) / 100;

  // One checklist entry per script item, in script order; "done" needs evidence.
  const byId = new Map(insight.script_adherence.checklist.map((c) => [c.item_id, c]));
  const checklist = script.map((item) => {
    const c = byId.get(item.id);
    const ev = c?.done ? fix(c.evidence) : null;
    return { item_id: item.id, done: Boolean(c?.done && ev), evidence: ev };
  });
  const done = checklist.filter((c) => c.done).length;
  const score = script.length ? Math.round((100 * done) / script.length) : 0;

  const nextSteps = insight.next_steps.flatMap((n) => {
    const ev = fix(n.evidence);
    return ev ? [{ ...n, evidence: ev }] : [];
  });

  const objections = keep(insight.objections);
  const keyMoments = keep(insight.key_moments).sort((a, b) => a.evidence.time - b.evidence.time);
  return {
    dropped,
    insight: {
      ...insight,
      sentiment: { ...insight.sentiment, evidence: sentimentEvidence },
      converted,
      upsell: { ...insight.upsell, amount: upsellAmount, items },
      script_adherence: { score, checklist },
      objections,
      next_steps: nextSteps,
      key_moments: keyMoments,
    },
  };
}

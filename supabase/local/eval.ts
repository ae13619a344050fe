// `npm run eval`: insight quality on the labelled calls in supabase/local/eval/
// (sources and licences in its README), through the order the analyze job
// uses: redact → offline analyzer → evidence check. A report, not a test:
// it prints the figures and writes .local/eval/report.json, per split (dev is
// what the rules were developed on, heldout is not looked at while tuning).
//
// Figures
// - PII: recall and precision per type. A labelled span is recalled when a
//   finding of its type overlaps it; "leak recall" also counts a finding of
//   another type (the text is hidden either way). A finding is right when a
//   label of its type overlaps it.
// - Customer sentiment: agreement and Cohen's kappa, beside the majority
//   baseline (always answering the most common label of the split).
// - Objections and next steps: recall of the labelled quotes; a label is found
//   when a reported item's evidence quote overlaps it (after redaction).
// - Conversion and upsell: accuracy on calls labelled with an outcome, and
//   false "converted" / upsell on calls where an offer was declined.
import { join } from "node:path";
import { analyzeOffline } from "../functions/_shared/insights/offline.ts";
import { findInSegments, PII_TYPES, type PiiType } from "../functions/_shared/insights/redact.ts";
import { redactSegments } from "../functions/_shared/insights/redact.ts";
import { normalize, verifyEvidence } from "../functions/_shared/insights/evidence.ts";
import type { Insight, Segment } from "../functions/_shared/insights/schema.ts";
import { LOCAL_DIR } from "./config.ts";

type Label = "positive" | "neutral" | "negative";
interface Call {
  id: string;
  source: string;
  split: "dev" | "heldout";
  segments: [Segment["speaker"], string][];
  labels: {
    sentiment: Label;
    converted: boolean | null;
    upsell: boolean;
    objections: string[];
    next_steps: string[];
    pii: [PiiType, string, number][];
  };
}

const DIR = join(import.meta.dirname!, "eval");

export function loadCalls(): Call[] {
  const calls: Call[] = [];
  for (
    const f of [...Deno.readDirSync(DIR)].map((e) => e.name).filter((n) => n.endsWith(".json"))
      .sort()
  ) {
    calls.push(...JSON.parse(Deno.readTextFileSync(join(DIR, f))) as Call[]);
  }
  return calls;
}

const toSegments = (c: Call): Segment[] =>
  c.segments.map(([speaker, text], i) => ({ speaker, text, start: i * 6, end: i * 6 + 5 }));

export function kappa(pairs: [Label, Label][]): number {
  const n = pairs.length;
  if (!n) return 0;
  const labels: Label[] = ["positive", "neutral", "negative"];
  const po = pairs.filter(([a, b]) => a === b).length / n;
  const pe = labels.reduce(
    (s, l) =>
      s +
      (pairs.filter(([a]) => a === l).length / n) * (pairs.filter(([, b]) => b === l).length / n),
    0,
  );
  return pe === 1 ? (po === 1 ? 1 : 0) : (po - pe) / (1 - pe);
}

/** Does the text of a reported quote overlap the labelled quote (same sentence, roughly)? */
function quoteMatches(reported: string, labelled: string): boolean {
  const a = normalize(reported), b = normalize(labelled);
  if (!a || !b) return false;
  if (a.includes(b) || b.includes(a)) return true;
  const wa = new Set(a.split(" ")), wb = b.split(" ");
  return wb.filter((w) => wa.has(w)).length / wb.length >= 0.6;
}

interface Tally {
  labels: number;
  recalled: number;
  leakRecalled: number;
  found: number;
  right: number;
}

const ratio = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 1000 : null);

interface PiiCase {
  id: string;
  segments: { text: string; speaker?: string }[];
  labels: { type: PiiType; segment: number; start: number; end: number; value: string }[];
}
type Finder = (
  segments: PiiCase["segments"],
) => { type: PiiType; segment: number; start: number; end: number }[];

/** PII recall/precision per type of `find` over labelled segments; misses are pushed to `misses`. */
export function piiScore(cases: PiiCase[], find: Finder, misses: string[] = []) {
  const zero = (): Tally => ({ labels: 0, recalled: 0, leakRecalled: 0, found: 0, right: 0 });
  const pii = Object.fromEntries(PII_TYPES.map((t) => [t, zero()])) as Record<PiiType, Tally>;
  const overlap = (a: { segment: number; start: number; end: number }, b: typeof a) =>
    a.segment === b.segment && a.start < b.end && b.start < a.end;
  for (const c of cases) {
    const found = find(c.segments);
    for (const l of c.labels) {
      const t = pii[l.type];
      t.labels++;
      if (found.some((f) => f.type === l.type && overlap(f, l))) t.recalled++;
      else misses.push(`${c.id}: missed ${l.type} "${l.value}"`);
      if (found.some((f) => overlap(f, l))) t.leakRecalled++;
    }
    for (const f of found) {
      pii[f.type].found++;
      if (c.labels.some((l) => l.type === f.type && overlap(f, l))) pii[f.type].right++;
      else {misses.push(
          `${c.id}: false ${f.type} "${c.segments[f.segment].text.slice(f.start, f.end)}"`,
        );}
    }
  }
  const all = zero();
  for (const t of Object.values(pii)) {
    for (const k of Object.keys(all) as (keyof Tally)[]) all[k] += t[k];
  }
  const row = (t: Tally) => ({
    labels: t.labels,
    found: t.found,
    recall: ratio(t.recalled, t.labels),
    leak_recall: ratio(t.leakRecalled, t.labels),
    precision: ratio(t.right, t.found),
  });
  return {
    ...Object.fromEntries(
      Object.entries(pii).filter(([, t]) => t.labels || t.found).map(([k, t]) => [k, row(t)]),
    ),
    overall: row(all),
  };
}

const withSpoken: Finder = (s) => findInSegments(s);
/** The baseline: the written-number rules alone, without the spoken-transcript pass. */
const rulesOnly: Finder = (s) => findInSegments(s, { spoken: false });

function labelledPii(calls: Call[]): PiiCase[] {
  return calls.map((c) => {
    const segments = toSegments(c);
    return {
      id: c.id,
      segments,
      labels: c.labels.pii.map(([type, value, segment]) => {
        const start = segments[segment].text.indexOf(value);
        if (start < 0) throw new Error(`${c.id}: "${value}" is not in segment ${segment}`);
        return { type, segment, start, end: start + value.length, value };
      }),
    };
  });
}

/** The redaction unit tests' labelled snippets (synthetic written and spoken numbers), as a second PII set. */
export function snippetCases(): PiiCase[] {
  const file = join(
    import.meta.dirname!,
    "../functions/_shared/insights/testdata/redaction_labelled.json",
  );
  const { cases } = JSON.parse(Deno.readTextFileSync(file)) as {
    cases: {
      id: string;
      text?: string;
      segments?: { speaker: string; text: string }[];
      pii: { type: PiiType; value: string; start: number; segment?: number }[];
    }[];
  };
  return cases.map((c) => ({
    id: c.id,
    segments: c.segments ?? [{ text: c.text! }],
    labels: c.pii.map((l) => ({
      type: l.type,
      value: l.value,
      segment: l.segment ?? 0,
      start: l.start,
      end: l.start + l.value.length,
    })),
  }));
}

export async function evaluate(calls: Call[]) {
  const misses: string[] = [];
  const sentiment: [Label, Label][] = [];
  const objections = { labels: 0, found: 0 }, steps = { labels: 0, found: 0 };
  const conversion = { calls: 0, right: 0 }, upsell = { calls: 0, right: 0 };
  const declined = { calls: 0, falseConverted: 0, falseUpsell: 0 };
  let quotes = 0, verbatim = 0;
  const cases = labelledPii(calls);
  const pii = piiScore(cases, withSpoken, misses);
  const piiBaseline = piiScore(cases, rulesOnly);
  for (const c of calls) {
    const segments = toSegments(c);
    // redact → analyze → evidence check
    const redacted = redactSegments(segments).segments;
    const result = await analyzeOffline({ segments: redacted, script: [], currency: "USD" });
    const insight: Insight = verifyEvidence(result.insight, redacted, []).insight;
    sentiment.push([c.labels.sentiment, insight.sentiment.label]);
    if (insight.sentiment.label !== c.labels.sentiment) {
      misses.push(
        `${c.id}: sentiment ${insight.sentiment.label} (${insight.sentiment.score}), labelled ${c.labels.sentiment}`,
      );
    }
    for (const o of c.labels.objections) {
      objections.labels++;
      if (insight.objections.some((x) => quoteMatches(x.evidence.quote, o))) objections.found++;
      else misses.push(`${c.id}: missed objection "${o}"`);
    }
    for (const s of c.labels.next_steps) {
      steps.labels++;
      if (insight.next_steps.some((x) => x.evidence && quoteMatches(x.evidence.quote, s))) {
        steps.found++;
      } else misses.push(`${c.id}: missed next step "${s}"`);
    }
    if (c.labels.converted !== null) {
      conversion.calls++;
      if (insight.converted.value === c.labels.converted) conversion.right++;
      else {misses.push(
          `${c.id}: converted ${insight.converted.value}, labelled ${c.labels.converted}`,
        );}
    }
    upsell.calls++;
    if ((insight.upsell.amount > 0) === c.labels.upsell) upsell.right++;
    else misses.push(`${c.id}: upsell ${insight.upsell.amount}, labelled ${c.labels.upsell}`);
    if (c.labels.converted === false || (!c.labels.upsell && /declined/.test(c.id))) {
      declined.calls++;
      if (insight.converted.value) declined.falseConverted++;
      if (insight.upsell.amount > 0) declined.falseUpsell++;
    }
    // every evidence quote verbatim in the redacted transcript
    const texts = redacted.map((s) => normalize(s.text));
    const all = [
      ...insight.sentiment.evidence,
      ...insight.objections.map((o) => o.evidence),
      ...insight.next_steps.flatMap((n) => (n.evidence ? [n.evidence] : [])),
      ...insight.key_moments.map((k) => k.evidence),
    ];
    quotes += all.length;
    verbatim += all.filter((e) => texts.some((t) => t.includes(normalize(e.quote)))).length;
  }
  const counts = new Map<Label, number>();
  for (const [gold] of sentiment) counts.set(gold, (counts.get(gold) ?? 0) + 1);
  const majority = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "neutral";
  return {
    calls: calls.length,
    pii,
    /** The same spans with the written-number rules alone: what the spoken-transcript pass adds. */
    pii_baseline_rules_only: piiBaseline,
    sentiment: {
      agreement: ratio(sentiment.filter(([a, b]) => a === b).length, sentiment.length),
      kappa: Math.round(kappa(sentiment) * 1000) / 1000,
      majority_label: majority,
      majority_baseline: ratio(counts.get(majority) ?? 0, sentiment.length),
      majority_kappa: 0,
      labels: Object.fromEntries(counts),
    },
    objections: { labels: objections.labels, recall: ratio(objections.found, objections.labels) },
    next_steps: { labels: steps.labels, recall: ratio(steps.found, steps.labels) },
    conversion: { calls: conversion.calls, accuracy: ratio(conversion.right, conversion.calls) },
    upsell: { calls: upsell.calls, accuracy: ratio(upsell.right, upsell.calls) },
    declined_offers: declined,
    evidence: { quotes, verbatim: ratio(verbatim, quotes) },
    misses,
  };
}

if (import.meta.main) {
  const calls = loadCalls();
  const report = {
    generated_at: new Date().toISOString(),
    order: "redact → offline analyzer → evidence check",
    sources: [...new Set(calls.map((c) => c.source))],
    dev: await evaluate(calls.filter((c) => c.split === "dev")),
    heldout: await evaluate(calls.filter((c) => c.split === "heldout")),
    all: await evaluate(calls),
    /** The 218 labelled snippets of the redaction unit tests (synthetic), for a larger PII sample. */
    pii_snippets: {
      spoken: piiScore(snippetCases(), withSpoken),
      baseline_rules_only: piiScore(snippetCases(), rulesOnly),
    },
  };
  const out = join(LOCAL_DIR, "eval");
  Deno.mkdirSync(out, { recursive: true });
  Deno.writeTextFileSync(join(out, "report.json"), JSON.stringify(report, null, 2) + "\n");
  for (const split of ["dev", "heldout", "all"] as const) {
    const r = report[split];
    console.log(`\n== ${split}: ${r.calls} calls`);
    console.table(r.pii);
    console.log(
      `PII baseline (written-number rules only): recall ${r.pii_baseline_rules_only.overall.recall}, precision ${r.pii_baseline_rules_only.overall.precision}`,
    );
    console.log(
      `sentiment agreement ${r.sentiment.agreement} (majority "${r.sentiment.majority_label}" ${r.sentiment.majority_baseline}), kappa ${r.sentiment.kappa}`,
    );
    console.log(
      `objections recall ${r.objections.recall} of ${r.objections.labels} · next steps recall ${r.next_steps.recall} of ${r.next_steps.labels}`,
    );
    console.log(
      `conversion accuracy ${r.conversion.accuracy} (${r.conversion.calls} calls) · upsell accuracy ${r.upsell.accuracy} · declined offers: ${r.declined_offers.falseConverted} false converted, ${r.declined_offers.falseUpsell} false upsell of ${r.declined_offers.calls}`,
    );
    console.log(
      `evidence quotes found verbatim in the transcript: ${
        (r.evidence.verbatim ?? 0) * 100
      }% of ${r.evidence.quotes}`,
    );
  }
  console.log(`\n== PII on the redaction tests' ${snippetCases().length} labelled snippets`);
  console.table(report.pii_snippets.spoken);
  console.log(
    `baseline (rules only): recall ${report.pii_snippets.baseline_rules_only.overall.recall}, precision ${report.pii_snippets.baseline_rules_only.overall.precision}`,
  );
  if (Deno.args.includes("--misses")) console.log("\n" + report.all.misses.join("\n"));
  console.log(`\nreport: ${join(out, "report.json")}`);
}

// Transcript compaction for the analysis prompt (LLM cost): consecutive
// sentences of one speaker become one line with one start time, speakers are
// "A"/"C", and filler words ("um", "uh", ", you know," …) are left out. The
// stored transcript is unchanged: evidence is still checked against it, and
// a quote the model copies from a compacted line is mapped back to the exact
// original words (restoreQuotes) — or, if it has none, dropped by the check.
import type { Segment } from "./schema.ts";

// Fillers anywhere as whole words; phrase fillers only between commas (or at
// the start), where they carry no meaning ("do you know the price" stays).
const FILLER = new RegExp(
  String.raw`(?:,\s*)?(?<![\p{L}\p{N}'])(?:u+h+m*|u+m+|e+r+m+|h+m+)(?![\p{L}\p{N}'])[,.]?` +
    String.raw`|(?:(?<=^|,)\s*)(?:you know|i mean|like)\s*,`,
  "giu",
);

export interface Compacted {
  /** The sentence without fillers, whitespace collapsed. */
  text: string;
  /** map[k]: index in the original text of compacted character k. */
  map: number[];
}

/** One sentence without its fillers, with the way back to the original characters. */
export function compactText(original: string): Compacted {
  const keep = new Array<boolean>(original.length).fill(true);
  for (const m of original.matchAll(FILLER)) {
    for (let i = m.index!; i < m.index! + m[0].length; i++) keep[i] = false;
  }
  let text = "";
  const map: number[] = [];
  for (let i = 0; i < original.length; i++) {
    if (!keep[i]) continue;
    const ch = original[i];
    if (/\s/.test(ch)) {
      if (!text.length || text.endsWith(" ")) continue;
      text += " ";
    } else {
      if (/[,.!?]/.test(ch) && text.endsWith(" ")) { // "I , want" → "I, want"
        text = text.slice(0, -1);
        map.pop();
      }
      text += ch;
    }
    map.push(i);
  }
  if (text.endsWith(" ")) {
    text = text.slice(0, -1);
    map.pop();
  }
  if (/^[,.]\s?/.test(text)) { // a leading filler's comma
    const cut = text[1] === " " ? 2 : 1;
    text = text.slice(cut);
    map.splice(0, cut);
  }
  return { text, map };
}

const label = (s: Segment["speaker"]) => (s === "agent" ? "A" : "C");

/** The prompt's transcript: one line per turn, "<start>s <A|C>: <sentences without fillers>". */
export function compactTranscript(segments: Segment[]): string {
  const lines: string[] = [];
  let speaker: Segment["speaker"] | null = null;
  for (const s of segments) {
    const text = compactText(s.text).text;
    if (!text) continue;
    if (s.speaker === speaker) {
      lines[lines.length - 1] += ` ${text}`;
    } else {
      lines.push(`${Math.round(s.start)}s ${label(s.speaker)}: ${text}`);
      speaker = s.speaker;
    }
  }
  return lines.join("\n");
}

/** The original words behind a quote copied from a compacted sentence, or null. */
export function originalQuote(quote: string, segments: Segment[]): string | null {
  const q = quote.replace(/^\s*\d+s\s+[AC]:\s*/, "").trim().toLowerCase();
  if (q.length < 3) return null;
  for (const s of segments) {
    if (s.text.toLowerCase().includes(q)) return null; // verbatim already
  }
  for (const s of segments) {
    const c = compactText(s.text);
    const at = c.text.toLowerCase().indexOf(q);
    if (at < 0) continue;
    return s.text.slice(c.map[at], c.map[at + q.length - 1] + 1);
  }
  return null;
}

type Evidence = { quote: string; time: number; speaker: string };
const isEvidence = (v: unknown): v is Evidence =>
  typeof v === "object" && v !== null && typeof (v as Evidence).quote === "string" && typeof (v as Evidence).time === "number";

/** Every evidence quote of a result that came from a compacted line, put back in the transcript's own words. */
export function restoreQuotes<T>(value: T, segments: Segment[]): T {
  if (Array.isArray(value)) return value.map((v) => restoreQuotes(v, segments)) as T;
  if (typeof value !== "object" || value === null) return value;
  if (isEvidence(value)) {
    const original = originalQuote(value.quote, segments);
    return (original ? { ...value, quote: original } : value) as T;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreQuotes(v, segments)])) as T;
}

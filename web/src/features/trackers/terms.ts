// A tracker's terms as typed: comma or newline separated, trimmed, one of each
// (any case), within the database's bounds.
export const MAX_NAME = 80;
export const MAX_TERM = 60;
export const MAX_TERMS = 50;

export function parseTerms(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(/[,\n]/)) {
    const t = raw.trim().replace(/\s+/g, " ");
    if (!t || seen.has(t.toLowerCase())) continue;
    seen.add(t.toLowerCase());
    out.push(t);
  }
  return out;
}

/** What is wrong with a tracker about to be saved, or null. */
export function trackerProblem(name: string, terms: string[]): string | null {
  if (!name.trim()) return "Give the tracker a name.";
  if (name.trim().length > MAX_NAME) return `The name is longer than ${MAX_NAME} characters.`;
  if (!terms.length) return "Add at least one word or phrase.";
  if (terms.length > MAX_TERMS) return `At most ${MAX_TERMS} words and phrases.`;
  const long = terms.find((t) => t.length > MAX_TERM);
  if (long) return `"${long.slice(0, 20)}…" is longer than ${MAX_TERM} characters.`;
  return null;
}

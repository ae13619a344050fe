// Display helpers for call rows (the shared ones are in lib/format).

export interface SnippetPart {
  text: string;
  match: boolean;
}

/**
 * Splits a ts_headline snippet ("… the «refund» policy …") into plain and
 * matched parts. The text is never parsed as HTML: callers render the parts
 * as React text, so markup in a transcript shows as the characters it is.
 */
export function parseSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  const re = /«([^«»]*)»/g;
  let last = 0;
  for (let m = re.exec(snippet); m; m = re.exec(snippet)) {
    if (m.index > last) parts.push({ text: snippet.slice(last, m.index), match: false });
    if (m[1]) parts.push({ text: m[1], match: true });
    last = m.index + m[0].length;
  }
  if (last < snippet.length) parts.push({ text: snippet.slice(last), match: false });
  return parts;
}

// A search snippet with its matches in <mark>, rendered as text (no HTML).
import { parseSnippet } from "../format";

export function Snippet({ text }: { text: string }) {
  return (
    <span className="calls-snippet">
      {parseSnippet(text).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </span>
  );
}

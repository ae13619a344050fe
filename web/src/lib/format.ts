export const fmtMoney = (n: number | null | undefined, currency = "USD", fractionDigits = 0) =>
  new Intl.NumberFormat(undefined, {
    style: "currency",
    currency,
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  }).format(Number(n ?? 0));
export const fmtPct = (n: number | null | undefined) => (n == null ? "—" : `${Math.round(Number(n) * 100)}%`);
export const fmtNum = (n: number | null | undefined, digits = 0) =>
  n == null ? "—" : new Intl.NumberFormat(undefined, { maximumFractionDigits: digits }).format(Number(n));
/** Sentiment, −1..1, with an explicit sign: "+0.42", "−0.10", "0.00". */
export function fmtSentiment(score: number | null | undefined): string {
  if (score == null) return "—";
  const abs = Math.abs(score).toFixed(2);
  if (abs === "0.00") return abs;
  return `${score > 0 ? "+" : "−"}${abs}`;
}
/** Script adherence, 0..100. */
export const fmtAdherence = (a: number | null | undefined) => (a == null ? "—" : `${fmtNum(a, 0)}%`);
export const fmtDuration = (s: number | null | undefined) => {
  if (s == null) return "—";
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
};
export const fmtDateTime = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "—";
export const isoDate = (d: Date) => d.toISOString().slice(0, 10);

// Display helpers for the dashboard's figures (the shared ones are in lib/format).

/** The offline analyzer labels |score| ≥ 0.3 positive/negative; averages use the same bands. */
export const SENTIMENT_THRESHOLD = 0.3;

export function sentimentLabel(score: number | null | undefined): "Positive" | "Neutral" | "Negative" | null {
  if (score == null) return null;
  if (score >= SENTIMENT_THRESHOLD) return "Positive";
  if (score <= -SENTIMENT_THRESHOLD) return "Negative";
  return "Neutral";
}

/** A calendar day (YYYY-MM-DD) as "Nov 3", without shifting it into the viewer's time zone. */
export function fmtDay(day: string, opts: Intl.DateTimeFormatOptions = { month: "short", day: "numeric" }): string {
  return new Intl.DateTimeFormat(undefined, { ...opts, timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}

export function fmtMoneyCompact(n: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: "currency", currency, notation: "compact", minimumFractionDigits: 0, maximumFractionDigits: 1 }).format(n);
}

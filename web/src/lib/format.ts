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
export const fmtDuration = (s: number | null | undefined) => {
  if (s == null) return "—";
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
};
export const fmtDateTime = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "—";
export const isoDate = (d: Date) => d.toISOString().slice(0, 10);

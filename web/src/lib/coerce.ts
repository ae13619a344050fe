// PostgREST sends numeric columns as JSON numbers, but aggregates over no rows
// are null: keep null apart from 0 ("no analyzed calls" is not "0 %").
export const numOrNull = (v: unknown): number | null => {
  if (v == null || v === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};
export const num = (v: unknown): number => numOrNull(v) ?? 0;

// Goal metrics, periods and scopes as people read them, and how each
// metric's figures are written (rates as %, money, scores out of 100).
import { fmtMoney, fmtNum, fmtPct } from "../../lib/format";

export type GoalMetric =
  | "calls_handled" | "analyzed_calls" | "conversions" | "conversion_rate" | "upsell_revenue"
  | "activities" | "sim_score" | "script_adherence" | "referrals_won";
export type GoalPeriod = "week" | "month" | "quarter" | "custom";
export type GoalScope = "member" | "team" | "organization";
export type GoalStatus = "reached" | "on_track" | "behind" | "no_data";

export const METRICS: { value: GoalMetric; label: string }[] = [
  { value: "conversions", label: "Conversions" },
  { value: "calls_handled", label: "Calls handled" },
  { value: "analyzed_calls", label: "Analyzed calls" },
  { value: "conversion_rate", label: "Conversion rate" },
  { value: "upsell_revenue", label: "Upsell revenue" },
  { value: "activities", label: "Activities of a type" },
  { value: "script_adherence", label: "Script adherence" },
  { value: "sim_score", label: "Average SIM score" },
  { value: "referrals_won", label: "Referrals won" },
];
export const ACTIVITY_TYPES: { value: string; label: string }[] = [
  { value: "call", label: "Calls" },
  { value: "email", label: "Emails" },
  { value: "meeting", label: "Meetings" },
  { value: "demo", label: "Demos" },
  { value: "proposal", label: "Proposals" },
  { value: "follow_up", label: "Follow-ups" },
  { value: "sim", label: "SIM sessions" },
  { value: "referral", label: "Referral steps" },
];
export const PERIODS: { value: GoalPeriod; label: string }[] = [
  { value: "week", label: "Week" },
  { value: "month", label: "Month" },
  { value: "quarter", label: "Quarter" },
  { value: "custom", label: "Custom range" },
];
export const STATUS: Record<GoalStatus | "missed", { label: string; kind: string }> = {
  reached: { label: "Reached", kind: "good" },
  on_track: { label: "On track", kind: "info" },
  behind: { label: "Behind", kind: "bad" },
  no_data: { label: "No data yet", kind: "" },
  missed: { label: "Missed", kind: "bad" },
};

/** Rates and averages are compared as they stand; counts and sums are paced over the period. */
export const isLevelMetric = (m: GoalMetric) => m === "conversion_rate" || m === "script_adherence" || m === "sim_score";

export function metricLabel(metric: GoalMetric, activityType?: string | null): string {
  if (metric === "activities") {
    return ACTIVITY_TYPES.find((t) => t.value === activityType)?.label ?? "Activities";
  }
  return METRICS.find((m) => m.value === metric)?.label ?? metric;
}

export function fmtMetric(metric: GoalMetric, v: number | null | undefined, currency: string): string {
  if (v == null) return "—";
  if (metric === "conversion_rate") return fmtPct(v);
  if (metric === "upsell_revenue") return fmtMoney(v, currency);
  if (metric === "script_adherence" || metric === "sim_score") return `${fmtNum(v, 1)}/100`;
  return fmtNum(v, 1);
}

/** "Dec 1 – Dec 31, 2026". */
export function fmtPeriod(start: string, end: string): string {
  const d = (s: string) => new Date(`${s}T00:00:00Z`);
  const f = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
  const y = new Intl.DateTimeFormat(undefined, { year: "numeric", timeZone: "UTC" });
  return `${f.format(d(start))} – ${f.format(d(end))}, ${y.format(d(end))}`;
}

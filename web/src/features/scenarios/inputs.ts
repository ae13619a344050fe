// The what-if inputs: what each is, how it is entered (rates as %), and the
// conversion between the form's strings and scenario_projection's numbers.
export const INPUT_KEYS = [
  "agents", "calls_per_agent_per_day", "working_days_per_month", "conversion_rate",
  "average_deal_value", "upsell_rate", "upsell_amount", "script_adherence",
] as const;
export type InputKey = typeof INPUT_KEYS[number];
export type Inputs = Partial<Record<InputKey, number>>;
export type Draft = Record<InputKey, string>;

export const INPUT_META: Record<InputKey, { label: string; percent?: boolean; money?: boolean; max: number; step: string; unit?: string }> = {
  agents: { label: "Agents", max: 100000, step: "1" },
  calls_per_agent_per_day: { label: "Calls per agent per day", max: 1000, step: "any" },
  working_days_per_month: { label: "Working days per month", max: 31, step: "any" },
  conversion_rate: { label: "Conversion rate", percent: true, max: 100, step: "any", unit: "%" },
  average_deal_value: { label: "Average deal value", money: true, max: 1e9, step: "any" },
  upsell_rate: { label: "Upsell rate", percent: true, max: 100, step: "any", unit: "%" },
  upsell_amount: { label: "Average upsell", money: true, max: 1e9, step: "any" },
  script_adherence: { label: "Script adherence", max: 100, step: "any", unit: "/100" },
};
export const REQUIRED: InputKey[] = ["agents", "calls_per_agent_per_day", "working_days_per_month", "conversion_rate"];

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

/** A number as the form shows it (rates as percentages). */
export const toField = (k: InputKey, v: number | null | undefined) =>
  v == null ? "" : String(INPUT_META[k].percent ? round(v * 100, 2) : round(v, 2));

export const toDraft = (values: Inputs): Draft =>
  Object.fromEntries(INPUT_KEYS.map((k) => [k, toField(k, values[k])])) as Draft;

/** The draft as inputs (blank fields left out), or the first field out of range. */
export function fromDraft(d: Draft): { inputs: Inputs; invalid: InputKey | null } {
  const inputs: Inputs = {};
  for (const k of INPUT_KEYS) {
    const s = d[k].trim();
    if (!s) continue;
    const n = Number(s);
    if (!Number.isFinite(n) || n < 0 || n > INPUT_META[k].max) return { inputs, invalid: k };
    inputs[k] = INPUT_META[k].percent ? round(n / 100, 6) : n;
  }
  return { inputs, invalid: null };
}

// Managers create a scorecard, change its name and pass score, and add, edit
// or archive its items (archived items keep their answers but stop counting).
import { useInvalidatingMutation } from "../../../lib/mutations";
import { supabase } from "../../../lib/supabase";
import { scorecardsQueryOptions } from "../../../lib/queries/scorecards";

export interface ItemInput {
  id?: string;
  key: string;
  question: string;
  weight: number;
  partial_credit: boolean;
  archived: boolean;
  position: number;
}
export interface ScorecardInput {
  id?: string;
  name: string;
  pass_score: number;
  items: ItemInput[];
}

/** A key for a new item from its question: "Did the rep ask about the budget?" → "ask_about_the_budget". */
export function keyFor(question: string, taken: string[]): string {
  const base = question.toLowerCase().replace(/^did the rep\s+/, "").replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 40) || "item";
  let key = base;
  for (let n = 2; taken.includes(key); n++) key = `${base}_${n}`;
  return key;
}

export async function saveScorecard(orgId: string, s: ScorecardInput): Promise<string> {
  let id = s.id;
  if (id) {
    const { error } = await supabase.from("scorecards").update({ name: s.name, pass_score: s.pass_score }).eq("id", id);
    if (error) throw error;
  } else {
    const { data, error } = await supabase.from("scorecards").insert({ org_id: orgId, name: s.name, pass_score: s.pass_score }).select("id").single();
    if (error) throw error;
    id = data.id;
  }
  for (const i of s.items) {
    const fields = { question: i.question, weight: i.weight, partial_credit: i.partial_credit, position: i.position };
    const { error } = i.id
      ? await supabase.from("scorecard_items").update({ ...fields, archived: i.archived }).eq("id", i.id)
      : await supabase.from("scorecard_items").insert({ ...fields, org_id: orgId, scorecard_id: id, key: i.key });
    if (error) throw error;
  }
  return id;
}

export function useSaveScorecard(orgId: string) {
  return useInvalidatingMutation((s: ScorecardInput) => saveScorecard(orgId, s), [scorecardsQueryOptions(orgId).queryKey]);
}

// The call's current insight, with the checklist labels of the script it was
// scored against (the organization's default script if that one is gone).
import { queryOptions, useQuery } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { POLL_MS } from "./getCall";
import type { Insight, InsightRow, ScriptItem } from "./types";

const itemsOf = (items: unknown): ScriptItem[] =>
  Array.isArray(items)
    ? items.filter((i): i is ScriptItem => typeof i?.id === "string" && typeof i?.label === "string")
    : [];

export async function getInsight(callId: string): Promise<InsightRow | null> {
  const { data, error } = await supabase
    .from("insights")
    .select("id, org_id, analyzer, model, created_at, script_id, data, script:call_scripts(items)")
    .eq("call_id", callId)
    .eq("is_current", true)
    .maybeSingle();
  if (error) throw error;
  if (!data) return null;
  const row = data as unknown as Omit<InsightRow, "scriptItems"> & { script: { items: unknown } | null };
  let scriptItems = itemsOf(row.script?.items);
  if (!row.script) {
    const { data: fallback, error: e2 } = await supabase
      .from("call_scripts")
      .select("items")
      .eq("org_id", row.org_id)
      .order("is_default", { ascending: false })
      .order("created_at")
      .limit(1)
      .maybeSingle();
    if (e2) throw e2;
    scriptItems = itemsOf(fallback?.items);
  }
  const { script: _script, ...rest } = row;
  return { ...rest, data: row.data as Insight, scriptItems };
}

export const insightQueryOptions = (callId: string, processing = false) =>
  queryOptions({
    queryKey: ["coaching", callId, "insight"] as const,
    queryFn: () => getInsight(callId),
    refetchInterval: processing ? POLL_MS : false,
  });

export const useInsight = (callId: string, processing = false) => useQuery(insightQueryOptions(callId, processing));

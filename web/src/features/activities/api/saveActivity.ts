// Logs a manual activity, or edits one of the caller's own (PostgREST under
// RLS; a trigger makes the entry the caller's and bounds its text).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { TablesInsert } from "../../../../../supabase/functions/_shared/database.types";
import { supabase } from "../../../lib/supabase";
import { activitiesKey } from "./listActivities";

export type ActivityInput = Pick<TablesInsert<"activities">, "type" | "outcome" | "value" | "occurred_at" | "contact" | "title" | "notes">;

export async function saveActivity(orgId: string, input: ActivityInput & { id?: string }): Promise<void> {
  const { id, ...fields } = input;
  const query = id
    ? supabase.from("activities").update(fields).eq("id", id).eq("org_id", orgId)
    : supabase.from("activities").insert({ org_id: orgId, ...fields });
  const { data, error } = await query.select("id");
  if (error) throw error;
  if (!data?.length) throw new Error("The activity was not saved — you can edit only your own manual entries.");
}

export function useSaveActivity(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ActivityInput & { id?: string }) => saveActivity(orgId, input),
    onSettled: () => qc.invalidateQueries({ queryKey: activitiesKey(orgId) }),
  });
}

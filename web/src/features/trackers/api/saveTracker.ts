// Add and remove trackers (managers and up; RLS refuses everyone else).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { trackersQueryOptions } from "../../../lib/queries/trackers";
import { supabase } from "../../../lib/supabase";

export interface NewTracker {
  name: string;
  terms: string[];
  alert: boolean;
}

export function useAddTracker(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (t: NewTracker) => {
      const { error } = await supabase.from("trackers").insert({ org_id: orgId, ...t });
      if (error) throw error;
    },
    onSettled: () => qc.invalidateQueries({ queryKey: trackersQueryOptions(orgId).queryKey }),
  });
}

export function useRemoveTracker(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      const { error } = await supabase.from("trackers").delete().eq("id", id);
      if (error) throw error;
    },
    onSettled: () => qc.invalidateQueries({ queryKey: trackersQueryOptions(orgId).queryKey }),
  });
}

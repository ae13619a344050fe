// Deletion requests and their receipts (RLS: owners; the subject is never readable).
import { queryOptions, useQuery } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";

export interface DeletionRequest {
  id: string;
  subject_kind: "member" | "phone" | "email";
  status: "pending" | "erased" | "completed";
  requested_at: string;
  completed_at: string | null;
  receipt: { rows?: Record<string, number>; recordings_deleted?: number; account_deleted?: boolean } | null;
}

export async function fetchDeletionRequests(orgId: string): Promise<DeletionRequest[]> {
  const { data, error } = await supabase.from("deletion_requests")
    .select("id, subject_kind, status, requested_at, completed_at, receipt")
    .eq("org_id", orgId)
    .order("requested_at", { ascending: false })
    .limit(50);
  if (error) throw error;
  return (data ?? []) as DeletionRequest[];
}

export const deletionRequestsQueryOptions = (orgId: string) =>
  queryOptions({
    queryKey: ["deletion-requests", orgId],
    queryFn: () => fetchDeletionRequests(orgId),
    // A request is carried out by a job: poll until none is left in progress.
    refetchInterval: (q) => (q.state.data?.some((r) => r.status !== "completed") ? 2000 : false),
  });

export const useDeletionRequests = (orgId: string, enabled = true) => useQuery({ ...deletionRequestsQueryOptions(orgId), enabled });

// The calls list: one search_calls round trip per page (filters, full-text
// search with a highlighted snippet, and the total for paging).
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import type { Database } from "../../../../../supabase/functions/_shared/database.types";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";
import { type CallFilters, type CallStatus, PAGE_SIZE, PIPELINE_STATUSES } from "../filters";

type SearchCallsArgs = Database["public"]["Functions"]["search_calls"]["Args"];

/** A row of search_calls. Columns from the insight are null until the call is analyzed. */
export interface CallListRow {
  id: string;
  started_at: string | null;
  duration_seconds: number | null;
  status: CallStatus;
  error: string | null;
  agent_id: string | null;
  agent_name: string | null;
  from_number: string | null;
  converted: boolean | null;
  upsell_amount: number | null;
  sentiment_label: string | null;
  sentiment_score: number | null;
  adherence_score: number | null;
  summary: string | null;
  /** ts_headline of the transcript with « » around matches; null without a query. */
  snippet: string | null;
}

export interface CallsPage {
  rows: CallListRow[];
  total: number;
}

/** While a listed call is still processed, the list refreshes this often. */
export const CALLS_REFETCH_MS = 5_000;
export const callsRefetchInterval = (page: CallsPage | undefined) =>
  page?.rows.some((r) => PIPELINE_STATUSES.has(r.status)) ? CALLS_REFETCH_MS : false;

const numOrNull = (v: unknown) => (v == null || v === "" ? null : Number(v));

export async function fetchCalls(f: CallFilters): Promise<CallsPage> {
  const args: SearchCallsArgs = { p_limit: PAGE_SIZE, p_offset: (f.page - 1) * PAGE_SIZE };
  if (f.q) args.p_query = f.q;
  if (f.from) args.p_from = f.from;
  if (f.to) args.p_to = f.to;
  if (f.agentId) args.p_agent_id = f.agentId;
  if (f.outcome) args.p_outcome = f.outcome;
  if (f.sentiment) args.p_sentiment = f.sentiment;
  if (f.status) args.p_status = f.status;
  if (f.trackerId) args.p_tracker_id = f.trackerId;
  const { data, error } = await supabase.rpc("search_calls", args);
  if (error) throw error;
  const raw = (data ?? []) as Record<string, unknown>[];
  return {
    total: raw.length ? Number(raw[0].total_count ?? raw.length) : 0,
    rows: raw.map((r) => ({
      id: String(r.id),
      started_at: (r.started_at as string | null) ?? null,
      duration_seconds: numOrNull(r.duration_seconds),
      status: r.status as CallStatus,
      error: (r.error as string | null) ?? null,
      agent_id: (r.agent_id as string | null) ?? null,
      agent_name: (r.agent_name as string | null) ?? null,
      from_number: (r.from_number as string | null) ?? null,
      converted: (r.converted as boolean | null) ?? null,
      upsell_amount: numOrNull(r.upsell_amount),
      sentiment_label: (r.sentiment_label as string | null) ?? null,
      sentiment_score: numOrNull(r.sentiment_score),
      adherence_score: numOrNull(r.adherence_score),
      summary: (r.summary as string | null) ?? null,
      snippet: (r.snippet as string | null) ?? null,
    })),
  };
}

export const callsQueryOptions = (orgId: string, f: CallFilters) => queryOptions({
  queryKey: ["calls", orgId, "list", f] as const,
  queryFn: () => fetchCalls(f),
  refetchInterval: (query) => callsRefetchInterval(query.state.data),
});

export function useCalls(f: CallFilters) {
  const { orgId } = useOrg();
  return useQuery({
    ...callsQueryOptions(orgId, f),
    // Keep the previous page on screen while the next one loads — never another organization's.
    placeholderData: (prev, prevQuery) => (prevQuery?.queryKey[1] === orgId ? keepPreviousData(prev) : undefined),
  });
}

// Calls list filters live in the URL query string:
// ?q=&agent=&from=&to=&outcome=&sentiment=&status=&tracker=&page=
// Malformed values are ignored, so a hand-edited link never breaks the page.
import { useCallback, useMemo } from "react";
import type { Database } from "../../../../supabase/functions/_shared/database.types";
import { useRouter } from "../../lib/router";
import { isoDate } from "../../lib/format";

export type CallStatus = Database["public"]["Enums"]["call_status"];
export type Outcome = "converted" | "not_converted";
export type Sentiment = "positive" | "neutral" | "negative";

export const PAGE_SIZE = 25;

export const CALL_STATUSES: { value: CallStatus; label: string }[] = [
  { value: "in_progress", label: "In progress" },
  { value: "received", label: "Received" },
  { value: "transcribing", label: "Transcribing" },
  { value: "analyzing", label: "Analyzing" },
  { value: "analyzed", label: "Analyzed" },
  { value: "failed", label: "Failed" },
  { value: "not_analyzed", label: "Not analyzed (consent)" },
  { value: "orphaned", label: "Orphaned" },
];
/** Statuses of a call that is still being processed. */
export const PIPELINE_STATUSES: ReadonlySet<string> = new Set<CallStatus>(["in_progress", "received", "transcribing", "analyzing"]);
export const OUTCOMES: { value: Outcome; label: string }[] = [
  { value: "converted", label: "Converted" },
  { value: "not_converted", label: "Not converted" },
];
export const SENTIMENTS: { value: Sentiment; label: string }[] = [
  { value: "positive", label: "Positive" },
  { value: "neutral", label: "Neutral" },
  { value: "negative", label: "Negative" },
];

export interface CallFilters {
  q: string | null;
  agentId: string | null;
  from: string | null;
  to: string | null;
  outcome: Outcome | null;
  sentiment: Sentiment | null;
  status: CallStatus | null;
  /** Calls where this tracker was heard. */
  trackerId: string | null;
  /** 1-based. */
  page: number;
}

const URL_KEYS: Record<Exclude<keyof CallFilters, "page">, string> = {
  q: "q", agentId: "agent", from: "from", to: "to", outcome: "outcome", sentiment: "sentiment", status: "status",
  trackerId: "tracker",
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isIsoDate(s: string | null | undefined): s is string {
  if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && isoDate(d) === s;
}
const oneOf = <T extends string>(v: string | null, list: { value: T }[]): T | null =>
  (list.find((x) => x.value === v)?.value ?? null);

export function parseCallFilters(search: URLSearchParams): CallFilters {
  const q = search.get("q")?.trim() || null;
  const agent = search.get("agent");
  const from = search.get("from");
  const to = search.get("to");
  const tracker = search.get("tracker");
  const page = Number.parseInt(search.get("page") ?? "1", 10);
  return {
    q: q ? q.slice(0, 200) : null,
    agentId: agent && UUID_RE.test(agent) ? agent : null,
    from: isIsoDate(from) ? from : null,
    to: isIsoDate(to) ? to : null,
    outcome: oneOf(search.get("outcome"), OUTCOMES),
    sentiment: oneOf(search.get("sentiment"), SENTIMENTS),
    status: oneOf(search.get("status"), CALL_STATUSES),
    trackerId: tracker && UUID_RE.test(tracker) ? tracker : null,
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/** True when anything narrows the list (the page does not count). */
export const hasActiveFilters = (f: CallFilters) =>
  Boolean(f.q || f.agentId || f.from || f.to || f.outcome || f.sentiment || f.status || f.trackerId);

export function toSearch(f: CallFilters): string {
  const params = new URLSearchParams();
  for (const [key, param] of Object.entries(URL_KEYS) as [keyof typeof URL_KEYS, string][]) {
    const v = f[key];
    if (v) params.set(param, v);
  }
  if (f.page > 1) params.set("page", String(f.page));
  const s = params.toString();
  return s ? `?${s}` : "";
}

export function useCallFilters() {
  const { location, navigate } = useRouter();
  const filters = useMemo(() => parseCallFilters(location.search), [location.search]);
  /** Any change but a page change goes back to the first page. */
  const setFilters = useCallback((patch: Partial<CallFilters>) => {
    const next = { ...filters, page: 1, ...patch };
    navigate(`${location.pathname}${toSearch(next)}`, { replace: true });
  }, [filters, location.pathname, navigate]);
  const clearFilters = useCallback(() => navigate(location.pathname, { replace: true }), [location.pathname, navigate]);
  return { filters, setFilters, clearFilters };
}

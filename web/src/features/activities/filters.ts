// The activity log's filters, kept in the URL (?person=&type=&outcome=&from=&to=)
// so a person's timeline has an address.
import { useCallback, useMemo } from "react";
import { useRouter } from "../../lib/router";

export interface ActivityFilters {
  person: string | null;
  type: string | null;
  outcome: string | null;
  from: string | null;
  to: string | null;
}

const KEYS = ["person", "type", "outcome", "from", "to"] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseActivityFilters(search: URLSearchParams): ActivityFilters {
  const get = (k: string) => search.get(k)?.slice(0, 64) || null;
  const date = (k: string) => { const v = get(k); return v && DATE.test(v) ? v : null; };
  return { person: get("person"), type: get("type"), outcome: get("outcome"), from: date("from"), to: date("to") };
}

export const hasFilters = (f: ActivityFilters) => KEYS.some((k) => f[k] != null);

export function useActivityFilters() {
  const { location, navigate } = useRouter();
  const filters = useMemo(() => parseActivityFilters(location.search), [location.search]);
  const setFilters = useCallback((patch: Partial<ActivityFilters>) => {
    const next = { ...filters, ...patch };
    const q = new URLSearchParams();
    for (const k of KEYS) if (next[k]) q.set(k, next[k]!);
    const s = q.toString();
    navigate(`${location.pathname}${s ? `?${s}` : ""}`, { replace: true });
  }, [filters, navigate, location.pathname]);
  return { filters, setFilters, clearFilters: () => setFilters({ person: null, type: null, outcome: null, from: null, to: null }) };
}

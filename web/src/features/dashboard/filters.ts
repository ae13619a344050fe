// Dashboard filters (period and agent) live in the URL query string
// (`?from=YYYY-MM-DD&to=YYYY-MM-DD&agent=<uuid>`) so a reload or a shared link
// shows the same figures. Dates are calendar days, inclusive, as the SQL RPCs
// take them; "today" is the UTC day, the database's day boundary.
import { useCallback, useMemo } from "react";
import { useRouter } from "../../lib/router";
import { isoDate } from "../../lib/format";

export const PRESET_DAYS = [7, 30, 90] as const;
export type PresetDays = (typeof PRESET_DAYS)[number];
export const DEFAULT_PRESET: PresetDays = 30;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DashboardFilters {
  from: string;
  to: string;
  agentId: string | null;
}

export function isIsoDate(s: string | null | undefined): s is string {
  if (!s || !DATE_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && isoDate(d) === s;
}

export const isUuid = (s: string | null | undefined): s is string => Boolean(s && UUID_RE.test(s));

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return isoDate(d);
}

export function todayIso(): string {
  return isoDate(new Date());
}

/** The last `days` days up to and including `today`. */
export function presetRange(days: number, today = todayIso()): { from: string; to: string } {
  return { from: addDays(today, -(days - 1)), to: today };
}

/** Which preset a range is, or "custom". */
export function presetOf(f: { from: string; to: string }, today = todayIso()): PresetDays | "custom" {
  for (const days of PRESET_DAYS) {
    const r = presetRange(days, today);
    if (r.from === f.from && r.to === f.to) return days;
  }
  return "custom";
}

/** Reads the filters from a query string; anything malformed falls back to the default (last 30 days, all agents). */
export function parseDashboardFilters(search: URLSearchParams, today = todayIso()): DashboardFilters {
  const rawFrom = search.get("from");
  const rawTo = search.get("to");
  let from = isIsoDate(rawFrom) ? rawFrom : null;
  let to = isIsoDate(rawTo) ? rawTo : null;
  if (!from && !to) ({ from, to } = presetRange(DEFAULT_PRESET, today));
  else if (!to) to = from! > today ? from! : today;
  else if (!from) from = addDays(to, -(DEFAULT_PRESET - 1));
  if (from! > to!) [from, to] = [to, from];
  const agent = search.get("agent");
  return { from: from!, to: to!, agentId: isUuid(agent) ? agent : null };
}

export function useDashboardFilters() {
  const { location, navigate } = useRouter();
  const today = todayIso();
  const filters = useMemo(() => parseDashboardFilters(location.search, today), [location.search, today]);

  /** Writes the filters (both dates always, so the period is explicit) and keeps other parameters. */
  const setFilters = useCallback((patch: Partial<DashboardFilters>) => {
    const next = { ...filters, ...patch };
    if (next.from > next.to) [next.from, next.to] = [next.to, next.from];
    const params = new URLSearchParams(location.search);
    params.set("from", next.from);
    params.set("to", next.to);
    if (next.agentId) params.set("agent", next.agentId);
    else params.delete("agent");
    navigate(`${location.pathname}?${params.toString()}`, { replace: true });
  }, [filters, location.pathname, location.search, navigate]);

  return { filters, setFilters, preset: presetOf(filters, today), today };
}

// Shared shapes: plans of prices, meter aggregation, previous_attributes, money; lists with
// Stripe's cursor pagination and `created` filters; `expand`; the route table's types.
import type { Route } from "../kernel/routing.ts";
import { int, invalid, type Json, noSuch, str, stringList } from "./params.ts";
import type { Cause, MeterEventRecord } from "./specs.ts";
import type { StripeState } from "./state.ts";

export interface RouteCtx {
  params: Json;
  match: RegExpExecArray;
  cause: Cause;
}
export type StripeRoute = Route<(ctx: RouteCtx) => Json | Promise<Json>>;

export function planOf(price: Json): Json {
  return {
    id: price.id,
    object: "plan",
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: "per_unit",
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? null,
    interval_count: price.recurring?.interval_count ?? null,
    livemode: false,
    metadata: price.metadata,
    meter: price.recurring?.meter ?? null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: price.recurring?.usage_type ?? "licensed",
  };
}

export function aggregate(meter: Json | undefined, records: MeterEventRecord[]): number {
  const formula = meter?.default_aggregation.formula ?? "sum";
  if (formula === "count") return records.length;
  if (formula === "last") {
    const last = [...records].sort((a, b) => a.event.timestamp - b.event.timestamp).at(-1);
    return last?.value ?? 0;
  }
  return records.reduce((s, r) => s + (r.value ?? 0), 0);
}

/** Stripe's previous_attributes: the old value of every top-level field that changed. */
export function previousAttributes(before: Json, after: Json): Json {
  const previous: Json = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      previous[key] = before[key] ?? null;
    }
  }
  return previous;
}

export function money(cents: number, currency: string): string {
  const amount = (cents / 100).toFixed(2);
  return currency === "usd" ? `$${amount}` : `${amount} ${currency.toUpperCase()}`;
}

// --- lists and expansion ---------------------------------------------------------------------

/** Newest first, with Stripe's cursor pagination (limit, starting_after, ending_before). */
export function listOf(url: string, newestFirst: Json[], q: Json): Json {
  const limit = int(q, "limit") ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalid("Invalid limit: must be between 1 and 100", "limit");
  }
  const after = str(q, "starting_after");
  const before = str(q, "ending_before");
  let data = newestFirst;
  let hasMore: boolean;
  if (after) {
    const i = data.findIndex((o) => o.id === after);
    if (i < 0) throw noSuch("object", after, "starting_after");
    data = data.slice(i + 1);
    hasMore = data.length > limit;
    data = data.slice(0, limit);
  } else if (before) {
    const i = data.findIndex((o) => o.id === before);
    if (i < 0) throw noSuch("object", before, "ending_before");
    data = data.slice(0, i);
    hasMore = data.length > limit;
    data = data.slice(Math.max(0, data.length - limit));
  } else {
    hasMore = data.length > limit;
    data = data.slice(0, limit);
  }
  return { object: "list", data, has_more: hasMore, url };
}

export function newestFirst<T>(map: Map<string, T>): T[] {
  return [...map.values()].reverse();
}

/** Filter on `created` as Stripe takes it: an exact value or created[gt|gte|lt|lte]. */
export function createdMatches(created: number, q: Json): boolean {
  const c = q.created;
  if (c === undefined || c === "") return true;
  if (typeof c === "string") return created === int(q, "created");
  const bound = (k: string) => int(c, k, `created[${k}]`);
  const gt = bound("gt"), gte = bound("gte"), lt = bound("lt"), lte = bound("lte");
  return (gt === undefined || created > gt) && (gte === undefined || created >= gte) &&
    (lt === undefined || created < lt) && (lte === undefined || created <= lte);
}

const expandOf = (params: Json) => stringList(params, "expand");

/** Applies `expand` paths to (a copy of) an object. */
export function expanded(state: StripeState, obj: Json, paths: string[]): Json {
  const out = structuredClone(obj);
  for (const path of paths) {
    const segments = path.split(".");
    if (segments.length > 4) {
      throw invalid(`You cannot expand more than 4 levels of a property (${path}).`, "expand");
    }
    const walk = (node: unknown, segs: string[]) => {
      if (Array.isArray(node)) {
        for (const n of node) walk(n, segs);
        return;
      }
      if (!segs.length || typeof node !== "object" || node === null) return;
      const n = node as Json;
      const [head, ...rest] = segs;
      if (head === "line_items" && n.object === "checkout.session") {
        n.line_items ??= checkoutLineItems(state, n.id, {});
      } else if (typeof n[head] === "string") {
        const resolved = state.resolve(n[head]);
        if (!resolved) throw invalid(`This property cannot be expanded (${path}).`, "expand");
        n[head] = structuredClone(resolved);
      } else if (n[head] === undefined) {
        throw invalid(`This property cannot be expanded (${path}).`, "expand");
      }
      walk(n[head], rest);
    };
    walk(out, segments);
  }
  return out;
}

export const respond = (state: StripeState, obj: Json, params: Json) =>
  expanded(state, obj, expandOf(params));
export const respondList = (state: StripeState, list: Json, params: Json) =>
  expanded(
    state,
    list,
    expandOf(params).map((p) => {
      if (!p.startsWith("data.")) {
        throw invalid(
          `This property cannot be expanded (${p}). You may want to try expanding 'data.${p}' instead.`,
          "expand",
        );
      }
      return p;
    }),
  );

/** A list endpoint's answer: the records `keep` admits, newest first, in cursor pages, expanded. */
export const listed = (
  state: StripeState,
  url: string,
  records: Map<string, Json>,
  keep: (record: Json) => boolean,
  params: Json,
): Json => respondList(state, listOf(url, newestFirst(records).filter(keep), params), params);

export function checkoutLineItems(state: StripeState, sessionId: string, q: Json): Json {
  const extras = state.checkoutExtras.get(sessionId);
  return listOf(`/v1/checkout/sessions/${sessionId}/line_items`, extras?.lineItems ?? [], q);
}

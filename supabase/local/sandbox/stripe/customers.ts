// Customers: create, retrieve, update, delete, list and search (Stripe's query language, the
// part customers use).
import {
  createdMatches,
  listed,
  newestFirst,
  previousAttributes,
  respond,
  respondList,
  type StripeRoute,
} from "./lists.ts";
import {
  allowParams,
  int,
  invalid,
  type Json,
  metadataParam,
  missingParam,
  noSuch,
  str,
  stringList,
} from "./params.ts";
import type { StripeState } from "./state.ts";

export interface SearchClause {
  negate: boolean;
  field: string;
  metadataKey: string | null;
  op: ":" | "~" | ">" | "<" | ">=" | "<=";
  value: string | number | null;
}

/** Stripe's search query language, the part customers use: `email:'a@b.c' AND metadata['org_id']:'x'`. */
export function parseSearchQuery(query: string): { join: "AND" | "OR"; clauses: SearchClause[] } {
  const clauses: SearchClause[] = [];
  let join: "AND" | "OR" | null = null;
  let rest = query.trim();
  const clause =
    /^(-?)([a-z_]+)(?:\[(?:'([^']*)'|"([^"]*)")\])?\s*(>=|<=|:|~|>|<)\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)|(null))/;
  while (rest) {
    const m = clause.exec(rest);
    if (!m) {
      throw invalid(
        `Invalid query: could not parse \`${rest}\`. See https://stripe.com/docs/search#search-query-language.`,
        "query",
      );
    }
    clauses.push({
      negate: m[1] === "-",
      field: m[2],
      metadataKey: m[3] ?? m[4] ?? null,
      op: m[5] as SearchClause["op"],
      value: m[6] !== undefined
        ? m[6].replace(/\\(.)/g, "$1")
        : m[7] !== undefined
        ? m[7].replace(/\\(.)/g, "$1")
        : m[8] !== undefined
        ? Number(m[8])
        : null,
    });
    rest = rest.slice(m[0].length).trim();
    if (!rest) break;
    const j = /^(AND|OR)\s+/.exec(rest);
    if (!j) throw invalid(`Invalid query: expected AND or OR before \`${rest}\`.`, "query");
    if (join && join !== j[1]) {
      throw invalid("Invalid query: AND and OR cannot be combined in one query.", "query");
    }
    join = j[1] as "AND" | "OR";
    rest = rest.slice(j[0].length);
  }
  if (!clauses.length) throw missingParam("query");
  if (clauses.length > 10) throw invalid("Invalid query: at most 10 clauses.", "query");
  return { join: join ?? "AND", clauses };
}

export function matchesSearch(
  obj: Json,
  q: ReturnType<typeof parseSearchQuery>,
  fields: string[],
  resource: string,
): boolean {
  const test = (c: SearchClause): boolean => {
    if (c.field !== "metadata" && !fields.includes(c.field)) {
      throw invalid(
        `Field \`${c.field}\` is an unsupported search field for resource \`${resource}\`. See https://stripe.com/docs/search#query-fields-for-${resource} for a list of supported fields.`,
        "query",
      );
    }
    const actual = c.field === "metadata"
      ? (c.metadataKey === null ? undefined : obj.metadata?.[c.metadataKey])
      : obj[c.field];
    let result: boolean;
    if (c.op === ":") {
      result = c.value === null
        ? actual === null || actual === undefined
        : actual !== null && actual !== undefined &&
          String(actual).toLowerCase() === String(c.value).toLowerCase();
    } else if (c.op === "~") {
      if (typeof c.value !== "string" || c.value.length < 3) {
        throw invalid("Invalid query: substring matches need at least 3 characters.", "query");
      }
      result = typeof actual === "string" &&
        actual.toLowerCase().includes(c.value.toLowerCase());
    } else {
      const a = Number(actual);
      const b = Number(c.value);
      result = c.op === ">" ? a > b : c.op === "<" ? a < b : c.op === ">=" ? a >= b : a <= b;
    }
    return c.negate ? !result : result;
  };
  return q.join === "AND" ? q.clauses.every(test) : q.clauses.some(test);
}

export function customerParams(params: Json, allowExtra: string[] = []): void {
  allowParams(params, [
    "email",
    "name",
    "description",
    "phone",
    "metadata",
    "preferred_locales",
    "address",
    "shipping",
    "invoice_settings",
    "payment_method",
    "tax_exempt",
    "expand",
    ...allowExtra,
  ]);
  const email = str(params, "email");
  if (email && !/^[^@\s]+@[^@\s]+$/.test(email)) {
    throw invalid(`Invalid email address: ${email}`, "email", "email_invalid");
  }
}

export function customerPrecheck(state: StripeState, id: string): Json {
  const c = state.customers.get(id);
  if (!c) throw noSuch("customer", id);
  return c;
}

export function customerRoutes(state: StripeState): StripeRoute[] {
  return [
    ["POST", /^\/v1\/customers$/, ({ params, cause }) => {
      customerParams(params);
      return respond(state, state.createCustomer(params, cause), params);
    }],
    ["GET", /^\/v1\/customers\/search$/, ({ params }) => {
      const queryText = str(params, "query");
      if (!queryText) throw missingParam("query");
      const q = parseSearchQuery(queryText);
      const limit = int(params, "limit") ?? 10;
      if (limit < 1 || limit > 100) {
        throw invalid("Invalid limit: must be between 1 and 100", "limit");
      }
      const offset = params.page ? Number(atob(String(params.page))) || 0 : 0;
      const hits = newestFirst(state.customers).filter((c) =>
        !c.deleted && matchesSearch(c, q, ["email", "name", "phone", "created"], "customers")
      );
      const data = hits.slice(offset, offset + limit);
      const more = hits.length > offset + limit;
      return respondList(state, {
        object: "search_result",
        data,
        has_more: more,
        next_page: more ? btoa(String(offset + limit)) : null,
        url: "/v1/customers/search",
      }, params);
    }],
    ["GET", /^\/v1\/customers$/, ({ params }) => {
      const email = str(params, "email");
      const keep = (c: Json) =>
        !c.deleted && (email === undefined || c.email === email) &&
        createdMatches(c.created, params);
      return listed(state, "/v1/customers", state.customers, keep, params);
    }],
    ["GET", /^\/v1\/customers\/([^/]+)$/, ({ params, match }) => {
      const c = customerPrecheck(state, match[1]);
      return c.deleted
        ? { id: c.id, object: "customer", deleted: true }
        : respond(state, c, params);
    }],
    ["POST", /^\/v1\/customers\/([^/]+)$/, ({ params, match, cause }) => {
      const c = state.liveCustomer(match[1]);
      customerParams(params);
      const before = structuredClone(c);
      for (const f of ["email", "name", "description", "phone"]) {
        if (params[f] !== undefined) c[f] = params[f] || null;
      }
      if (params.preferred_locales !== undefined) {
        c.preferred_locales = stringList(params, "preferred_locales");
      }
      c.metadata = metadataParam(params, c.metadata);
      const previous = previousAttributes(before, c);
      if (Object.keys(previous).length) state.emit("customer.updated", c, cause, previous);
      return respond(state, c, params);
    }],
    ["DELETE", /^\/v1\/customers\/([^/]+)$/, ({ match, cause }) => {
      const c = state.liveCustomer(match[1]);
      for (const sub of state.subscriptions.values()) {
        if (sub.customer === c.id && sub.status !== "canceled") state.cancelNow(sub, cause);
      }
      state.emit("customer.deleted", c, cause);
      c.deleted = true;
      return { id: c.id, object: "customer", deleted: true };
    }],
  ];
}

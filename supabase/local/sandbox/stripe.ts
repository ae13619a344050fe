// Stripe stand-in: a local replacement for api.stripe.com (plus the hosted Checkout,
// Billing Portal and invoice pages) for tests and the demo (ARCHITECTURE.md §6).
//
// It speaks Stripe's v1 wire format as the `stripe` SDK (npm:stripe, pinned in deno.json) sends
// and reads it: form-encoded requests with bracket notation (`line_items[0][price]=…`,
// `metadata[org_id]=…`, `expand[0]=…`/`expand[]=…`), JSON objects with `id`, `object`,
// `created`, `livemode: false`, lists `{ object: "list", data, has_more, url }`, search results,
// `expand`, Stripe's error body `{ error: { type, code, message, param, doc_url } }` with the
// matching HTTP status, `Authorization: Bearer sk_test_…` (or Basic with the key as user),
// `Idempotency-Key` (same key + same parameters → the same response, replayed with
// `Idempotent-Replayed: true`; same key + other parameters → 400 idempotency_error), and the
// `Request-Id` / `Stripe-Version` response headers. Shapes follow the SDK's types for the API
// version it pins (Stripe.API_VERSION, currently `2026-10-28.endive`), where since `basil`
// the billing period lives on subscription items and an invoice names its subscription under
// `parent.subscription_details.subscription`. For code written against older versions the
// stand-in ALSO sets `current_period_start/end` on the subscription and `subscription` on the
// invoice (not in the SDK's types; prefer the new places).
//
//   /v1/customers[/{id}], /v1/customers/search            create, retrieve, update, delete, list, search
//   /v1/products[/{id}], /v1/prices[/{id}]                 list, retrieve, create
//   /v1/billing/meters[/{id}], …/{id}/event_summaries      list, retrieve, create, usage summary
//   /v1/billing/meter_events                               create (identifier unique for 24 h)
//   /v1/checkout/sessions[/{id}[/line_items|/expire]]      create (mode=subscription), retrieve, list
//   /v1/billing_portal/sessions                            create
//   /v1/subscriptions[/{id}], /v1/subscription_items       retrieve, list, update, cancel (DELETE)
//   /v1/invoices[/{id}[/pay]]                              retrieve, list, pay
//   /v1/events[/{id}]                                      retrieve, list
// Pages a browser (or a test) visits, linked from the objects' `url` fields:
//   GET /checkout/{cs}     "Pay" form → POST /checkout/{cs}/complete → subscription, invoice,
//                          events, 303 to success_url with {CHECKOUT_SESSION_ID} substituted
//   GET /portal/{bps}      change plan/quantity (POST /portal/{bps}/update) or cancel
//                          (POST /portal/{bps}/cancel, at period end or now) → 303 back
//   GET /invoices/{in}     hosted invoice; an open one can be paid (POST /invoices/{in}/pay)
//
// Events are stored (GET /v1/events) and posted to the webhook endpoints registered through the
// control API, signed with `Stripe-Signature: t=…,v1=…` by the SDK's own
// `webhooks.generateTestHeaderStringAsync` (the SDK's Deno/worker build only has the async
// SubtleCrypto provider, so the sync `generateTestHeaderString` throws there). Deliveries go
// one endpoint at a time in event order unless held, replayed, reordered or shuffled through
// the control API; every attempt and its response is recorded.
//
// A control API under /_sandbox/ (no auth: bind it to loopback, the default; see CONTROL_HELP)
// seeds the catalog, registers webhook endpoints, steers delivery, triggers events, advances a
// subscription to its next period, shifts the account's clock, reads metered usage and injects
// faults (429 with Stripe's rate-limit body, 500, slow, timeout, malformed).
//
//   deno run -A supabase/local/sandbox/stripe.ts --port 54360 [--hostname 127.0.0.1]
//     [--public-url http://127.0.0.1:54360] [--webhook http://127.0.0.1:54321/functions/v1/stripe-webhook]
// reads STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET (test-mode only), defaulting to
// DEFAULT_SECRET_KEY / DEFAULT_WEBHOOK_SECRET; then STRIPE_API_BASE_URL=http://127.0.0.1:54360.
import { parseArgs } from "node:util";
import Stripe from "stripe";
import { z } from "zod";

/** Obviously fake, test-mode. */
export const DEFAULT_SECRET_KEY = "sk_test_local_sandbox";
export const DEFAULT_WEBHOOK_SECRET = "whsec_local_sandbox";
/** The API version the pinned SDK sends and expects; events carry it. */
export const API_VERSION: string = Stripe.API_VERSION;

// deno-lint-ignore no-explicit-any
type Json = { [key: string]: any };

// --- ids, time, errors ---------------------------------------------------------------

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
function randomChars(n: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return Array.from(bytes, (b) => ALPHABET[b % 62]).join("");
}
/** Stripe-style ids: `cus_` + 14 characters, `sub_` + 24, `cs_test_` + 58… */
export const newId = (prefix: string, n = 24) => `${prefix}${randomChars(n)}`;

const now = () => Math.floor(Date.now() / 1000);
const DAY = 86_400;

/** `ts` plus `count` intervals; month/year keep the anchor day, clamped to the month's end. */
export function addInterval(
  ts: number,
  interval: "day" | "week" | "month" | "year",
  count = 1,
): number {
  if (interval === "day") return ts + count * DAY;
  if (interval === "week") return ts + count * 7 * DAY;
  const d = new Date(ts * 1000);
  const months = interval === "month" ? count : 12 * count;
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0))
    .getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  target.setUTCHours(d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
  return Math.floor(target.getTime() / 1000);
}

interface StripeErrorBody {
  type: "invalid_request_error" | "api_error" | "idempotency_error" | "card_error";
  message: string;
  code?: string;
  param?: string;
  doc_url?: string;
}

/** An error answered in Stripe's shape: `{ error: { type, code, message, param, doc_url } }`. */
export class StripeApiError extends Error {
  readonly body: StripeErrorBody;
  constructor(
    readonly status: number,
    body: StripeErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
    this.body = body.code && !body.doc_url
      ? {
        ...body,
        doc_url: `https://stripe.com/docs/error-codes/${body.code.replaceAll("_", "-")}`,
      }
      : body;
  }
}

const invalid = (message: string, param?: string, code?: string) =>
  new StripeApiError(400, { type: "invalid_request_error", message, param, code });
const missingParam = (param: string) =>
  invalid(`Missing required param: ${param}.`, param, "parameter_missing");
const noSuch = (kind: string, id: string, param = "id") =>
  new StripeApiError(404, {
    type: "invalid_request_error",
    code: "resource_missing",
    message: `No such ${kind}: '${id}'`,
    param,
  });

/** A client error in a control-API call; answered as `{ error: { code, message } }`. */
export class SandboxError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new SandboxError(400, "invalid_request", z.prettifyError(r.error));
  return r.data;
}

function jsonResponse(body: unknown, status = 200, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/json");
  return new Response(JSON.stringify(body, null, 2), { status, headers: h });
}

function stripeErrorResponse(e: StripeApiError): Response {
  const body = Object.fromEntries(Object.entries(e.body).filter(([, v]) => v !== undefined));
  return jsonResponse({ error: body }, e.status, e.headers);
}

// --- form encoding -------------------------------------------------------------------------

/**
 * Stripe's form encoding → nested objects: `a[b][0][c]=x` → `{ a: { b: [{ c: "x" }] } }`,
 * `expand[]=x&expand[]=y` → `{ expand: ["x", "y"] }`. Values stay strings (an empty string is
 * Stripe's way to unset a field). Objects whose keys are all indexes become arrays, except
 * under `metadata` and `payload`, whose keys are the caller's own.
 */
export function decodeStripeForm(params: URLSearchParams): Json {
  const root: Json = {};
  for (const [rawKey, value] of params) {
    const m = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(rawKey);
    const path = m ? [m[1], ...[...m[2].matchAll(/\[([^\]]*)\]/g)].map((x) => x[1])] : [rawKey];
    let node = root;
    for (let i = 0; i < path.length; i++) {
      let key = path[i];
      if (key === "") key = String(Object.keys(node).length);
      if (i === path.length - 1) {
        node[key] = value;
      } else {
        if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
        node = node[key];
      }
    }
  }
  const arrays = (v: unknown, parentKey: string): unknown => {
    if (typeof v !== "object" || v === null) return v;
    const obj = v as Json;
    const keys = Object.keys(obj);
    const ownKeys = parentKey === "metadata" || parentKey === "payload";
    for (const k of keys) obj[k] = arrays(obj[k], k);
    if (!ownKeys && keys.length && keys.every((k) => /^\d+$/.test(k))) {
      return keys.sort((a, b) => Number(a) - Number(b)).map((k) => obj[k]);
    }
    return obj;
  };
  return arrays(root, "") as Json;
}

/** A canonical form of decoded parameters, to compare idempotent requests. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    return `{${
      Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Json)[k])}`).join(
        ",",
      )
    }}`;
  }
  return JSON.stringify(v);
}

// parameter readers, with Stripe's messages

function allowParams(params: Json, allowed: string[]): void {
  for (const k of Object.keys(params)) {
    if (!allowed.includes(k)) {
      throw invalid(`Received unknown parameter: ${k}`, k, "parameter_unknown");
    }
  }
}

function str(params: Json, name: string, param = name): string | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw invalid(`Invalid string: ${JSON.stringify(v)}`, param);
  return v;
}

function int(params: Json, name: string, param = name): number | undefined {
  const v = params[name];
  if (v === undefined || v === "") return undefined;
  if (typeof v !== "string" || !/^-?\d+$/.test(v)) {
    throw invalid(
      `Invalid integer: ${typeof v === "string" ? v : JSON.stringify(v)}`,
      param,
      "parameter_invalid_integer",
    );
  }
  return Number(v);
}

function bool(params: Json, name: string, param = name): boolean | undefined {
  const v = params[name];
  if (v === undefined || v === "") return undefined;
  if (v === "true") return true;
  if (v === "false") return false;
  throw invalid(`Invalid boolean: ${v}`, param);
}

function oneOf<T extends string>(
  params: Json,
  name: string,
  values: readonly T[],
  param = name,
): T | undefined {
  const v = str(params, name, param);
  if (v === undefined || v === "") return undefined;
  if (!values.includes(v as T)) {
    throw invalid(
      `Invalid ${param}: must be one of ${values.join(", ")}`,
      param,
    );
  }
  return v as T;
}

function stringList(params: Json, name: string): string[] {
  const v = params[name];
  if (v === undefined || v === "") return [];
  const list = Array.isArray(v) ? v : typeof v === "object" ? Object.values(v) : [v];
  if (!list.every((x) => typeof x === "string")) throw invalid(`Invalid array`, name);
  return list as string[];
}

/** Metadata as Stripe validates it; `""` clears everything, a key set to `""` is removed. */
function metadataParam(
  params: Json,
  current: Record<string, string> = {},
  name = "metadata",
): Record<string, string> {
  const v = params[name];
  if (v === undefined) return current;
  if (v === "") return {};
  if (typeof v !== "object" || Array.isArray(v)) throw invalid(`Invalid object`, name);
  const next = { ...current };
  for (const [k, value] of Object.entries(v as Json)) {
    if (typeof value !== "string") throw invalid(`Invalid string: ${JSON.stringify(value)}`, name);
    if (k.length > 40) {
      throw invalid(`Metadata keys can have a maximum length of 40 characters.`, `${name}[${k}]`);
    }
    if (value.length > 500) {
      throw invalid(
        `Metadata values can have a maximum length of 500 characters.`,
        `${name}[${k}]`,
      );
    }
    if (value === "") delete next[k];
    else next[k] = value;
  }
  if (Object.keys(next).length > 50) {
    throw invalid(`Metadata can have a maximum of 50 keys.`, name);
  }
  return next;
}

// --- control API inputs ------------------------------------------------------------------

const Metadata = z.record(z.string(), z.string());

const MeterSpec = z.object({
  id: z.string().regex(/^mtr_\w+$/).optional(),
  event_name: z.string().min(1).max(100),
  display_name: z.string().optional(),
  formula: z.enum(["sum", "count", "last"]).default("sum"),
  customer_payload_key: z.string().default("stripe_customer_id"),
  value_payload_key: z.string().default("value"),
});

const ProductSpec = z.object({
  id: z.string().regex(/^prod_\w+$/).optional(),
  name: z.string().min(1),
  description: z.string().nullable().default(null),
  metadata: Metadata.default({}),
  active: z.boolean().default(true),
});

const PriceSpec = z.object({
  id: z.string().regex(/^price_\w+$/).optional(),
  /** An existing product's id, or a product to create. */
  product: z.union([z.string(), ProductSpec]),
  unit_amount: z.number().int().min(0),
  currency: z.string().length(3).toLowerCase().default("usd"),
  /** null for a one-time price. */
  recurring: z.object({
    interval: z.enum(["day", "week", "month", "year"]).default("month"),
    interval_count: z.number().int().positive().default(1),
    usage_type: z.enum(["licensed", "metered"]).default("licensed"),
    /** Metered prices: a meter id or event_name, or a meter to create. */
    meter: z.union([z.string(), MeterSpec]).optional(),
    trial_period_days: z.number().int().positive().nullable().default(null),
  }).nullable().prefault({}),
  lookup_key: z.string().max(200).nullable().default(null),
  /** Move the lookup_key from the price that has it (Stripe's transfer_lookup_key). */
  transfer_lookup_key: z.boolean().default(false),
  nickname: z.string().nullable().default(null),
  metadata: Metadata.default({}),
  active: z.boolean().default(true),
}).refine(
  (p) => !(p.recurring?.usage_type === "metered" && !p.recurring.meter),
  "a metered price needs recurring.meter",
);

const CatalogSpec = z.object({
  meters: z.array(MeterSpec).default([]),
  products: z.array(ProductSpec).default([]),
  prices: z.array(PriceSpec).default([]),
});

const EndpointSpec = z.object({
  url: z.url(),
  /** Signing secret; generated (`whsec_…`) when omitted. */
  secret: z.string().startsWith("whsec_").optional(),
  enabled_events: z.array(z.string()).default(["*"]),
  /** Retry non-2xx deliveries by themselves: up to max_attempts in all, delay_ms apart. */
  auto_retry: z.object({
    max_attempts: z.number().int().min(2).max(20).default(3),
    delay_ms: z.number().int().min(0).default(1000),
  }).nullable().default(null),
  /** Per-attempt timeout (Stripe waits a few seconds at most). */
  timeout_ms: z.number().int().positive().default(10_000),
  description: z.string().nullable().default(null),
});

const FaultSpec = z.object({
  kind: z.enum(["429", "500", "slow", "timeout", "malformed"]),
  /** Glob on the request path (`*` matches anything, `/` included); every /v1 path when omitted. */
  path: z.string().optional(),
  method: z.string().toUpperCase().optional(),
  /** How many requests it applies to; until removed when omitted. */
  count: z.number().int().positive().optional(),
  /** `slow`: milliseconds to wait before answering normally. */
  delay_ms: z.number().int().min(0).default(2000),
  /** Send `Stripe-Should-Retry: true|false` with the 429/500 (the SDK obeys it). */
  should_retry: z.boolean().optional(),
});

const ReleaseSpec = z.object({
  order: z.enum(["fifo", "reverse", "shuffle"]).default("fifo"),
  /** Seed for `shuffle`, for a reproducible order. */
  seed: z.number().int().optional(),
  /** Keep holding new events after releasing the held ones. */
  keep_holding: z.boolean().default(false),
});

const DeliverSpec = z.object({
  /** Event ids, delivered in exactly this order (repeats allowed). */
  events: z.array(z.string()).min(1),
  /** One endpoint id; every enabled endpoint the event matches when omitted. */
  endpoint: z.string().optional(),
});

const RedeliverSpec = z.object({
  endpoint: z.string().optional(),
  times: z.number().int().min(1).max(20).default(1),
});

const AdvanceSpec = z.object({
  /** How the renewal invoice's payment goes. */
  outcome: z.enum(["paid", "failed"]).default("paid"),
  periods: z.number().int().min(1).max(24).default(1),
});

const TriggerSpec = z.object({
  type: z.string().min(1),
  subscription: z.string().optional(),
  customer: z.string().optional(),
  /** customer.subscription.updated: fields to change (status, cancel_at_period_end, cancel_at, metadata, trial_end). */
  patch: z.record(z.string(), z.unknown()).optional(),
  /** With it, any type: the event is emitted with this data.object as given (no state change). */
  object: z.record(z.string(), z.unknown()).optional(),
});

export type MeterSpec = z.input<typeof MeterSpec>;
export type ProductSpec = z.input<typeof ProductSpec>;
export type PriceSpec = z.input<typeof PriceSpec>;
export type CatalogSpec = z.input<typeof CatalogSpec>;
export type EndpointSpec = z.input<typeof EndpointSpec>;
export type FaultSpec = z.input<typeof FaultSpec>;
export type Fault = z.output<typeof FaultSpec> & {
  id: string;
  remaining: number | null;
  hits: number;
};

/**
 * The catalog a fresh stand-in starts with (`catalog: "default"`): three per-seat monthly
 * plans and a metered price on the analyzed-call-minutes meter, each with a lookup_key.
 */
export const DEFAULT_CATALOG: CatalogSpec = {
  meters: [{
    id: "mtr_test_analysis_minutes",
    event_name: "analysis_minutes",
    display_name: "Analyzed call minutes",
    formula: "sum",
  }],
  prices: [
    {
      id: "price_starter_monthly",
      product: { id: "prod_starter", name: "Starter" },
      unit_amount: 2900,
      recurring: { interval: "month" },
      lookup_key: "starter_monthly",
      nickname: "Starter (monthly, per seat)",
    },
    {
      id: "price_pro_monthly",
      product: { id: "prod_pro", name: "Pro" },
      unit_amount: 7900,
      recurring: { interval: "month" },
      lookup_key: "pro_monthly",
      nickname: "Pro (monthly, per seat)",
    },
    {
      id: "price_business_monthly",
      product: { id: "prod_business", name: "Business" },
      unit_amount: 19900,
      recurring: { interval: "month" },
      lookup_key: "business_monthly",
      nickname: "Business (monthly, per seat)",
    },
    {
      id: "price_analysis_minutes",
      product: { id: "prod_analysis_minutes", name: "Analyzed call minutes" },
      unit_amount: 2,
      recurring: { interval: "month", usage_type: "metered", meter: "mtr_test_analysis_minutes" },
      lookup_key: "analysis_minutes",
      nickname: "Analyzed call minutes (metered)",
    },
  ],
};

// --- records --------------------------------------------------------------------------------

export interface WebhookEndpoint {
  id: string;
  object: "webhook_endpoint";
  url: string;
  secret: string;
  enabled_events: string[];
  auto_retry: { max_attempts: number; delay_ms: number } | null;
  timeout_ms: number;
  description: string | null;
  status: "enabled";
  created: number;
}

export interface DeliveryAttempt {
  id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  url: string;
  /** 1 for the first attempt of this event at this endpoint, 2 for the next… */
  attempt: number;
  /** Why it was sent: the event happening, a release of held events, a control-API
   * redelivery or ordered delivery, or a retry of a failed one. */
  reason: "event" | "release" | "redeliver" | "deliver" | "retry";
  at: string;
  signature: string;
  /** HTTP status, or null when no response came (connection refused, timeout). */
  status: number | null;
  ok: boolean;
  response_body: string | null;
  error: string | null;
  duration_ms: number;
}

export interface MeterEventRecord {
  event: Json;
  customer: string | null;
  value: number | null;
  meter: string | null;
  /** Stripe reports invalid meter events asynchronously (meter error reports). */
  error: { code: string; message: string } | null;
  /** The invoice that billed it, once a renewal did. */
  invoiced_in: string | null;
}

export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  query: string;
  status: number;
  request_id: string;
  idempotency_key: string | null;
  replayed: boolean;
  fault: Fault["kind"] | null;
}

interface IdempotentResult {
  fingerprint: string;
  status: number;
  body: string;
  requestId: string;
  at: number;
}

/** Who caused an event: an API request (its id and idempotency key) or nobody (automatic). */
interface Cause {
  requestId: string | null;
  idempotencyKey: string | null;
}
const AUTOMATIC: Cause = { requestId: null, idempotencyKey: null };

// --- faults ---------------------------------------------------------------------------------

function globToRegExp(glob: string): RegExp {
  const body = glob.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${body}$`);
}

/** Faults injected into the Stripe API (and, with an explicit path, the hosted pages). */
export class Faults {
  #faults: Fault[] = [];
  #next = 1;

  add(spec: FaultSpec): Fault {
    const f = parse(FaultSpec, spec);
    const fault: Fault = { ...f, id: `fault_${this.#next++}`, remaining: f.count ?? null, hits: 0 };
    this.#faults.push(fault);
    return { ...fault };
  }

  list(): Fault[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  remove(id: string): boolean {
    const before = this.#faults.length;
    this.#faults = this.#faults.filter((f) => f.id !== id);
    return this.#faults.length < before;
  }

  clear(): void {
    this.#faults = [];
  }

  /** The first fault matching this request, using up one of its count. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.#faults.find((f) =>
      (!f.method || f.method === method) &&
      (f.path ? globToRegExp(f.path).test(path) : path.startsWith("/v1/"))
    );
    if (!fault) return undefined;
    fault.hits++;
    if (fault.remaining !== null && --fault.remaining === 0) this.remove(fault.id);
    return { ...fault };
  }
}

// --- search ---------------------------------------------------------------------------------

interface SearchClause {
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

function matchesSearch(
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

// --- the state ---------------------------------------------------------------------------------

interface CheckoutExtras {
  lineItems: Json[];
  subscriptionData: {
    metadata: Record<string, string>;
    trial_period_days: number | null;
    trial_end: number | null;
    description: string | null;
  };
}

/** Everything the stand-in's Stripe account holds, as Stripe's JSON. */
export class StripeState {
  readonly customers = new Map<string, Json>();
  readonly products = new Map<string, Json>();
  readonly prices = new Map<string, Json>();
  readonly meters = new Map<string, Json>();
  readonly checkoutSessions = new Map<string, Json>();
  readonly checkoutExtras = new Map<string, CheckoutExtras>();
  readonly portalSessions = new Map<string, Json>();
  readonly subscriptions = new Map<string, Json>();
  readonly invoices = new Map<string, Json>();
  readonly events = new Map<string, Json>();
  readonly meterEvents: MeterEventRecord[] = [];
  /** identifier → when it was first used (unique for 24 h). */
  readonly meterIdentifiers = new Map<string, number>();
  readonly idempotency = new Map<string, IdempotentResult>();
  readonly requests: RequestLogEntry[] = [];
  readonly portalConfiguration = newId("bpc_");
  #invoiceNumber = 1;

  /** Origin of the page URLs in objects (checkout/portal/invoice pages). */
  publicUrl = "";
  /** Seconds added to the real clock for every timestamp the account writes (POST /_sandbox/clock). */
  clockOffset = 0;

  /** The account's current time in Unix seconds. */
  now(): number {
    return now() + this.clockOffset;
  }
  /** Called for every new event (the webhook dispatcher). */
  onEvent: (event: Json) => number = () => 0;

  reset(): void {
    for (
      const m of [
        this.customers,
        this.products,
        this.prices,
        this.meters,
        this.checkoutSessions,
        this.checkoutExtras,
        this.portalSessions,
        this.subscriptions,
        this.invoices,
        this.events,
        this.meterIdentifiers,
        this.idempotency,
      ]
    ) {
      m.clear();
    }
    this.meterEvents.length = 0;
    this.requests.length = 0;
    this.#invoiceNumber = 1;
    this.clockOffset = 0;
  }

  log(entry: RequestLogEntry): void {
    this.requests.push(entry);
    if (this.requests.length > 1000) this.requests.shift();
  }

  /** Any object by id, for `expand`; a deleted customer resolves to its stub. */
  resolve(id: string): Json | undefined {
    const maps: [string, Map<string, Json>][] = [
      ["cus_", this.customers],
      ["sub_", this.subscriptions],
      ["price_", this.prices],
      ["prod_", this.products],
      ["in_", this.invoices],
      ["cs_", this.checkoutSessions],
      ["mtr_", this.meters],
      ["evt_", this.events],
    ];
    for (const [prefix, map] of maps) if (id.startsWith(prefix)) return map.get(id);
    return undefined;
  }

  // events

  emit(type: string, object: Json, cause: Cause, previous?: Json): Json {
    const event: Json = {
      id: newId("evt_"),
      object: "event",
      api_version: API_VERSION,
      created: this.now(),
      data: previous && Object.keys(previous).length
        ? { object: structuredClone(object), previous_attributes: previous }
        : { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: 0,
      request: { id: cause.requestId, idempotency_key: cause.idempotencyKey },
      type,
    };
    this.events.set(event.id, event);
    event.pending_webhooks = this.onEvent(event);
    return event;
  }

  // catalog

  addMeter(input: MeterSpec): Json {
    const spec = parse(MeterSpec, input);
    const id = spec.id ?? newId("mtr_test_");
    const clash = [...this.meters.values()].find((m) =>
      m.event_name === spec.event_name && m.id !== id && m.status === "active"
    );
    if (clash) {
      throw new SandboxError(
        400,
        "event_name_taken",
        `meter ${clash.id} already uses event_name ${spec.event_name}`,
      );
    }
    const t = this.now();
    const meter: Json = {
      id,
      object: "billing.meter",
      created: t,
      customer_mapping: { event_payload_key: spec.customer_payload_key, type: "by_id" },
      default_aggregation: { formula: spec.formula },
      display_name: spec.display_name ?? spec.event_name,
      event_name: spec.event_name,
      event_time_window: null,
      livemode: false,
      status: "active",
      status_transitions: { deactivated_at: null },
      updated: t,
      value_settings: { event_payload_key: spec.value_payload_key },
    };
    this.meters.set(id, meter);
    return meter;
  }

  addProduct(input: ProductSpec): Json {
    const spec = parse(ProductSpec, input);
    const id = spec.id ?? newId("prod_", 14);
    const t = this.now();
    const product: Json = {
      id,
      object: "product",
      active: spec.active,
      created: this.products.get(id)?.created ?? t,
      default_price: this.products.get(id)?.default_price ?? null,
      description: spec.description,
      images: [],
      livemode: false,
      marketing_features: [],
      metadata: spec.metadata,
      name: spec.name,
      package_dimensions: null,
      shippable: null,
      statement_descriptor: null,
      tax_code: null,
      tax_details: null,
      type: "service",
      unit_label: null,
      updated: t,
      url: null,
    };
    this.products.set(id, product);
    return product;
  }

  addPrice(input: PriceSpec): Json {
    const spec = parse(PriceSpec, input);
    let product: Json | undefined;
    if (typeof spec.product === "string") {
      product = this.products.get(spec.product);
      if (!product) {
        throw new SandboxError(400, "no_such_product", `no product ${spec.product}`);
      }
    } else {
      product = this.addProduct(spec.product);
    }
    let meterId: string | null = null;
    if (spec.recurring?.meter !== undefined) {
      const m = spec.recurring.meter;
      const meter = typeof m === "string"
        ? this.meters.get(m) ?? [...this.meters.values()].find((x) => x.event_name === m)
        : this.addMeter(m);
      if (!meter) throw new SandboxError(400, "no_such_meter", `no meter ${m}`);
      meterId = meter.id;
    }
    if (spec.lookup_key) {
      const holder = [...this.prices.values()].find((p) =>
        p.lookup_key === spec.lookup_key && p.id !== spec.id
      );
      if (holder && !spec.transfer_lookup_key) {
        throw new SandboxError(
          400,
          "lookup_key_taken",
          `price ${holder.id} already uses lookup_key ${spec.lookup_key} (pass transfer_lookup_key)`,
        );
      }
      if (holder) holder.lookup_key = null;
    }
    const id = spec.id ?? newId("price_");
    const price: Json = {
      id,
      object: "price",
      active: spec.active,
      billing_scheme: "per_unit",
      created: this.now(),
      currency: spec.currency,
      custom_unit_amount: null,
      livemode: false,
      lookup_key: spec.lookup_key,
      metadata: spec.metadata,
      nickname: spec.nickname,
      product: product.id,
      recurring: spec.recurring
        ? {
          interval: spec.recurring.interval,
          interval_count: spec.recurring.interval_count,
          meter: meterId,
          trial_period_days: spec.recurring.trial_period_days,
          usage_type: spec.recurring.usage_type,
        }
        : null,
      tax_behavior: "unspecified",
      tiers_mode: null,
      transform_quantity: null,
      type: spec.recurring ? "recurring" : "one_time",
      unit_amount: spec.unit_amount,
      unit_amount_decimal: String(spec.unit_amount),
    };
    this.prices.set(id, price);
    if (!product.default_price) product.default_price = id;
    return price;
  }

  loadCatalog(input: CatalogSpec): { meters: Json[]; products: Json[]; prices: Json[] } {
    const spec = parse(CatalogSpec, input);
    return {
      meters: spec.meters.map((m) => this.addMeter(m)),
      products: spec.products.map((p) => this.addProduct(p)),
      prices: spec.prices.map((p) => this.addPrice(p)),
    };
  }

  // customers

  createCustomer(params: Json, cause: Cause): Json {
    const customer: Json = {
      id: newId("cus_", 14),
      object: "customer",
      address: null,
      balance: 0,
      created: this.now(),
      currency: null,
      default_source: null,
      delinquent: false,
      description: str(params, "description") || null,
      discount: null,
      email: str(params, "email") || null,
      invoice_prefix: randomChars(8).toUpperCase(),
      invoice_settings: {
        custom_fields: null,
        default_payment_method: null,
        footer: null,
        rendering_options: null,
      },
      livemode: false,
      metadata: metadataParam(params),
      name: str(params, "name") || null,
      next_invoice_sequence: 1,
      phone: str(params, "phone") || null,
      preferred_locales: stringList(params, "preferred_locales"),
      shipping: null,
      tax_exempt: "none",
      test_clock: null,
    };
    this.customers.set(customer.id, customer);
    this.emit("customer.created", customer, cause);
    return customer;
  }

  liveCustomer(id: string, param = "id"): Json {
    const c = this.customers.get(id);
    if (!c || c.deleted) throw noSuch("customer", id, param);
    return c;
  }

  // subscriptions

  subscriptionItem(sub: Json, price: Json, quantity: number | undefined): Json {
    const metered = price.recurring?.usage_type === "metered";
    const item: Json = {
      id: newId("si_", 14),
      object: "subscription_item",
      billing_thresholds: null,
      created: this.now(),
      current_period_end: sub.current_period_end,
      current_period_start: sub.current_period_start,
      discounts: [],
      metadata: {},
      plan: planOf(price),
      price: structuredClone(price),
      subscription: sub.id,
      tax_rates: [],
    };
    if (!metered) item.quantity = quantity ?? 1;
    return item;
  }

  /** Periods live on the items (current API) and on the subscription (older versions). */
  setPeriod(sub: Json, start: number, end: number): void {
    sub.current_period_start = start;
    sub.current_period_end = end;
    for (const item of sub.items.data) {
      item.current_period_start = start;
      item.current_period_end = end;
    }
  }

  newSubscription(
    customer: Json,
    lines: { price: Json; quantity?: number }[],
    opts: {
      metadata: Record<string, string>;
      trialEnd: number | null;
      description: string | null;
    },
  ): Json {
    const t = this.now();
    const id = newId("sub_");
    const first = lines[0].price;
    const trialing = opts.trialEnd !== null && opts.trialEnd > t;
    const end = trialing
      ? opts.trialEnd!
      : addInterval(t, first.recurring.interval, first.recurring.interval_count);
    const sub: Json = {
      id,
      object: "subscription",
      application: null,
      application_fee_percent: null,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      billing_cycle_anchor: end === opts.trialEnd ? end : t,
      billing_cycle_anchor_config: null,
      billing_mode: { flexible: null, type: "classic" },
      billing_thresholds: null,
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      cancellation_details: { comment: null, feedback: null, reason: null },
      collection_method: "charge_automatically",
      created: t,
      currency: first.currency,
      current_period_end: end,
      current_period_start: t,
      customer: customer.id,
      customer_account: null,
      days_until_due: null,
      default_payment_method: null,
      default_source: null,
      default_tax_rates: [],
      description: opts.description,
      discounts: [],
      ended_at: null,
      invoice_settings: { account_tax_ids: null, issuer: { type: "self" } },
      items: {
        object: "list",
        data: [] as Json[],
        has_more: false,
        total_count: 0,
        url: `/v1/subscription_items?subscription=${id}`,
      },
      latest_invoice: null,
      livemode: false,
      metadata: opts.metadata,
      next_pending_invoice_item_invoice: null,
      on_behalf_of: null,
      pause_collection: null,
      payment_settings: {
        payment_method_options: null,
        payment_method_types: null,
        save_default_payment_method: "off",
      },
      pending_invoice_item_interval: null,
      pending_setup_intent: null,
      pending_update: null,
      schedule: null,
      start_date: t,
      status: trialing ? "trialing" : "active",
      test_clock: null,
      transfer_data: null,
      trial_end: trialing ? opts.trialEnd : null,
      trial_settings: { end_behavior: { missing_payment_method: "create_invoice" } },
      trial_start: trialing ? t : null,
    };
    for (const line of lines) {
      sub.items.data.push(this.subscriptionItem(sub, line.price, line.quantity));
    }
    sub.items.total_count = sub.items.data.length;
    this.subscriptions.set(id, sub);
    return sub;
  }

  /** Usage of a meter by a customer that no invoice has billed yet. */
  unbilledUsage(customer: string, meterId: string): { value: number; records: MeterEventRecord[] } {
    const meter = this.meters.get(meterId);
    const records = this.meterEvents.filter((r) =>
      !r.error && !r.invoiced_in && r.customer === customer && r.meter === meterId
    );
    return { value: aggregate(meter, records), records };
  }

  createInvoice(
    sub: Json,
    opts: {
      reason: "subscription_create" | "subscription_cycle" | "subscription_update";
      periodStart: number;
      periodEnd: number;
      /** Licensed lines billed in advance for this period. */
      linePeriod: { start: number; end: number };
      /** Bill each licensed item (false during a trial: a $0 invoice). */
      chargeLicensed: boolean;
      /** Bill unbilled metered usage in arrears. */
      chargeUsage: boolean;
      proration?: { item: Json; amount: number; description: string }[];
    },
  ): Json {
    const customer = this.customers.get(sub.customer) ?? {};
    const id = newId("in_");
    const lines: Json[] = [];
    const line = (
      item: Json,
      amount: number,
      quantity: number,
      period: { start: number; end: number },
      description: string,
      proration = false,
    ) => ({
      id: newId("il_"),
      object: "line_item",
      amount,
      currency: sub.currency,
      description,
      discount_amounts: [],
      discountable: true,
      discounts: [],
      invoice: id,
      livemode: false,
      metadata: {},
      parent: {
        invoice_item_details: null,
        subscription_item_details: {
          invoice_item: null,
          proration,
          proration_details: { credited_items: null },
          subscription: sub.id,
          subscription_item: item.id,
        },
        type: "subscription_item_details",
      },
      period,
      pretax_credit_amounts: [],
      pricing: {
        price_details: { price: item.price.id, product: item.price.product },
        type: "price_details",
        unit_amount_decimal: String(item.price.unit_amount ?? 0),
      },
      quantity,
      taxes: [],
    });
    if (opts.proration) {
      for (const p of opts.proration) {
        lines.push(
          line(p.item, p.amount, p.item.quantity ?? 0, opts.linePeriod, p.description, true),
        );
      }
    } else {
      for (const item of sub.items.data) {
        const price = item.price;
        const name = this.products.get(price.product)?.name ?? price.product;
        if (price.recurring?.usage_type === "metered") {
          const usage = opts.chargeUsage && price.recurring.meter
            ? this.unbilledUsage(sub.customer, price.recurring.meter)
            : { value: 0, records: [] };
          for (const r of usage.records) r.invoiced_in = id;
          const qty = Math.round(usage.value);
          lines.push(line(
            item,
            Math.round(usage.value * (price.unit_amount ?? 0)),
            qty,
            { start: opts.periodStart, end: opts.periodEnd },
            `${qty} × ${name} (at ${money(price.unit_amount ?? 0, price.currency)} / unit)`,
          ));
        } else {
          const amount = opts.chargeLicensed ? (price.unit_amount ?? 0) * item.quantity : 0;
          lines.push(line(
            item,
            amount,
            item.quantity,
            opts.linePeriod,
            opts.chargeLicensed
              ? `${item.quantity} × ${name} (at ${
                money(price.unit_amount ?? 0, price.currency)
              } / ${price.recurring.interval})`
              : `Trial period for ${name}`,
          ));
        }
      }
    }
    const total = lines.reduce((s, l) => s + l.amount, 0);
    const t = this.now();
    const invoice: Json = {
      id,
      object: "invoice",
      account_country: "US",
      account_name: "SalesPulse (Stripe stand-in)",
      account_tax_ids: null,
      amount_due: total,
      amount_overpaid: 0,
      amount_paid: 0,
      amount_remaining: total,
      amount_shipping: 0,
      application: null,
      attempt_count: 0,
      attempted: false,
      auto_advance: false,
      automatic_tax: {
        disabled_reason: null,
        enabled: false,
        liability: null,
        provider: null,
        status: null,
      },
      automatically_finalizes_at: null,
      billing_reason: opts.reason,
      collection_method: "charge_automatically",
      created: t,
      currency: sub.currency,
      custom_fields: null,
      customer: sub.customer,
      customer_account: null,
      customer_address: null,
      customer_email: customer.email ?? null,
      customer_name: customer.name ?? null,
      customer_phone: null,
      customer_shipping: null,
      customer_tax_exempt: "none",
      customer_tax_ids: [],
      default_payment_method: null,
      default_source: null,
      default_tax_rates: [],
      description: null,
      discounts: [],
      due_date: null,
      effective_at: t,
      ending_balance: 0,
      footer: null,
      from_invoice: null,
      hosted_invoice_url: `${this.publicUrl}/invoices/${id}`,
      invoice_pdf: `${this.publicUrl}/invoices/${id}/pdf`,
      issuer: { type: "self" },
      last_finalization_error: null,
      latest_revision: null,
      lines: {
        object: "list",
        data: lines,
        has_more: false,
        total_count: lines.length,
        url: `/v1/invoices/${id}/lines`,
      },
      livemode: false,
      metadata: {},
      next_payment_attempt: null,
      number: `${customer.invoice_prefix ?? "SANDBOX"}-${
        String(this.#invoiceNumber++).padStart(4, "0")
      }`,
      on_behalf_of: null,
      parent: {
        quote_details: null,
        subscription_details: { metadata: structuredClone(sub.metadata), subscription: sub.id },
        type: "subscription_details",
      },
      payment_settings: {
        default_mandate: null,
        payment_method_options: null,
        payment_method_types: null,
      },
      period_end: opts.periodEnd,
      period_start: opts.periodStart,
      post_payment_credit_notes_amount: 0,
      pre_payment_credit_notes_amount: 0,
      receipt_number: null,
      rendering: null,
      shipping_cost: null,
      shipping_details: null,
      starting_balance: 0,
      statement_descriptor: null,
      status: "open",
      status_transitions: {
        finalized_at: t,
        marked_uncollectible_at: null,
        paid_at: null,
        voided_at: null,
      },
      // Compatibility with API versions before 2025-03-31.basil (not in the SDK's types).
      subscription: sub.id,
      subtotal: total,
      subtotal_excluding_tax: total,
      test_clock: null,
      total,
      total_discount_amounts: [],
      total_excluding_tax: total,
      total_pretax_credit_amounts: [],
      total_taxes: [],
      webhooks_delivered_at: null,
    };
    if (customer.next_invoice_sequence) customer.next_invoice_sequence++;
    this.invoices.set(id, invoice);
    sub.latest_invoice = id;
    return invoice;
  }

  markPaid(invoice: Json): void {
    invoice.status = "paid";
    invoice.amount_paid = invoice.amount_due;
    invoice.amount_remaining = 0;
    invoice.attempted = true;
    invoice.attempt_count = Math.max(1, invoice.attempt_count + (invoice.amount_due > 0 ? 1 : 0));
    invoice.next_payment_attempt = null;
    invoice.status_transitions.paid_at = this.now();
  }

  markFailed(invoice: Json): void {
    invoice.status = "open";
    invoice.attempted = true;
    invoice.attempt_count += 1;
    invoice.next_payment_attempt = this.now() + 3 * DAY;
  }

  /** Updates a subscription and emits customer.subscription.updated when anything changed. */
  changed(sub: Json, before: Json, cause: Cause): Json | null {
    sub.items.total_count = sub.items.data.length;
    const previous = previousAttributes(before, sub);
    return Object.keys(previous).length
      ? this.emit("customer.subscription.updated", sub, cause, previous)
      : null;
  }

  cancelNow(sub: Json, cause: Cause, at = this.now()): Json {
    sub.status = "canceled";
    sub.canceled_at ??= at;
    sub.ended_at = at;
    sub.cancel_at_period_end = false;
    sub.cancel_at = null;
    sub.cancellation_details.reason ??= "cancellation_requested";
    return this.emit("customer.subscription.deleted", sub, cause);
  }

  /** The subscription's renewal: a new period and its invoice (or the end, when set to cancel). */
  advance(sub: Json, outcome: "paid" | "failed", cause: Cause): Json[] {
    if (["canceled", "incomplete_expired"].includes(sub.status)) {
      throw new SandboxError(400, "subscription_canceled", `subscription ${sub.id} has ended`);
    }
    const events: Json[] = [];
    const periodEnd: number = sub.current_period_end;
    if (sub.cancel_at !== null && sub.cancel_at <= periodEnd) {
      events.push(this.cancelNow(sub, cause, sub.cancel_at));
      return events;
    }
    const before = structuredClone(sub);
    const wasTrialing = sub.status === "trialing";
    const first = sub.items.data[0].price;
    const start = periodEnd;
    const end = addInterval(start, first.recurring.interval, first.recurring.interval_count);
    const invoice = this.createInvoice(sub, {
      reason: "subscription_cycle",
      periodStart: sub.current_period_start,
      periodEnd,
      linePeriod: { start, end },
      chargeLicensed: true,
      chargeUsage: !wasTrialing,
    });
    if (wasTrialing) {
      // Usage during a trial is not billed.
      for (const item of sub.items.data) {
        if (item.price.recurring?.meter) {
          for (const r of this.unbilledUsage(sub.customer, item.price.recurring.meter).records) {
            r.invoiced_in = invoice.id;
          }
        }
      }
    }
    this.setPeriod(sub, start, end);
    if (outcome === "paid" || invoice.amount_due === 0) {
      this.markPaid(invoice);
      sub.status = "active";
    } else {
      this.markFailed(invoice);
      sub.status = "past_due";
    }
    const updated = this.changed(sub, before, cause);
    if (updated) events.push(updated);
    if (invoice.status === "paid") {
      events.push(this.emit("invoice.paid", invoice, cause));
      events.push(this.emit("invoice.payment_succeeded", invoice, cause));
    } else {
      events.push(this.emit("invoice.payment_failed", invoice, cause));
    }
    return events;
  }

  /** Pays an open invoice; a past-due subscription whose latest invoice it is becomes active. */
  payInvoice(invoice: Json, cause: Cause): Json[] {
    if (invoice.status !== "open") {
      throw invalid(`Invoice is already ${invoice.status}.`, undefined, "invoice_not_editable");
    }
    this.markPaid(invoice);
    const events = [
      this.emit("invoice.paid", invoice, cause),
      this.emit("invoice.payment_succeeded", invoice, cause),
    ];
    const sub = this.subscriptions.get(invoice.parent?.subscription_details?.subscription);
    if (sub && sub.latest_invoice === invoice.id && ["past_due", "unpaid"].includes(sub.status)) {
      const before = structuredClone(sub);
      sub.status = "active";
      const updated = this.changed(sub, before, cause);
      if (updated) events.push(updated);
    }
    return events;
  }
}

function planOf(price: Json): Json {
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

function aggregate(meter: Json | undefined, records: MeterEventRecord[]): number {
  const formula = meter?.default_aggregation.formula ?? "sum";
  if (formula === "count") return records.length;
  if (formula === "last") {
    const last = [...records].sort((a, b) => a.event.timestamp - b.event.timestamp).at(-1);
    return last?.value ?? 0;
  }
  return records.reduce((s, r) => s + (r.value ?? 0), 0);
}

/** Stripe's previous_attributes: the old value of every top-level field that changed. */
function previousAttributes(before: Json, after: Json): Json {
  const previous: Json = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      previous[key] = before[key] ?? null;
    }
  }
  return previous;
}

function money(cents: number, currency: string): string {
  const amount = (cents / 100).toFixed(2);
  return currency === "usd" ? `$${amount}` : `${amount} ${currency.toUpperCase()}`;
}

// --- lists and expansion ---------------------------------------------------------------------

/** Newest first, with Stripe's cursor pagination (limit, starting_after, ending_before). */
function listOf(url: string, newestFirst: Json[], q: Json): Json {
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

function newestFirst<T>(map: Map<string, T>): T[] {
  return [...map.values()].reverse();
}

/** Filter on `created` as Stripe takes it: an exact value or created[gt|gte|lt|lte]. */
function createdMatches(created: number, q: Json): boolean {
  const c = q.created;
  if (c === undefined || c === "") return true;
  if (typeof c === "string") return created === int(q, "created");
  const bound = (k: string) => int(c, k, `created[${k}]`);
  const gt = bound("gt"), gte = bound("gte"), lt = bound("lt"), lte = bound("lte");
  return (gt === undefined || created > gt) && (gte === undefined || created >= gte) &&
    (lt === undefined || created < lt) && (lte === undefined || created <= lte);
}

// --- HTML pages --------------------------------------------------------------------------------

const esc = (s: unknown) =>
  String(s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

function page(title: string, body: string, status = 200): Response {
  return new Response(
    `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Stripe stand-in</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1a1f36}
.test{display:inline-block;background:#ffde92;color:#a04e00;border-radius:4px;padding:0 .4rem;font-size:.8rem;font-weight:600}
table{width:100%;border-collapse:collapse;margin:1rem 0}td{padding:.35rem 0;border-bottom:1px solid #e3e8ee}
td.amount{text-align:right}button{background:#635bff;color:#fff;border:0;border-radius:6px;padding:.6rem 1.2rem;font-size:1rem;cursor:pointer}
button.secondary{background:#fff;color:#635bff;border:1px solid #635bff}form{margin:1rem 0}
fieldset{border:1px solid #e3e8ee;border-radius:6px;margin:1rem 0}label{display:block;margin:.4rem 0}
</style></head>
<body><p><span class="test">TEST MODE</span> Stripe stand-in</p>
${body}
</body></html>`,
    { status, headers: { "content-type": "text/html; charset=utf-8" } },
  );
}

// --- the server --------------------------------------------------------------------------------

export interface StripeStandInOptions {
  port: number;
  /** The secret key the API accepts (test mode only); DEFAULT_SECRET_KEY by default. */
  secretKey?: string;
  /** Interface to bind; 127.0.0.1 by default. */
  hostname?: string;
  /** Origin of the page URLs handed out (Checkout, portal, invoices), when the browser
   * reaches the stand-in by another address; the listening URL by default. */
  publicUrl?: string;
  /** The starting catalog: DEFAULT_CATALOG ("default"), nothing ("empty"), or your own. */
  catalog?: "default" | "empty" | CatalogSpec;
  /** Webhook endpoints to register at start. */
  endpoints?: EndpointSpec[];
}

export interface StripeStandIn {
  /** Base URL: what STRIPE_API_BASE_URL should be set to. */
  url: string;
  close(): Promise<void>;
  state: StripeState;
  faults: Faults;
  webhooks: Webhooks;
}

/** Seeded RNG (mulberry32) for reproducible shuffles. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Webhook endpoints, delivery (in order, held, replayed, reordered) and its log. */
export class Webhooks {
  readonly endpoints = new Map<string, WebhookEndpoint>();
  readonly deliveries: DeliveryAttempt[] = [];
  held: { event: Json; endpoint: WebhookEndpoint }[] = [];
  holding = false;
  #chains = new Map<string, Promise<void>>();
  #inflight = new Set<Promise<unknown>>();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #abort = new AbortController();
  #next = 1;

  constructor(readonly state: StripeState) {}

  addEndpoint(input: EndpointSpec): WebhookEndpoint {
    const spec = parse(EndpointSpec, input);
    const endpoint: WebhookEndpoint = {
      id: newId("we_"),
      object: "webhook_endpoint",
      url: spec.url,
      secret: spec.secret ?? `whsec_${randomChars(32)}`,
      enabled_events: spec.enabled_events,
      auto_retry: spec.auto_retry,
      timeout_ms: spec.timeout_ms,
      description: spec.description,
      status: "enabled",
      created: this.state.now(),
    };
    this.endpoints.set(endpoint.id, endpoint);
    return endpoint;
  }

  #endpoint(id: string): WebhookEndpoint {
    const e = this.endpoints.get(id);
    if (!e) throw new SandboxError(404, "not_found", `no webhook endpoint ${id}`);
    return e;
  }

  #matching(event: Json): WebhookEndpoint[] {
    return [...this.endpoints.values()].filter((e) =>
      e.enabled_events.includes("*") || e.enabled_events.includes(event.type)
    );
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#inflight.add(p);
    p.finally(() => this.#inflight.delete(p)).catch(() => {});
    return p;
  }

  /** A new event: queue it for each matching endpoint (or hold it). Returns how many. */
  dispatch(event: Json): number {
    const endpoints = this.#matching(event);
    for (const endpoint of endpoints) {
      if (this.holding) this.held.push({ event, endpoint });
      else this.#enqueue(endpoint, () => this.#attempt(event, endpoint, "event"));
    }
    return endpoints.length;
  }

  /** Runs deliveries to one endpoint one after another, in the order queued. */
  #enqueue(endpoint: WebhookEndpoint, run: () => Promise<unknown>): Promise<void> {
    const prev = this.#chains.get(endpoint.id) ?? Promise.resolve();
    const next = prev.then(run).then(() => {}, () => {});
    this.#chains.set(endpoint.id, next);
    this.#track(next);
    return next;
  }

  async #attempt(
    event: Json,
    endpoint: WebhookEndpoint,
    reason: DeliveryAttempt["reason"],
  ): Promise<DeliveryAttempt> {
    const payload = JSON.stringify(event, null, 2);
    const signature = await Stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: endpoint.secret,
      timestamp: now(),
    });
    const attempt: DeliveryAttempt = {
      id: `wda_${this.#next++}`,
      event_id: event.id,
      event_type: event.type,
      endpoint_id: endpoint.id,
      url: endpoint.url,
      attempt:
        this.deliveries.filter((d) => d.event_id === event.id && d.endpoint_id === endpoint.id)
          .length + 1,
      reason,
      at: new Date().toISOString(),
      signature,
      status: null,
      ok: false,
      response_body: null,
      error: null,
      duration_ms: 0,
    };
    this.deliveries.push(attempt);
    const started = performance.now();
    try {
      const res = await fetch(endpoint.url, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          "cache-control": "no-cache",
          accept: "*/*; q=0.5, application/xml",
          "stripe-signature": signature,
        },
        body: payload,
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(endpoint.timeout_ms)]),
      });
      const body = await res.text();
      attempt.status = res.status;
      attempt.ok = res.ok;
      attempt.response_body = body.length > 2000 ? body.slice(0, 2000) + "…" : body;
    } catch (e) {
      attempt.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    attempt.duration_ms = Math.round(performance.now() - started);
    const stored = this.state.events.get(event.id);
    if (attempt.ok && stored) {
      const firstSuccess = this.deliveries.filter((d) =>
        d.event_id === event.id && d.endpoint_id === endpoint.id && d.ok
      ).length === 1;
      if (firstSuccess) {
        stored.pending_webhooks = Math.max(0, stored.pending_webhooks - 1);
      }
    }
    if (
      !attempt.ok && endpoint.auto_retry && !this.#abort.signal.aborted &&
      attempt.attempt < endpoint.auto_retry.max_attempts
    ) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.#enqueue(endpoint, () => this.#attempt(event, endpoint, "retry"));
      }, endpoint.auto_retry.delay_ms);
      this.#timers.add(timer);
    }
    return attempt;
  }

  /** Waits until nothing is being delivered (scheduled auto-retries included). */
  async settle(): Promise<void> {
    while (this.#inflight.size || this.#timers.size) {
      if (this.#inflight.size) await Promise.allSettled([...this.#inflight]);
      else await new Promise((r) => setTimeout(r, 20));
    }
  }

  hold(): void {
    this.holding = true;
  }

  /** Delivers the held events in the order asked for; resolves with the attempts. */
  async release(input: z.input<typeof ReleaseSpec> = {}): Promise<DeliveryAttempt[]> {
    const spec = parse(ReleaseSpec, input);
    const batch = this.held;
    this.held = [];
    this.holding = spec.keep_holding;
    if (spec.order === "reverse") batch.reverse();
    if (spec.order === "shuffle") {
      const rand = seeded(spec.seed ?? Date.now());
      for (let i = batch.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [batch[i], batch[j]] = [batch[j], batch[i]];
      }
    }
    await this.settle();
    const attempts: DeliveryAttempt[] = [];
    for (const { event, endpoint } of batch) {
      attempts.push(await this.#manual(event, endpoint, "release"));
    }
    return attempts;
  }

  #manual(
    event: Json,
    endpoint: WebhookEndpoint,
    reason: DeliveryAttempt["reason"],
  ): Promise<DeliveryAttempt> {
    let result!: Promise<DeliveryAttempt>;
    return this.#enqueue(endpoint, () => (result = this.#attempt(event, endpoint, reason)))
      .then(() => result);
  }

  #event(id: string): Json {
    const event = this.state.events.get(id);
    if (!event) throw new SandboxError(404, "not_found", `no event ${id}`);
    return event;
  }

  /** Delivers these events in exactly this order (duplicates allowed). */
  async deliver(input: z.input<typeof DeliverSpec>): Promise<DeliveryAttempt[]> {
    const spec = parse(DeliverSpec, input);
    const events = spec.events.map((id) => this.#event(id));
    const only = spec.endpoint ? this.#endpoint(spec.endpoint) : null;
    await this.settle();
    const attempts: DeliveryAttempt[] = [];
    for (const event of events) {
      for (const endpoint of only ? [only] : this.#matching(event)) {
        attempts.push(await this.#manual(event, endpoint, "deliver"));
      }
    }
    return attempts;
  }

  /** Sends an event again (a duplicate, as Stripe does when it is unsure of a delivery). */
  async redeliver(
    id: string,
    input: z.input<typeof RedeliverSpec> = {},
  ): Promise<DeliveryAttempt[]> {
    const spec = parse(RedeliverSpec, input);
    return await this.deliver({
      events: Array(spec.times).fill(this.#event(id).id),
      endpoint: spec.endpoint,
    });
  }

  /** Tries again every event delivery that has not yet succeeded at its endpoint. */
  async retryFailed(endpointId?: string): Promise<DeliveryAttempt[]> {
    await this.settle();
    const pending = new Map<string, { event: Json; endpoint: WebhookEndpoint }>();
    for (const d of this.deliveries) {
      if (endpointId && d.endpoint_id !== endpointId) continue;
      const key = `${d.endpoint_id} ${d.event_id}`;
      const endpoint = this.endpoints.get(d.endpoint_id);
      const event = this.state.events.get(d.event_id);
      if (d.ok || !endpoint || !event) pending.delete(key);
      else if (
        !this.deliveries.some((x) =>
          x.ok && x.event_id === d.event_id && x.endpoint_id === d.endpoint_id
        )
      ) {
        pending.set(key, { event, endpoint });
      }
    }
    const attempts: DeliveryAttempt[] = [];
    for (const { event, endpoint } of pending.values()) {
      attempts.push(await this.#manual(event, endpoint, "retry"));
    }
    return attempts;
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#abort.abort();
    await Promise.allSettled([...this.#inflight]);
  }

  reset(): void {
    this.endpoints.clear();
    this.deliveries.length = 0;
    this.held = [];
    this.holding = false;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}

export const CONTROL_HELP: Record<string, string> = {
  "GET /_sandbox/health": "→ { ok: true, api_version, livemode: false }",
  "POST /_sandbox/reset":
    `{ catalog?: "default" | "empty" } → 204: forget everything (objects, events, endpoints, faults, logs)`,
  "GET /_sandbox/state": "→ every object by kind, endpoints, held events, faults",
  "GET /_sandbox/catalog": "→ { meters, products, prices }",
  "GET|POST /_sandbox/clock":
    "{ advance_seconds?, offset_seconds? } → { now, offset_seconds }: shift the account's clock forward (created, periods, trials; not webhook signatures)",
  "POST /_sandbox/catalog":
    "{ meters?, products?, prices? } (MeterSpec/ProductSpec/PriceSpec) → 201 the objects",
  "POST /_sandbox/meters":
    `{ id?, event_name, display_name?, formula?: "sum"|"count"|"last", customer_payload_key?, value_payload_key? } → 201 billing.meter`,
  "POST /_sandbox/products": "{ id?, name, description?, metadata?, active? } → 201 product",
  "POST /_sandbox/prices":
    `{ id?, product: "prod_…" | { id?, name }, unit_amount, currency?, recurring?: { interval, interval_count?, usage_type?: "licensed"|"metered", meter?: "mtr_…" | event_name | MeterSpec } | null, lookup_key?, transfer_lookup_key?, nickname?, metadata?, active? } → 201 price`,
  "GET /_sandbox/usage?customer=cus_…&meter=mtr_…|event_name=…":
    "→ { data: [{ customer, meter, event_name, formula, aggregated_value, unbilled_value, event_count }] }",
  "GET /_sandbox/meter_events?customer=&event_name=":
    "→ { data: [{ event, customer, value, meter, error, invoiced_in }] } (error: Stripe's async meter error codes)",
  "POST /_sandbox/webhooks/endpoints":
    `{ url, secret?: "whsec_…", enabled_events?: ["*"], auto_retry?: { max_attempts, delay_ms }, timeout_ms? } → 201 endpoint (with its secret)`,
  "GET /_sandbox/webhooks/endpoints": "→ { data: endpoint[] }",
  "DELETE /_sandbox/webhooks/endpoints/{we_id}": "→ 204",
  "POST /_sandbox/webhooks/hold": "→ { holding: true }: new events are queued, not sent",
  "GET /_sandbox/webhooks/held": "→ { holding, data: [{ event_id, type, endpoint_id }] }",
  "POST /_sandbox/webhooks/release":
    `{ order?: "fifo"|"reverse"|"shuffle", seed?, keep_holding? } → { delivered: DeliveryAttempt[] }`,
  "POST /_sandbox/webhooks/deliver":
    "{ events: [evt_…], endpoint? } → { delivered }: exactly these events in this order (out of order, duplicates)",
  "POST /_sandbox/events/{evt_id}/redeliver": "{ endpoint?, times? } → { delivered }: duplicates",
  "POST /_sandbox/webhooks/retry":
    "{ endpoint? } → { delivered }: retry deliveries that never succeeded",
  "POST /_sandbox/webhooks/settle": "→ { in_flight: 0, held }: waits for deliveries under way",
  "GET /_sandbox/deliveries?event=&endpoint=&type=&ok=":
    "→ { data: DeliveryAttempt[] } oldest first",
  "DELETE /_sandbox/deliveries": "→ 204",
  "POST /_sandbox/events/trigger":
    `{ type, subscription?, customer?, patch?, object? } → { events }: customer.subscription.trial_will_end | invoice.payment_failed (→ past_due) | invoice.paid | invoice.upcoming | customer.subscription.updated (patch) | customer.subscription.deleted | or, with object, any type as given`,
  "POST /_sandbox/subscriptions/{sub_id}/advance":
    `{ outcome?: "paid"|"failed", periods? } → { subscription, invoices, events }: renewal (or the scheduled cancellation)`,
  "GET /_sandbox/faults": "→ { faults }",
  "POST /_sandbox/faults":
    `{ kind: "429"|"500"|"slow"|"timeout"|"malformed", path?: glob, method?, count?, delay_ms?, should_retry? } → 201 fault`,
  "DELETE /_sandbox/faults[/{id}]": "→ 204",
  "GET /_sandbox/requests?path=&limit=": "→ { data: RequestLogEntry[] }",
  "DELETE /_sandbox/requests": "→ 204",
};

/** Starts the stand-in; it listens as soon as this returns. */
export function startStripeStandIn(opts: StripeStandInOptions): StripeStandIn {
  const secretKey = opts.secretKey ?? DEFAULT_SECRET_KEY;
  if (!/^(sk|rk)_test_\S+$/.test(secretKey)) {
    throw new Error("the Stripe stand-in only accepts test-mode secret keys (sk_test_…)");
  }
  const hostname = opts.hostname ?? "127.0.0.1";
  const faults = new Faults();
  const state = new StripeState();
  const webhooks = new Webhooks(state);
  state.onEvent = (event) => webhooks.dispatch(event);
  const hanging = new Set<() => void>();
  const inProgress = new Set<string>();

  const seedCatalog = (catalog: StripeStandInOptions["catalog"]) => {
    if (catalog === "empty") return;
    state.loadCatalog(catalog === undefined || catalog === "default" ? DEFAULT_CATALOG : catalog);
  };

  const hang = (req: Request) =>
    new Promise<Response>((resolve) => {
      const release = () => {
        hanging.delete(release);
        req.signal.removeEventListener("abort", release);
        resolve(new Response(null, { status: 504 }));
      };
      hanging.add(release);
      req.signal.addEventListener("abort", release, { once: true });
    });

  // --- API routes ---------------------------------------------------------------------------

  interface Ctx {
    params: Json;
    match: RegExpExecArray;
    cause: Cause;
  }
  type Handler = (ctx: Ctx) => Json | Promise<Json>;

  const expandOf = (params: Json) => stringList(params, "expand");

  /** Applies `expand` paths to (a copy of) an object. */
  function expanded(obj: Json, paths: string[]): Json {
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
          n.line_items ??= checkoutLineItems(n.id, {});
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

  const respond = (obj: Json, params: Json) => expanded(obj, expandOf(params));
  const respondList = (list: Json, params: Json) =>
    expanded(
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

  function checkoutLineItems(sessionId: string, q: Json): Json {
    const extras = state.checkoutExtras.get(sessionId);
    return listOf(`/v1/checkout/sessions/${sessionId}/line_items`, extras?.lineItems ?? [], q);
  }

  const getPrice = (id: string, param: string) => {
    const price = state.prices.get(id);
    if (!price) throw noSuch("price", id, param);
    return price;
  };

  function customerParams(params: Json, allowExtra: string[] = []): void {
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

  function createCheckout(params: Json): Json {
    allowParams(params, [
      "mode",
      "customer",
      "customer_email",
      "customer_creation",
      "customer_update",
      "line_items",
      "success_url",
      "cancel_url",
      "return_url",
      "client_reference_id",
      "metadata",
      "subscription_data",
      "allow_promotion_codes",
      "billing_address_collection",
      "automatic_tax",
      "tax_id_collection",
      "payment_method_types",
      "payment_method_collection",
      "locale",
      "expires_at",
      "ui_mode",
      "consent_collection",
      "currency",
      "expand",
    ]);
    const mode = str(params, "mode");
    if (!mode) throw missingParam("mode");
    if (!["payment", "setup", "subscription"].includes(mode)) {
      throw invalid(`Invalid mode: must be one of payment, setup, or subscription`, "mode");
    }
    if (mode !== "subscription") {
      throw invalid(
        `The Stripe stand-in implements mode=subscription only (got mode=${mode}).`,
        "mode",
      );
    }
    const customerId = str(params, "customer") || null;
    if (customerId) state.liveCustomer(customerId, "customer");
    const customerEmail = str(params, "customer_email") || null;
    if (customerId && customerEmail) {
      throw invalid(
        "You may only specify one of these parameters: customer, customer_email.",
        "customer_email",
      );
    }
    const successUrl = str(params, "success_url") || null;
    const cancelUrl = str(params, "cancel_url") || null;
    for (const [name, u] of [["success_url", successUrl], ["cancel_url", cancelUrl]] as const) {
      if (u && !URL.canParse(u.replaceAll("{CHECKOUT_SESSION_ID}", "x"))) {
        throw invalid(`Not a valid URL`, name, "url_invalid");
      }
    }
    const clientReferenceId = str(params, "client_reference_id") || null;
    if (clientReferenceId && clientReferenceId.length > 200) {
      throw invalid(
        "client_reference_id can have a maximum length of 200 characters.",
        "client_reference_id",
      );
    }
    const rawItems = params.line_items;
    if (rawItems === undefined || rawItems === "") throw missingParam("line_items");
    if (!Array.isArray(rawItems) || !rawItems.length) throw invalid("Invalid array", "line_items");
    const lineItems: Json[] = [];
    let currency: string | null = null;
    let interval: string | null = null;
    for (const [i, raw] of rawItems.entries()) {
      const p = `line_items[${i}]`;
      if (typeof raw !== "object" || raw === null) throw invalid("Invalid object", p);
      allowParams(raw, ["price", "quantity", "adjustable_quantity", "tax_rates"]);
      const priceId = str(raw, "price", `${p}[price]`);
      if (!priceId) throw missingParam(`${p}[price]`);
      const price = getPrice(priceId, `${p}[price]`);
      if (!price.active) {
        throw invalid(`The price \`${priceId}\` is not active.`, `${p}[price]`);
      }
      if (price.type !== "recurring") {
        throw invalid(
          `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
          `${p}[price]`,
        );
      }
      const metered = price.recurring.usage_type === "metered";
      const quantity = int(raw, "quantity", `${p}[quantity]`);
      if (metered && quantity !== undefined) {
        throw invalid(
          `Quantity should not be specified where usage_type is \`metered\`. Remove quantity from \`${p}\`.`,
          `${p}[quantity]`,
        );
      }
      if (!metered && quantity === undefined) throw missingParam(`${p}[quantity]`);
      if (quantity !== undefined && (quantity < 1 || quantity > 999_999)) {
        throw invalid(
          `Quantity must be between 1 and 999999.`,
          `${p}[quantity]`,
        );
      }
      if (currency && price.currency !== currency) {
        throw invalid(
          "All prices on a Checkout Session must use the same currency.",
          `${p}[price]`,
        );
      }
      if (
        interval && `${price.recurring.interval}/${price.recurring.interval_count}` !== interval
      ) {
        throw invalid(
          "All prices on a subscription must have the same `recurring.interval` and `recurring.interval_count`.",
          `${p}[price]`,
        );
      }
      currency = price.currency;
      interval = `${price.recurring.interval}/${price.recurring.interval_count}`;
      if (lineItems.some((li) => li.price.id === price.id)) {
        throw invalid("You cannot pass the same price more than once.", `${p}[price]`);
      }
      const amount = metered ? 0 : price.unit_amount * quantity!;
      lineItems.push({
        id: newId("li_"),
        object: "item",
        amount_discount: 0,
        amount_subtotal: amount,
        amount_tax: 0,
        amount_total: amount,
        currency: price.currency,
        description: state.products.get(price.product)?.name ?? price.product,
        metadata: {},
        price: structuredClone(price),
        quantity: metered ? null : quantity,
      });
    }
    const sd = params.subscription_data ?? {};
    if (typeof sd !== "object") throw invalid("Invalid object", "subscription_data");
    allowParams(sd, [
      "metadata",
      "trial_period_days",
      "trial_end",
      "description",
      "trial_settings",
      "billing_cycle_anchor",
      "proration_behavior",
      "default_tax_rates",
      "invoice_settings",
    ]);
    const trialDays = int(sd, "trial_period_days", "subscription_data[trial_period_days]") ??
      null;
    if (trialDays !== null && (trialDays < 1 || trialDays > 730)) {
      throw invalid(
        "The `trial_period_days` parameter must be between 1 and 730.",
        "subscription_data[trial_period_days]",
      );
    }
    const trialEnd = int(sd, "trial_end", "subscription_data[trial_end]") ?? null;
    if (trialEnd !== null && trialEnd < state.now() + 2 * DAY) {
      throw invalid(
        "`subscription_data[trial_end]` must be at least 48 hours in the future.",
        "subscription_data[trial_end]",
      );
    }
    if (trialDays !== null && trialEnd !== null) {
      throw invalid(
        "You may only specify one of these parameters: trial_end, trial_period_days.",
        "subscription_data[trial_end]",
      );
    }
    const t = state.now();
    const expiresAt = int(params, "expires_at") ?? t + DAY;
    const id = newId("cs_test_", 58);
    const subtotal = lineItems.reduce((s, li) => s + li.amount_subtotal, 0);
    const trial = trialDays !== null || trialEnd !== null;
    const session: Json = {
      id,
      object: "checkout.session",
      adaptive_pricing: null,
      after_expiration: null,
      allow_promotion_codes: bool(params, "allow_promotion_codes") ?? null,
      amount_subtotal: subtotal,
      amount_total: trial ? 0 : subtotal,
      automatic_tax: { enabled: false, liability: null, provider: null, status: null },
      billing_address_collection: str(params, "billing_address_collection") || null,
      cancel_url: cancelUrl,
      client_reference_id: clientReferenceId,
      client_secret: null,
      collected_information: null,
      consent: null,
      consent_collection: null,
      created: t,
      currency,
      currency_conversion: null,
      custom_fields: [],
      custom_text: {
        after_submit: null,
        shipping_address: null,
        submit: null,
        terms_of_service_acceptance: null,
      },
      customer: customerId,
      customer_account: null,
      customer_creation: customerId ? null : "always",
      customer_details: customerEmail
        ? {
          address: null,
          email: customerEmail,
          name: null,
          phone: null,
          tax_exempt: "none",
          tax_ids: null,
        }
        : null,
      customer_email: customerEmail,
      discounts: [],
      expires_at: expiresAt,
      integration_identifier: null,
      invoice: null,
      invoice_creation: null,
      livemode: false,
      locale: str(params, "locale") || null,
      managed_payments: null,
      metadata: metadataParam(params),
      mode,
      origin_context: null,
      payment_intent: null,
      payment_link: null,
      payment_method_collection: str(params, "payment_method_collection") || "always",
      payment_method_configuration_details: null,
      payment_method_options: {},
      payment_method_types: stringList(params, "payment_method_types").length
        ? stringList(params, "payment_method_types")
        : ["card"],
      payment_status: "unpaid",
      permissions: null,
      recovered_from: null,
      saved_payment_method_options: null,
      setup_intent: null,
      shipping_address_collection: null,
      shipping_cost: null,
      shipping_options: [],
      status: "open",
      submit_type: null,
      subscription: null,
      success_url: successUrl,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: "hosted",
      url: `${state.publicUrl}/checkout/${id}`,
      wallet_options: null,
    };
    state.checkoutSessions.set(id, session);
    state.checkoutExtras.set(id, {
      lineItems,
      subscriptionData: {
        metadata: metadataParam(sd, {}, "metadata"),
        trial_period_days: trialDays,
        trial_end: trialEnd,
        description: str(sd, "description") || null,
      },
    });
    return session;
  }

  function completeCheckout(session: Json, form: URLSearchParams): Json[] {
    if (session.status !== "open") {
      throw new SandboxError(400, "session_not_open", `the Checkout Session is ${session.status}`);
    }
    if (session.expires_at <= state.now()) {
      session.status = "expired";
      session.url = null;
      throw new SandboxError(400, "session_expired", "the Checkout Session has expired");
    }
    const extras = state.checkoutExtras.get(session.id)!;
    const events: Json[] = [];
    let customer: Json;
    if (session.customer) {
      customer = state.liveCustomer(session.customer);
    } else {
      const email = form.get("email") || session.customer_email;
      if (!email) throw new SandboxError(400, "email_required", "an email address is required");
      customer = state.createCustomer(
        { email, name: form.get("name") || undefined },
        AUTOMATIC,
      );
      events.push([...state.events.values()].at(-1)!);
    }
    const sd = extras.subscriptionData;
    const trialEnd = sd.trial_end ??
      (sd.trial_period_days ? state.now() + sd.trial_period_days * DAY : null);
    const sub = state.newSubscription(
      customer,
      extras.lineItems.map((li) => ({
        price: state.prices.get(li.price.id) ?? li.price,
        quantity: li.quantity ?? undefined,
      })),
      { metadata: sd.metadata, trialEnd, description: sd.description },
    );
    const invoice = state.createInvoice(sub, {
      reason: "subscription_create",
      periodStart: sub.current_period_start,
      periodEnd: sub.current_period_start,
      linePeriod: { start: sub.current_period_start, end: sub.current_period_end },
      chargeLicensed: sub.status !== "trialing",
      chargeUsage: false,
    });
    state.markPaid(invoice);
    Object.assign(session, {
      status: "complete",
      payment_status: invoice.amount_due > 0 ? "paid" : "no_payment_required",
      customer: customer.id,
      customer_details: {
        address: null,
        email: customer.email,
        name: customer.name,
        phone: null,
        tax_exempt: "none",
        tax_ids: [],
      },
      subscription: sub.id,
      invoice: invoice.id,
      url: null,
    });
    events.push(state.emit("customer.subscription.created", sub, AUTOMATIC));
    events.push(state.emit("invoice.paid", invoice, AUTOMATIC));
    events.push(state.emit("invoice.payment_succeeded", invoice, AUTOMATIC));
    events.push(state.emit("checkout.session.completed", session, AUTOMATIC));
    return events;
  }

  function liveSubscription(id: string): Json {
    const sub = state.subscriptions.get(id);
    if (!sub) throw noSuch("subscription", id);
    return sub;
  }

  /** POST /v1/subscriptions/{id} (and the portal's plan/quantity/cancel changes). */
  function updateSubscription(sub: Json, params: Json, cause: Cause): Json {
    allowParams(params, [
      "items",
      "proration_behavior",
      "proration_date",
      "cancel_at_period_end",
      "cancel_at",
      "cancellation_details",
      "metadata",
      "trial_end",
      "description",
      "payment_behavior",
      "default_payment_method",
      "billing_cycle_anchor",
      "off_session",
      "expand",
    ]);
    if (sub.status === "canceled") {
      const extra = Object.keys(params).filter((k) =>
        !["metadata", "cancellation_details", "expand"].includes(k)
      );
      if (extra.length) {
        throw invalid(
          "A canceled subscription can only update its cancellation_details and metadata.",
          extra[0],
        );
      }
    }
    const proration = oneOf(
      params,
      "proration_behavior",
      [
        "always_invoice",
        "create_prorations",
        "none",
      ] as const,
    ) ?? "create_prorations";
    oneOf(
      params,
      "payment_behavior",
      [
        "allow_incomplete",
        "default_incomplete",
        "error_if_incomplete",
        "pending_if_incomplete",
      ] as const,
    );
    const before = structuredClone(sub);
    const prorationLines: { item: Json; amount: number; description: string }[] = [];
    const t = state.now();
    const remaining = Math.max(
      0,
      Math.min(
        1,
        (sub.current_period_end - t) / (sub.current_period_end - sub.current_period_start || 1),
      ),
    );

    if (params.items !== undefined) {
      if (!Array.isArray(params.items)) throw invalid("Invalid array", "items");
      for (const [i, spec] of (params.items as Json[]).entries()) {
        const p = `items[${i}]`;
        if (typeof spec !== "object" || spec === null) throw invalid("Invalid object", p);
        allowParams(spec, [
          "id",
          "price",
          "quantity",
          "deleted",
          "metadata",
          "clear_usage",
          "tax_rates",
          "discounts",
        ]);
        const itemId = str(spec, "id", `${p}[id]`);
        const priceId = str(spec, "price", `${p}[price]`);
        const quantity = int(spec, "quantity", `${p}[quantity]`);
        const deleted = bool(spec, "deleted", `${p}[deleted]`) ?? false;
        let item: Json | undefined;
        if (itemId) {
          item = sub.items.data.find((x: Json) => x.id === itemId);
          if (!item) throw invalid(`Invalid subscription_item id: ${itemId}`, `${p}[id]`);
        }
        if (deleted) {
          if (!item) throw missingParam(`${p}[id]`);
          sub.items.data = sub.items.data.filter((x: Json) => x.id !== item!.id);
          continue;
        }
        const price = priceId ? getPrice(priceId, `${p}[price]`) : item?.price;
        if (!price) throw missingParam(`${p}[price]`);
        if (priceId) {
          if (!price.active) {
            throw invalid(`The price \`${priceId}\` is not active.`, `${p}[price]`);
          }
          if (price.type !== "recurring") {
            throw invalid(
              "The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.",
              `${p}[price]`,
            );
          }
          if (price.currency !== sub.currency) {
            throw invalid(
              `The price specified uses currency ${price.currency}, but the subscription uses ${sub.currency}.`,
              `${p}[price]`,
            );
          }
          const other = sub.items.data.find((x: Json) =>
            x.price.id === price.id && x.id !== item?.id
          );
          if (other) {
            throw invalid(
              `Cannot add multiple subscription items with the same price: ${price.id}`,
              `${p}[price]`,
            );
          }
        }
        const metered = price.recurring.usage_type === "metered";
        if (metered && quantity !== undefined) {
          throw invalid(
            "Quantity should not be specified where usage_type is `metered`.",
            `${p}[quantity]`,
          );
        }
        if (quantity !== undefined && quantity < 0) {
          throw invalid("Invalid integer: quantity must be at least 0", `${p}[quantity]`);
        }
        const oldAmount = item && item.price.recurring.usage_type !== "metered"
          ? item.price.unit_amount * item.quantity
          : 0;
        if (!item) {
          item = state.subscriptionItem(sub, price, quantity);
          sub.items.data.push(item);
        } else {
          if (priceId && priceId !== item.price.id) {
            item.price = structuredClone(price);
            item.plan = planOf(price);
            if (metered) delete item.quantity;
            else item.quantity ??= 1;
          }
          if (quantity !== undefined) item.quantity = quantity;
        }
        item.metadata = metadataParam(spec, item.metadata, "metadata");
        const newAmount = metered ? 0 : price.unit_amount * item.quantity;
        if (newAmount !== oldAmount && sub.status !== "trialing") {
          const amount = Math.round((newAmount - oldAmount) * remaining);
          if (amount) {
            prorationLines.push({
              item,
              amount,
              description: `${amount > 0 ? "Remaining" : "Unused"} time on ${
                item.quantity ?? 0
              } × ${state.products.get(price.product)?.name ?? price.product} after ${
                new Date(t * 1000).toISOString().slice(0, 10)
              }`,
            });
          }
        }
      }
      if (!sub.items.data.length) {
        throw invalid("A subscription must have at least one active plan.", "items");
      }
    }
    const cape = bool(params, "cancel_at_period_end");
    if (cape !== undefined) {
      sub.cancel_at_period_end = cape;
      sub.cancel_at = cape ? sub.current_period_end : null;
      sub.canceled_at = cape ? t : null;
      if (!cape) sub.cancellation_details = { comment: null, feedback: null, reason: null };
    }
    if (params.cancel_at !== undefined) {
      if (params.cancel_at === "") {
        sub.cancel_at = null;
        sub.cancel_at_period_end = false;
        sub.canceled_at = null;
      } else {
        const at = params.cancel_at === "min_period_end" || params.cancel_at === "max_period_end"
          ? sub.current_period_end
          : int(params, "cancel_at")!;
        if (at <= t) throw invalid("cancel_at must be in the future.", "cancel_at");
        sub.cancel_at = at;
        sub.cancel_at_period_end = at === sub.current_period_end;
        sub.canceled_at = t;
      }
    }
    if (params.cancellation_details !== undefined) {
      const cd = params.cancellation_details;
      if (typeof cd !== "object") throw invalid("Invalid object", "cancellation_details");
      allowParams(cd, ["comment", "feedback"]);
      if (cd.comment !== undefined) sub.cancellation_details.comment = cd.comment || null;
      if (cd.feedback !== undefined) {
        sub.cancellation_details.feedback = oneOf(
          cd,
          "feedback",
          [
            "customer_service",
            "low_quality",
            "missing_features",
            "other",
            "switched_service",
            "too_complex",
            "too_expensive",
            "unused",
          ] as const,
          "cancellation_details[feedback]",
        ) ?? null;
      }
    }
    sub.metadata = metadataParam(params, sub.metadata);
    if (params.description !== undefined) sub.description = params.description || null;
    let invoice: Json | null = null;
    if (params.trial_end !== undefined) {
      if (params.trial_end === "now") {
        if (sub.status === "trialing") {
          sub.trial_end = t;
          const first = sub.items.data[0].price;
          state.setPeriod(
            sub,
            t,
            addInterval(t, first.recurring.interval, first.recurring.interval_count),
          );
          sub.billing_cycle_anchor = t;
          sub.status = "active";
          invoice = state.createInvoice(sub, {
            reason: "subscription_update",
            periodStart: t,
            periodEnd: t,
            linePeriod: { start: t, end: sub.current_period_end },
            chargeLicensed: true,
            chargeUsage: false,
          });
          state.markPaid(invoice);
        }
      } else {
        const te = int(params, "trial_end")!;
        if (te <= t) throw invalid("Invalid timestamp: must be in the future", "trial_end");
        sub.trial_end = te;
        sub.trial_start ??= t;
        sub.status = "trialing";
        state.setPeriod(sub, sub.current_period_start, te);
      }
    }
    if (proration === "always_invoice" && prorationLines.length && !invoice) {
      invoice = state.createInvoice(sub, {
        reason: "subscription_update",
        periodStart: t,
        periodEnd: t,
        linePeriod: { start: t, end: sub.current_period_end },
        chargeLicensed: true,
        chargeUsage: false,
        proration: prorationLines,
      });
      state.markPaid(invoice);
    }
    for (const item of sub.items.data) {
      item.current_period_start = sub.current_period_start;
      item.current_period_end = sub.current_period_end;
    }
    state.changed(sub, before, cause);
    if (invoice) {
      state.emit("invoice.paid", invoice, cause);
      state.emit("invoice.payment_succeeded", invoice, cause);
    }
    return sub;
  }

  function cancelSubscription(sub: Json, params: Json, cause: Cause): Json {
    allowParams(params, ["invoice_now", "prorate", "cancellation_details", "expand"]);
    if (sub.status === "canceled") {
      throw invalid(`This subscription has already been canceled: ${sub.id}`);
    }
    bool(params, "invoice_now");
    bool(params, "prorate");
    const cd = params.cancellation_details;
    if (cd !== undefined && typeof cd === "object") {
      allowParams(cd, ["comment", "feedback"]);
      sub.cancellation_details.comment = cd.comment || null;
      sub.cancellation_details.feedback = cd.feedback || null;
    }
    state.cancelNow(sub, cause);
    return sub;
  }

  function createMeterEvent(params: Json): Json {
    allowParams(params, ["event_name", "payload", "identifier", "timestamp", "expand"]);
    const eventName = str(params, "event_name");
    if (!eventName) throw missingParam("event_name");
    if (eventName.length > 100) {
      throw invalid("event_name can have a maximum length of 100 characters.", "event_name");
    }
    const payload = params.payload;
    if (payload === undefined || payload === "") throw missingParam("payload");
    if (typeof payload !== "object" || Array.isArray(payload)) {
      throw invalid("Invalid hash", "payload");
    }
    const t = state.now();
    for (const [k, at] of state.meterIdentifiers) {
      if (at < t - DAY) state.meterIdentifiers.delete(k);
    }
    const identifier = str(params, "identifier") || crypto.randomUUID();
    if (identifier.length > 100) {
      throw invalid("identifier can have a maximum length of 100 characters.", "identifier");
    }
    if (state.meterIdentifiers.has(identifier)) {
      // What Stripe answers for an identifier seen within the last 24 hours.
      throw new StripeApiError(400, {
        type: "invalid_request_error",
        message: `An event already exists with identifier ${identifier}.`,
        param: "identifier",
      }, { "stripe-should-retry": "false" });
    }
    const timestamp = int(params, "timestamp") ?? t;
    state.meterIdentifiers.set(identifier, t);
    const event: Json = {
      object: "billing.meter_event",
      created: t,
      event_name: eventName,
      identifier,
      livemode: false,
      payload: structuredClone(payload),
      timestamp,
    };
    // Stripe validates the rest asynchronously and reports problems as meter error reports.
    const meter = [...state.meters.values()].find((m) =>
      m.event_name === eventName && m.status === "active"
    );
    const record: MeterEventRecord = {
      event,
      customer: null,
      value: null,
      meter: meter?.id ?? null,
      error: null,
      invoiced_in: null,
    };
    const fail = (code: string, message: string) => (record.error ??= { code, message });
    if (!meter) fail("no_meter", `No active meter was found for event_name ${eventName}.`);
    const customerKey = meter?.customer_mapping.event_payload_key ?? "stripe_customer_id";
    const valueKey = meter?.value_settings.event_payload_key ?? "value";
    const customer = payload[customerKey];
    if (typeof customer !== "string" || !customer) {
      fail("meter_event_no_customer_defined", `The payload has no ${customerKey}.`);
    } else if (!state.customers.get(customer) || state.customers.get(customer)!.deleted) {
      fail("meter_event_customer_not_found", `No such customer: '${customer}'.`);
    } else {
      record.customer = customer;
    }
    const rawValue = payload[valueKey];
    if (meter?.default_aggregation.formula !== "count" || rawValue !== undefined) {
      if (typeof rawValue !== "string" || !/^-?\d+(\.\d+)?$/.test(rawValue)) {
        fail("meter_event_invalid_value", `The payload's ${valueKey} is not a number.`);
      } else {
        record.value = Number(rawValue);
      }
    }
    if (timestamp > t + 300) fail("timestamp_in_future", "The timestamp is in the future.");
    if (timestamp < t - 35 * DAY) {
      fail("timestamp_too_far_in_past", "The timestamp is more than 35 days in the past.");
    }
    state.meterEvents.push(record);
    return event;
  }

  function customerPrecheck(id: string): Json {
    const c = state.customers.get(id);
    if (!c) throw noSuch("customer", id);
    return c;
  }

  const routes: [string, RegExp, Handler][] = [
    // customers
    ["POST", /^\/v1\/customers$/, ({ params, cause }) => {
      customerParams(params);
      return respond(state.createCustomer(params, cause), params);
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
      return respondList({
        object: "search_result",
        data,
        has_more: more,
        next_page: more ? btoa(String(offset + limit)) : null,
        url: "/v1/customers/search",
      }, params);
    }],
    ["GET", /^\/v1\/customers$/, ({ params }) => {
      const email = str(params, "email");
      const all = newestFirst(state.customers).filter((c) =>
        !c.deleted && (email === undefined || c.email === email) &&
        createdMatches(c.created, params)
      );
      return respondList(listOf("/v1/customers", all, params), params);
    }],
    ["GET", /^\/v1\/customers\/([^/]+)$/, ({ params, match }) => {
      const c = customerPrecheck(match[1]);
      return c.deleted ? { id: c.id, object: "customer", deleted: true } : respond(c, params);
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
      return respond(c, params);
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

    // catalog
    ["GET", /^\/v1\/products$/, ({ params }) => {
      const active = bool(params, "active");
      const ids = stringList(params, "ids");
      const all = newestFirst(state.products).filter((p) =>
        (active === undefined || p.active === active) && (!ids.length || ids.includes(p.id))
      );
      return respondList(listOf("/v1/products", all, params), params);
    }],
    ["GET", /^\/v1\/products\/([^/]+)$/, ({ params, match }) => {
      const p = state.products.get(match[1]);
      if (!p) throw noSuch("product", match[1]);
      return respond(p, params);
    }],
    ["POST", /^\/v1\/products$/, ({ params }) => {
      allowParams(params, ["id", "name", "description", "metadata", "active", "expand"]);
      const name = str(params, "name");
      if (!name) throw missingParam("name");
      if (params.id && state.products.has(params.id)) {
        throw invalid(`Product already exists.`, "id", "resource_already_exists");
      }
      return respond(
        state.addProduct({
          id: str(params, "id") || undefined,
          name,
          description: str(params, "description") || null,
          metadata: metadataParam(params),
          active: bool(params, "active") ?? true,
        }),
        params,
      );
    }],
    ["GET", /^\/v1\/prices$/, ({ params }) => {
      const active = bool(params, "active");
      const product = str(params, "product");
      const type = str(params, "type");
      const currency = str(params, "currency");
      const lookupKeys = stringList(params, "lookup_keys");
      const rec = typeof params.recurring === "object" ? params.recurring : {};
      const all = newestFirst(state.prices).filter((p) =>
        (active === undefined || p.active === active) && (!product || p.product === product) &&
        (!type || p.type === type) && (!currency || p.currency === currency) &&
        (!lookupKeys.length || lookupKeys.includes(p.lookup_key)) &&
        (!rec.interval || p.recurring?.interval === rec.interval) &&
        (!rec.usage_type || p.recurring?.usage_type === rec.usage_type) &&
        (!rec.meter || p.recurring?.meter === rec.meter)
      );
      return respondList(listOf("/v1/prices", all, params), params);
    }],
    [
      "GET",
      /^\/v1\/prices\/([^/]+)$/,
      ({ params, match }) => respond(getPrice(match[1], "id"), params),
    ],
    ["POST", /^\/v1\/prices$/, ({ params }) => {
      allowParams(params, [
        "currency",
        "product",
        "product_data",
        "unit_amount",
        "recurring",
        "lookup_key",
        "transfer_lookup_key",
        "nickname",
        "metadata",
        "active",
        "expand",
      ]);
      const currency = str(params, "currency");
      if (!currency) throw missingParam("currency");
      const unitAmount = int(params, "unit_amount");
      if (unitAmount === undefined) throw missingParam("unit_amount");
      const productId = str(params, "product");
      const productData = params.product_data;
      if (!productId && !productData) throw missingParam("product");
      if (productId && !state.products.has(productId)) {
        throw noSuch("product", productId, "product");
      }
      const rec = params.recurring;
      if (rec !== undefined && typeof rec !== "object") throw invalid("Invalid hash", "recurring");
      const lookupKey = str(params, "lookup_key") || null;
      const transfer = bool(params, "transfer_lookup_key") ?? false;
      if (
        lookupKey && !transfer && [...state.prices.values()].some((p) => p.lookup_key === lookupKey)
      ) {
        throw invalid(
          `A price (\`${
            [...state.prices.values()].find((p) => p.lookup_key === lookupKey)!.id
          }\`) already uses that lookup key.`,
          "lookup_key",
        );
      }
      try {
        return respond(
          state.addPrice({
            product: productId ??
              { name: String(productData?.name ?? ""), metadata: metadataParam(productData ?? {}) },
            unit_amount: unitAmount,
            currency,
            recurring: rec
              ? {
                interval: oneOf(
                  rec,
                  "interval",
                  ["day", "week", "month", "year"] as const,
                  "recurring[interval]",
                ) ??
                  (() => {
                    throw missingParam("recurring[interval]");
                  })(),
                interval_count: int(rec, "interval_count", "recurring[interval_count]") ?? 1,
                usage_type: oneOf(
                  rec,
                  "usage_type",
                  ["licensed", "metered"] as const,
                  "recurring[usage_type]",
                ) ??
                  "licensed",
                meter: str(rec, "meter", "recurring[meter]") || undefined,
              }
              : null,
            lookup_key: lookupKey,
            transfer_lookup_key: transfer,
            nickname: str(params, "nickname") || null,
            metadata: metadataParam(params),
            active: bool(params, "active") ?? true,
          }),
          params,
        );
      } catch (e) {
        if (e instanceof SandboxError) throw invalid(e.message);
        throw e;
      }
    }],

    // billing meters
    ["GET", /^\/v1\/billing\/meters$/, ({ params }) => {
      const status = str(params, "status");
      const all = newestFirst(state.meters).filter((m) => !status || m.status === status);
      return respondList(listOf("/v1/billing/meters", all, params), params);
    }],
    ["GET", /^\/v1\/billing\/meters\/([^/]+)$/, ({ params, match }) => {
      const m = state.meters.get(match[1]);
      if (!m) throw noSuch("billing.meter", match[1]);
      return respond(m, params);
    }],
    ["POST", /^\/v1\/billing\/meters$/, ({ params }) => {
      allowParams(params, [
        "display_name",
        "event_name",
        "default_aggregation",
        "customer_mapping",
        "value_settings",
        "event_time_window",
        "expand",
      ]);
      const displayName = str(params, "display_name");
      if (!displayName) throw missingParam("display_name");
      const eventName = str(params, "event_name");
      if (!eventName) throw missingParam("event_name");
      const agg = params.default_aggregation;
      if (!agg || typeof agg !== "object") throw missingParam("default_aggregation");
      const formula = oneOf(
        agg,
        "formula",
        ["sum", "count", "last"] as const,
        "default_aggregation[formula]",
      );
      if (!formula) throw missingParam("default_aggregation[formula]");
      if (
        [...state.meters.values()].some((m) => m.event_name === eventName && m.status === "active")
      ) {
        throw invalid(
          `An active meter with event_name \`${eventName}\` already exists.`,
          "event_name",
        );
      }
      return state.addMeter({
        event_name: eventName,
        display_name: displayName,
        formula,
        customer_payload_key: params.customer_mapping?.event_payload_key,
        value_payload_key: params.value_settings?.event_payload_key,
      });
    }],
    ["GET", /^\/v1\/billing\/meters\/([^/]+)\/event_summaries$/, ({ params, match }) => {
      const meter = state.meters.get(match[1]);
      if (!meter) throw noSuch("billing.meter", match[1]);
      const customer = str(params, "customer");
      if (!customer) throw missingParam("customer");
      const start = int(params, "start_time");
      if (start === undefined) throw missingParam("start_time");
      const end = int(params, "end_time");
      if (end === undefined) throw missingParam("end_time");
      const records = state.meterEvents.filter((r) =>
        !r.error && r.meter === meter.id && r.customer === customer &&
        r.event.timestamp >= start && r.event.timestamp < end
      );
      const summary = {
        id: newId("mtrusg_test_"),
        object: "billing.meter_event_summary",
        aggregated_value: aggregate(meter, records),
        end_time: end,
        livemode: false,
        meter: meter.id,
        start_time: start,
      };
      return listOf(`/v1/billing/meters/${meter.id}/event_summaries`, [summary], params);
    }],
    ["POST", /^\/v1\/billing\/meter_events$/, ({ params }) => createMeterEvent(params)],

    // checkout
    ["POST", /^\/v1\/checkout\/sessions$/, ({ params }) => respond(createCheckout(params), params)],
    ["GET", /^\/v1\/checkout\/sessions$/, ({ params }) => {
      const customer = str(params, "customer");
      const subscription = str(params, "subscription");
      const status = str(params, "status");
      const all = newestFirst(state.checkoutSessions).filter((s) =>
        (!customer || s.customer === customer) &&
        (!subscription || s.subscription === subscription) &&
        (!status || s.status === status) && createdMatches(s.created, params)
      );
      return respondList(listOf("/v1/checkout/sessions", all, params), params);
    }],
    ["GET", /^\/v1\/checkout\/sessions\/([^/]+)$/, ({ params, match }) => {
      const s = state.checkoutSessions.get(match[1]);
      if (!s) throw noSuch("checkout.session", match[1], "session");
      return respond(s, params);
    }],
    ["GET", /^\/v1\/checkout\/sessions\/([^/]+)\/line_items$/, ({ params, match }) => {
      if (!state.checkoutSessions.has(match[1])) {
        throw noSuch("checkout.session", match[1], "session");
      }
      return respondList(checkoutLineItems(match[1], params), params);
    }],
    ["POST", /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/, ({ params, match, cause }) => {
      const s = state.checkoutSessions.get(match[1]);
      if (!s) throw noSuch("checkout.session", match[1], "session");
      if (s.status !== "open") {
        throw invalid(
          `Only Checkout Sessions with a status of \`open\` can be expired. This Checkout Session has a status of \`${s.status}\`.`,
        );
      }
      s.status = "expired";
      s.url = null;
      state.emit("checkout.session.expired", s, cause);
      return respond(s, params);
    }],

    // billing portal
    ["POST", /^\/v1\/billing_portal\/sessions$/, ({ params }) => {
      allowParams(params, [
        "customer",
        "return_url",
        "configuration",
        "flow_data",
        "locale",
        "on_behalf_of",
        "expand",
      ]);
      const customer = str(params, "customer");
      if (!customer) throw missingParam("customer");
      state.liveCustomer(customer, "customer");
      const returnUrl = str(params, "return_url") || null;
      if (returnUrl && !URL.canParse(returnUrl)) {
        throw invalid("Not a valid URL", "return_url", "url_invalid");
      }
      const id = newId("bps_");
      const session: Json = {
        id,
        object: "billing_portal.session",
        configuration: str(params, "configuration") || state.portalConfiguration,
        created: state.now(),
        customer,
        customer_account: null,
        flow: null,
        livemode: false,
        locale: str(params, "locale") || null,
        on_behalf_of: null,
        return_url: returnUrl,
        url: `${state.publicUrl}/portal/${id}`,
      };
      state.portalSessions.set(id, session);
      return respond(session, params);
    }],

    // subscriptions
    ["GET", /^\/v1\/subscriptions$/, ({ params }) => {
      const customer = str(params, "customer");
      const price = str(params, "price");
      const status = str(params, "status");
      const all = newestFirst(state.subscriptions).filter((s) =>
        (!customer || s.customer === customer) &&
        (!price || s.items.data.some((i: Json) => i.price.id === price)) &&
        (status === "all" ||
          (status
            ? s.status === status
            : !["canceled", "incomplete_expired"].includes(s.status))) &&
        createdMatches(s.created, params)
      );
      return respondList(listOf("/v1/subscriptions", all, params), params);
    }],
    [
      "GET",
      /^\/v1\/subscriptions\/([^/]+)$/,
      ({ params, match }) => respond(liveSubscription(match[1]), params),
    ],
    [
      "POST",
      /^\/v1\/subscriptions\/([^/]+)$/,
      ({ params, match, cause }) =>
        respond(updateSubscription(liveSubscription(match[1]), params, cause), params),
    ],
    [
      "DELETE",
      /^\/v1\/subscriptions\/([^/]+)$/,
      ({ params, match, cause }) =>
        respond(cancelSubscription(liveSubscription(match[1]), params, cause), params),
    ],
    ["GET", /^\/v1\/subscription_items$/, ({ params }) => {
      const subId = str(params, "subscription");
      if (!subId) throw missingParam("subscription");
      const sub = liveSubscription(subId);
      return respondList(listOf(`/v1/subscription_items`, sub.items.data, params), params);
    }],

    // invoices
    ["GET", /^\/v1\/invoices$/, ({ params }) => {
      const customer = str(params, "customer");
      const subscription = str(params, "subscription");
      const status = str(params, "status");
      const all = newestFirst(state.invoices).filter((i) =>
        (!customer || i.customer === customer) &&
        (!subscription || i.parent?.subscription_details?.subscription === subscription) &&
        (!status || i.status === status) && createdMatches(i.created, params)
      );
      return respondList(listOf("/v1/invoices", all, params), params);
    }],
    ["GET", /^\/v1\/invoices\/([^/]+)$/, ({ params, match }) => {
      const i = state.invoices.get(match[1]);
      if (!i) throw noSuch("invoice", match[1]);
      return respond(i, params);
    }],
    ["POST", /^\/v1\/invoices\/([^/]+)\/pay$/, ({ params, match, cause }) => {
      const i = state.invoices.get(match[1]);
      if (!i) throw noSuch("invoice", match[1]);
      state.payInvoice(i, cause);
      return respond(i, params);
    }],

    // events
    ["GET", /^\/v1\/events$/, ({ params }) => {
      const type = str(params, "type");
      const types = stringList(params, "types");
      if (type && types.length) {
        throw invalid("You may only specify one of these parameters: type, types.", "types");
      }
      const typeMatches = (t: string) =>
        type
          ? (type.endsWith("*") ? t.startsWith(type.slice(0, -1)) : t === type)
          : !types.length || types.includes(t);
      const all = newestFirst(state.events).filter((e) =>
        typeMatches(e.type) && createdMatches(e.created, params)
      );
      return respondList(listOf("/v1/events", all, params), params);
    }],
    ["GET", /^\/v1\/events\/([^/]+)$/, ({ params, match }) => {
      const e = state.events.get(match[1]);
      if (!e) throw noSuch("event", match[1]);
      return respond(e, params);
    }],
  ];

  // --- auth -----------------------------------------------------------------------------------

  function authenticate(req: Request): StripeApiError | null {
    const header = req.headers.get("authorization") ?? "";
    let key: string | null = null;
    const bearer = /^Bearer\s+(\S+)$/i.exec(header);
    const basic = /^Basic\s+(\S+)$/i.exec(header);
    if (bearer) key = bearer[1];
    else if (basic) {
      try {
        key = atob(basic[1]).split(":")[0];
      } catch {
        key = "";
      }
    }
    if (!key) {
      return new StripeApiError(401, {
        type: "invalid_request_error",
        message:
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      }, { "www-authenticate": 'Basic realm="Stripe"' });
    }
    if (key !== secretKey) {
      const masked = key.length > 12
        ? `${key.slice(0, 8)}${"*".repeat(key.length - 12)}${key.slice(-4)}`
        : "****";
      return new StripeApiError(401, {
        type: "invalid_request_error",
        code: "api_key_invalid",
        message: `Invalid API Key provided: ${masked}`,
      }, { "www-authenticate": 'Basic realm="Stripe"' });
    }
    return null;
  }

  // --- the API request path -------------------------------------------------------------------

  async function api(
    req: Request,
    url: URL,
    fault: Fault | undefined,
    requestId: string,
    meta: { idempotencyKey: string | null; replayed: boolean },
  ): Promise<Response> {
    meta.idempotencyKey = req.method.toUpperCase() === "POST"
      ? req.headers.get("idempotency-key")
      : null;
    if (fault?.kind === "timeout") return await hang(req);
    if (fault?.kind === "slow") await new Promise((r) => setTimeout(r, fault.delay_ms));
    const retryHeader: Record<string, string> = fault?.should_retry === undefined
      ? {}
      : { "stripe-should-retry": String(fault.should_retry) };
    if (fault?.kind === "429") {
      return stripeErrorResponse(
        new StripeApiError(429, {
          type: "invalid_request_error",
          code: "rate_limit",
          message:
            "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
        }, retryHeader),
      );
    }
    if (fault?.kind === "500") {
      return stripeErrorResponse(
        new StripeApiError(500, {
          type: "api_error",
          message:
            `An unknown error occurred. Please contact us at https://support.stripe.com/contact if the problem persists (request ${requestId}).`,
        }, retryHeader),
      );
    }
    const authError = authenticate(req);
    if (authError) return stripeErrorResponse(authError);

    const method = req.method.toUpperCase();
    const matching = routes.filter(([, pattern]) => pattern.test(url.pathname));
    const route = matching.find(([m]) => m === method);
    if (!route) {
      return stripeErrorResponse(
        new StripeApiError(404, {
          type: "invalid_request_error",
          message:
            `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
        }),
      );
    }

    let params: Json;
    if (method === "POST") {
      const type = req.headers.get("content-type") ?? "";
      const text = await req.text();
      if (text && !type.startsWith("application/x-www-form-urlencoded")) {
        return stripeErrorResponse(invalid(
          `Invalid request: the body must be application/x-www-form-urlencoded (got ${
            type || "none"
          }).`,
        ));
      }
      params = decodeStripeForm(new URLSearchParams(text));
    } else {
      params = decodeStripeForm(url.searchParams);
    }

    // Idempotency-Key: POST only (Stripe ignores it on GET and DELETE).
    const key = meta.idempotencyKey;
    let fingerprint = "";
    if (key) {
      if (key.length > 255) {
        return stripeErrorResponse(
          invalid(
            "Idempotency-Key can be at most 255 characters long.",
            undefined,
            "idempotency_key_in_use",
          ),
        );
      }
      fingerprint = `${method} ${url.pathname} ${canonical(params)}`;
      const t = state.now();
      for (const [k, r] of state.idempotency) if (r.at < t - DAY) state.idempotency.delete(k);
      const stored = state.idempotency.get(key);
      if (stored) {
        if (stored.fingerprint !== fingerprint) {
          return stripeErrorResponse(
            new StripeApiError(400, {
              type: "idempotency_error",
              message:
                `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            }),
          );
        }
        meta.replayed = true;
        return new Response(stored.body, {
          status: stored.status,
          headers: {
            "content-type": "application/json",
            "idempotent-replayed": "true",
            "original-request": stored.requestId,
          },
        });
      }
      if (inProgress.has(key)) {
        return stripeErrorResponse(
          new StripeApiError(409, {
            type: "idempotency_error",
            code: "idempotency_key_in_use",
            message:
              "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): " +
              `${key}. Please try again later.`,
          }),
        );
      }
      inProgress.add(key);
    }
    try {
      const result = await route[2]({
        params,
        match: route[1].exec(url.pathname)!,
        cause: { requestId, idempotencyKey: key },
      });
      const body = JSON.stringify(result, null, 2);
      if (key) {
        state.idempotency.set(key, { fingerprint, status: 200, body, requestId, at: state.now() });
      }
      if (fault?.kind === "malformed") {
        return new Response(body.slice(0, Math.max(1, Math.floor(body.length / 2))), {
          headers: { "content-type": "application/json" },
        });
      }
      return new Response(body, { headers: { "content-type": "application/json" } });
    } finally {
      if (key) inProgress.delete(key);
    }
  }

  // --- pages --------------------------------------------------------------------------------

  const formOf = async (req: Request) => new URLSearchParams(await req.text());
  const redirect = (location: string) => new Response(null, { status: 303, headers: { location } });

  function linesTable(items: { name: string; detail: string; amount: string }[], total?: string) {
    return `<table>${
      items.map((i) =>
        `<tr><td>${esc(i.name)}<br><small>${esc(i.detail)}</small></td><td class="amount">${
          esc(i.amount)
        }</td></tr>`
      ).join("")
    }${
      total
        ? `<tr><td><strong>Total due today</strong></td><td class="amount"><strong>${
          esc(total)
        }</strong></td></tr>`
        : ""
    }</table>`;
  }

  async function pages(req: Request, url: URL): Promise<Response | null> {
    const path = url.pathname;
    let m: RegExpExecArray | null;
    if ((m = /^\/checkout\/([^/]+)$/.exec(path)) && req.method === "GET") {
      const s = state.checkoutSessions.get(m[1]);
      if (!s) {
        return page(
          "Not found",
          "<h1>Something went wrong</h1><p>The page you were looking for could not be found.</p>",
          404,
        );
      }
      if (s.status !== "open") {
        return page(
          "Done",
          `<h1>You're all done here</h1><p>This Checkout Session is ${esc(s.status)}.</p>`,
          410,
        );
      }
      const extras = state.checkoutExtras.get(s.id)!;
      const trialDays = extras.subscriptionData.trial_period_days;
      const customer = s.customer ? state.customers.get(s.customer) : null;
      const items = extras.lineItems.map((li) => ({
        name: li.description,
        detail: li.price.recurring.usage_type === "metered"
          ? `Billed by usage, ${money(li.price.unit_amount, li.currency)} per unit`
          : `Qty ${li.quantity}, billed ${li.price.recurring.interval}ly`,
        amount: li.price.recurring.usage_type === "metered"
          ? "—"
          : money(li.amount_total, li.currency),
      }));
      return page(
        "Checkout",
        `<h1>Subscribe</h1>
${trialDays ? `<p>${trialDays}-day free trial</p>` : ""}
${linesTable(items, money(s.amount_total, s.currency))}
<form method="post" action="/checkout/${esc(s.id)}/complete">
${
          customer
            ? `<p>Paying as ${esc(customer.email ?? customer.id)}</p>`
            : `<label>Email <input type="email" name="email" value="${
              esc(s.customer_email ?? "")
            }" required></label>
<label>Name <input type="text" name="name"></label>`
        }
<p><small>Card 4242 4242 4242 4242 (the stand-in charges nothing)</small></p>
<button type="submit">${trialDays ? "Start trial" : "Pay"}</button>
</form>
${s.cancel_url ? `<p><a href="${esc(s.cancel_url)}">← Back</a></p>` : ""}`,
      );
    }
    if ((m = /^\/checkout\/([^/]+)\/complete$/.exec(path)) && req.method === "POST") {
      const s = state.checkoutSessions.get(m[1]);
      if (!s) return page("Not found", "<h1>Something went wrong</h1>", 404);
      try {
        completeCheckout(s, await formOf(req));
      } catch (e) {
        if (e instanceof SandboxError) {
          return page(
            "Checkout",
            `<h1>Payment not completed</h1><p>${esc(e.message)}</p>`,
            e.status,
          );
        }
        throw e;
      }
      return s.success_url
        ? redirect(s.success_url.replaceAll("{CHECKOUT_SESSION_ID}", s.id))
        : page("Done", "<h1>Thanks for your order</h1>");
    }
    if ((m = /^\/portal\/([^/]+)(?:\/(update|cancel))?$/.exec(path))) {
      const ps = state.portalSessions.get(m[1]);
      if (!ps) return page("Not found", "<h1>Something went wrong</h1>", 404);
      if (m[2] && req.method === "POST") {
        const form = await formOf(req);
        const sub = state.subscriptions.get(form.get("subscription") ?? "");
        if (!sub || sub.customer !== ps.customer) {
          return page("Portal", "<h1>Subscription not found</h1>", 404);
        }
        try {
          if (m[2] === "update") {
            const item = sub.items.data.find((i: Json) =>
              i.price.recurring.usage_type !== "metered"
            );
            if (!item) throw invalid("This subscription has no plan to change.");
            const itemParams: Json = { id: item.id };
            if (form.get("price")) itemParams.price = form.get("price");
            if (form.get("quantity")) itemParams.quantity = form.get("quantity");
            updateSubscription(sub, {
              items: [itemParams],
              proration_behavior: "create_prorations",
            }, AUTOMATIC);
          } else if (form.get("mode") === "immediately") {
            cancelSubscription(sub, {}, AUTOMATIC);
          } else if (form.get("mode") === "renew") {
            updateSubscription(sub, { cancel_at_period_end: "false" }, AUTOMATIC);
          } else {
            updateSubscription(sub, { cancel_at_period_end: "true" }, AUTOMATIC);
          }
        } catch (e) {
          if (e instanceof StripeApiError) {
            return page("Portal", `<h1>Could not update</h1><p>${esc(e.message)}</p>`, 400);
          }
          throw e;
        }
        return redirect(`/portal/${ps.id}?updated=1`);
      }
      if (req.method !== "GET") return null;
      const customer = state.customers.get(ps.customer);
      const subs = [...state.subscriptions.values()].filter((s) =>
        s.customer === ps.customer && s.status !== "canceled"
      );
      const plans = [...state.prices.values()].filter((p) =>
        p.active && p.type === "recurring" && p.recurring.usage_type === "licensed"
      );
      const section = (s: Json) => {
        const item = s.items.data.find((i: Json) => i.price.recurring.usage_type !== "metered");
        const renews = new Date(s.current_period_end * 1000).toISOString().slice(0, 10);
        return `<fieldset><legend>${esc(s.id)} · ${esc(s.status)}</legend>
<p>${
          s.cancel_at
            ? `Cancels on ${esc(new Date(s.cancel_at * 1000).toISOString().slice(0, 10))}`
            : `Renews on ${esc(renews)}`
        }</p>
${
          item
            ? `<form method="post" action="/portal/${esc(ps.id)}/update">
<input type="hidden" name="subscription" value="${esc(s.id)}">
<label>Plan <select name="price">${
              plans.filter((p) => p.currency === s.currency).map((p) =>
                `<option value="${esc(p.id)}"${p.id === item.price.id ? " selected" : ""}>${
                  esc(state.products.get(p.product)?.name ?? p.id)
                } — ${esc(money(p.unit_amount, p.currency))} / ${
                  esc(p.recurring.interval)
                }</option>`
              ).join("")
            }</select></label>
<label>Seats <input type="number" name="quantity" min="1" value="${esc(item.quantity)}"></label>
<button type="submit">Update plan</button></form>`
            : ""
        }
<form method="post" action="/portal/${esc(ps.id)}/cancel">
<input type="hidden" name="subscription" value="${esc(s.id)}">
${
          s.cancel_at_period_end
            ? `<input type="hidden" name="mode" value="renew"><button type="submit" class="secondary">Renew plan</button>`
            : `<label><input type="radio" name="mode" value="at_period_end" checked> At the end of the period</label>
<label><input type="radio" name="mode" value="immediately"> Immediately</label>
<button type="submit" class="secondary">Cancel plan</button>`
        }
</form></fieldset>`;
      };
      return page(
        "Billing portal",
        `<h1>Billing</h1><p>${esc(customer?.email ?? ps.customer)}</p>
${url.searchParams.get("updated") ? "<p><strong>Your plan was updated.</strong></p>" : ""}
${subs.length ? subs.map(section).join("") : "<p>No active subscriptions.</p>"}
${ps.return_url ? `<p><a href="${esc(ps.return_url)}">← Return</a></p>` : ""}`,
      );
    }
    if ((m = /^\/invoices\/([^/]+)(?:\/(pay|pdf))?$/.exec(path))) {
      const inv = state.invoices.get(m[1]);
      if (!inv) return page("Not found", "<h1>Invoice not found</h1>", 404);
      if (m[2] === "pay" && req.method === "POST") {
        if (inv.status === "open") state.payInvoice(inv, AUTOMATIC);
        return redirect(`/invoices/${inv.id}`);
      }
      if (req.method !== "GET") return null;
      return page(
        `Invoice ${inv.number}`,
        `<h1>Invoice ${esc(inv.number)}</h1><p>Status: <strong>${esc(inv.status)}</strong></p>
${
          linesTable(
            inv.lines.data.map((l: Json) => ({
              name: l.description,
              detail: "",
              amount: money(l.amount, l.currency),
            })),
            money(inv.amount_due, inv.currency),
          )
        }
${
          inv.status === "open"
            ? `<form method="post" action="/invoices/${
              esc(inv.id)
            }/pay"><button type="submit">Pay</button></form>`
            : ""
        }`,
      );
    }
    return null;
  }

  // --- control API ----------------------------------------------------------------------------

  async function control(req: Request, url: URL): Promise<Response> {
    const path = url.pathname.replace(/^\/_sandbox/, "") || "/";
    const q = url.searchParams;
    const body = async () => {
      const text = await req.text();
      if (!text.trim()) return {};
      try {
        return JSON.parse(text);
      } catch {
        throw new SandboxError(400, "invalid_json", "the body must be JSON");
      }
    };
    const route = `${req.method} ${path}`;
    const noContent = () => new Response(null, { status: 204 });
    let m: RegExpExecArray | null;
    if (route === "GET /" || route === "GET /help") return jsonResponse(CONTROL_HELP);
    if (route === "GET /health") {
      return jsonResponse({ ok: true, api_version: API_VERSION, livemode: false });
    }
    if (route === "POST /reset") {
      const b = parse(
        z.object({ catalog: z.enum(["default", "empty"]).default("default") }),
        await body(),
      );
      await webhooks.settle();
      state.reset();
      webhooks.reset();
      faults.clear();
      seedCatalog(b.catalog);
      return noContent();
    }
    if (route === "GET /state") {
      return jsonResponse({
        customers: [...state.customers.values()],
        products: [...state.products.values()],
        prices: [...state.prices.values()],
        meters: [...state.meters.values()],
        checkout_sessions: [...state.checkoutSessions.values()],
        billing_portal_sessions: [...state.portalSessions.values()],
        subscriptions: [...state.subscriptions.values()],
        invoices: [...state.invoices.values()],
        events: [...state.events.values()].map((e) => ({
          id: e.id,
          type: e.type,
          created: e.created,
        })),
        webhook_endpoints: [...webhooks.endpoints.values()],
        held: webhooks.held.map((h) => ({
          event_id: h.event.id,
          type: h.event.type,
          endpoint_id: h.endpoint.id,
        })),
        faults: faults.list(),
      });
    }
    if (route === "GET /catalog") {
      return jsonResponse({
        meters: [...state.meters.values()],
        products: [...state.products.values()],
        prices: [...state.prices.values()],
      });
    }
    if (route === "POST /catalog") return jsonResponse(state.loadCatalog(await body()), 201);
    if (route === "GET /clock" || route === "POST /clock") {
      if (req.method === "POST") {
        const b = parse(
          z.object({
            advance_seconds: z.number().int().min(0).optional(),
            offset_seconds: z.number().int().min(0).optional(),
          }),
          await body(),
        );
        if (b.offset_seconds !== undefined) state.clockOffset = b.offset_seconds;
        state.clockOffset += b.advance_seconds ?? 0;
      }
      return jsonResponse({ now: state.now(), offset_seconds: state.clockOffset });
    }
    if (route === "POST /meters") return jsonResponse(state.addMeter(await body()), 201);
    if (route === "POST /products") return jsonResponse(state.addProduct(await body()), 201);
    if (route === "POST /prices") return jsonResponse(state.addPrice(await body()), 201);
    if (route === "GET /usage") {
      const customer = q.get("customer");
      const meterParam = q.get("meter") ?? q.get("event_name");
      const meters = [...state.meters.values()].filter((mt) =>
        !meterParam || mt.id === meterParam || mt.event_name === meterParam
      );
      const customers = customer
        ? [customer]
        : [...new Set(state.meterEvents.map((r) => r.customer).filter((c): c is string => !!c))];
      const data = [];
      for (const mt of meters) {
        for (const c of customers) {
          const records = state.meterEvents.filter((r) =>
            !r.error && r.meter === mt.id && r.customer === c
          );
          if (!records.length && !customer) continue;
          data.push({
            customer: c,
            meter: mt.id,
            event_name: mt.event_name,
            formula: mt.default_aggregation.formula,
            aggregated_value: aggregate(mt, records),
            unbilled_value: state.unbilledUsage(c, mt.id).value,
            event_count: records.length,
          });
        }
      }
      return jsonResponse({ data });
    }
    if (route === "GET /meter_events") {
      const customer = q.get("customer");
      const eventName = q.get("event_name");
      return jsonResponse({
        data: state.meterEvents.filter((r) =>
          (!customer || r.customer === customer ||
            r.event.payload?.stripe_customer_id === customer) &&
          (!eventName || r.event.event_name === eventName)
        ),
      });
    }
    if (route === "POST /webhooks/endpoints") {
      return jsonResponse(webhooks.addEndpoint(await body()), 201);
    }
    if (route === "GET /webhooks/endpoints") {
      return jsonResponse({ data: [...webhooks.endpoints.values()] });
    }
    if ((m = /^DELETE \/webhooks\/endpoints\/(\S+)$/.exec(route))) {
      if (!webhooks.endpoints.delete(m[1])) {
        throw new SandboxError(404, "not_found", `no webhook endpoint ${m[1]}`);
      }
      return noContent();
    }
    if (route === "POST /webhooks/hold") {
      webhooks.hold();
      return jsonResponse({ holding: true });
    }
    if (route === "GET /webhooks/held") {
      return jsonResponse({
        holding: webhooks.holding,
        data: webhooks.held.map((h) => ({
          event_id: h.event.id,
          type: h.event.type,
          endpoint_id: h.endpoint.id,
        })),
      });
    }
    if (route === "POST /webhooks/release") {
      return jsonResponse({ delivered: await webhooks.release(await body()) });
    }
    if (route === "POST /webhooks/deliver") {
      return jsonResponse({ delivered: await webhooks.deliver(await body()) });
    }
    if (route === "POST /webhooks/retry") {
      const b = parse(z.object({ endpoint: z.string().optional() }), await body());
      return jsonResponse({ delivered: await webhooks.retryFailed(b.endpoint) });
    }
    if (route === "POST /webhooks/settle") {
      await webhooks.settle();
      return jsonResponse({ in_flight: 0, held: webhooks.held.length });
    }
    if ((m = /^POST \/events\/(evt_\w+)\/redeliver$/.exec(route))) {
      return jsonResponse({ delivered: await webhooks.redeliver(m[1], await body()) });
    }
    if (route === "GET /deliveries") {
      const ok = q.get("ok");
      return jsonResponse({
        data: webhooks.deliveries.filter((d) =>
          (!q.get("event") || d.event_id === q.get("event")) &&
          (!q.get("endpoint") || d.endpoint_id === q.get("endpoint")) &&
          (!q.get("type") || d.event_type === q.get("type")) &&
          (ok === null || String(d.ok) === ok)
        ),
      });
    }
    if (route === "DELETE /deliveries") {
      webhooks.deliveries.length = 0;
      return noContent();
    }
    if (route === "POST /events/trigger") return jsonResponse({ events: trigger(await body()) });
    if ((m = /^POST \/subscriptions\/(sub_\w+)\/advance$/.exec(route))) {
      const spec = parse(AdvanceSpec, await body());
      const sub = state.subscriptions.get(m[1]);
      if (!sub) throw new SandboxError(404, "not_found", `no subscription ${m[1]}`);
      const events: Json[] = [];
      for (let i = 0; i < spec.periods && sub.status !== "canceled"; i++) {
        events.push(...state.advance(sub, spec.outcome, AUTOMATIC));
      }
      const invoiceIds = new Set(
        events.filter((e) => e.data.object.object === "invoice").map((e) => e.data.object.id),
      );
      return jsonResponse({
        subscription: sub,
        invoices: [...invoiceIds].map((id) => state.invoices.get(id)),
        events,
      });
    }
    if (route === "GET /faults") return jsonResponse({ faults: faults.list() });
    if (route === "POST /faults") return jsonResponse(faults.add(await body()), 201);
    if (route === "DELETE /faults") {
      faults.clear();
      return noContent();
    }
    if ((m = /^DELETE \/faults\/(\S+)$/.exec(route))) {
      if (!faults.remove(m[1])) throw new SandboxError(404, "not_found", `no fault ${m[1]}`);
      return noContent();
    }
    if (route === "GET /requests") {
      const p = q.get("path");
      const limit = Number(q.get("limit") ?? 200);
      return jsonResponse({
        data: state.requests.filter((r) => !p || globToRegExp(p).test(r.path)).slice(-limit),
      });
    }
    if (route === "DELETE /requests") {
      state.requests.length = 0;
      return noContent();
    }
    throw new SandboxError(
      404,
      "not_found",
      `no control endpoint ${route} (GET /_sandbox lists them)`,
    );
  }

  function trigger(input: unknown): Json[] {
    const spec = parse(TriggerSpec, input);
    if (spec.object) return [state.emit(spec.type, spec.object, AUTOMATIC)];
    const sub = spec.subscription ? state.subscriptions.get(spec.subscription) : undefined;
    if (spec.subscription && !sub) {
      throw new SandboxError(404, "not_found", `no subscription ${spec.subscription}`);
    }
    const needSub = () => {
      if (!sub) {
        throw new SandboxError(400, "subscription_required", `${spec.type} needs a subscription`);
      }
      return sub;
    };
    switch (spec.type) {
      case "customer.subscription.trial_will_end": {
        const s = needSub();
        if (s.status !== "trialing" || !s.trial_end) {
          throw new SandboxError(400, "not_trialing", `subscription ${s.id} is not trialing`);
        }
        return [state.emit(spec.type, s, AUTOMATIC)];
      }
      case "invoice.payment_failed": {
        const s = needSub();
        const open = state.invoices.get(s.latest_invoice);
        if (open && open.status === "open") {
          state.markFailed(open);
          const events = [state.emit("invoice.payment_failed", open, AUTOMATIC)];
          if (s.status === "active") {
            const before = structuredClone(s);
            s.status = "past_due";
            const updated = state.changed(s, before, AUTOMATIC);
            if (updated) events.push(updated);
          }
          return events;
        }
        return state.advance(s, "failed", AUTOMATIC);
      }
      case "invoice.paid": {
        const s = needSub();
        const open = state.invoices.get(s.latest_invoice);
        return open && open.status === "open"
          ? state.payInvoice(open, AUTOMATIC)
          : state.advance(s, "paid", AUTOMATIC);
      }
      case "invoice.upcoming": {
        const s = needSub();
        const preview = {
          ...structuredClone(state.invoices.get(s.latest_invoice) ?? {}),
          id: null,
          object: "invoice",
          status: "draft",
          customer: s.customer,
          period_start: s.current_period_start,
          period_end: s.current_period_end,
          next_payment_attempt: s.current_period_end,
        };
        return [state.emit("invoice.upcoming", preview, AUTOMATIC)];
      }
      case "customer.subscription.updated": {
        const s = needSub();
        const patch = parse(
          z.object({
            status: z.enum([
              "active",
              "past_due",
              "unpaid",
              "canceled",
              "incomplete",
              "incomplete_expired",
              "trialing",
              "paused",
            ]).optional(),
            cancel_at_period_end: z.boolean().optional(),
            cancel_at: z.number().int().nullable().optional(),
            trial_end: z.number().int().nullable().optional(),
            metadata: Metadata.optional(),
          }).strict(),
          spec.patch ?? {},
        );
        const before = structuredClone(s);
        Object.assign(s, patch);
        if (patch.cancel_at_period_end !== undefined) {
          s.cancel_at = patch.cancel_at_period_end ? s.current_period_end : null;
          s.canceled_at = patch.cancel_at_period_end ? state.now() : null;
        }
        const updated = state.changed(s, before, AUTOMATIC);
        return updated ? [updated] : [];
      }
      case "customer.subscription.deleted": {
        const s = needSub();
        if (s.status === "canceled") {
          throw new SandboxError(400, "already_canceled", `${s.id} is canceled`);
        }
        return [state.cancelNow(s, AUTOMATIC)];
      }
      default: {
        if (!spec.object) {
          throw new SandboxError(
            400,
            "object_required",
            `no built-in trigger for ${spec.type}: pass the event's data.object as "object"`,
          );
        }
        return [state.emit(spec.type, spec.object, AUTOMATIC)];
      }
    }
  }

  // --- dispatch -----------------------------------------------------------------------------

  async function handler(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname === "/_sandbox" || url.pathname.startsWith("/_sandbox/")) {
      try {
        return await control(req, url);
      } catch (e) {
        if (e instanceof SandboxError) {
          return jsonResponse({ error: { code: e.code, message: e.message } }, e.status);
        }
        if (e instanceof StripeApiError) return stripeErrorResponse(e);
        console.error("stripe stand-in: control API failed:", e);
        return jsonResponse({ error: { code: "internal", message: String(e) } }, 500);
      }
    }
    const fault = faults.take(req.method, url.pathname);
    const requestId = newId("req_", 14);
    const meta = { idempotencyKey: null as string | null, replayed: false };
    let res: Response;
    try {
      if (url.pathname.startsWith("/v1/")) {
        res = await api(req, url, fault, requestId, meta);
      } else {
        if (fault?.kind === "timeout") res = await hang(req);
        else {
          if (fault?.kind === "slow") await new Promise((r) => setTimeout(r, fault.delay_ms));
          res = fault?.kind === "429" || fault?.kind === "500"
            ? page("Error", "<h1>Something went wrong</h1>", Number(fault.kind))
            : (await pages(req, url)) ?? page("Not found", "<h1>Not found</h1>", 404);
        }
      }
    } catch (e) {
      if (e instanceof StripeApiError) res = stripeErrorResponse(e);
      else {
        console.error("stripe stand-in: request failed:", e);
        res = stripeErrorResponse(
          new StripeApiError(500, { type: "api_error", message: "An unknown error occurred" }),
        );
      }
    }
    if (url.pathname.startsWith("/v1/")) {
      res.headers.set("request-id", requestId);
      res.headers.set("stripe-version", req.headers.get("stripe-version") ?? API_VERSION);
      if (meta.idempotencyKey) res.headers.set("idempotency-key", meta.idempotencyKey);
      res.headers.set("access-control-allow-origin", "*");
    }
    state.log({
      at: new Date().toISOString(),
      method: req.method,
      path: url.pathname,
      query: url.search,
      status: res.status,
      request_id: requestId,
      idempotency_key: meta.idempotencyKey,
      replayed: meta.replayed,
      fault: fault?.kind ?? null,
    });
    return res;
  }

  const server = Deno.serve({ port: opts.port, hostname, onListen: () => {} }, handler);
  const url = `http://${hostname === "0.0.0.0" ? "127.0.0.1" : hostname}:${server.addr.port}`;
  state.publicUrl = (opts.publicUrl ?? url).replace(/\/+$/, "");
  seedCatalog(opts.catalog);
  for (const e of opts.endpoints ?? []) webhooks.addEndpoint(e);

  return {
    url,
    state,
    faults,
    webhooks,
    async close() {
      for (const release of [...hanging]) release();
      await webhooks.close();
      await server.shutdown();
    },
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      port: { type: "string" },
      hostname: { type: "string" },
      "public-url": { type: "string" },
      webhook: { type: "string", multiple: true },
      catalog: { type: "string" },
    },
  });
  const webhookSecret = Deno.env.get("STRIPE_WEBHOOK_SECRET") || DEFAULT_WEBHOOK_SECRET;
  const standIn = startStripeStandIn({
    port: Number(values.port ?? Deno.env.get("STRIPE_STAND_IN_PORT") ?? 0),
    hostname: values.hostname,
    publicUrl: values["public-url"],
    secretKey: Deno.env.get("STRIPE_SECRET_KEY") || DEFAULT_SECRET_KEY,
    catalog: values.catalog === "empty" ? "empty" : "default",
    endpoints: (values.webhook ?? []).map((u) => ({ url: u, secret: webhookSecret })),
  });
  console.log(
    `Stripe stand-in listening: STRIPE_API_BASE_URL=${standIn.url} (control API ${standIn.url}/_sandbox)`,
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => standIn.close().finally(() => Deno.exit(0)));
  }
}

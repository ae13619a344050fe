// The Stripe stand-in's control-API inputs (catalog, endpoints, faults, delivery, triggers) and
// its records (endpoints, delivery attempts, meter events, the request log).
import { z } from "zod";
import { type FaultState, TransportFaultSpec } from "../kernel/faults.ts";
import type { RequestEntry } from "../kernel/server.ts";
import type { Json } from "./params.ts";

export const Metadata = z.record(z.string(), z.string());

export const MeterSpec = z.object({
  id: z.string().regex(/^mtr_\w+$/).optional(),
  event_name: z.string().min(1).max(100),
  display_name: z.string().optional(),
  formula: z.enum(["sum", "count", "last"]).default("sum"),
  customer_payload_key: z.string().default("stripe_customer_id"),
  value_payload_key: z.string().default("value"),
});

export const ProductSpec = z.object({
  id: z.string().regex(/^prod_\w+$/).optional(),
  name: z.string().min(1),
  description: z.string().nullable().default(null),
  metadata: Metadata.default({}),
  active: z.boolean().default(true),
});

export const PriceSpec = z.object({
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

export const CatalogSpec = z.object({
  meters: z.array(MeterSpec).default([]),
  products: z.array(ProductSpec).default([]),
  prices: z.array(PriceSpec).default([]),
});

export const EndpointSpec = z.object({
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

export const FaultSpec = TransportFaultSpec.extend({
  /** Send `Stripe-Should-Retry: true|false` with the 429/500 (the SDK obeys it). */
  should_retry: z.boolean().optional(),
});

export const ReleaseSpec = z.object({
  order: z.enum(["fifo", "reverse", "shuffle"]).default("fifo"),
  /** Seed for `shuffle`, for a reproducible order. */
  seed: z.number().int().optional(),
  /** Keep holding new events after releasing the held ones. */
  keep_holding: z.boolean().default(false),
});

export const DeliverSpec = z.object({
  /** Event ids, delivered in exactly this order (repeats allowed). */
  events: z.array(z.string()).min(1),
  /** One endpoint id; every enabled endpoint the event matches when omitted. */
  endpoint: z.string().optional(),
});

export const RedeliverSpec = z.object({
  endpoint: z.string().optional(),
  times: z.number().int().min(1).max(20).default(1),
});

export const AdvanceSpec = z.object({
  /** How the renewal invoice's payment goes. */
  outcome: z.enum(["paid", "failed"]).default("paid"),
  periods: z.number().int().min(1).max(24).default(1),
});

export const TriggerSpec = z.object({
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
export type Fault = z.output<typeof FaultSpec> & FaultState;

/** A per-seat monthly plan of the default catalog: its price, product and lookup_key named after `key`. */
const seatPlan = (key: string, name: string, unitAmount: number): PriceSpec => ({
  id: `price_${key}_monthly`,
  product: { id: `prod_${key}`, name },
  unit_amount: unitAmount,
  recurring: { interval: "month" },
  lookup_key: `${key}_monthly`,
  nickname: `${name} (monthly, per seat)`,
});

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
    seatPlan("starter", "Starter", 2900),
    seatPlan("pro", "Pro", 7900),
    seatPlan("business", "Business", 19900),
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

export interface RequestLogEntry extends RequestEntry {
  request_id: string;
  idempotency_key: string | null;
  replayed: boolean;
  fault: Fault["kind"] | null;
}

export interface IdempotentResult {
  fingerprint: string;
  status: number;
  body: string;
  requestId: string;
  at: number;
}

/** Who caused an event: an API request (its id and idempotency key) or nobody (automatic). */
export interface Cause {
  requestId: string | null;
  idempotencyKey: string | null;
}
export const AUTOMATIC: Cause = { requestId: null, idempotencyKey: null };

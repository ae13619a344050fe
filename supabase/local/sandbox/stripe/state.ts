// Everything the stand-in's Stripe account holds, as Stripe's JSON, and the changes several
// resources share (events, customers, subscription periods, renewals, paying invoices). The
// catalog and invoices are built in their own modules; the methods here are entry points.
import { SandboxError } from "../kernel/control.ts";
import { clearAll, logCapped } from "../kernel/server.ts";
import { addMeter, addPrice, addProduct, loadCatalog } from "./catalog.ts";
import { createInvoice, type InvoiceOptions } from "./invoices.ts";
import { aggregate, planOf, previousAttributes } from "./lists.ts";
import {
  addInterval,
  API_VERSION,
  DAY,
  invalid,
  type Json,
  metadataParam,
  newId,
  noSuch,
  now,
  randomChars,
  str,
  stringList,
} from "./params.ts";
import type {
  CatalogSpec,
  Cause,
  IdempotentResult,
  MeterEventRecord,
  MeterSpec,
  PriceSpec,
  ProductSpec,
  RequestLogEntry,
} from "./specs.ts";

export interface CheckoutExtras {
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
  /** The next invoice's number (per account, as the stand-in keeps it simple). */
  invoiceNumber = 1;

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
    clearAll(
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
    );
    this.meterEvents.length = 0;
    this.requests.length = 0;
    this
      /** The next invoice's number (per account, as the stand-in keeps it simple). */
      .invoiceNumber = 1;
    this.clockOffset = 0;
  }

  log(entry: RequestLogEntry): void {
    logCapped(this.requests, entry, 1000);
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

  addMeter(input: MeterSpec): Json {
    return addMeter(this, input);
  }

  addProduct(input: ProductSpec): Json {
    return addProduct(this, input);
  }

  addPrice(input: PriceSpec): Json {
    return addPrice(this, input);
  }

  loadCatalog(input: CatalogSpec): { meters: Json[]; products: Json[]; prices: Json[] } {
    return loadCatalog(this, input);
  }

  createInvoice(sub: Json, opts: InvoiceOptions): Json {
    return createInvoice(this, sub, opts);
  }
}

// Invoices: built for a subscription's period (licensed lines in advance, metered usage in
// arrears, prorations), read and paid through /v1/invoices.
import { createdMatches, listed, money, respond, type StripeRoute } from "./lists.ts";
import { type Json, newId, noSuch, str } from "./params.ts";
import type { StripeState } from "./state.ts";

export interface InvoiceOptions {
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
}

export function createInvoice(state: StripeState, sub: Json, opts: InvoiceOptions): Json {
  const customer = state.customers.get(sub.customer) ?? {};
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
      const name = state.products.get(price.product)?.name ?? price.product;
      if (price.recurring?.usage_type === "metered") {
        const usage = opts.chargeUsage && price.recurring.meter
          ? state.unbilledUsage(sub.customer, price.recurring.meter)
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
  const t = state.now();
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
    hosted_invoice_url: `${state.publicUrl}/invoices/${id}`,
    invoice_pdf: `${state.publicUrl}/invoices/${id}/pdf`,
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
      String(state.invoiceNumber++).padStart(4, "0")
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
  state.invoices.set(id, invoice);
  sub.latest_invoice = id;
  return invoice;
}

export function invoiceRoutes(state: StripeState): StripeRoute[] {
  return [
    ["GET", /^\/v1\/invoices$/, ({ params }) => {
      const customer = str(params, "customer");
      const subscription = str(params, "subscription");
      const status = str(params, "status");
      const keep = (i: Json) =>
        (!customer || i.customer === customer) &&
        (!subscription || i.parent?.subscription_details?.subscription === subscription) &&
        (!status || i.status === status) && createdMatches(i.created, params);
      return listed(state, "/v1/invoices", state.invoices, keep, params);
    }],
    ["GET", /^\/v1\/invoices\/([^/]+)$/, ({ params, match }) => {
      const i = state.invoices.get(match[1]);
      if (!i) throw noSuch("invoice", match[1]);
      return respond(state, i, params);
    }],
    ["POST", /^\/v1\/invoices\/([^/]+)\/pay$/, ({ params, match, cause }) => {
      const i = state.invoices.get(match[1]);
      if (!i) throw noSuch("invoice", match[1]);
      state.payInvoice(i, cause);
      return respond(state, i, params);
    }],
  ];
}

// Checkout Sessions (mode=subscription) and their completion from the hosted page, and Billing
// Portal sessions.
import { SandboxError } from "../kernel/control.ts";
import { getPrice } from "./catalog.ts";
import {
  checkoutLineItems,
  createdMatches,
  listed,
  respond,
  respondList,
  type StripeRoute,
} from "./lists.ts";
import {
  allowParams,
  bool,
  DAY,
  int,
  invalid,
  type Json,
  metadataParam,
  missingParam,
  newId,
  noSuch,
  requiredStr,
  str,
  stringList,
} from "./params.ts";
import { AUTOMATIC } from "./specs.ts";
import type { StripeState } from "./state.ts";

export function createCheckout(state: StripeState, params: Json): Json {
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
  const mode = requiredStr(params, "mode");
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
    const price = getPrice(state, priceId, `${p}[price]`);
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

/** The hosted page's Pay: the customer, the subscription and its first invoice, and the events. */
export function completeCheckout(state: StripeState, session: Json, form: URLSearchParams): Json[] {
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

export function checkoutRoutes(state: StripeState): StripeRoute[] {
  return [
    [
      "POST",
      /^\/v1\/checkout\/sessions$/,
      ({ params }) => respond(state, createCheckout(state, params), params),
    ],
    ["GET", /^\/v1\/checkout\/sessions$/, ({ params }) => {
      const customer = str(params, "customer");
      const subscription = str(params, "subscription");
      const status = str(params, "status");
      const keep = (s: Json) =>
        (!customer || s.customer === customer) &&
        (!subscription || s.subscription === subscription) &&
        (!status || s.status === status) && createdMatches(s.created, params);
      return listed(state, "/v1/checkout/sessions", state.checkoutSessions, keep, params);
    }],
    ["GET", /^\/v1\/checkout\/sessions\/([^/]+)$/, ({ params, match }) => {
      const s = state.checkoutSessions.get(match[1]);
      if (!s) throw noSuch("checkout.session", match[1], "session");
      return respond(state, s, params);
    }],
    ["GET", /^\/v1\/checkout\/sessions\/([^/]+)\/line_items$/, ({ params, match }) => {
      if (!state.checkoutSessions.has(match[1])) {
        throw noSuch("checkout.session", match[1], "session");
      }
      return respondList(state, checkoutLineItems(state, match[1], params), params);
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
      return respond(state, s, params);
    }],

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
      const customer = requiredStr(params, "customer");
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
      return respond(state, session, params);
    }],
  ];
}

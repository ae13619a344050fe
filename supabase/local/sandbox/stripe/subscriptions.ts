// Subscriptions: retrieve, list, update (items, prorations, cancel at period end, trials) and
// cancel; subscription items.
import { getPrice } from "./catalog.ts";
import {
  createdMatches,
  listed,
  listOf,
  planOf,
  respond,
  respondList,
  type StripeRoute,
} from "./lists.ts";
import {
  addInterval,
  allowParams,
  bool,
  int,
  invalid,
  type Json,
  metadataParam,
  missingParam,
  noSuch,
  oneOf,
  str,
} from "./params.ts";
import type { Cause } from "./specs.ts";
import type { StripeState } from "./state.ts";

export function liveSubscription(state: StripeState, id: string): Json {
  const sub = state.subscriptions.get(id);
  if (!sub) throw noSuch("subscription", id);
  return sub;
}

/** POST /v1/subscriptions/{id} (and the portal's plan/quantity/cancel changes). */
export function updateSubscription(
  state: StripeState,
  sub: Json,
  params: Json,
  cause: Cause,
): Json {
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
      const price = priceId ? getPrice(state, priceId, `${p}[price]`) : item?.price;
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
            description: `${amount > 0 ? "Remaining" : "Unused"} time on ${item.quantity ?? 0} × ${
              state.products.get(price.product)?.name ?? price.product
            } after ${new Date(t * 1000).toISOString().slice(0, 10)}`,
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
  /** An invoice for this update, charged now for the period that runs from here. */
  const updateInvoice = (proration?: typeof prorationLines) =>
    state.createInvoice(sub, {
      reason: "subscription_update",
      periodStart: t,
      periodEnd: t,
      linePeriod: { start: t, end: sub.current_period_end },
      chargeLicensed: true,
      chargeUsage: false,
      ...(proration ? { proration } : {}),
    });
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
        invoice = updateInvoice();
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
    invoice = updateInvoice(prorationLines);
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

export function cancelSubscription(
  state: StripeState,
  sub: Json,
  params: Json,
  cause: Cause,
): Json {
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

export function subscriptionRoutes(state: StripeState): StripeRoute[] {
  return [
    ["GET", /^\/v1\/subscriptions$/, ({ params }) => {
      const customer = str(params, "customer");
      const price = str(params, "price");
      const status = str(params, "status");
      const keep = (s: Json) =>
        (!customer || s.customer === customer) &&
        (!price || s.items.data.some((i: Json) => i.price.id === price)) &&
        (status === "all" ||
          (status
            ? s.status === status
            : !["canceled", "incomplete_expired"].includes(s.status))) &&
        createdMatches(s.created, params);
      return listed(state, "/v1/subscriptions", state.subscriptions, keep, params);
    }],
    [
      "GET",
      /^\/v1\/subscriptions\/([^/]+)$/,
      ({ params, match }) => respond(state, liveSubscription(state, match[1]), params),
    ],
    [
      "POST",
      /^\/v1\/subscriptions\/([^/]+)$/,
      ({ params, match, cause }) =>
        respond(
          state,
          updateSubscription(state, liveSubscription(state, match[1]), params, cause),
          params,
        ),
    ],
    [
      "DELETE",
      /^\/v1\/subscriptions\/([^/]+)$/,
      ({ params, match, cause }) =>
        respond(
          state,
          cancelSubscription(state, liveSubscription(state, match[1]), params, cause),
          params,
        ),
    ],
    ["GET", /^\/v1\/subscription_items$/, ({ params }) => {
      const subId = str(params, "subscription");
      if (!subId) throw missingParam("subscription");
      const sub = liveSubscription(state, subId);
      return respondList(state, listOf(`/v1/subscription_items`, sub.items.data, params), params);
    }],
  ];
}

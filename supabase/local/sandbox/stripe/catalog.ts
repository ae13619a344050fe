// The catalog: billing meters, products and prices — seeded through the control API (specs) or
// created through /v1/products, /v1/prices and /v1/billing/meters.
import { parse, SandboxError } from "../kernel/control.ts";
import { listed, respond, type StripeRoute } from "./lists.ts";
import {
  allowParams,
  bool,
  int,
  invalid,
  type Json,
  metadataParam,
  missingParam,
  newId,
  noSuch,
  oneOf,
  requiredInt,
  requiredStr,
  str,
  stringList,
} from "./params.ts";
import { CatalogSpec, MeterSpec, PriceSpec, ProductSpec } from "./specs.ts";
import type { StripeState } from "./state.ts";

export function addMeter(state: StripeState, input: MeterSpec): Json {
  const spec = parse(MeterSpec, input);
  const id = spec.id ?? newId("mtr_test_");
  const clash = [...state.meters.values()].find((m) =>
    m.event_name === spec.event_name && m.id !== id && m.status === "active"
  );
  if (clash) {
    throw new SandboxError(
      400,
      "event_name_taken",
      `meter ${clash.id} already uses event_name ${spec.event_name}`,
    );
  }
  const t = state.now();
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
  state.meters.set(id, meter);
  return meter;
}

export function addProduct(state: StripeState, input: ProductSpec): Json {
  const spec = parse(ProductSpec, input);
  const id = spec.id ?? newId("prod_", 14);
  const t = state.now();
  const product: Json = {
    id,
    object: "product",
    active: spec.active,
    created: state.products.get(id)?.created ?? t,
    default_price: state.products.get(id)?.default_price ?? null,
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
  state.products.set(id, product);
  return product;
}

export function addPrice(state: StripeState, input: PriceSpec): Json {
  const spec = parse(PriceSpec, input);
  let product: Json | undefined;
  if (typeof spec.product === "string") {
    product = state.products.get(spec.product);
    if (!product) {
      throw new SandboxError(400, "no_such_product", `no product ${spec.product}`);
    }
  } else {
    product = addProduct(state, spec.product);
  }
  let meterId: string | null = null;
  if (spec.recurring?.meter !== undefined) {
    const m = spec.recurring.meter;
    const meter = typeof m === "string"
      ? state.meters.get(m) ?? [...state.meters.values()].find((x) => x.event_name === m)
      : addMeter(state, m);
    if (!meter) throw new SandboxError(400, "no_such_meter", `no meter ${m}`);
    meterId = meter.id;
  }
  if (spec.lookup_key) {
    const holder = [...state.prices.values()].find((p) =>
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
    created: state.now(),
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
  state.prices.set(id, price);
  if (!product.default_price) product.default_price = id;
  return price;
}

export function loadCatalog(
  state: StripeState,
  input: CatalogSpec,
): { meters: Json[]; products: Json[]; prices: Json[] } {
  const spec = parse(CatalogSpec, input);
  return {
    meters: spec.meters.map((m) => addMeter(state, m)),
    products: spec.products.map((p) => addProduct(state, p)),
    prices: spec.prices.map((p) => addPrice(state, p)),
  };
}

export const getPrice = (state: StripeState, id: string, param: string) => {
  const price = state.prices.get(id);
  if (!price) throw noSuch("price", id, param);
  return price;
};

export function catalogRoutes(state: StripeState): StripeRoute[] {
  return [
    ["GET", /^\/v1\/products$/, ({ params }) => {
      const active = bool(params, "active");
      const ids = stringList(params, "ids");
      const keep = (p: Json) =>
        (active === undefined || p.active === active) && (!ids.length || ids.includes(p.id));
      return listed(state, "/v1/products", state.products, keep, params);
    }],
    ["GET", /^\/v1\/products\/([^/]+)$/, ({ params, match }) => {
      const p = state.products.get(match[1]);
      if (!p) throw noSuch("product", match[1]);
      return respond(state, p, params);
    }],
    ["POST", /^\/v1\/products$/, ({ params }) => {
      allowParams(params, ["id", "name", "description", "metadata", "active", "expand"]);
      const name = str(params, "name");
      if (!name) throw missingParam("name");
      if (params.id && state.products.has(params.id)) {
        throw invalid(`Product already exists.`, "id", "resource_already_exists");
      }
      return respond(
        state,
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
      const keep = (p: Json) =>
        (active === undefined || p.active === active) && (!product || p.product === product) &&
        (!type || p.type === type) && (!currency || p.currency === currency) &&
        (!lookupKeys.length || lookupKeys.includes(p.lookup_key)) &&
        (!rec.interval || p.recurring?.interval === rec.interval) &&
        (!rec.usage_type || p.recurring?.usage_type === rec.usage_type) &&
        (!rec.meter || p.recurring?.meter === rec.meter);
      return listed(state, "/v1/prices", state.prices, keep, params);
    }],
    [
      "GET",
      /^\/v1\/prices\/([^/]+)$/,
      ({ params, match }) => respond(state, getPrice(state, match[1], "id"), params),
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
      const currency = requiredStr(params, "currency");
      const unitAmount = requiredInt(params, "unit_amount");
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
          state,
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

    ["GET", /^\/v1\/billing\/meters$/, ({ params }) => {
      const status = str(params, "status");
      const keep = (m: Json) => !status || m.status === status;
      return listed(state, "/v1/billing/meters", state.meters, keep, params);
    }],
    ["GET", /^\/v1\/billing\/meters\/([^/]+)$/, ({ params, match }) => {
      const m = state.meters.get(match[1]);
      if (!m) throw noSuch("billing.meter", match[1]);
      return respond(state, m, params);
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
      const displayName = requiredStr(params, "display_name");
      const eventName = requiredStr(params, "event_name");
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
  ];
}

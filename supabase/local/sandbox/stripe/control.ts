// The Stripe stand-in's control API (see CONTROL_HELP).
import { z } from "zod";
import { parse, SandboxError } from "../kernel/control.ts";
import { globToRegExp } from "../kernel/glob.ts";
import { trigger } from "./events.ts";
import type { Faults } from "./faults.ts";
import { aggregate } from "./lists.ts";
import { API_VERSION, type Json, jsonResponse } from "./params.ts";
import { AdvanceSpec, AUTOMATIC } from "./specs.ts";
import type { StripeState } from "./state.ts";
import type { Webhooks } from "./webhooks.ts";

export interface ControlCtx {
  state: StripeState;
  webhooks: Webhooks;
  faults: Faults;
  seedCatalog(catalog: "default" | "empty"): void;
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

export async function stripeControl(ctx: ControlCtx, req: Request, url: URL): Promise<Response> {
  const { state, webhooks, faults, seedCatalog } = ctx;
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
  if (route === "POST /events/trigger") {
    return jsonResponse({ events: trigger(state, await body()) });
  }
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

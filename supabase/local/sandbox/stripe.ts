// Stripe stand-in: a local replacement for api.stripe.com (plus the hosted Checkout,
// Billing Portal and invoice pages) for tests and the demo.
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
//
// The modules under stripe/: one per resource (customers, catalog, meters, checkout,
// subscriptions, invoices, events), webhooks, pages, the control API, the API path, the server;
// the shared kernel under kernel/.
import { exitOnSignal, scriptArgs } from "./kernel/server.ts";
import { DEFAULT_SECRET_KEY, DEFAULT_WEBHOOK_SECRET } from "./stripe/params.ts";
import { startStripeStandIn } from "./stripe/server.ts";

export { SandboxError } from "./kernel/control.ts";
export { CONTROL_HELP } from "./stripe/control.ts";
export { parseSearchQuery } from "./stripe/customers.ts";
export { Faults } from "./stripe/faults.ts";
export {
  addInterval,
  API_VERSION,
  decodeStripeForm,
  DEFAULT_SECRET_KEY,
  DEFAULT_WEBHOOK_SECRET,
  newId,
  StripeApiError,
} from "./stripe/params.ts";
export {
  startStripeStandIn,
  type StripeStandIn,
  type StripeStandInOptions,
} from "./stripe/server.ts";
export {
  type CatalogSpec,
  DEFAULT_CATALOG,
  type DeliveryAttempt,
  type EndpointSpec,
  type Fault,
  type FaultSpec,
  type MeterEventRecord,
  type MeterSpec,
  type PriceSpec,
  type ProductSpec,
  type RequestLogEntry,
  type WebhookEndpoint,
} from "./stripe/specs.ts";
export { StripeState } from "./stripe/state.ts";
export { Webhooks } from "./stripe/webhooks.ts";

if (import.meta.main) {
  const { port, hostname, values } = scriptArgs("STRIPE_STAND_IN_PORT", {
    "public-url": { type: "string" },
    webhook: { type: "string", multiple: true },
    catalog: { type: "string" },
  });
  const webhookSecret = Deno.env.get("STRIPE_WEBHOOK_SECRET") || DEFAULT_WEBHOOK_SECRET;
  const standIn = startStripeStandIn({
    port,
    hostname,
    publicUrl: values["public-url"],
    secretKey: Deno.env.get("STRIPE_SECRET_KEY") || DEFAULT_SECRET_KEY,
    catalog: values.catalog === "empty" ? "empty" : "default",
    endpoints: (values.webhook ?? []).map((u) => ({ url: u, secret: webhookSecret })),
  });
  console.log(
    `Stripe stand-in listening: STRIPE_API_BASE_URL=${standIn.url} (control API ${standIn.url}/_sandbox)`,
  );
  exitOnSignal(standIn);
}

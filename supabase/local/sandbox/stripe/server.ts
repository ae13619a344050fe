// The Stripe stand-in's server: control API, API, hosted pages, and what every request gets.
import { control, type ControlRoute, isControl } from "../kernel/control.ts";
import { Hangs, sleep } from "../kernel/faults.ts";
import { listen, requestEntry } from "../kernel/server.ts";
import { stripeApi } from "./api.ts";
import { catalogRoutes } from "./catalog.ts";
import { checkoutRoutes } from "./checkout.ts";
import { stripeControl } from "./control.ts";
import { customerRoutes } from "./customers.ts";
import { eventRoutes } from "./events.ts";
import { Faults } from "./faults.ts";
import { invoiceRoutes } from "./invoices.ts";
import { meterRoutes } from "./meters.ts";
import { page, pages } from "./pages.ts";
import {
  API_VERSION,
  DEFAULT_SECRET_KEY,
  newId,
  StripeApiError,
  stripeErrorResponse,
} from "./params.ts";
import { type CatalogSpec, DEFAULT_CATALOG, type EndpointSpec } from "./specs.ts";
import { StripeState } from "./state.ts";
import { subscriptionRoutes } from "./subscriptions.ts";
import { Webhooks } from "./webhooks.ts";

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

/** Starts the stand-in; it listens as soon as this returns. */
export function startStripeStandIn(opts: StripeStandInOptions): StripeStandIn {
  const secretKey = opts.secretKey ?? DEFAULT_SECRET_KEY;
  if (!/^(sk|rk)_test_\S+$/.test(secretKey)) {
    throw new Error("the Stripe stand-in only accepts test-mode secret keys (sk_test_…)");
  }
  const faults = new Faults();
  const state = new StripeState();
  const webhooks = new Webhooks(state);
  state.onEvent = (event) => webhooks.dispatch(event);
  const hangs = new Hangs();
  const seedCatalog = (catalog: StripeStandInOptions["catalog"]) => {
    if (catalog === "empty") return;
    state.loadCatalog(catalog === undefined || catalog === "default" ? DEFAULT_CATALOG : catalog);
  };
  const routes = [
    ...customerRoutes(state),
    ...catalogRoutes(state),
    ...meterRoutes(state),
    ...checkoutRoutes(state),
    ...subscriptionRoutes(state),
    ...invoiceRoutes(state),
    ...eventRoutes(state),
  ];
  const apiCtx = { state, routes, secretKey, inProgress: new Set<string>(), hangs };
  const controlCtx = { state, webhooks, faults, seedCatalog };
  const controlRoutes: ControlRoute[] = [[
    /^/,
    (_m, req, url) => stripeControl(controlCtx, req, url),
  ]];

  async function handler(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (isControl(url)) {
      return await control(
        "stripe",
        controlRoutes,
        req,
        url,
        (e) => e instanceof StripeApiError ? stripeErrorResponse(e) : null,
      );
    }
    const fault = faults.take(req.method, url.pathname);
    const requestId = newId("req_", 14);
    const meta = { idempotencyKey: null as string | null, replayed: false };
    let res: Response;
    try {
      if (url.pathname.startsWith("/v1/")) {
        res = await stripeApi(apiCtx, req, url, fault, requestId, meta);
      } else {
        if (fault?.kind === "timeout") res = await hangs.hang(req);
        else {
          if (fault?.kind === "slow") await sleep(fault.delay_ms);
          res = fault?.kind === "429" || fault?.kind === "500"
            ? page("Error", "<h1>Something went wrong</h1>", Number(fault.kind))
            : (await pages(state, req, url)) ?? page("Not found", "<h1>Not found</h1>", 404);
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
      ...requestEntry(req, url, res.status),
      request_id: requestId,
      idempotency_key: meta.idempotencyKey,
      replayed: meta.replayed,
      fault: fault?.kind ?? null,
    });
    return res;
  }

  const { server, url } = listen(opts.port, opts.hostname ?? "127.0.0.1", handler);
  state.publicUrl = (opts.publicUrl ?? url).replace(/\/+$/, "");
  seedCatalog(opts.catalog);
  for (const e of opts.endpoints ?? []) webhooks.addEndpoint(e);

  return {
    url,
    state,
    faults,
    webhooks,
    async close() {
      hangs.releaseAll();
      await webhooks.close();
      await server.shutdown();
    },
  };
}

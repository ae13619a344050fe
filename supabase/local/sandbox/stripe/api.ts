// The API request path: faults, auth, routing, form decoding and Idempotency-Key.
import { type Hangs, sleep } from "../kernel/faults.ts";
import type { StripeRoute } from "./lists.ts";
import {
  canonical,
  DAY,
  decodeStripeForm,
  invalid,
  type Json,
  StripeApiError,
  stripeErrorResponse,
} from "./params.ts";
import type { Fault } from "./specs.ts";
import type { StripeState } from "./state.ts";

export interface ApiCtx {
  state: StripeState;
  routes: StripeRoute[];
  secretKey: string;
  /** Idempotency keys of requests under way. */
  inProgress: Set<string>;
  hangs: Hangs;
}

function authenticate(req: Request, secretKey: string): StripeApiError | null {
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

export async function stripeApi(
  ctx: ApiCtx,
  req: Request,
  url: URL,
  fault: Fault | undefined,
  requestId: string,
  meta: { idempotencyKey: string | null; replayed: boolean },
): Promise<Response> {
  const { state, routes, secretKey, inProgress, hangs } = ctx;
  meta.idempotencyKey = req.method.toUpperCase() === "POST"
    ? req.headers.get("idempotency-key")
    : null;
  if (fault?.kind === "timeout") return await hangs.hang(req);
  if (fault?.kind === "slow") await sleep(fault.delay_ms);
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
  const authError = authenticate(req, secretKey);
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

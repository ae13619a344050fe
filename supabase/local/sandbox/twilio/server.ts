// The Twilio stand-in's server: the control API, auth, faults and the REST routes.
import {
  control,
  type ControlRoute,
  isControl,
  readJson,
  sandboxError,
} from "../kernel/control.ts";
import { Hangs } from "../kernel/faults.ts";
import { basicAuth, json, noContent } from "../kernel/http.ts";
import { findRoute } from "../kernel/routing.ts";
import { listen, requestEntry } from "../kernel/server.ts";
import { callRoutes } from "./calls.ts";
import { faultAfter, faultBefore, Faults } from "./faults.ts";
import { notFound, sid, TwilioApiError, twilioError, type TwilioRoute } from "./format.ts";
import { numberRoutes } from "./numbers.ts";
import type { CallSpec, Fault } from "./specs.ts";
import { TwilioState } from "./state.ts";
import { transcriptRoutes } from "./transcripts.ts";
import { deliverWebhook } from "./webhooks.ts";

export interface TwilioStandInOptions {
  port: number;
  accountSid: string;
  authToken: string;
  /** Interface to bind; 127.0.0.1 by default. */
  hostname?: string;
}

export interface TwilioStandIn {
  /** Base URL: what TWILIO_API_BASE_URL should be set to. */
  url: string;
  close(): Promise<void>;
  state: TwilioState;
  faults: Faults;
}

/** Starts the stand-in; it listens as soon as this returns. */
export function startTwilioStandIn(opts: TwilioStandInOptions): TwilioStandIn {
  const faults = new Faults();
  const hangs = new Hangs();
  const state = new TwilioState(opts.accountSid);
  const routes: TwilioRoute[] = [
    ...numberRoutes(state),
    ...callRoutes(state),
    ...transcriptRoutes(state),
  ];
  const body = (req: Request) => readJson(req, false);

  const controlRoutes: ControlRoute[] = [
    ["GET /health", () => json({ ok: true, account_sid: opts.accountSid })],
    ["GET /state", () => json(state.snapshot(faults))],
    ["POST /reset", () => {
      state.reset();
      faults.clear();
      return noContent();
    }],
    ["POST /calls", async (_m, req) => json(state.registerCall(await body(req) as CallSpec), 201)],
    [
      /^POST \/transcripts\/(GT\w+)$/,
      async (m, req) => json(state.updateTranscript(m[1], await body(req))),
    ],
    ["GET /faults", () => json({ faults: faults.list() })],
    ["POST /faults", async (_m, req) => json(faults.add(await body(req) as Fault), 201)],
    ["DELETE /faults", () => {
      faults.clear();
      return noContent();
    }],
    [
      /^DELETE \/faults\/(\S+)$/,
      (m) => faults.remove(m[1]) ? noContent() : sandboxError(404, "not_found", `no fault ${m[1]}`),
    ],
    [
      "POST /webhooks",
      async (_m, req) =>
        json(await deliverWebhook(state, opts.authToken, await body(req) as never)),
    ],
  ];

  async function api(req: Request, url: URL, fault: Fault | undefined): Promise<Response> {
    const early = await faultBefore(fault, req, hangs);
    if (early) return early;
    const [user, password] = basicAuth(req) ?? [];
    if (user !== opts.accountSid || password !== opts.authToken) {
      return twilioError(401, 20003, "Authenticate", {
        "www-authenticate": 'Basic realm="Twilio API"',
      });
    }
    const account = /^\/2010-04-01\/Accounts\/([^/]+)/.exec(url.pathname)?.[1];
    if (account !== undefined && account !== opts.accountSid) {
      return twilioError(401, 20003, "Authenticate");
    }

    const route = findRoute(routes, req.method === "HEAD" ? "GET" : req.method, url.pathname);
    if (!route) return notFound(url.pathname);
    if (route === "method") return twilioError(405, 20004, "Method not allowed");
    return faultAfter(fault, await route.handler(route.match, req, url));
  }

  async function handler(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (isControl(url)) return await control("twilio", controlRoutes, req, url);
    const fault = faults.take(req.method, url.pathname);
    let res: Response;
    try {
      res = await api(req, url, fault);
    } catch (e) {
      if (!(e instanceof TwilioApiError)) console.error("twilio stand-in: request failed:", e);
      res = e instanceof TwilioApiError
        ? twilioError(e.status, e.code, e.message)
        : twilioError(500, 20500, "Internal Server Error");
    }
    res.headers.set("twilio-request-id", sid("RQ"));
    state.log({
      ...requestEntry(req, url, res.status),
      fault: fault?.kind ?? null,
    });
    return res;
  }

  const { server, url } = listen(opts.port, opts.hostname ?? "127.0.0.1", handler);
  state.baseUrl = url;
  return {
    url,
    state,
    faults,
    async close() {
      hangs.releaseAll();
      await server.shutdown();
    },
  };
}

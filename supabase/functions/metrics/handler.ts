// metrics: staff-only metrics in Prometheus text format, derived from
// Postgres (public.staff_metrics()). The token must carry the staff claim
// (is_platform_admin, from the access-token hook); SQL checks staff status
// again, live, under the caller's own JWT.
import type { Db } from "../_shared/clients.ts";
import { userClient } from "../_shared/clients.ts";
import { bearerClaims } from "../_shared/auth.ts";
import { dbErrorResponse } from "../_shared/errors.ts";
import { corsHeaders, handleCors, jsonError } from "../_shared/http.ts";
import { type Sample, toPrometheus } from "./prometheus.ts";

export interface Deps {
  db(req: Request): Db;
}

export function makeHandler(deps: Deps): (req: Request) => Promise<Response> {
  return async (req) => {
    const cors = handleCors(req);
    if (cors) return cors;
    if (req.method !== "GET") return jsonError(405, "method_not_allowed", "Use GET");
    const claims = bearerClaims(req);
    if (claims?.role !== "authenticated") return jsonError(401, "not_authenticated", "Sign in as SalesPulse staff");
    if (claims.is_platform_admin !== true) return jsonError(403, "forbidden", "Metrics are for SalesPulse staff");
    const { data, error } = await deps.db(req).rpc("staff_metrics");
    if (error) return dbErrorResponse(error);
    return new Response(toPrometheus((data ?? []) as unknown as Sample[]), {
      headers: { ...corsHeaders, "content-type": "text/plain; version=0.0.4; charset=utf-8" },
    });
  };
}

export function realDeps(): Deps {
  return { db: userClient };
}

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());

// health: a liveness probe for the Edge Functions runtime (JWT required).
// POST { probe?: string } echoes the probe back so callers — e.g. a pg_cron
// job through private.invoke_function — can prove the round trip.
import { z } from "zod";
import { handleCors, json, jsonError, readBody } from "../_shared/http.ts";

const Body = z.object({ probe: z.string().max(200).optional() }).strict();

export interface Deps {
  now(): Date;
}

export function makeHandler(deps: Deps): (req: Request) => Promise<Response> {
  const ok = () => ({ status: "ok", function: "health", time: deps.now().toISOString() });
  return async (req) => {
    const cors = handleCors(req);
    if (cors) return cors;
    if (req.method === "GET") return json(ok());
    if (req.method !== "POST") return jsonError(405, "method_not_allowed", "Use GET or POST");
    const body = await readBody(req, Body);
    if (body instanceof Response) return body;
    return json({ ...ok(), probe: body.probe ?? null });
  };
}

export function realDeps(): Deps {
  return { now: () => new Date() };
}

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());

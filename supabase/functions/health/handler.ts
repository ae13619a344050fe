// health: a liveness probe for the Edge Functions runtime (JWT required).
// POST { probe?: string } echoes the probe back so callers — e.g. a pg_cron
// job through private.invoke_function — can prove the round trip.
import { z } from "zod";
import { handleCors, json, jsonError } from "../_shared/http.ts";

const Body = z.object({ probe: z.string().max(200).optional() }).strict();

export async function handler(req: Request): Promise<Response> {
  const cors = handleCors(req);
  if (cors) return cors;
  if (req.method === "GET") return json({ status: "ok", function: "health", time: new Date().toISOString() });
  if (req.method !== "POST") return jsonError(405, "method_not_allowed", "Use GET or POST");
  let raw: unknown;
  try {
    raw = await req.json();
  } catch {
    return jsonError(400, "invalid_json", "The request body is not valid JSON");
  }
  const parsed = Body.safeParse(raw);
  if (!parsed.success) return jsonError(400, "invalid_body", "Unexpected request body", parsed.error.issues);
  return json({ status: "ok", function: "health", time: new Date().toISOString(), probe: parsed.data.probe ?? null });
}

// voice-start-session: a member starts a voice practice session. The deployment switch
// (FEATURE_VOICE_AI_ENABLED) is checked here; the plan's voice_ai feature and voice minutes in
// SQL (public.voice_start_session, SP402). Answers the session, a short-lived token for the
// stream, the stream's WebSocket URL, and the ICE servers (TURN REST credentials when a TURN
// server is configured and the organization has TURN on).
import { z } from "zod";
import { jwtSub } from "../_shared/auth.ts";
import { dbErrorResponse } from "../_shared/errors.ts";
import { handleCors, json, jsonError, readBody } from "../_shared/http.ts";
import { type VoiceDeps, voiceDeps } from "../_shared/voice/deps.ts";
import { signVoiceToken } from "../_shared/voice/token.ts";
import { iceServers } from "../_shared/voice/turn.ts";

const Body = z.object({ org_id: z.uuid(), scenario_id: z.uuid().optional() }).strict();

export function makeHandler(deps: VoiceDeps): (req: Request) => Promise<Response> {
  return async (req) => {
    const cors = handleCors(req);
    if (cors) return cors;
    if (!deps.enabled()) return jsonError(403, "voice_disabled", "Voice practice is not enabled on this deployment");
    const body = await readBody(req, Body);
    if (body instanceof Response) return body;
    const userId = jwtSub(req);
    if (!userId) return jsonError(401, "not_authenticated", "Sign in first");

    const db = deps.userDb(req);
    const { data: session, error } = await db.rpc("voice_start_session", {
      p_org_id: body.org_id,
      ...(body.scenario_id ? { p_scenario_id: body.scenario_id } : {}),
    });
    if (error || !session) return dbErrorResponse(error);
    const { data: settings } = await db.from("voice_settings").select("turn_enabled").eq("org_id", body.org_id).maybeSingle();
    const now = deps.now();
    const token = await signVoiceToken(
      { sid: session.id, sub: userId, org: body.org_id },
      deps.sessionSecret(),
      session.max_seconds + 300, // room to resume after a dropped socket
      now,
    );
    const turn = deps.turn();
    return json({
      session_id: session.id,
      max_seconds: session.max_seconds,
      started_at: session.started_at,
      token,
      stream_url: deps.streamUrl(),
      ice_servers: iceServers(settings?.turn_enabled === false ? { ...turn, turnUrls: [] } : turn, userId, now),
    });
  };
}

export const realDeps = voiceDeps;

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());

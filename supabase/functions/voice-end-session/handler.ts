// voice-end-session: the session's owner ends it. SQL computes the actual minutes, the billable
// minutes, the cost from the price history and writes the billable usage
// (public.voice_end_session: the last stretch of usage; the cost is the sum of the usage rows the
// stream wrote while the session ran); the score comes from the SIM scorer; `recorded` says
// whether voice-recording has its audio.
import { z } from "zod";
import { jwtSub } from "../_shared/auth.ts";
import { dbErrorResponse } from "../_shared/errors.ts";
import { handleCors, json, jsonError, readBody } from "../_shared/http.ts";
import { type VoiceDeps, voiceDeps } from "../_shared/voice/deps.ts";

const Body = z.object({ session_id: z.uuid() }).strict();

export function makeHandler(deps: VoiceDeps): (req: Request) => Promise<Response> {
  return async (req) => {
    const cors = handleCors(req);
    if (cors) return cors;
    const body = await readBody(req, Body);
    if (body instanceof Response) return body;
    const userId = jwtSub(req);
    if (!userId) return jsonError(401, "not_authenticated", "Sign in first");
    // RLS: the owner (and the organization's admins) see it; only the owner ends it here.
    const { data: own } = await deps.userDb(req).from("voice_sessions").select("id, user_id")
      .eq("id", body.session_id).maybeSingle();
    if (!own || own.user_id !== userId) return jsonError(404, "not_found", "Voice session not found");

    const db = deps.db();
    const { data: ended, error } = await db.rpc("voice_end_session", {
      p_session_id: body.session_id,
      p_ended_at: new Date(deps.now()).toISOString(),
    });
    if (error || !ended) return dbErrorResponse(error);
    let score = ended.score;
    const scorer = deps.scorer();
    if (scorer && score === null) {
      const { data: turns } = await db.from("voice_turns").select("seq, speaker, text, provider")
        .eq("session_id", body.session_id).order("seq");
      score = (await scorer.score({
        sessionId: body.session_id,
        turns: (turns ?? []).map((t) => ({ ...t, speaker: t.speaker as "rep" | "buyer" | "system", provider: t.provider ?? undefined })),
      })) as typeof score;
      await db.from("voice_sessions").update({ score }).eq("id", body.session_id);
    }
    const { count: recorded } = await db.from("voice_recordings").select("seq", { count: "exact", head: true })
      .eq("session_id", body.session_id);
    return json({
      session_id: ended.id,
      status: ended.status,
      seconds: Number(ended.seconds),
      billable_minutes: ended.billable_minutes,
      cost_usd: Number(ended.cost_usd),
      score,
      scored: score !== null,
      // The organization records: the report plays it (voice-recording).
      recorded: (recorded ?? 0) > 0,
    });
  };
}

export const realDeps = voiceDeps;

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());

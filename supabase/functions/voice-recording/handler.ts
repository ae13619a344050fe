// voice-recording: a voice session's recording for its owner and the organization's admins.
//
//   POST /functions/v1/voice-recording {session_id}   Authorization: Bearer <user token>
//     → {url, expires_at, turns, seconds}: after the RLS check (the session is selected with the
//       caller's JWT: its owner and the organization's owners/admins see it, anyone else gets
//       404, like a session without a recording), a signed URL good for 5 minutes
//   GET|HEAD <that url>                               (no Authorization: what <audio> uses)
//     → 200 audio/wav: the recorded turns joined in order (recording.ts)
//
// Recordings exist only when the organization turned recording on (voice_settings); they are
// not exposed through the REST API at all (voice_recordings has no grants but the service's).
// verify_jwt is off so the signed URL needs no token; PostgREST verifies the caller's JWT.
import { z } from "zod";
import { jwtSub } from "../_shared/auth.ts";
import { corsHeaders, handleCors, json, jsonError, readBody } from "../_shared/http.ts";
import { publicFunctionUrl } from "../_shared/env.ts";
import { type VoiceDeps, voiceDeps } from "../_shared/voice/deps.ts";
import { byteaOf, sessionWav } from "../_shared/voice/recording.ts";
import { signVoiceToken, verifyVoiceToken } from "../_shared/voice/token.ts";

export const TTL_SECONDS = 300;
const Body = z.object({ session_id: z.uuid() }).strict();

export interface RecordingDeps extends Pick<VoiceDeps, "db" | "userDb" | "now" | "sessionSecret"> {
  /** This function's public URL (what the signed URL starts with). */
  publicUrl(): string;
}

export function makeHandler(deps: RecordingDeps): (req: Request) => Promise<Response> {
  return async (req) => {
    const cors = handleCors(req);
    if (cors) return cors;
    if (req.method === "GET" || req.method === "HEAD") return await serve(req, deps);
    if (req.method !== "POST") return jsonError(405, "method_not_allowed", "Use POST to mint a URL, GET to play it");
    const body = await readBody(req, Body);
    if (body instanceof Response) return body;
    const userId = jwtSub(req);
    if (!userId) return jwtError();
    const { data: visible, error } = await deps.userDb(req).from("voice_sessions").select("id, org_id")
      .eq("id", body.session_id).maybeSingle();
    if (error) return jsonError(401, "not_authenticated", "Sign in first");
    if (!visible) return notFound();
    const { data: turns } = await deps.db().from("voice_recordings").select("seconds").eq("session_id", visible.id);
    if (!turns?.length) return notFound();
    const now = deps.now();
    const token = await signVoiceToken({ sid: visible.id, sub: userId, org: visible.org_id }, deps.sessionSecret(), TTL_SECONDS, now, "voice-recording");
    return json({
      url: `${deps.publicUrl()}?token=${encodeURIComponent(token)}`,
      expires_at: new Date(Math.floor(now / 1000) * 1000 + TTL_SECONDS * 1000).toISOString(),
      turns: turns.length,
      seconds: Math.round(turns.reduce((s, t) => s + Number(t.seconds), 0) * 1000) / 1000,
    });
  };
}

const notFound = () => jsonError(404, "not_found", "No recording of this session");
const jwtError = () => jsonError(401, "not_authenticated", "Sign in first");

async function serve(req: Request, deps: RecordingDeps): Promise<Response> {
  const token = new URL(req.url).searchParams.get("token");
  if (!token) return jsonError(400, "invalid_request", "token is required");
  const claims = await verifyVoiceToken(token, deps.sessionSecret(), deps.now(), "voice-recording");
  if (!claims) return jsonError(403, "invalid_signature", "The recording URL is invalid or expired: ask for a new one");
  const { data: rows } = await deps.db().from("voice_recordings").select("seq, sample_rate, audio")
    .eq("session_id", claims.sid).eq("org_id", claims.org).order("seq");
  if (!rows?.length) return notFound();
  const wav = sessionWav(rows.map((r) => ({ sample_rate: r.sample_rate, audio: byteaOf(r.audio as unknown as string) })));
  const headers = {
    ...corsHeaders,
    "content-type": "audio/wav",
    "content-length": String(wav.length),
    "cache-control": "private, no-store",
  };
  return new Response(req.method === "HEAD" ? null : wav as Uint8Array<ArrayBuffer>, { status: 200, headers });
}

export function realDeps(): RecordingDeps {
  const v = voiceDeps();
  return { db: v.db, userDb: v.userDb, now: v.now, sessionSecret: v.sessionSecret, publicUrl: () => publicFunctionUrl("voice-recording") };
}

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());

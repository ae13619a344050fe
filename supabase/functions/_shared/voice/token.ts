// The short-lived token voice-start-session hands out and voice-stream-audio accepts (a browser
// WebSocket cannot send an Authorization header, so the token travels in the URL): HS256 over
// the session, its user and organization, valid until the session's maximum length has passed.
// The same scheme, for another audience, is the signed URL of a session's recording
// (voice-recording: minutes, not the session's length).
import { jwtVerify, SignJWT } from "jose";

export interface VoiceTokenClaims {
  sid: string;
  sub: string;
  org: string;
}

const key = (secret: string) => new TextEncoder().encode(secret);

export type VoiceAudience = "voice-stream-audio" | "voice-recording";

export async function signVoiceToken(
  c: VoiceTokenClaims,
  secret: string,
  ttlSeconds: number,
  nowMs: number,
  audience: VoiceAudience = "voice-stream-audio",
) {
  const iat = Math.floor(nowMs / 1000);
  return await new SignJWT({ sid: c.sid, org: c.org })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(c.sub)
    .setAudience(audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(key(secret));
}

/** The claims of a valid token, or null (bad signature, expired, another audience). */
export async function verifyVoiceToken(
  token: string,
  secret: string,
  nowMs: number,
  audience: VoiceAudience = "voice-stream-audio",
): Promise<VoiceTokenClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      audience,
      algorithms: ["HS256"],
      currentDate: new Date(nowMs),
    });
    if (typeof payload.sid !== "string" || typeof payload.sub !== "string" || typeof payload.org !== "string") return null;
    return { sid: payload.sid, sub: payload.sub, org: payload.org };
  } catch {
    return null;
  }
}

// Signed recording URLs: HMAC-SHA256 (WebCrypto) over the call, the user it
// was minted for, the format and the expiry, with RECORDING_URL_SECRET. The
// player gets one after an RLS check and streams with plain GET/Range
// requests that carry no token; a URL is good for TTL_SECONDS.
export const TTL_SECONDS = 300;

export interface RecordingGrant {
  callId: string;
  userId: string;
  format: "wav" | "mp3";
  /** Unix seconds. */
  exp: number;
}

const enc = new TextEncoder();
const message = (g: RecordingGrant) => enc.encode(`v1.${g.callId}.${g.userId}.${g.format}.${g.exp}`);
const key = (secret: string, use: "sign" | "verify") =>
  crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [use]);

function b64url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}
function fromB64url(s: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]{43}$/.test(s)) return null;
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "=");
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export async function signGrant(secret: string, g: RecordingGrant): Promise<string> {
  return b64url(await crypto.subtle.sign("HMAC", await key(secret, "sign"), message(g)));
}

export type GrantCheck = "ok" | "expired" | "invalid";

/** Constant-time check of the signature (crypto.subtle.verify), then of the expiry window. */
export async function checkGrant(secret: string, g: RecordingGrant, sig: string, nowMs: number): Promise<GrantCheck> {
  const raw = fromB64url(sig);
  if (!raw || !(await crypto.subtle.verify("HMAC", await key(secret, "verify"), raw, message(g)))) return "invalid";
  const now = Math.floor(nowMs / 1000);
  // A URL from the future beyond the TTL was not minted by us (or the clocks disagree).
  if (g.exp > now + TTL_SECONDS + 5) return "invalid";
  return g.exp < now ? "expired" : "ok";
}

// ICE servers for a voice session: STUN, and TURN with time-limited credentials minted by the
// TURN REST scheme (coturn's `use-auth-secret`): username `<expiry unix seconds>:<user>`,
// password base64(HMAC-SHA1(secret, username)). The TURN server recomputes the password from
// its shared secret and refuses the username once its expiry has passed.
import { createHmac } from "node:crypto";

export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface TurnConfig {
  /** TURN URLs (turn:host:3478?transport=udp, turns:…); none: no TURN server is offered. */
  turnUrls: string[];
  secret?: string;
  ttlSeconds: number;
  stunUrls: string[];
}

/** `username` and `password` for `user`, valid until `nowMs / 1000 + ttlSeconds`. */
export function turnCredentials(secret: string, user: string, ttlSeconds: number, nowMs: number) {
  if (!secret) throw new Error("turnCredentials: a secret is required");
  if (user.includes(":")) throw new Error("turnCredentials: the user may not contain ':'");
  const expiresAt = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiresAt}:${user}`;
  const password = createHmac("sha1", secret).update(username).digest("base64");
  return { username, password, expiresAt };
}

/** The ICE servers for `user`: STUN always (when configured), TURN when URLs and a secret are set. */
export function iceServers(cfg: TurnConfig, user: string, nowMs: number): IceServer[] {
  const out: IceServer[] = [];
  if (cfg.stunUrls.length) out.push({ urls: cfg.stunUrls });
  if (cfg.turnUrls.length && cfg.secret) {
    const c = turnCredentials(cfg.secret, user, cfg.ttlSeconds, nowMs);
    out.push({ urls: cfg.turnUrls, username: c.username, credential: c.password });
  }
  return out;
}

export const splitUrls = (s: string | undefined) =>
  (s ?? "").split(",").map((u) => u.trim()).filter(Boolean);

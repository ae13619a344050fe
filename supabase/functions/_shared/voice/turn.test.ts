// TURN REST credentials as coturn checks them.
import assert from "node:assert/strict";
import { iceServers, turnCredentials } from "./turn.ts";

Deno.test("TURN credentials: username expiry:user, password base64 HMAC-SHA1 of it with the secret", () => {
  const now = Date.UTC(2026, 11, 1, 12, 0, 0);
  const c = turnCredentials("north-wind-secret", "user-42", 3600, now);
  assert.equal(c.username, `${now / 1000 + 3600}:user-42`);
  assert.equal(c.expiresAt, now / 1000 + 3600);
  // A vector computed independently (Python's hmac): HMAC-SHA1("north-wind-secret", username).
  assert.equal(c.username, "1796130000:user-42");
  assert.equal(c.password, "UFrJnFomUvtV7kN89rZHEHJwsRg=");
  assert.match(c.password, /^[A-Za-z0-9+/]{27}=$/, "20 bytes of SHA-1, base64");
  assert.notEqual(turnCredentials("another-secret-value", "user-42", 3600, now).password, c.password);
  assert.throws(() => turnCredentials("", "u", 60, now));
  assert.throws(() => turnCredentials("s", "a:b", 60, now), /':'/);
});

Deno.test("ICE servers: STUN alone without TURN; TURN with credentials when configured", () => {
  const now = 1_800_000_000_000;
  assert.deepEqual(iceServers({ turnUrls: [], stunUrls: ["stun:stun.example:3478"], ttlSeconds: 60 }, "u", now), [
    { urls: ["stun:stun.example:3478"] },
  ]);
  assert.deepEqual(
    iceServers({ turnUrls: ["turn:turn.example:3478"], stunUrls: [], ttlSeconds: 60 }, "u", now),
    [],
    "no secret: no TURN",
  );
  const [turn] = iceServers({ turnUrls: ["turn:turn.example:3478"], secret: "s3cret-s3cret-s3cret", stunUrls: [], ttlSeconds: 600 }, "u", now);
  assert.equal(turn.username, "1800000600:u");
  assert.ok(turn.credential);
});

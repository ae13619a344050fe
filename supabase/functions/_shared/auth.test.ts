// The one decoder of the bearer token's claims (verify_jwt has checked the signature).
import assert from "node:assert/strict";
import { bearerClaims, jwtRole, jwtSub } from "./auth.ts";

const b64url = (s: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(s))).replace(/=+$/, "").replace(/\+/g, "-")
    .replace(/\//g, "_");
const withToken = (payload: string) =>
  new Request("http://x/fn", {
    headers: { authorization: `Bearer ${b64url('{"alg":"HS256"}')}.${b64url(payload)}.sig` },
  });
const USER = "a0000000-0000-4000-9000-000000000001";

Deno.test("claims: a user's token gives its sub and role", () => {
  const req = withToken(JSON.stringify({ sub: USER, role: "authenticated", name: "Zoë ✓" }));
  assert.equal(jwtSub(req), USER);
  assert.equal(jwtRole(req), "authenticated");
  assert.equal(bearerClaims(req)?.name, "Zoë ✓", "the payload is UTF-8");
});

Deno.test("claims: the service and anon keys have a role but no user", () => {
  const service = withToken(JSON.stringify({ role: "service_role", iss: "supabase-demo" }));
  assert.equal(jwtRole(service), "service_role");
  assert.equal(jwtSub(service), null);
  assert.equal(jwtSub(withToken(JSON.stringify({ sub: USER, role: "anon" }))), null);
});

Deno.test("claims: no token, another scheme, or a payload that is not a JSON object → null", () => {
  assert.equal(bearerClaims(new Request("http://x/fn")), null);
  assert.equal(bearerClaims(new Request("http://x/fn", { headers: { authorization: "Basic abc.def.ghi" } })), null);
  assert.equal(bearerClaims(withToken("not json")), null);
  assert.equal(bearerClaims(withToken("[1,2]")), null);
  assert.equal(jwtRole(withToken(JSON.stringify({ role: 7 }))), null);
});

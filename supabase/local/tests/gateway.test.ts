// The gateway, PostgREST and the functions server answer like Supabase's.
import assert from "node:assert/strict";
import { ANON_KEY, API_URL, db, poll, SERVICE_ROLE_KEY, signJwt } from "./helpers.ts";

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${API_URL}${path}`, { headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch { /* not JSON */ }
  return { status: res.status, body, headers: res.headers };
}

Deno.test("REST without an apikey is refused by the gateway", async () => {
  const r = await get("/rest/v1/");
  assert.equal(r.status, 401);
  assert.deepEqual(r.body, { error: { code: "no_api_key", message: "No API key found in request" } });
});

Deno.test("REST with the key as ?apikey= works like the header: the gateway does not pass it on to PostgREST", async () => {
  const res = await fetch(`${API_URL}/rest/v1/plans?select=key&apikey=${ANON_KEY}`);
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.ok(Array.isArray(body) && body.length > 0);
  const filtered = await fetch(`${API_URL}/rest/v1/plans?select=key&key=eq.no-such-plan&apikey=${ANON_KEY}`);
  assert.deepEqual(await filtered.json(), [], "other query parameters still reach PostgREST");
});

Deno.test("REST with an unknown apikey is refused", async () => {
  const r = await get("/rest/v1/", { apikey: "not-a-key" });
  assert.equal(r.status, 401);
  assert.deepEqual(r.body, { error: { code: "invalid_api_key", message: "Invalid API key" } });
});

Deno.test("REST with the anon key serves PostgREST's OpenAPI document", async () => {
  const r = await get("/rest/v1/", { apikey: ANON_KEY });
  assert.equal(r.status, 200);
  assert.equal((r.body as { swagger: string }).swagger, "2.0");
});

Deno.test("CORS preflight is answered for the SPA", async () => {
  const res = await fetch(`${API_URL}/rest/v1/anything`, {
    method: "OPTIONS",
    headers: { origin: "http://127.0.0.1:5173", "access-control-request-method": "GET" },
  });
  await res.body?.cancel();
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  assert.match(res.headers.get("access-control-allow-headers") ?? "", /apikey/);
});

Deno.test("PostgREST applies RLS per role: anon, authenticated JWT, service_role", async () => {
  const sql = db();
  const table = `stack_probe_${crypto.randomUUID().slice(0, 8)}`;
  try {
    await sql.unsafe(`
      create table public.${table} (id int primary key, visibility text not null, owner uuid);
      alter table public.${table} enable row level security;
      create policy "Anyone reads public rows" on public.${table} for select to anon, authenticated
        using (visibility = 'public');
      create policy "Owners read their rows" on public.${table} for select to authenticated
        using (owner = (select auth.uid()));
      grant select on public.${table} to anon, authenticated, service_role;
      insert into public.${table} values
        (1, 'public', null), (2, 'private', null), (3, 'private', '11111111-1111-1111-1111-111111111111');`);
    const path = `/rest/v1/${table}?select=id&order=id`;
    // The schema cache reloads through the event trigger; wait for it.
    await poll("PostgREST schema reload", async () => (await get(path, { apikey: ANON_KEY })).status === 200);

    const anon = await get(path, { apikey: ANON_KEY });
    assert.deepEqual(anon.body, [{ id: 1 }]);

    const user = await signJwt({ sub: "11111111-1111-1111-1111-111111111111", role: "authenticated", aud: "authenticated" });
    const authed = await get(path, { apikey: ANON_KEY, authorization: `Bearer ${user}` });
    assert.deepEqual(authed.body, [{ id: 1 }, { id: 3 }]);

    const service = await get(path, { apikey: SERVICE_ROLE_KEY, authorization: `Bearer ${SERVICE_ROLE_KEY}` });
    assert.deepEqual(service.body, [{ id: 1 }, { id: 2 }, { id: 3 }]);

    // A token signed with another secret, or expired, is refused outright.
    const forged = await signJwt({ sub: "x", role: "service_role" }, { secret: "another-secret-of-at-least-32-characters!!" });
    assert.equal((await get(path, { apikey: ANON_KEY, authorization: `Bearer ${forged}` })).status, 401);
    const expired = await signJwt({ sub: "x", role: "authenticated" }, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    assert.equal((await get(path, { apikey: ANON_KEY, authorization: `Bearer ${expired}` })).status, 401);
  } finally {
    await sql.unsafe(`drop table if exists public.${table}`);
    await sql.end();
  }
});

Deno.test("functions: verify_jwt refuses a call without a valid JWT", async () => {
  const none = await get("/functions/v1/health");
  assert.equal(none.status, 401);
  const forged = await signJwt({ role: "anon" }, { secret: "another-secret-of-at-least-32-characters!!" });
  const bad = await get("/functions/v1/health", { authorization: `Bearer ${forged}` });
  assert.equal(bad.status, 401);
});

Deno.test("functions: a valid JWT reaches the function through the gateway", async () => {
  for (const key of [ANON_KEY, SERVICE_ROLE_KEY]) {
    const r = await get("/functions/v1/health", { authorization: `Bearer ${key}` });
    assert.equal(r.status, 200);
    assert.equal((r.body as { function: string }).function, "health");
  }
});

Deno.test("functions: an unknown function is a 404", async () => {
  const r = await get("/functions/v1/no-such-function", { authorization: `Bearer ${ANON_KEY}` });
  assert.equal(r.status, 404);
});

Deno.test("Auth's email templates are served from supabase/templates, and nothing else is", async () => {
  const ok = await fetch(`${API_URL}/__local/templates/recovery.html`);
  assert.equal(ok.status, 200);
  const html = await ok.text();
  assert.match(html, /\{\{ \.ConfirmationURL \}\}/);
  assert.equal(html, await Deno.readTextFile(new URL("../../templates/recovery.html", import.meta.url)));
  for (const bad of ["nope.html", "..%2Fconfig.toml", "recovery.txt"]) {
    const r = await fetch(`${API_URL}/__local/templates/${bad}`);
    await r.body?.cancel();
    assert.equal(r.status, 404, bad);
  }
});

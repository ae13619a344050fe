// phone-numbers through the test stack: the gateway, verify_jwt, the function,
// PostgREST/RLS and Postgres triggers for real; Twilio is the local stand-in,
// whose state and request log show what would have been bought.
import assert from "node:assert/strict";
import { instance, type InstanceName } from "../../local/config.ts";
import { ANON_KEY, API_URL, db, poll, accessToken } from "../../local/tests/helpers.ts";
import { createNumber, createTenant } from "./fixtures.ts";

const inst = instance((Deno.env.get("SALESPULSE_INSTANCE") ?? "test") as InstanceName);
const TWILIO = `http://127.0.0.1:${inst.ports.twilio}/_sandbox`;

// Tenants of this file's own: one buys and releases, one is the other
// tenant, one is held at its number limit.
const acme = await createTenant();
const globex = await createTenant();
const limited = await createTenant();
const ACME = acme.org.id;

interface StandInNumber {
  sid: string;
  phone_number: string;
  voice_url: string | null;
  voice_method: string;
  friendly_name: string;
}
interface StandInState {
  incoming_phone_numbers: StandInNumber[];
  /** The stand-in's request log (the latest 500), oldest first. */
  requests: { at: string; method: string; path: string; status: number }[];
}

async function numbersFn(uid: string | null, body: unknown) {
  const token = uid
    ? await accessToken(uid)
    : ANON_KEY;
  const res = await fetch(`${API_URL}/functions/v1/phone-numbers`, {
    method: "POST",
    headers: {
      apikey: ANON_KEY,
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function standIn<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${TWILIO}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`stand-in ${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? null : await res.json()) as T;
}

const state = () => standIn<StandInState>("GET", "/state");
/** Requests for numbers (search, buy, release) the stand-in answered since `since` (ISO time). */
const numberRequests = (s: StandInState, since: string) =>
  s.requests.filter((r) => r.at >= since && /\/IncomingPhoneNumbers/.test(r.path));
const purchases = (s: StandInState, since: string) =>
  numberRequests(s, since).filter((r) =>
    r.method === "POST" && /\/IncomingPhoneNumbers\.json$/.test(r.path)
  );

async function sql<T>(fn: (q: ReturnType<typeof db>) => Promise<T>): Promise<T> {
  const q = db();
  try {
    return await fn(q);
  } finally {
    await q.end();
  }
}

async function activeNumbers(orgId: string): Promise<number> {
  return await sql(async (q) => {
    const [{ n }] =
      await q`select count(*)::int as n from public.phone_numbers where org_id = ${orgId} and status <> 'released'`;
    return n as number;
  });
}

/** Sets the organization's phone-number limit (a staff feature flag), whatever its plan says. */
async function setNumberLimit(orgId: string, n: number) {
  await sql(async (q) => {
    await q`insert into public.feature_flags (org_id, key, limit_value, note) values (${orgId}, 'phone_numbers', ${n}, 'numbers.test.ts')
            on conflict (org_id, key) do update set limit_value = excluded.limit_value`;
  });
}

Deno.test("phone-numbers: an owner searches 415, buys a number for an agent, Twilio routes it to twilio-voice, releases it", async () => {
  const search = await numbersFn(acme.owner.id, { action: "search", org_id: ACME, area_code: "415" });
  assert.equal(search.status, 200, JSON.stringify(search.body));
  assert.ok(Array.isArray(search.body) && search.body.length > 0, "numbers on offer");
  for (const n of search.body) {
    assert.match(n.e164, /^\+1415\d{7}$/);
    assert.equal(typeof n.friendly_name, "string");
    assert.equal(n.locality, "San Francisco");
    assert.equal(n.region, "CA");
  }
  const offered = search.body.map((n: { e164: string }) => n.e164) as string[];
  // A number on Twilio's offer that another tenant already holds (in the
  // database only, unknown to the stand-in) is not offered.
  const held = await createNumber(globex.org, null, offered[0]);
  try {
    const next = await numbersFn(acme.owner.id, { action: "search", org_id: ACME, area_code: "415" });
    assert.ok(!next.body.some((n: { e164: string }) => n.e164 === held.e164), `${held.e164} is already taken: not offered`);
  } finally {
    await sql((q) => q`delete from public.phone_numbers where id = ${held.id}`);
  }
  const e164 = offered[0];

  const bought = await numbersFn(acme.owner.id, {
    action: "buy",
    org_id: ACME,
    e164,
    agent_id: acme.agent.id,
    friendly_name: "Test sales line",
  });
  assert.equal(bought.status, 201, JSON.stringify(bought.body));
  assert.equal(bought.body.e164, e164);
  assert.equal(bought.body.org_id, ACME);
  assert.equal(bought.body.agent_id, acme.agent.id);
  assert.equal(bought.body.status, "active");
  assert.match(bought.body.provider_sid, /^PN[0-9a-f]{32}$/);

  const [row] = await sql((q) => q`select * from public.phone_numbers where e164 = ${e164}`);
  assert.equal(row.org_id, ACME);
  assert.equal(row.agent_id, acme.agent.id);
  assert.equal(row.provider_sid, bought.body.provider_sid);
  assert.equal(row.friendly_name, "Test sales line");
  assert.equal(row.created_by, acme.owner.id);

  const twilio = (await state()).incoming_phone_numbers.find((n) => n.phone_number === e164);
  assert.ok(twilio, "the stand-in's account holds the number");
  assert.equal(twilio.sid, bought.body.provider_sid);
  assert.equal(twilio.voice_url, `${API_URL}/functions/v1/twilio-voice`);
  assert.equal(twilio.voice_method, "POST");
  assert.equal(twilio.friendly_name, "Test sales line");

  const again = await numbersFn(acme.owner.id, { action: "search", org_id: ACME, area_code: "415" });
  assert.ok(
    !again.body.some((n: { e164: string }) => n.e164 === e164),
    "a bought number is no longer offered",
  );
  const twice = await numbersFn(acme.owner.id, { action: "buy", org_id: ACME, e164 });
  assert.equal(twice.status, 409, "buying it again");

  const released = await numbersFn(acme.owner.id, {
    action: "release",
    org_id: ACME,
    id: bought.body.id,
  });
  assert.equal(released.status, 200, JSON.stringify(released.body));
  assert.equal(released.body.status, "released");
  const [after] = await sql((q) =>
    q`select status from public.phone_numbers where id = ${bought.body.id}`
  );
  assert.equal(after.status, "released");
  assert.ok(
    !(await state()).incoming_phone_numbers.some((n) => n.sid === bought.body.provider_sid),
    "gone from Twilio",
  );
  assert.equal(
    (await numbersFn(acme.owner.id, { action: "release", org_id: ACME, id: bought.body.id })).status,
    200,
    "idempotent",
  );
});

Deno.test("phone-numbers: managers 403, other tenants 404, anonymous 401, bad bodies 400 — nothing bought", async () => {
  const since = new Date().toISOString();
  const buy = { action: "buy", org_id: ACME, e164: "+14155550119", agent_id: acme.agent.id };
  const manager = await numbersFn(acme.manager.id, buy);
  assert.equal(manager.status, 403);
  assert.equal(manager.body.error.code, "forbidden");
  assert.equal(
    (await numbersFn(acme.manager.id, { action: "search", org_id: ACME, area_code: "415" })).status,
    403,
  );
  assert.equal((await numbersFn(globex.owner.id, buy)).status, 404);
  assert.equal((await numbersFn(null, buy)).status, 401);
  const bad = await numbersFn(acme.owner.id, { action: "search", org_id: ACME, area_code: "12" });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, "invalid_body");
  const otherAgent = await numbersFn(acme.owner.id, { ...buy, agent_id: globex.agent.id });
  assert.equal(otherAgent.status, 400, "another organization's agent");
  assert.deepEqual(purchases(await state(), since), [], "the stand-in was never asked to buy");
});

Deno.test("phone-numbers: an organization at its limit gets 402 with an upgrade message, and nothing is bought", async () => {
  const used = await activeNumbers(limited.org.id);
  assert.equal(used, 1, "the tenant has its fixture number");
  await setNumberLimit(limited.org.id, used);
  {
    const before = await state();
    const since = new Date().toISOString();
    const r = await numbersFn(limited.owner.id, {
      action: "buy",
      org_id: limited.org.id,
      e164: "+12125550101",
      agent_id: limited.agent.id,
    });
    assert.equal(r.status, 402, JSON.stringify(r.body));
    assert.equal(r.body.error.code, "plan_limit");
    assert.match(r.body.error.message, /upgrade/i);
    assert.equal(r.body.error.details.used, used);
    const after = await state();
    assert.deepEqual(purchases(after, since), [], "no purchase reached Twilio");
    assert.equal(after.incoming_phone_numbers.length, before.incoming_phone_numbers.length);
    assert.equal(await activeNumbers(limited.org.id), used);
  }
});

Deno.test("phone-numbers: when the last slot goes while Twilio is buying, the number is released again (402)", async () => {
  const used = await activeNumbers(limited.org.id);
  const e164 = "+12125550102";
  await setNumberLimit(limited.org.id, used + 1);
  {
    // Hold the purchase at the stand-in; once it has arrived the checks have
    // passed, and the slot disappears before the row is written.
    const fault = await standIn<{ id: string }>("POST", "/faults", {
      kind: "slow",
      method: "POST",
      path: "*/IncomingPhoneNumbers.json",
      delay_ms: 1500,
    });
    const since = new Date().toISOString();
    const pending = numbersFn(limited.owner.id, {
      action: "buy",
      org_id: limited.org.id,
      e164,
      agent_id: limited.agent.id,
    });
    try {
      await poll(
        "the purchase to reach the stand-in",
        async () => {
          const { faults } = await standIn<{ faults: { id: string; hits: number }[] }>(
            "GET",
            "/faults",
          );
          return faults.find((f) => f.id === fault.id)?.hits ? true : null;
        },
        10_000,
        25,
      );
    } finally {
      await standIn("DELETE", `/faults/${fault.id}`);
    }
    await setNumberLimit(limited.org.id, used);
    const r = await pending;
    assert.equal(r.status, 402, JSON.stringify(r.body));
    assert.equal(r.body.error.code, "plan_limit");
    const s = await state();
    const mine = numberRequests(s, since);
    assert.deepEqual(
      mine.map((q) => [q.method, q.status]),
      [["POST", 201], ["DELETE", 204]],
      "bought, then released",
    );
    assert.ok(
      !s.incoming_phone_numbers.some((n) => n.phone_number === e164),
      "no paid number left dangling",
    );
    const rows = await sql((q) => q`select id from public.phone_numbers where e164 = ${e164}`);
    assert.equal(rows.length, 0);
  }
});

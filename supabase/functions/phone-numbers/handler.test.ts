// Unit tests of phone-numbers: request validation, the order of the checks
// around the purchase, and how Twilio and database failures are answered.
// Twilio and the database are fakes behind numbers.ts's Deps; the function
// against the real stack and the Twilio stand-in is supabase/tests/api/numbers.test.ts.
import assert from "node:assert/strict";
import twilio from "twilio";
import { ConfigError } from "../_shared/env.ts";
import {
  type AvailableNumber,
  type Deps,
  type ExistingNumber,
  makeHandler,
  offerable,
  parseBody,
  type PhoneNumberRow,
  reachedNumberLimit,
  twilioErrorResponse,
} from "./numbers.ts";

const ORG = "0a000000-0000-4000-9000-000000000001";
const OTHER_ORG = "0b000000-0000-4000-9000-000000000001";
const USER = "a0000000-0000-4000-9000-000000000001";
const AGENT = "1a000000-0000-4000-9000-000000000001";
const ROW_ID = "2a000000-0000-4000-9000-000000000009";
const SID = "PN" + "a".repeat(32);
const VOICE_URL = "https://example.test/functions/v1/twilio-voice";

const post = (body: unknown) =>
  new Request("http://x/phone-numbers", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

async function answer(res: Response) {
  return { status: res.status, body: await res.json() };
}

function restError(status: number, code: number, message = "Twilio says no") {
  return new twilio.RestException({
    statusCode: status,
    body: { status, code, message, more_info: "https://www.twilio.com/docs/errors" },
  });
}

function row(over: Partial<PhoneNumberRow> = {}): PhoneNumberRow {
  return {
    id: ROW_ID,
    org_id: ORG,
    e164: "+14155550142",
    provider_sid: SID,
    friendly_name: "(415) 555-0142",
    agent_id: AGENT,
    forward_to: null,
    status: "active",
    created_by: USER,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    ...over,
  };
}

interface Fake {
  deps: Deps;
  calls: {
    buy: unknown[];
    release: string[];
    insert: unknown[];
    reactivate: unknown[];
    markReleased: string[];
    find: string[];
  };
}

/** Deps answering like a happy owner of ORG; override what a test needs. */
function fake(over: {
  role?: "owner" | "admin" | "manager" | "agent" | null;
  signedIn?: boolean;
  entitlements?: unknown;
  entitlementsError?: { code: string; message: string };
  agent?: { id: string; active: boolean } | null;
  existing?: ExistingNumber[];
  available?: AvailableNumber[];
  buy?: () => Promise<{ sid: string; e164: string; friendly_name: string }>;
  search?: () => Promise<AvailableNumber[]>;
  find?: { sid: string; e164: string; friendly_name: string } | null;
  knowsSid?: boolean;
  release?: () => Promise<void>;
  insertError?: { code: string; message: string };
  get?: PhoneNumberRow | null;
} = {}): Fake {
  const calls: Fake["calls"] = {
    buy: [],
    release: [],
    insert: [],
    reactivate: [],
    markReleased: [],
    find: [],
  };
  const deps: Deps = {
    voiceUrl: () => VOICE_URL,
    provider: () => ({
      search: over.search ?? (() =>
        Promise.resolve(
          over.available ?? [
            {
              e164: "+14155550142",
              friendly_name: "(415) 555-0142",
              locality: "San Francisco",
              region: "CA",
            },
          ],
        )),
      buy: (e164, opts) => {
        calls.buy.push({ e164, ...opts });
        return over.buy
          ? over.buy()
          : Promise.resolve({ sid: SID, e164, friendly_name: "(415) 555-0142" });
      },
      find: (e164) => {
        calls.find.push(e164);
        return Promise.resolve(over.find ?? null);
      },
      release: (sid) => {
        calls.release.push(sid);
        return over.release ? over.release() : Promise.resolve();
      },
    }),
    store: {
      caller: () =>
        Promise.resolve(
          over.signedIn === false
            ? null
            : { userId: USER, role: over.role === undefined ? "owner" : over.role },
        ),
      entitlements: () =>
        Promise.resolve(
          over.entitlementsError ? { data: null, error: over.entitlementsError } : {
            data: over.entitlements ??
              { plan_name: "Free", limits: { phone_numbers: 3 }, usage: { phone_numbers: 1 } },
            error: null,
          },
        ),
      agent: () =>
        Promise.resolve({
          data: over.agent === undefined ? { id: AGENT, active: true } : over.agent,
          error: null,
        }),
      existing: () => Promise.resolve({ data: over.existing ?? [], error: null }),
      knowsSid: () => Promise.resolve({ data: over.knowsSid ?? false, error: null }),
      insert: (r) => {
        calls.insert.push(r);
        return Promise.resolve(
          over.insertError
            ? { data: null, error: over.insertError }
            : { data: row({ ...r, id: ROW_ID } as Partial<PhoneNumberRow>), error: null },
        );
      },
      reactivate: (id, fields) => {
        calls.reactivate.push({ id, ...fields });
        return Promise.resolve({ data: row({ id, ...fields, status: "active" }), error: null });
      },
      get: () => Promise.resolve({ data: over.get === undefined ? row() : over.get, error: null }),
      markReleased: (id) => {
        calls.markReleased.push(id);
        return Promise.resolve({ data: row({ id, status: "released" }), error: null });
      },
    },
  };
  return { deps, calls };
}

const BUY = { action: "buy", org_id: ORG, e164: "+14155550142", agent_id: AGENT };

// --- validation --------------------------------------------------------------------------

Deno.test("validation: only POST with a JSON body of a known action", async () => {
  const h = makeHandler(fake().deps);
  const get = await h(new Request("http://x/phone-numbers"));
  assert.equal(get.status, 405);
  await get.body?.cancel();
  assert.deepEqual((await answer(await h(post("{nope")))).body.error.code, "invalid_json");
  for (
    const bad of [
      { action: "steal", org_id: ORG },
      { action: "search", org_id: "not-a-uuid", area_code: "415" },
      { action: "search", org_id: ORG, area_code: "41" },
      { action: "search", org_id: ORG, area_code: "015" },
      { action: "search", org_id: ORG, area_code: 415 },
      { action: "search", org_id: ORG, area_code: "415", extra: 1 },
      { action: "buy", org_id: ORG, e164: "4155550142" },
      { action: "buy", org_id: ORG, e164: "+14155550142", agent_id: "bob" },
      { action: "buy", org_id: ORG, e164: "+14155550142", friendly_name: "x".repeat(65) },
      { action: "release", org_id: ORG },
      { org_id: ORG, area_code: "415" },
    ]
  ) {
    const r = await answer(await h(post(bad)));
    assert.equal(r.status, 400, JSON.stringify(bad));
    assert.equal(r.body.error.code, "invalid_body", JSON.stringify(bad));
    assert.ok(Array.isArray(r.body.error.details), "the zod issues say what is wrong");
  }
});

Deno.test("validation: parseBody returns the typed body; agent_id and friendly_name are optional", async () => {
  assert.deepEqual(await parseBody(post({ action: "search", org_id: ORG, area_code: "415" })), {
    action: "search",
    org_id: ORG,
    area_code: "415",
  });
  assert.deepEqual(
    await parseBody(
      post({ action: "buy", org_id: ORG, e164: "+14155550142", friendly_name: "  Main line " }),
    ),
    {
      action: "buy",
      org_id: ORG,
      e164: "+14155550142",
      friendly_name: "Main line",
    },
  );
});

Deno.test("CORS preflight is answered without a body check", async () => {
  const res = await makeHandler(fake().deps)(
    new Request("http://x/phone-numbers", { method: "OPTIONS" }),
  );
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  await res.body?.cancel();
});

// --- who may ---------------------------------------------------------------------------

Deno.test("roles: anonymous 401, non-member 404, manager and agent 403 — and Twilio is never asked", async () => {
  for (
    const [over, status, code] of [
      [{ signedIn: false }, 401, "not_authenticated"],
      [{ role: null }, 404, "not_found"],
      [{ role: "manager" }, 403, "forbidden"],
      [{ role: "agent" }, 403, "forbidden"],
    ] as const
  ) {
    const f = fake(over);
    const r = await answer(await makeHandler(f.deps)(post(BUY)));
    assert.equal(r.status, status);
    assert.equal(r.body.error.code, code);
    assert.equal(f.calls.buy.length, 0);
  }
  const admin = fake({ role: "admin" });
  assert.equal((await makeHandler(admin.deps)(post(BUY))).status, 201);
});

// --- search ------------------------------------------------------------------------------

Deno.test("search: Twilio's numbers without those SalesPulse holds; the org's own released ones stay", async () => {
  const available = ["+14155550100", "+14155550101", "+14155550102", "+14155550103"].map((
    e164,
  ) => ({
    e164,
    friendly_name: e164,
    locality: "San Francisco",
    region: "CA",
  }));
  const existing: ExistingNumber[] = [
    { id: "1", org_id: ORG, e164: "+14155550100", status: "active", provider_sid: null },
    { id: "2", org_id: OTHER_ORG, e164: "+14155550101", status: "released", provider_sid: null },
    { id: "3", org_id: ORG, e164: "+14155550102", status: "released", provider_sid: null },
  ];
  const r = await answer(
    await makeHandler(fake({ available, existing }).deps)(
      post({ action: "search", org_id: ORG, area_code: "415" }),
    ),
  );
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.map((n: AvailableNumber) => n.e164), ["+14155550102", "+14155550103"]);
  assert.deepEqual(Object.keys(r.body[0]).sort(), ["e164", "friendly_name", "locality", "region"]);
  assert.deepEqual(offerable(available, [], ORG), available);
});

Deno.test("search: Twilio 429 → 503, 500 → 502, unreachable → 502", async () => {
  for (
    const [err, status, code] of [
      [restError(429, 20429), 503, "twilio_busy"],
      [restError(500, 20500), 502, "twilio_error"],
      [new Error("connect ECONNREFUSED 127.0.0.1:443"), 502, "twilio_error"],
    ] as const
  ) {
    const f = fake({ search: () => Promise.reject(err) });
    const r = await answer(
      await makeHandler(f.deps)(post({ action: "search", org_id: ORG, area_code: "415" })),
    );
    assert.equal(r.status, status);
    assert.equal(r.body.error.code, code);
  }
});

// --- buy -----------------------------------------------------------------------------------

Deno.test("buy: at the plan's limit → 402 plan_limit before anything is bought", async () => {
  const f = fake({
    entitlements: { plan_name: "Free", limits: { phone_numbers: 1 }, usage: { phone_numbers: 1 } },
  });
  const r = await answer(await makeHandler(f.deps)(post(BUY)));
  assert.equal(r.status, 402);
  assert.equal(r.body.error.code, "plan_limit");
  assert.match(r.body.error.message, /Free plan includes 1 phone number/);
  assert.match(r.body.error.message, /upgrade/i);
  assert.deepEqual(r.body.error.details, { limit: 1, used: 1, plan: "Free" });
  assert.equal(f.calls.buy.length, 0);
});

Deno.test("buy: entitlements refused (not a member by the time it runs) → its SQL status", async () => {
  const f = fake({ entitlementsError: { code: "SP404", message: "organization not found" } });
  const r = await answer(await makeHandler(f.deps)(post(BUY)));
  assert.equal(r.status, 404);
  assert.equal(f.calls.buy.length, 0);
});

Deno.test("reachedNumberLimit: no configured limit is unlimited; below the limit may add", () => {
  assert.equal(
    reachedNumberLimit({ plan_name: "Pro", limits: {}, usage: { phone_numbers: 99 } }),
    null,
  );
  assert.equal(
    reachedNumberLimit({
      plan_name: "Pro",
      limits: { phone_numbers: 10 },
      usage: { phone_numbers: 9 },
    }),
    null,
  );
  assert.deepEqual(
    reachedNumberLimit({
      plan_name: "Pro",
      limits: { phone_numbers: 10 },
      usage: { phone_numbers: 12 },
    }),
    {
      plan_name: "Pro",
      limit: 10,
      used: 12,
    },
  );
});

Deno.test("buy: an agent of another organization, or inactive → 400 before buying", async () => {
  for (const agent of [null, { id: AGENT, active: false }]) {
    const f = fake({ agent });
    const r = await answer(await makeHandler(f.deps)(post(BUY)));
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, "invalid_input");
    assert.equal(f.calls.buy.length, 0);
  }
});

Deno.test("buy: a number SalesPulse already holds → 409 before buying", async () => {
  const f = fake({
    existing: [{
      id: "1",
      org_id: OTHER_ORG,
      e164: BUY.e164,
      status: "released",
      provider_sid: null,
    }],
  });
  const r = await answer(await makeHandler(f.deps)(post(BUY)));
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, "number_taken");
  assert.equal(f.calls.buy.length, 0);
});

Deno.test("buy: bought with the twilio-voice webhook, then recorded; answers 201 with the row", async () => {
  const f = fake();
  const r = await answer(await makeHandler(f.deps)(post({ ...BUY, friendly_name: "Sales line" })));
  assert.equal(r.status, 201);
  assert.deepEqual(f.calls.buy, [{
    e164: BUY.e164,
    voiceUrl: VOICE_URL,
    friendlyName: "Sales line",
  }]);
  assert.deepEqual(f.calls.insert, [{
    org_id: ORG,
    e164: BUY.e164,
    status: "active",
    created_by: USER,
    provider_sid: SID,
    friendly_name: "Sales line",
    agent_id: AGENT,
  }]);
  assert.equal(r.body.provider_sid, SID);
  assert.equal(f.calls.release.length, 0);
});

Deno.test("buy: without a name Twilio's formatted number is kept; without an agent none is assigned", async () => {
  const f = fake();
  const r = await answer(
    await makeHandler(f.deps)(post({ action: "buy", org_id: ORG, e164: BUY.e164 })),
  );
  assert.equal(r.status, 201);
  assert.deepEqual(f.calls.buy, [{ e164: BUY.e164, voiceUrl: VOICE_URL, friendlyName: undefined }]);
  const inserted = f.calls.insert[0] as Record<string, unknown>;
  assert.equal(inserted.friendly_name, "(415) 555-0142");
  assert.equal(inserted.agent_id, null);
});

Deno.test("buy: the organization's own released number is brought back, not inserted twice", async () => {
  const f = fake({
    existing: [{ id: ROW_ID, org_id: ORG, e164: BUY.e164, status: "released", provider_sid: null }],
  });
  const r = await answer(await makeHandler(f.deps)(post(BUY)));
  assert.equal(r.status, 201);
  assert.equal(f.calls.insert.length, 0);
  assert.deepEqual(f.calls.reactivate, [{
    id: ROW_ID,
    provider_sid: SID,
    friendly_name: "(415) 555-0142",
    agent_id: AGENT,
  }]);
});

Deno.test("buy: the row refused after the purchase (SP402 race, SP400, duplicate) → number released, error answered", async () => {
  for (
    const [insertError, status, code] of [
      [
        { code: "SP402", message: "plan limit reached: phone_numbers (1 of 1 used)" },
        402,
        "plan_limit",
      ],
      [
        { code: "SP400", message: "the agent belongs to another organization" },
        400,
        "invalid_input",
      ],
      [
        { code: "23505", message: "duplicate key value violates unique constraint" },
        409,
        "number_taken",
      ],
      [{ code: "XX000", message: "internal detail that must not leak" }, 500, "internal_error"],
    ] as const
  ) {
    const f = fake({ insertError });
    const r = await answer(await makeHandler(f.deps)(post(BUY)));
    assert.equal(r.status, status, insertError.code);
    assert.equal(r.body.error.code, code, insertError.code);
    assert.deepEqual(f.calls.release, [SID], `${insertError.code}: the paid number is given back`);
    if (status === 500) assert.doesNotMatch(r.body.error.message, /internal detail/);
  }
});

Deno.test("buy: a release that fails too still answers the row's error", async () => {
  const f = fake({
    insertError: { code: "SP402", message: "plan limit reached" },
    release: () => Promise.reject(restError(500, 20500)),
  });
  const r = await answer(await makeHandler(f.deps)(post(BUY)));
  assert.equal(r.status, 402);
  assert.deepEqual(f.calls.release, [SID]);
});

Deno.test("buy: Twilio refusals map to clear statuses and nothing is recorded", async () => {
  for (
    const [err, status, code] of [
      [restError(429, 20429), 503, "twilio_busy"],
      [
        restError(400, 21422, "PhoneNumber +14155550142 is not available"),
        409,
        "number_unavailable",
      ],
      [restError(400, 21421, "PhoneNumber is invalid"), 400, "invalid_input"],
      [restError(401, 20003, "Authenticate"), 502, "twilio_error"],
      [restError(500, 20500), 502, "twilio_error"],
    ] as const
  ) {
    const f = fake({ buy: () => Promise.reject(err) });
    const r = await answer(await makeHandler(f.deps)(post(BUY)));
    assert.equal(r.status, status, String(err.code));
    assert.equal(r.body.error.code, code);
    assert.equal(f.calls.insert.length, 0);
    assert.equal(f.calls.find.length, 0, "a refusal bought nothing: no clean-up needed");
  }
});

Deno.test("buy: a timeout may have bought it — what Twilio holds and nobody recorded is released", async () => {
  const timeout = () => Promise.reject(new Error("ETIMEDOUT: request timeout"));
  const held = { sid: SID, e164: BUY.e164, friendly_name: "x" };
  const dangling = fake({ buy: timeout, find: held, knowsSid: false });
  const r = await answer(await makeHandler(dangling.deps)(post(BUY)));
  assert.equal(r.status, 502);
  assert.equal(r.body.error.code, "twilio_error");
  assert.deepEqual(dangling.calls.find, [BUY.e164]);
  assert.deepEqual(dangling.calls.release, [SID]);

  const recorded = fake({ buy: timeout, find: held, knowsSid: true });
  await (await makeHandler(recorded.deps)(post(BUY))).body?.cancel();
  assert.deepEqual(recorded.calls.release, [], "a number some row owns is left alone");

  const nothing = fake({ buy: timeout, find: null });
  await (await makeHandler(nothing.deps)(post(BUY))).body?.cancel();
  assert.deepEqual(nothing.calls.release, []);
});

Deno.test("buy: missing Twilio configuration → 500 misconfigured, no secrets named", async () => {
  const f = fake();
  f.deps.provider = () => {
    throw new ConfigError("missing or invalid environment: TWILIO_AUTH_TOKEN");
  };
  const r = await answer(await makeHandler(f.deps)(post(BUY)));
  assert.equal(r.status, 500);
  assert.equal(r.body.error.code, "misconfigured");
  assert.doesNotMatch(r.body.error.message, /TWILIO/);
});

// --- release -------------------------------------------------------------------------------

Deno.test("release: removed at Twilio, then marked released", async () => {
  const f = fake();
  const r = await answer(
    await makeHandler(f.deps)(post({ action: "release", org_id: ORG, id: ROW_ID })),
  );
  assert.equal(r.status, 200);
  assert.equal(r.body.status, "released");
  assert.deepEqual(f.calls.release, [SID]);
  assert.deepEqual(f.calls.markReleased, [ROW_ID]);
});

Deno.test("release: unknown id → 404; already released → 200 without asking Twilio", async () => {
  const missing = fake({ get: null });
  assert.equal(
    (await answer(
      await makeHandler(missing.deps)(post({ action: "release", org_id: ORG, id: ROW_ID })),
    )).status,
    404,
  );
  const done = fake({ get: row({ status: "released" }) });
  const r = await answer(
    await makeHandler(done.deps)(post({ action: "release", org_id: ORG, id: ROW_ID })),
  );
  assert.equal(r.status, 200);
  assert.deepEqual(done.calls.release, []);
  assert.deepEqual(done.calls.markReleased, []);
});

Deno.test("release: Twilio no longer has it (404) → recorded as released; other failures keep the row", async () => {
  const gone = fake({ release: () => Promise.reject(restError(404, 20404)) });
  assert.equal(
    (await answer(
      await makeHandler(gone.deps)(post({ action: "release", org_id: ORG, id: ROW_ID })),
    )).status,
    200,
  );
  assert.deepEqual(gone.calls.markReleased, [ROW_ID]);

  const busy = fake({ release: () => Promise.reject(restError(429, 20429)) });
  const r = await answer(
    await makeHandler(busy.deps)(post({ action: "release", org_id: ORG, id: ROW_ID })),
  );
  assert.equal(r.status, 503);
  assert.deepEqual(busy.calls.markReleased, []);
});

// --- error mapping ---------------------------------------------------------------------------

Deno.test("twilioErrorResponse: Twilio's own message is never returned", async () => {
  const r = await answer(twilioErrorResponse(restError(400, 21999, "Account AC123 secret detail")));
  assert.equal(r.status, 502);
  assert.equal(r.body.error.code, "twilio_error");
  assert.doesNotMatch(JSON.stringify(r.body), /AC123|secret detail/);
  const timeout = await answer(twilioErrorResponse(new Error("socket hang up")));
  assert.equal(timeout.status, 502);
  assert.doesNotMatch(JSON.stringify(timeout.body), /hang up/);
});

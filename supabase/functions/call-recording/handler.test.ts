// call-recording against the real Twilio stand-in, started in-process. The
// only thing replaced is the RLS lookup (deps.findCall): which calls a token
// may see. The real lookup through PostgREST is exercised against the running
// test stack by supabase/tests/api/coaching.test.ts and errors.test.ts.
import assert from "node:assert/strict";
import {
  DEFAULT_ACCOUNT_SID,
  DEFAULT_AUTH_TOKEN,
  startTwilioStandIn,
  type TwilioStandIn,
} from "../../local/sandbox/twilio.ts";
import { type Deps, LookupError, makeHandler, mediaUrl, type VisibleCall } from "./handler.ts";

const MANAGER = "a0000000-0000-4000-9000-000000000003";
const OUTSIDER = "b0000000-0000-4000-9000-000000000002";
const CALL_ID = "5e1f0c4e-6a43-4d55-9d0b-1f4b2a7c9e01";
const NO_RECORDING_CALL = "5e1f0c4e-6a43-4d55-9d0b-1f4b2a7c9e02";

const b64url = (o: unknown) =>
  btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
/** A token as verify_jwt lets it through (the signature was checked upstream). */
const bearer = (claims: Record<string, unknown>) =>
  `Bearer ${b64url({ alg: "HS256", typ: "JWT" })}.${b64url(claims)}.sig`;
const userToken = (sub: string) => bearer({ sub, role: "authenticated", aud: "authenticated" });

interface Ctx {
  standIn: TwilioStandIn;
  recordingSid: string;
  /** The recording's media exactly as Twilio serves it. */
  twilioMedia(ext: "wav" | "mp3", range?: string): Promise<Response>;
  handler: (req: Request) => Promise<Response>;
  deps: Deps;
  visible: Map<string, Map<string, VisibleCall>>;
  fetched: string[];
}

async function withStandIn(fn: (ctx: Ctx) => Promise<void>, over: Partial<Deps> = {}) {
  const standIn = startTwilioStandIn({
    port: 0,
    accountSid: DEFAULT_ACCOUNT_SID,
    authToken: DEFAULT_AUTH_TOKEN,
  });
  try {
    const res = await fetch(`${standIn.url}/_sandbox/calls`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        from: "+15553334444",
        to: "+14155550100",
        duration: 12,
        transcript: {
          sentences: [
            {
              media_channel: 2,
              start_time: 0,
              end_time: 4,
              transcript: "Thanks for calling Acme.",
            },
            {
              media_channel: 1,
              start_time: 4.5,
              end_time: 9,
              transcript: "I'd like to order panels.",
            },
          ],
        },
      }),
    });
    assert.equal(res.status, 201);
    const { recording } = await res.json();
    const visible = new Map<string, Map<string, VisibleCall>>([
      [
        MANAGER,
        new Map([[CALL_ID, { recording_url: recording.media_url }], [NO_RECORDING_CALL, {
          recording_url: null,
        }]]),
      ],
    ]);
    const fetched: string[] = [];
    const deps: Deps = {
      findCall: (req, id) => {
        const sub = JSON.parse(atob((req.headers.get("authorization") ?? "").split(".")[1])).sub;
        return Promise.resolve(visible.get(sub)?.get(id) ?? null);
      },
      twilio: () => ({
        accountSid: DEFAULT_ACCOUNT_SID,
        authToken: DEFAULT_AUTH_TOKEN,
        baseUrl: standIn.url,
      }),
      fetch: (input, init) => {
        fetched.push(String(input));
        return fetch(input, init);
      },
      ...over,
    };
    await fn({
      standIn,
      recordingSid: recording.sid,
      twilioMedia: (ext, range) =>
        fetch(`${recording.media_url}.${ext}`, {
          headers: {
            authorization: `Basic ${btoa(`${DEFAULT_ACCOUNT_SID}:${DEFAULT_AUTH_TOKEN}`)}`,
            ...(range ? { range } : {}),
          },
        }),
      handler: makeHandler(deps),
      deps,
      visible,
      fetched,
    });
  } finally {
    await standIn.close();
  }
}

const get = (
  ctx: Ctx,
  query: string,
  headers: Record<string, string> = { authorization: userToken(MANAGER) },
  method = "GET",
) =>
  ctx.handler(new Request(`http://functions.local/call-recording?${query}`, { method, headers }));

async function errorOf(res: Response) {
  const text = await res.text();
  assert.doesNotMatch(
    text,
    /127\.0\.0\.1|twilio\.com|Accounts|RE[0-9a-f]{32}/i,
    "no Twilio URL in the error",
  );
  assert.ok(
    !text.includes(DEFAULT_AUTH_TOKEN) && !text.includes(DEFAULT_ACCOUNT_SID),
    "no credentials in the error",
  );
  return JSON.parse(text).error as { code: string; message: string };
}

const bytes = async (res: Response) => new Uint8Array(await res.arrayBuffer());

Deno.test("call-recording: the whole recording streams with 200, media headers and the exact bytes", async () => {
  await withStandIn(async (ctx) => {
    const res = await get(ctx, `call_id=${CALL_ID}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^audio\/(x-)?wav/);
    assert.equal(res.headers.get("accept-ranges"), "bytes");
    assert.equal(res.headers.get("cache-control"), "private, no-store");
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
    const body = await bytes(res);
    const expected = await bytes(await ctx.twilioMedia("wav"));
    assert.equal(body.length, 44 + 12 * 8000 * 2 * 2, "12 s of 8 kHz 16-bit stereo");
    assert.deepEqual(body, expected);
    assert.equal(new TextDecoder().decode(body.subarray(0, 4)), "RIFF");
    // Nothing Twilio-specific leaks into the response headers.
    for (const [k, v] of res.headers) {
      assert.doesNotMatch(`${k}: ${v}`, /twilio|127\.0\.0\.1|RE[0-9a-f]{32}/i);
    }
  });
});

Deno.test("call-recording: Range is forwarded and answered with 206 and Content-Range", async () => {
  await withStandIn(async (ctx) => {
    const res = await get(ctx, `call_id=${CALL_ID}`, {
      authorization: userToken(MANAGER),
      range: "bytes=100-199",
    });
    assert.equal(res.status, 206);
    const total = 44 + 12 * 8000 * 4;
    assert.equal(res.headers.get("content-range"), `bytes 100-199/${total}`);
    assert.equal(res.headers.get("content-length"), "100");
    assert.equal(res.headers.get("accept-ranges"), "bytes");
    const body = await bytes(res);
    assert.equal(body.length, 100);
    assert.deepEqual(body, (await bytes(await ctx.twilioMedia("wav"))).subarray(100, 200));

    const tail = await get(ctx, `call_id=${CALL_ID}`, {
      authorization: userToken(MANAGER),
      range: "bytes=-10",
    });
    assert.equal(tail.status, 206);
    assert.equal(tail.headers.get("content-range"), `bytes ${total - 10}-${total - 1}/${total}`);
    assert.equal((await bytes(tail)).length, 10);

    const open = await get(ctx, `call_id=${CALL_ID}`, {
      authorization: userToken(MANAGER),
      range: `bytes=${total - 5}-`,
    });
    assert.equal(open.status, 206);
    assert.equal((await bytes(open)).length, 5);
  });
});

Deno.test("call-recording: format=mp3 serves Twilio's MP3", async () => {
  await withStandIn(async (ctx) => {
    const res = await get(ctx, `call_id=${CALL_ID}&format=mp3`, {
      authorization: userToken(MANAGER),
      range: "bytes=0-3",
    });
    assert.equal(res.status, 206);
    assert.equal(res.headers.get("content-type"), "audio/mpeg");
    assert.deepEqual(await bytes(res), new Uint8Array([0xff, 0xfb, 0x18, 0x00]));
    assert.match(ctx.fetched.at(-1)!, /\/Recordings\/RE[0-9a-f]{32}\.mp3$/);
  });
});

Deno.test("call-recording: an unsatisfiable range is a 416 with the size", async () => {
  await withStandIn(async (ctx) => {
    const res = await get(ctx, `call_id=${CALL_ID}`, {
      authorization: userToken(MANAGER),
      range: "bytes=99999999-",
    });
    assert.equal(res.status, 416);
    assert.equal(res.headers.get("content-range"), `bytes */${44 + 12 * 8000 * 4}`);
    assert.equal((await errorOf(res)).code, "range_not_satisfiable");
  });
});

Deno.test("call-recording: HEAD answers headers without a body", async () => {
  await withStandIn(async (ctx) => {
    const res = await get(ctx, `call_id=${CALL_ID}`, { authorization: userToken(MANAGER) }, "HEAD");
    assert.equal(res.status, 200);
    assert.equal(res.body, null);
    assert.equal(res.headers.get("accept-ranges"), "bytes");
  });
});

Deno.test("call-recording: a production RecordingUrl (api.twilio.com) is rewritten to the base URL", async () => {
  await withStandIn(async (ctx) => {
    ctx.visible.get(MANAGER)!.set(CALL_ID, {
      recording_url:
        `https://api.twilio.com/2010-04-01/Accounts/${DEFAULT_ACCOUNT_SID}/Recordings/${ctx.recordingSid}`,
    });
    const res = await get(ctx, `call_id=${CALL_ID}`, {
      authorization: userToken(MANAGER),
      range: "bytes=0-3",
    });
    assert.equal(res.status, 206);
    assert.equal(new TextDecoder().decode(await bytes(res)), "RIFF");
    assert.equal(
      ctx.fetched.at(-1),
      `${ctx.standIn.url}/2010-04-01/Accounts/${DEFAULT_ACCOUNT_SID}/Recordings/${ctx.recordingSid}.wav`,
    );
  });
});

Deno.test("call-recording: without a user token it is a 401; the anon or service key is not a user", async () => {
  await withStandIn(async (ctx) => {
    for (
      const headers of [{} as Record<string, string>, { authorization: bearer({ role: "anon" }) }, {
        authorization: bearer({ role: "service_role" }),
      }]
    ) {
      const res = await get(ctx, `call_id=${CALL_ID}`, headers);
      assert.equal(res.status, 401);
      assert.equal((await errorOf(res)).code, "not_authenticated");
    }
    assert.equal(ctx.fetched.length, 0, "Twilio is not asked");
  });
});

Deno.test("call-recording: a malformed call_id or format is a 400", async () => {
  await withStandIn(async (ctx) => {
    for (const q of ["", "call_id=42", "call_id=' or 1=1 --", `call_id=${CALL_ID}&format=ogg`]) {
      const res = await get(ctx, q);
      assert.equal(res.status, 400, q);
      assert.equal((await errorOf(res)).code, "invalid_input");
    }
  });
});

Deno.test("call-recording: a call the caller cannot see is a 404, and Twilio is never asked", async () => {
  await withStandIn(async (ctx) => {
    const res = await get(ctx, `call_id=${CALL_ID}`, { authorization: userToken(OUTSIDER) });
    assert.equal(res.status, 404);
    assert.equal((await errorOf(res)).code, "not_found");
    assert.equal(ctx.fetched.length, 0);
    assert.equal(ctx.standIn.state.requests.length, 0);
  });
});

Deno.test("call-recording: a call without a recording is a 404 no_recording", async () => {
  await withStandIn(async (ctx) => {
    const res = await get(ctx, `call_id=${NO_RECORDING_CALL}`);
    assert.equal(res.status, 404);
    assert.equal((await errorOf(res)).code, "no_recording");
  });
});

Deno.test("call-recording: a recording deleted at Twilio is a 404 recording_not_found", async () => {
  await withStandIn(async (ctx) => {
    const del = await fetch(
      `${ctx.standIn.url}/2010-04-01/Accounts/${DEFAULT_ACCOUNT_SID}/Recordings/${ctx.recordingSid}.json`,
      {
        method: "DELETE",
        headers: { authorization: `Basic ${btoa(`${DEFAULT_ACCOUNT_SID}:${DEFAULT_AUTH_TOKEN}`)}` },
      },
    );
    assert.equal(del.status, 204);
    const res = await get(ctx, `call_id=${CALL_ID}`);
    assert.equal(res.status, 404);
    assert.equal((await errorOf(res)).code, "recording_not_found");
  });
});

Deno.test("call-recording: Twilio failures (500, 429, wrong credentials) are a 502 without internals", async () => {
  await withStandIn(async (ctx) => {
    for (const kind of ["500", "429"] as const) {
      ctx.standIn.faults.add({ kind, path: "*/Recordings/*", count: 1 });
      const res = await get(ctx, `call_id=${CALL_ID}`);
      assert.equal(res.status, 502, kind);
      const err = await errorOf(res);
      assert.equal(err.code, "recording_unavailable");
    }
  });
  await withStandIn(async (ctx) => {
    const wrongCreds = makeHandler({
      ...ctx.deps,
      twilio: () => ({
        accountSid: DEFAULT_ACCOUNT_SID,
        authToken: "wrong-token-wrong-token",
        baseUrl: ctx.standIn.url,
      }),
    });
    const res2 = await wrongCreds(
      new Request(`http://functions.local/call-recording?call_id=${CALL_ID}`, {
        headers: { authorization: userToken(MANAGER) },
      }),
    );
    assert.equal(res2.status, 502, "Twilio's 401 is our fault, not the caller's");
    assert.equal((await errorOf(res2)).code, "recording_unavailable");
  });
});

Deno.test("call-recording: Twilio credentials go only to Twilio (or the configured stand-in)", async () => {
  await withStandIn(async (ctx) => {
    for (
      const url of [
        `https://evil.example.com/2010-04-01/Accounts/${DEFAULT_ACCOUNT_SID}/Recordings/${ctx.recordingSid}`,
        `http://127.0.0.1:1/2010-04-01/Accounts/${DEFAULT_ACCOUNT_SID}/Recordings/${ctx.recordingSid}`,
        `${ctx.standIn.url}/_sandbox/state`,
        `${ctx.standIn.url}/2010-04-01/Accounts/${DEFAULT_ACCOUNT_SID}/Calls.json`,
        "not a url",
      ]
    ) {
      ctx.visible.get(MANAGER)!.set(CALL_ID, { recording_url: url });
      const res = await get(ctx, `call_id=${CALL_ID}`);
      assert.equal(res.status, 502, url);
      assert.equal((await errorOf(res)).code, "recording_unavailable");
    }
    assert.equal(ctx.fetched.length, 0, "nothing was fetched");
  });
  const sid = "RE" + "a".repeat(32);
  const path = `/2010-04-01/Accounts/${DEFAULT_ACCOUNT_SID}/Recordings/${sid}`;
  assert.equal(
    mediaUrl(`https://api.twilio.com${path}`, "mp3"),
    `https://api.twilio.com${path}.mp3`,
  );
  assert.equal(
    mediaUrl(`https://api.twilio.com${path}.wav`, "wav"),
    `https://api.twilio.com${path}.wav`,
  );
  assert.equal(
    mediaUrl(`https://api.twilio.com${path}`, "wav", "http://127.0.0.1:54340"),
    `http://127.0.0.1:54340${path}.wav`,
  );
  assert.equal(mediaUrl(`http://api.twilio.com${path}`, "wav"), null, "never over plain HTTP");
  assert.equal(mediaUrl(`https://api.twilio.com.evil.io${path}`, "wav"), null);
  assert.equal(mediaUrl(`https://api.twilio.com${path}?x=1`, "wav"), null);
});

Deno.test("call-recording: Twilio that never answers is a 502 after the headers timeout", async () => {
  await withStandIn(async (ctx) => {
    ctx.standIn.faults.add({ kind: "timeout", path: "*/Recordings/*", count: 1 });
    const t0 = Date.now();
    const res = await get(ctx, `call_id=${CALL_ID}`);
    assert.equal(res.status, 502);
    assert.equal((await errorOf(res)).code, "recording_unavailable");
    assert.ok(Date.now() - t0 < 5_000);
  }, { headersTimeoutMs: 300 });
});

Deno.test("call-recording: lookup failures: an expired session is a 401, a database error a 500 without details", async () => {
  await withStandIn(async (ctx) => {
    const res = await get(ctx, `call_id=${CALL_ID}`);
    assert.equal(res.status, 401);
    assert.equal((await errorOf(res)).code, "not_authenticated");
  }, { findCall: () => Promise.reject(new LookupError(401, "PGRST301", "JWT expired")) });
  await withStandIn(async (ctx) => {
    const res = await get(ctx, `call_id=${CALL_ID}`);
    assert.equal(res.status, 500);
    const err = await errorOf(res);
    assert.equal(err.code, "internal_error");
    assert.doesNotMatch(err.message, /relation|secret/);
  }, {
    findCall: () =>
      Promise.reject(new LookupError(500, "XX000", "relation calls is broken: secret detail")),
  });
});

Deno.test("call-recording: CORS preflight, and other methods are refused", async () => {
  await withStandIn(async (ctx) => {
    const pre = await get(ctx, `call_id=${CALL_ID}`, {}, "OPTIONS");
    assert.equal(pre.status, 200);
    assert.match(pre.headers.get("access-control-allow-headers") ?? "", /range/);
    assert.match(pre.headers.get("access-control-expose-headers") ?? "", /content-range/);
    await pre.body?.cancel();
    const put = await get(
      ctx,
      `call_id=${CALL_ID}`,
      { authorization: userToken(MANAGER) },
      "PUT",
    );
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET, HEAD, POST, OPTIONS");
    await put.body?.cancel();
  });
});

// Signed URLs -----------------------------------------------------------------------
const SECRET = "test-recording-url-secret-0123456789abcdef";

function signingDeps(ctx: { clock: { now: number } }, visibleById: Map<string, VisibleCall>): Partial<Deps> {
  return {
    signing: {
      secret: () => SECRET,
      publicUrl: () => "http://functions.local/call-recording",
      findCallById: (id) => Promise.resolve(visibleById.get(id) ?? null),
      now: () => ctx.clock.now,
    },
  };
}

async function withSigning(fn: (ctx: Ctx, clock: { now: number }) => Promise<void>) {
  const clock = { now: Date.parse("2026-12-02T03:00:00Z") };
  const byId = new Map<string, VisibleCall>();
  await withStandIn(async (ctx) => {
    byId.set(CALL_ID, ctx.visible.get(MANAGER)!.get(CALL_ID)!);
    await fn(ctx, clock);
  }, signingDeps({ clock }, byId));
}

const mint = (ctx: Ctx, body: unknown, headers: Record<string, string> = { authorization: userToken(MANAGER) }) =>
  ctx.handler(new Request("http://functions.local/call-recording", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  }));

Deno.test("call-recording: a minted URL plays without a token, with Range, for 5 minutes", async () => {
  await withSigning(async (ctx, clock) => {
    const res = await mint(ctx, { call_id: CALL_ID, format: "wav" });
    assert.equal(res.status, 200);
    const { url, expires_at } = await res.json();
    assert.equal(Date.parse(expires_at) - clock.now, 300_000);
    const u = new URL(url);
    assert.equal(u.searchParams.get("user"), MANAGER);
    assert.ok(!url.includes("Bearer") && !url.includes(userToken(MANAGER).slice(7)), "no token in the URL");
    const whole = await ctx.handler(new Request(url));
    assert.equal(whole.status, 200);
    assert.deepEqual(await bytes(whole), await bytes(await ctx.twilioMedia("wav")));
    const part = await ctx.handler(new Request(url, { headers: { range: "bytes=0-99" } }));
    assert.equal(part.status, 206);
    assert.equal((await bytes(part)).length, 100);
    clock.now += 299_000;
    assert.equal((await ctx.handler(new Request(url))).status, 200, "still good just before expiry");
    await ctx.handler(new Request(url)).then((r) => r.body?.cancel());
  });
});

Deno.test("call-recording: an expired signed URL is a 403 url_expired", async () => {
  await withSigning(async (ctx, clock) => {
    const { url } = await (await mint(ctx, { call_id: CALL_ID })).json();
    clock.now += 301_000;
    const res = await ctx.handler(new Request(url));
    assert.equal(res.status, 403);
    assert.equal((await errorOf(res)).code, "url_expired");
  });
});

Deno.test("call-recording: a tampered signed URL (call, user, format, expiry or signature) is a 403 invalid_signature", async () => {
  await withSigning(async (ctx) => {
    const { url } = await (await mint(ctx, { call_id: CALL_ID, format: "mp3" })).json();
    const tamper = (k: string, v: string) => {
      const u = new URL(url);
      u.searchParams.set(k, v);
      return u.href;
    };
    const sig = new URL(url).searchParams.get("sig")!;
    for (
      const bad of [
        tamper("call_id", NO_RECORDING_CALL),
        tamper("user", OUTSIDER),
        tamper("format", "wav"),
        tamper("exp", String(Number(new URL(url).searchParams.get("exp")) + 60)),
        tamper("sig", (sig[0] === "A" ? "B" : "A") + sig.slice(1)),
        tamper("sig", "not-a-signature"),
        tamper("exp", "soon"),
      ]
    ) {
      const res = await ctx.handler(new Request(bad));
      assert.equal(res.status, 403, bad);
      assert.equal((await errorOf(res)).code, "invalid_signature");
    }
    assert.equal(ctx.fetched.length, 0, "Twilio is never asked for a refused URL");
  });
});

Deno.test("call-recording: minting needs a user token and a call the user can see under RLS", async () => {
  await withSigning(async (ctx) => {
    assert.equal((await mint(ctx, { call_id: CALL_ID }, {})).status, 401);
    const outsider = await mint(ctx, { call_id: CALL_ID }, { authorization: userToken(OUTSIDER) });
    assert.equal(outsider.status, 404);
    assert.equal((await mint(ctx, { call_id: NO_RECORDING_CALL })).status, 404);
    assert.equal((await mint(ctx, { call_id: "nope" })).status, 400);
  });
});

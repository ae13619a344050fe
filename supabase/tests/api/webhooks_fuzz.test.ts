// Randomized bad input for the provider endpoints (twilio-voice,
// twilio-recording, stripe-webhook, mailgun-inbound), through the gateway: every case carries
// at least one defect — in the signature, a field, the encoding, the size or
// the method — and must be refused with a 4xx (never a 5xx, never a 2xx) and
// write nothing. Signed-but-malformed Stripe events are the one case answered
// 200: acknowledged as refused and recorded, never applied. The seed is fixed
// (FUZZ_SEED overrides it) and printed with every failure, so a failing case
// can be replayed.
import assert from "node:assert/strict";
import Stripe from "stripe";
import twilio from "twilio";
import {
  SANDBOX_MAILGUN_DOMAIN,
  SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY,
  SANDBOX_STRIPE_WEBHOOK_SECRET,
  SANDBOX_TWILIO_ACCOUNT_SID,
  SANDBOX_TWILIO_AUTH_TOKEN,
} from "../../local/config.ts";
import { mailgunSignature } from "../../functions/_shared/providers/mailgun.ts";
import { API_URL, db } from "../../local/tests/helpers.ts";
import { seededRandom } from "../../local/random.ts";

const SEED = Number(Deno.env.get("FUZZ_SEED") ?? 20261201);
const CASES = Number(Deno.env.get("FUZZ_CASES") ?? 1000);
const PUBLIC = `${API_URL}/functions/v1`;

/** Seeded case picking: the same FUZZ_SEED gives the same cases. */
function rng(seed: number) {
  const next = seededRandom(seed);
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    hex: (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(next() * 16)]).join(""),
  };
}
type Rng = ReturnType<typeof rng>;

const JUNK = ["", " ", "null", "undefined", "0", "-1", "1e309", "NaN", "'; drop table calls; --", "<script>alert(1)</script>",
  "%00", "\u0000", "\u202e\u202d", "😀".repeat(40), "A".repeat(5000), "../../etc/passwd", "{\"$gt\":\"\"}", "\ud800"];

/** The junk that can travel in a header at all (visible ASCII). */
const HEADER_JUNK = JUNK.filter((s) => /^[\x20-\x7e]*$/.test(s) && s.length < 1000);

interface Case {
  method: string;
  body: string | Uint8Array;
  headers: Record<string, string>;
  what: string;
  /** Another path than the function's own (e.g. mailgun-inbound/events). */
  path?: string;
}

async function send(fn: string, c: Case) {
  const res = await fetch(`${PUBLIC}/${c.path ?? fn}`, { method: c.method, headers: c.headers, body: c.method === "GET" ? undefined : c.body as BodyInit });
  const text = await res.text();
  return { status: res.status, text, type: res.headers.get("content-type") ?? "" };
}

/** Runs `n` cases `concurrency` at a time, collecting failures with the seed. */
async function run(n: number, make: (r: Rng, i: number) => Promise<Case>, check: (c: Case, r: Awaited<ReturnType<typeof send>>) => string | null, fn: string) {
  const r = rng(SEED ^ fn.length * 7919);
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) cases.push(await make(r, i));
  const failures: string[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < cases.length) {
      const i = next++;
      const res = await send(fn, cases[i]);
      const problem = check(cases[i], res);
      if (problem && failures.length < 10) failures.push(`case ${i} (${cases[i].what}): ${problem} — ${res.status} ${res.text.slice(0, 120)}`);
    }
  }));
  assert.deepEqual(failures, [], `seed ${SEED}: ${fn} mishandled cases`);
  return cases.length;
}

// --- Twilio ---------------------------------------------------------------------------

function formOf(params: Record<string, string>, dup?: [string, string]) {
  const f = new URLSearchParams(params);
  if (dup) f.append(dup[0], dup[1]);
  return f.toString();
}

function twilioSignature(r: Rng, fn: string, params: Record<string, string>, fieldDefect: boolean): { header: string | null; what: string; bad: boolean } {
  const url = `${PUBLIC}/${fn}`;
  const good = () => twilio.getExpectedTwilioSignature(SANDBOX_TWILIO_AUTH_TOKEN, url, params);
  // With a field defect the signature may be right (the fields must be checked
  // then); without one it must be wrong.
  const modes = fieldDefect ? ["good", "missing", "junk", "other-url", "other-token", "case"] : ["missing", "junk", "other-url", "other-token", "case", "other-params"];
  const m = r.pick(modes);
  switch (m) {
    case "good": return { header: good(), what: "valid signature", bad: false };
    case "missing": return { header: null, what: "no signature", bad: true };
    case "junk": return { header: r.pick([btoa(r.hex(20)), "", "x".repeat(r.int(300)), "AAAA"]), what: "junk signature", bad: true };
    case "other-url": return { header: twilio.getExpectedTwilioSignature(SANDBOX_TWILIO_AUTH_TOKEN, url.replace("127.0.0.1", "localhost") + "?x=1", params), what: "signed for another URL", bad: true };
    case "other-token": return { header: twilio.getExpectedTwilioSignature("another-auth-token", url, params), what: "another token", bad: true };
    case "case": {
      const g = good();
      return { header: g.toLowerCase() === g ? g.toUpperCase() : g.toLowerCase(), what: "signature case changed", bad: true };
    }
    default: return { header: twilio.getExpectedTwilioSignature(SANDBOX_TWILIO_AUTH_TOKEN, url, { ...params, Extra: "1" }), what: "signed other params", bad: true };
  }
}

function recordingBase(r: Rng): Record<string, string> {
  const rec = "RE" + r.hex(32);
  return {
    AccountSid: SANDBOX_TWILIO_ACCOUNT_SID, CallSid: "CA" + r.hex(32), RecordingSid: rec,
    RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${SANDBOX_TWILIO_ACCOUNT_SID}/Recordings/${rec}`,
    RecordingStatus: "completed", RecordingDuration: String(r.int(3600)), RecordingChannels: "2",
    RecordingStartTime: new Date().toUTCString(), RecordingSource: "DialVerb",
  };
}

const RECORDING_DEFECTS: ((p: Record<string, string>, r: Rng) => string)[] = [
  (p, r) => { const k = r.pick(["AccountSid", "CallSid", "RecordingSid", "RecordingUrl", "RecordingStatus"]); delete p[k]; return `no ${k}`; },
  (p, r) => { p.CallSid = r.pick(["CA" + r.hex(31), "ca" + r.hex(32), "CA" + r.hex(32) + "0", r.pick(JUNK)]); return "bad CallSid"; },
  (p, r) => { p.RecordingSid = r.pick(["RE" + r.hex(33), "RX" + r.hex(32), r.pick(JUNK)]); return "bad RecordingSid"; },
  (p, r) => { p.AccountSid = r.pick(["AC" + r.hex(31), "XX" + r.hex(32), r.pick(JUNK)]); return "bad AccountSid"; },
  (p, r) => { p.RecordingStatus = r.pick(["done", "COMPLETED", "", r.pick(JUNK)]); return "bad status"; },
  (p, r) => { p.RecordingDuration = r.pick(["-1", "1.5", "1234567", "abc", " 42"]); return "bad duration"; },
  (p, r) => { p.RecordingChannels = r.pick(["0", "3", "two", r.pick(JUNK)]); return "bad channels"; },
  (p, r) => { p.RecordingStartTime = "x".repeat(65 + r.int(1000)); return "start time too long"; },
  (p, r) => { p.RecordingUrl = r.pick(["not a url", "://x", "", r.pick(JUNK)]); return "bad URL"; },
];

function voiceBase(r: Rng): Record<string, string> {
  return { CallSid: "CA" + r.hex(32), To: "+1555" + String(1000000 + r.int(8999999)), From: "+1555" + String(1000000 + r.int(8999999)), Direction: "inbound", AccountSid: SANDBOX_TWILIO_ACCOUNT_SID };
}

const VOICE_DEFECTS: ((p: Record<string, string>, r: Rng) => string)[] = [
  (p, r) => { const k = r.pick(["CallSid", "To", "From"]); delete p[k]; return `no ${k}`; },
  (p, r) => { p.CallSid = r.pick(["CA" + r.hex(30), "XY" + r.hex(32), r.pick(JUNK)]); return "bad CallSid"; },
  (p, r) => { p.To = r.pick(["5551234", "+0123", "+1" + "9".repeat(20), "tel:+15551234567", r.pick(JUNK)]); return "bad To"; },
  (p, r) => { p.From = r.pick(["", "x".repeat(65 + r.int(500))]); return "bad From"; },
  (p, r) => { p.Direction = "d".repeat(33 + r.int(100)); return "Direction too long"; },
];

function twilioCase(fn: string, base: (r: Rng) => Record<string, string>, defects: typeof VOICE_DEFECTS) {
  return async (r: Rng): Promise<Case> => {
    const params = base(r);
    const transport = r.next() < 0.12;
    if (transport) {
      const sig = twilio.getExpectedTwilioSignature(SANDBOX_TWILIO_AUTH_TOKEN, `${PUBLIC}/${fn}`, params);
      const kind = r.pick(["GET", "PUT", "huge", "json", "bytes"]);
      const headers: Record<string, string> = { "x-twilio-signature": sig, "content-type": "application/x-www-form-urlencoded" };
      if (kind === "GET" || kind === "PUT") return { method: kind, body: formOf(params), headers, what: `method ${kind}` };
      if (kind === "huge") return { method: "POST", body: formOf({ ...params, Pad: "x".repeat(300_000 + r.int(300_000)) }), headers, what: "oversized body" };
      if (kind === "json") return { method: "POST", body: JSON.stringify(params), headers: { ...headers, "content-type": "application/json" }, what: "JSON instead of a form" };
      return { method: "POST", body: crypto.getRandomValues(new Uint8Array(1 + r.int(2000))), headers, what: "random bytes" };
    }
    const whats: string[] = [];
    const fieldDefect = r.next() < 0.6;
    if (fieldDefect) for (let k = 1 + r.int(2); k > 0; k--) whats.push(r.pick(defects)(params, r));
    const sig = twilioSignature(r, fn, params, fieldDefect);
    whats.push(sig.what);
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    if (sig.header !== null) headers["x-twilio-signature"] = sig.header;
    return { method: "POST", body: formOf(params), headers, what: whats.join(", ") };
  };
}

const refused = (_c: Case, res: { status: number }) =>
  res.status >= 400 && res.status < 500 ? null : `expected a 4xx refusal`;

function sidsOf(cases: Case[]): string[] {
  return cases.flatMap((c) => typeof c.body === "string" ? [...c.body.matchAll(/CA[0-9a-f]{32}/g)].map((m) => m[0]) : []);
}

Deno.test(`fuzz: twilio-recording refuses ${CASES} randomized bad requests with a 4xx and writes nothing (seed ${SEED})`, async () => {
  const made: Case[] = [];
  const n = await run(CASES, async (r, i) => {
    const c = await twilioCase("twilio-recording", recordingBase, RECORDING_DEFECTS)(r);
    made[i] = c;
    return c;
  }, refused, "twilio-recording");
  assert.equal(n, CASES);
  const sql = db();
  try {
    const [w] = await sql`select count(*)::int as n from public.calls where twilio_call_sid = any (${sidsOf(made)})`;
    assert.equal(w.n, 0, `seed ${SEED}: a refused recording callback wrote a call`);
  } finally {
    await sql.end();
  }
});

Deno.test(`fuzz: twilio-voice refuses ${CASES} randomized bad requests with a 4xx and writes nothing (seed ${SEED})`, async () => {
  const made: Case[] = [];
  await run(CASES, async (r, i) => {
    const c = await twilioCase("twilio-voice", voiceBase, VOICE_DEFECTS)(r);
    made[i] = c;
    return c;
  }, refused, "twilio-voice");
  const sql = db();
  try {
    const [w] = await sql`select count(*)::int as n from public.calls where twilio_call_sid = any (${sidsOf(made)})`;
    assert.equal(w.n, 0, `seed ${SEED}: a refused voice webhook wrote a call`);
  } finally {
    await sql.end();
  }
});

// --- Stripe -----------------------------------------------------------------------------

const stripeSdk = new Stripe("sk_test_local_sandbox");

Deno.test(`fuzz: stripe-webhook refuses ${CASES} randomized bad deliveries; signed malformed ones are only recorded (seed ${SEED})`, async () => {
  const marker = `fuzz-${SEED}-${crypto.randomUUID()}`;
  const ids: string[] = [];
  let malformed = 0;
  await run(CASES, async (r, i) => {
    const id = `evt_fuzz_${r.hex(24)}`;
    ids.push(id);
    const event = { id, object: "event", type: r.pick(["invoice.paid", "customer.subscription.updated", "checkout.session.completed"]), created: Math.floor(Date.now() / 1000), marker, data: { object: { id: `sub_${r.hex(14)}`, object: "subscription" } } };
    let payload = JSON.stringify(event);
    const now = Math.floor(Date.now() / 1000);
    const kind = r.pick(["missing", "junk", "other-secret", "old", "future", "tampered", "scheme", "GET", "huge", "malformed", "not-json"]);
    const sign = (p: string, opts: { secret?: string; timestamp?: number } = {}) =>
      stripeSdk.webhooks.generateTestHeaderStringAsync({ payload: p, secret: opts.secret ?? SANDBOX_STRIPE_WEBHOOK_SECRET, timestamp: opts.timestamp });
    const headers: Record<string, string> = { "content-type": "application/json" };
    let method = "POST";
    switch (kind) {
      case "missing": break;
      case "junk": headers["stripe-signature"] = r.pick(["t=1,v1=abc", "v1=" + r.hex(64), r.pick(HEADER_JUNK) || "x", `t=${now},v1=${r.hex(64)}`]); break;
      case "other-secret": headers["stripe-signature"] = await sign(payload, { secret: "whsec_someone_else" }); break;
      case "old": headers["stripe-signature"] = await sign(payload, { timestamp: now - 301 - r.int(100000) }); break;
      case "future": headers["stripe-signature"] = await sign(payload, { timestamp: now + 301 + r.int(100000) }); break;
      case "tampered": headers["stripe-signature"] = await sign(payload); payload = payload.replace("invoice", "invoicf").replace("subscription.", "subscriptioN."); if (!/invoicf|subscriptioN/.test(payload)) payload += " "; break;
      case "scheme": headers["stripe-signature"] = (await sign(payload)).replace("v1=", "v0="); break;
      case "GET": method = "GET"; headers["stripe-signature"] = await sign(payload); break;
      case "huge": payload = JSON.stringify({ ...event, pad: "x".repeat(600_000) }); headers["stripe-signature"] = await sign(payload); break;
      case "malformed": {
        const broken: Record<string, unknown> = { ...event };
        const what = r.pick(["id", "data", "created", "type"]);
        if (what === "id") broken.id = r.pick([undefined, 42, "not_an_event", ""]);
        if (what === "data") broken.data = r.pick([undefined, null, "x", { object: null }, { object: {} }]);
        if (what === "created") broken.created = r.pick([undefined, "yesterday", -5, 1.5]);
        if (what === "type") broken.type = r.pick([undefined, "", 7]);
        payload = JSON.stringify(broken);
        headers["stripe-signature"] = await sign(payload);
        malformed++;
        return { method, body: payload, headers, what: `signed, malformed ${what}` };
      }
      default: payload = `{"id":"${id}",` + "x".repeat(r.int(50)); headers["stripe-signature"] = await sign(payload);
    }
    return { method, body: payload, headers, what: kind };
  }, (c, res) => {
    if (c.what.startsWith("signed, malformed")) {
      return res.status === 200 && /"outcome":"refused"/.test(res.text) ? null : "expected 200 refused";
    }
    return res.status >= 400 && res.status < 500 ? null : "expected a 4xx refusal";
  }, "stripe-webhook");
  const sql = db();
  try {
    const [w] = await sql`select count(*)::int as n from public.stripe_events where id = any (${ids})`;
    assert.equal(w.n, 0, `seed ${SEED}: a refused Stripe delivery reached the ledger`);
    const [rf] = await sql`select count(*)::int as n from public.stripe_refused_events where payload->>'marker' = ${marker}`;
    assert.equal(rf.n, malformed, `seed ${SEED}: exactly the signed malformed events are recorded`);
    await sql`delete from public.stripe_refused_events where payload->>'marker' = ${marker}`;
  } finally {
    await sql.end();
  }
});

// --- Mailgun ------------------------------------------------------------------------------

Deno.test(`fuzz: mailgun-inbound refuses ${CASES} randomized bad forwards and events with a 4xx and writes nothing (seed ${SEED})`, async () => {
  const marker = `fuzz${SEED}x${crypto.randomUUID().slice(0, 8)}`;
  const tokens: string[] = [];
  const [{ slug }] = await (async () => {
    const sql = db();
    try {
      return await sql`select slug from public.organizations order by created_at limit 1`;
    } finally {
      await sql.end();
    }
  })();
  await run(CASES, async (r) => {
    const now = Math.floor(Date.now() / 1000);
    const token = marker + r.hex(24);
    tokens.push(token);
    const sig = { timestamp: String(now), token, signature: mailgunSignature(SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY, String(now), token) };
    const whats: string[] = [];
    // A signature defect (401), or a signed message with a defect (406), or the transport (405/413/415/400).
    const mode = r.pick(["signature", "signature", "field", "field", "transport", "event"]);
    if (mode === "signature") {
      const d = r.pick(["missing", "junk", "other-key", "stale", "future", "token", "timestamp", "swap"]);
      if (d === "missing") delete (sig as Record<string, string>)[r.pick(["timestamp", "token", "signature"])];
      if (d === "junk") sig.signature = r.pick([r.hex(64 - 1 - r.int(10)), "z".repeat(64), "", r.pick(HEADER_JUNK), r.hex(66)]);
      if (d === "other-key") sig.signature = mailgunSignature("someone-elses-key", sig.timestamp, token);
      if (d === "stale" || d === "future") {
        sig.timestamp = String(now + (d === "stale" ? -1 : 1) * (301 + r.int(100000)));
        sig.signature = mailgunSignature(SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY, sig.timestamp, token);
      }
      if (d === "token") sig.token = token + "x";
      if (d === "timestamp") sig.timestamp = r.pick(["", "abc", "1e9", String(now) + ".5", "-" + now]);
      if (d === "swap") sig.signature = mailgunSignature(SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY, token, sig.timestamp);
      whats.push(`signature: ${d}`);
    }
    if (mode === "event") {
      const kind = r.pick(["unsigned", "bad-json", "no-data", "huge"]);
      const ev = { signature: sig, "event-data": { id: `${marker}-${r.hex(8)}`, event: "delivered", message: { headers: { "message-id": `m-${r.hex(32)}@${SANDBOX_MAILGUN_DOMAIN}` } } } };
      if (kind === "unsigned") ev.signature = { ...sig, signature: r.hex(64) };
      if (kind === "no-data") (ev as Record<string, unknown>)["event-data"] = r.pick([null, {}, { id: 5 }, "x"]);
      let body = JSON.stringify(ev);
      if (kind === "bad-json") body = body.slice(0, r.int(body.length));
      if (kind === "huge") body = JSON.stringify({ ...ev, pad: "x".repeat(70_000 + r.int(10_000)) });
      return { method: "POST", body, headers: { "content-type": "application/json" }, what: `event: ${kind}`, path: "mailgun-inbound/events" };
    }
    const fields: Record<string, string> = {
      recipient: `${slug}@${SANDBOX_MAILGUN_DOMAIN}`, from: `Fuzz <fuzz@${marker}.test>`, subject: "Hello", "body-plain": r.pick(JUNK),
      "Message-Id": `<${r.hex(16)}@${marker}.test>`,
    };
    if (mode === "field") {
      const d = r.pick(["no-recipient", "no-message-id", "nobody", "other-domain", "unknown-token", "from", "subject", "long-id"]);
      if (d === "no-recipient") delete fields.recipient;
      if (d === "no-message-id") delete fields["Message-Id"];
      if (d === "nobody") fields.recipient = `no-org-${r.hex(8)}@${SANDBOX_MAILGUN_DOMAIN}`;
      if (d === "other-domain") fields.recipient = `${slug}@elsewhere-${r.hex(4)}.test`;
      if (d === "unknown-token") fields.recipient = `reply+${r.hex(24)}@${SANDBOX_MAILGUN_DOMAIN}`;
      if (d === "from") fields.from = r.pick(["", "x", "not an address", "@", "a@"]);
      if (d === "subject") fields.subject = "s".repeat(999 + r.int(2000));
      if (d === "long-id") fields["Message-Id"] = `<${"i".repeat(1000 + r.int(500))}@x>`;
      whats.push(`signed, ${d}`);
    }
    const form = new URLSearchParams({ ...fields, ...sig });
    const headers = { "content-type": "application/x-www-form-urlencoded" };
    if (mode === "transport") {
      // Big bodies are a few percent of the cases: they cost megabytes each.
      const big = r.next();
      const kind = big < 0.03 ? "huge" : big < 0.1 ? "multipart-big" : r.pick(["GET", "PUT", "json", "bytes"]);
      if (kind === "GET" || kind === "PUT") return { method: kind, body: form.toString(), headers, what: `method ${kind}` };
      if (kind === "json") return { method: "POST", body: JSON.stringify({ ...fields, ...sig }), headers: { "content-type": "application/json" }, what: "JSON" };
      if (kind === "bytes") return { method: "POST", body: crypto.getRandomValues(new Uint8Array(1 + r.int(2000))), headers, what: "random bytes" };
      if (kind === "huge") return { method: "POST", body: form.toString() + "&pad=" + "x".repeat(10 * 1024 * 1024), headers, what: "oversized body" };
      const mp = new FormData();
      for (const [k, v] of form) mp.set(k, v);
      mp.set("attachment-1", new File([new Uint8Array(5 * 1024 * 1024 + 1 + r.int(1000))], "big.bin"));
      const req = new Request("http://x/", { method: "POST", body: mp });
      return { method: "POST", body: new Uint8Array(await req.arrayBuffer()), headers: { "content-type": req.headers.get("content-type")! }, what: "signed, attachment over the limit" };
    }
    return { method: "POST", body: form.toString(), headers, what: whats.join(", ") };
  }, refused, "mailgun-inbound");
  const sql = db();
  try {
    const [m] = await sql`select count(*)::int as n from public.messages where from_address like ${"%" + marker + "%"} or message_id_header like ${"%" + marker + "%"}`;
    assert.equal(m.n, 0, `seed ${SEED}: a refused Mailgun post stored a message`);
    const [t] = await sql`select count(*)::int as n from private.mailgun_webhook_tokens where token = any (${tokens})`;
    assert.equal(t.n, 0, `seed ${SEED}: a refused Mailgun post used up its token`);
    const [e] = await sql`select count(*)::int as n from public.email_events where id like ${marker + "%"}`;
    assert.equal(e.n, 0, `seed ${SEED}: a refused event was recorded`);
  } finally {
    await sql.end();
  }
});

// Tests of the Mailgun stand-in, driven the way the product drives Mailgun:
// sendEmail (the official mailgun.js SDK) through
// supabase/functions/_shared/providers/mailgun.ts, and the signed posts it
// makes back to a route (a local server here), checked with the product's
// own signature verifier.
import assert from "node:assert/strict";
import { MailgunError, sendEmail, verifyMailgunSignature } from "../../functions/_shared/providers/mailgun.ts";
import { DEFAULT_MAILGUN_KEY, DEFAULT_MAILGUN_SIGNING_KEY, startMailgunStandIn } from "./mailgun.ts";

async function withRoute(fn: (route: string, paths: string[], bodies: (FormData | unknown)[]) => Promise<void>) {
  const posts: string[] = [];
  const bodies: (FormData | unknown)[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    posts.push(new URL(req.url).pathname);
    bodies.push(req.headers.get("content-type")?.includes("json") ? await req.json() : await req.formData());
    return Response.json({ ok: true });
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}/mailgun-inbound`, posts, bodies);
  } finally {
    await server.shutdown();
  }
}

Deno.test("mailgun stand-in: sends through mailgun.js with headers, forwards a signed reply and a signed event", async () => {
  await withRoute(async (route, posts, bodies) => {
    const s = startMailgunStandIn({ port: 0, route });
    try {
      const env = { apiKey: DEFAULT_MAILGUN_KEY, domain: "mg.test", baseUrl: s.url };
      const id = await sendEmail(env, {
        from: "Acme <acme@mg.test>", to: "pat@c.test", subject: "Hello", text: "Hi",
        headers: { "Message-Id": "<m-1@mg.test>", "Reply-To": "reply+abc@mg.test" }, tags: ["call_follow_up"],
      });
      assert.equal(id, "<m-1@mg.test>", "the id is the Message-Id given");
      assert.deepEqual(s.messages[0].tags, ["call_follow_up"]);

      const res = await fetch(`${s.url}/_sandbox/inbound`, {
        method: "POST",
        body: JSON.stringify({ reply_to_message_id: id, from: "pat@c.test", text: "Yes", attachments: [{ name: "a.txt", type: "text/plain", size: 3 }] }),
      });
      assert.equal((await res.json()).status, 200);
      const form = bodies[0] as FormData;
      assert.equal(form.get("recipient"), "reply+abc@mg.test");
      assert.equal(form.get("In-Reply-To"), "<m-1@mg.test>");
      assert.equal(form.get("subject"), "Re: Hello");
      assert.equal((form.get("attachment-1") as File).size, 3);
      const sig = { timestamp: form.get("timestamp"), token: form.get("token"), signature: form.get("signature") };
      assert.deepEqual(verifyMailgunSignature(DEFAULT_MAILGUN_SIGNING_KEY, sig, new Date()), { ok: true });
      assert.deepEqual(verifyMailgunSignature("another-key", sig, new Date()), { ok: false, reason: "invalid" });

      await fetch(`${s.url}/_sandbox/events`, { method: "POST", body: JSON.stringify({ message_id: id, event: "delivered" }) }).then((r) => r.body?.cancel());
      assert.equal(posts[1], "/mailgun-inbound/events");
      const ev = bodies[1] as { signature: Record<string, string>; "event-data": { event: string; message: { headers: Record<string, string> } } };
      assert.equal(ev["event-data"].message.headers["message-id"], "m-1@mg.test");
      assert.deepEqual(verifyMailgunSignature(DEFAULT_MAILGUN_SIGNING_KEY, ev.signature, new Date()), { ok: true });
    } finally {
      await s.close();
    }
  });
});

Deno.test("mailgun stand-in: faults answer as Mailgun would and send nothing", async () => {
  const s = startMailgunStandIn({ port: 0 });
  try {
    const env = { apiKey: DEFAULT_MAILGUN_KEY, domain: "mg.test", baseUrl: s.url };
    await fetch(`${s.url}/_sandbox/faults`, { method: "POST", body: JSON.stringify({ kind: "500", count: 1 }) }).then((r) => r.body?.cancel());
    const err = await sendEmail(env, { from: "a@mg.test", to: "b@c.test", subject: "s", text: "t" }).catch((e) => e);
    assert.ok(err instanceof MailgunError && err.status === 500 && err.retryable, String(err));
    const bad = await sendEmail({ ...env, apiKey: "wrong-key" }, { from: "a@mg.test", to: "b@c.test", subject: "s", text: "t" }).catch((e) => e);
    assert.ok(bad instanceof MailgunError && bad.status === 401 && !bad.retryable, String(bad));
    assert.equal(s.messages.length, 0);
    await sendEmail(env, { from: "a@mg.test", to: "b@c.test", subject: "s", text: "t" });
    assert.equal(s.messages.length, 1, "the next one goes through");
  } finally {
    await s.close();
  }
});

Deno.test("mailgun signature: stale and future timestamps are refused, malformed fields too", () => {
  const key = DEFAULT_MAILGUN_SIGNING_KEY;
  const now = new Date();
  const sign = async (timestamp: string, token: string) => {
    const h = await crypto.subtle.importKey("raw", new TextEncoder().encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    return [...new Uint8Array(await crypto.subtle.sign("HMAC", h, new TextEncoder().encode(timestamp + token)))]
      .map((b) => b.toString(16).padStart(2, "0")).join("");
  };
  return (async () => {
    const t = String(Math.floor(now.getTime() / 1000));
    const token = "t".repeat(50);
    assert.deepEqual(verifyMailgunSignature(key, { timestamp: t, token, signature: await sign(t, token) }, now), { ok: true });
    const old = String(Number(t) - 301);
    assert.deepEqual(verifyMailgunSignature(key, { timestamp: old, token, signature: await sign(old, token) }, now), { ok: false, reason: "stale" });
    const future = String(Number(t) + 301);
    assert.deepEqual(verifyMailgunSignature(key, { timestamp: future, token, signature: await sign(future, token) }, now), { ok: false, reason: "stale" });
    assert.deepEqual(verifyMailgunSignature(key, { timestamp: t, token }, now), { ok: false, reason: "missing" });
    assert.deepEqual(verifyMailgunSignature(key, { timestamp: t, token, signature: "xyz" }, now), { ok: false, reason: "invalid" });
  })();
});

// stripe-webhook's refusals: a validly signed event that can never be applied
// is acknowledged (Stripe stops retrying) and recorded, not answered 500; a
// signature dated in the future is refused like a bad one. Nothing else changes.
import assert from "node:assert/strict";
import Stripe from "stripe";
import { SANDBOX_STRIPE_WEBHOOK_SECRET } from "../../local/config.ts";
import { API_URL, db } from "../../local/tests/helpers.ts";

const stripeSdk = new Stripe("sk_test_local_sandbox");

async function post(payload: string, timestamp?: number) {
  const header = await stripeSdk.webhooks.generateTestHeaderStringAsync({ payload, secret: SANDBOX_STRIPE_WEBHOOK_SECRET, timestamp });
  const res = await fetch(`${API_URL}/functions/v1/stripe-webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": header },
    body: payload,
  });
  return { status: res.status, body: await res.json() };
}

async function counts(marker: string) {
  const sql = db();
  try {
    const [r] = await sql`select
        (select count(*)::int from public.stripe_refused_events where payload->>'marker' = ${marker}) as refused,
        (select count(*)::int from public.stripe_events) as ledger,
        (select count(*)::int from public.subscriptions) as subscriptions`;
    return { ...r };
  } finally {
    await sql.end();
  }
}

Deno.test("stripe-webhook: a signed but malformed event is acknowledged as refused and recorded; nothing is applied", async () => {
  const marker = crypto.randomUUID();
  const before = await counts(marker);
  for (const body of [{ type: "invoice.paid", marker }, { id: "evt_x", type: "customer.subscription.updated", created: 1, marker }]) {
    const r = await post(JSON.stringify(body));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.outcome, "refused");
    assert.match(r.body.reason, /id|data/);
  }
  const after = await counts(marker);
  assert.equal(after.refused, before.refused + 2);
  assert.equal(after.ledger, before.ledger, "no ledger row");
  assert.equal(after.subscriptions, before.subscriptions);
});

Deno.test("stripe-webhook: a signature dated in the future is refused (400), like an old one; nothing is written", async () => {
  const marker = crypto.randomUUID();
  const id = `evt_future_${crypto.randomUUID().replace(/-/g, "")}`;
  const payload = JSON.stringify({ id, object: "event", type: "customer.updated", created: Math.floor(Date.now() / 1000), marker, data: { object: { id: "cus_nobody", object: "customer" } } });
  const future = await post(payload, Math.floor(Date.now() / 1000) + 3600);
  assert.equal(future.status, 400);
  assert.equal(future.body.error.code, "invalid_signature");
  const old = await post(payload, Math.floor(Date.now() / 1000) - 3600);
  assert.equal(old.status, 400);
  const sql = db();
  try {
    const [n] = await sql`select count(*)::int as n from public.stripe_events where id = ${id}`;
    assert.equal(n.n, 0);
  } finally {
    await sql.end();
  }
  // A small clock skew is fine.
  const skewed = await post(payload, Math.floor(Date.now() / 1000) + 60);
  assert.equal(skewed.status, 200, JSON.stringify(skewed.body));
});

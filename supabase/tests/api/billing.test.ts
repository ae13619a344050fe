// Billing end to end on the test stack: Stripe Checkout through the stand-in,
// signed webhooks into stripe-webhook, duplicates and out-of-order delivery,
// seats flowing to Stripe, metered usage reported exactly once.
import assert from "node:assert/strict";
import Stripe from "stripe";
import { instance, type InstanceName, SANDBOX_STRIPE_WEBHOOK_SECRET } from "../../local/config.ts";
import { ANON_KEY, API_URL, db, poll, SERVICE_ROLE_KEY, accessToken } from "../../local/tests/helpers.ts";
import { addMember, createOrg } from "./fixtures.ts";

const inst = instance((Deno.env.get("SALESPULSE_INSTANCE") ?? "test") as InstanceName);
const SANDBOX = `http://127.0.0.1:${inst.ports.stripe}/_sandbox`;

/** An organization on the free plan (no Stripe customer yet) with an owner and a manager. */
async function freeTenant() {
  const org = await createOrg({ room: false });
  return { id: org.id, owner: org.owner.id, manager: (await addMember(org, "manager")).id };
}
type Tenant = Awaited<ReturnType<typeof freeTenant>>;

async function fn(name: string, uid: string | null, body: unknown) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  headers.authorization = `Bearer ${uid ? await accessToken(uid) : ANON_KEY}`;
  const res = await fetch(`${API_URL}/functions/v1/${name}`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function sandbox(path: string, body?: unknown) {
  const res = await fetch(`${SANDBOX}/${path}`, body === undefined ? {} : {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : await res.json();
}

async function subscription(orgId: string) {
  const sql = db();
  try {
    const [s] = await sql`select s.*, p.key as plan from public.subscriptions s left join public.plans p on p.id = s.plan_id where s.org_id = ${orgId}`;
    return s;
  } finally {
    await sql.end();
  }
}

async function ledgerCount(id: string) {
  const sql = db();
  try {
    const [{ n }] = await sql`select count(*)::int as n from public.stripe_events where id = ${id}`;
    return n;
  } finally {
    await sql.end();
  }
}

const stripeSdk = new Stripe("sk_test_local_sandbox");
/** The Stripe API of the stand-in, read as our functions read it. */
const stripeApi = new Stripe("sk_test_local_sandbox", { host: "127.0.0.1", port: inst.ports.stripe, protocol: "http" });

async function signedPost(payload: string, secret = SANDBOX_STRIPE_WEBHOOK_SECRET) {
  const header = await stripeSdk.webhooks.generateTestHeaderStringAsync({ payload, secret });
  const res = await fetch(`${API_URL}/functions/v1/stripe-webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": header },
    body: payload,
  });
  return { status: res.status, body: await res.json() };
}

Deno.test("stripe-webhook: a valid signature is accepted; an altered byte or another secret → 400, nothing written", async () => {
  const id = `evt_test_${crypto.randomUUID().replace(/-/g, "")}`;
  const payload = JSON.stringify({ id, object: "event", type: "customer.updated", created: Math.floor(Date.now() / 1000), data: { object: { id: "cus_nobody", object: "customer" } } });
  const bad = await signedPost(payload, "whsec_another_secret");
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, "invalid_signature");
  const header = await stripeSdk.webhooks.generateTestHeaderStringAsync({ payload, secret: SANDBOX_STRIPE_WEBHOOK_SECRET });
  const tampered = await fetch(`${API_URL}/functions/v1/stripe-webhook`, {
    method: "POST",
    headers: { "stripe-signature": header },
    body: payload.replace("customer.updated", "customer.updatee"),
  });
  assert.equal(tampered.status, 400);
  await tampered.body?.cancel();
  assert.equal(await ledgerCount(id), 0);
  const ok = await signedPost(payload);
  assert.equal(ok.status, 200);
  assert.equal(ok.body.outcome, "ignored_unknown_customer");
  assert.equal(await ledgerCount(id), 1);
});

Deno.test("checkout: only owners/admins; bad input is a 400", async () => {
  const t = await freeTenant();
  const stranger = (await createOrg()).owner.id;
  assert.equal((await fn("stripe-checkout", t.manager, { org_id: t.id, plan: "starter" })).status, 403);
  assert.equal((await fn("stripe-checkout", stranger, { org_id: t.id, plan: "starter" })).status, 404);
  assert.equal((await fn("stripe-checkout", null, { org_id: t.id, plan: "starter" })).status, 401);
  assert.equal((await fn("stripe-checkout", t.owner, { org_id: "nope", plan: "starter" })).status, 400);
  assert.equal((await fn("stripe-checkout", t.owner, { org_id: t.id, plan: "platinum" })).status, 404);
  assert.equal((await fn("stripe-portal", t.owner, { org_id: t.id })).status, 409, "no customer yet");
});

/** The owner checks out `seats` starter seats and pays on the hosted page; resolves with the subscription the webhooks wrote. */
async function buyStarter(t: Tenant, seats: number, interval: "month" | "year" = "month") {
  const checkout = await fn("stripe-checkout", t.owner, { org_id: t.id, plan: "starter", seats, interval });
  assert.equal(checkout.status, 200, JSON.stringify(checkout.body));
  const page = await fetch(checkout.body.url);
  const html = await page.text();
  const action = /action="([^"]+)"/.exec(html)?.[1];
  assert.ok(action, "the Checkout page has a pay form");
  const paid = await fetch(new URL(action!.replaceAll("&amp;", "&"), checkout.body.url), { method: "POST", redirect: "manual" });
  await paid.body?.cancel();
  assert.equal(paid.status, 303);
  assert.match(paid.headers.get("location") ?? "", /\/app\/billing\?checkout=success&session_id=cs_/);

  return await poll("the subscription to arrive by webhook", async () => {
    const s = await subscription(t.id);
    return s?.status === "active" && s.plan === "starter" ? s : null;
  }, 15_000, 200);
}

Deno.test("an owner buys a plan through Checkout; webhooks move the organization; replays change nothing", async () => {
  const t = await freeTenant();
  // The stand-in's delivery log is shared by every test: count this test's own failures.
  const failedBefore = new Set((await sandbox("deliveries?ok=false")).data.map((d: { id: string }) => d.id));
  const sub = await buyStarter(t, 6);
  assert.equal(sub.seats, 6);
  assert.match(sub.stripe_subscription_id, /^sub_/);
  await sandbox("webhooks/settle", {});
  const failed = (await sandbox("deliveries?ok=false")).data.filter((d: { id: string }) => !failedBefore.has(d.id));
  assert.deepEqual(failed, [], "every delivery was answered 2xx");

  const token = await accessToken(t.manager);
  const ent = await (await fetch(`${API_URL}/rest/v1/rpc/org_entitlements`, {
    method: "POST",
    headers: { apikey: ANON_KEY, authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ p_org_id: t.id }),
  })).json();
  assert.equal(ent.plan, "starter");
  assert.ok(ent.features.includes("coaching"));

  // Replaying every delivered event changes nothing.
  const before = await subscription(t.id);
  const deliveries = await sandbox("deliveries?ok=true");
  const ids = [...new Set(deliveries.data.map((d: { event_id: string }) => d.event_id))] as string[];
  await sandbox("webhooks/deliver", { events: ids });
  await sandbox("webhooks/settle", {});
  const after = await subscription(t.id);
  assert.deepEqual({ ...after, updated_at: null }, { ...before, updated_at: null });

  // The first invoice is in the revenue ledger, once: 6 starter seats at the plan's price.
  const sql = db();
  try {
    const [{ cents }] = await sql`select price_monthly_cents as cents from public.plans where key = 'starter'`;
    assert.ok(cents > 0, "the starter plan has a price");
    const invoices = await sql`select status, amount_paid_cents, currency, paid_at is not null as paid
                                 from public.invoices where org_id = ${t.id}`;
    assert.deepEqual(invoices.map((r) => ({ ...r })), [{ status: "paid", amount_paid_cents: 6 * cents, currency: "usd", paid: true }]);
  } finally {
    await sql.end();
  }

  assert.equal((await fn("stripe-portal", t.owner, { org_id: t.id })).status, 200);
  assert.equal((await fn("stripe-checkout", t.owner, { org_id: t.id, plan: "pro" })).status, 409, "already subscribed");
});

Deno.test("an owner buys a plan yearly: the seats and the overage both recur yearly (Stripe refuses a mix)", async () => {
  const t = await freeTenant();
  const sub = await buyStarter(t, 5, "year");
  assert.equal(sub.billing_interval, "year");
  const sql = db();
  let plan;
  try {
    [plan] = await sql`select stripe_price_yearly, stripe_price_metered_yearly from public.plans where key = 'starter'`;
  } finally {
    await sql.end();
  }
  const remote = await stripeApi.subscriptions.retrieve(sub.stripe_subscription_id);
  assert.deepEqual(
    remote.items.data.map((i) => [i.price.id, i.price.recurring?.interval, i.price.recurring?.usage_type]).sort(),
    [[plan.stripe_price_metered_yearly, "year", "metered"], [plan.stripe_price_yearly, "year", "licensed"]].sort(),
  );
  // A plan with monthly overage only is not sold yearly: a clear refusal, no Checkout Session.
  const sql2 = db();
  try {
    await sql2`update public.plans set stripe_price_metered_yearly = null where key = 'pro'`;
    const other = await freeTenant();
    const refused = await fn("stripe-checkout", other.owner, { org_id: other.id, plan: "pro", interval: "year" });
    assert.equal(refused.status, 404);
    assert.equal(refused.body.error.code, "plan_not_found");
    assert.match(refused.body.error.message, /overage monthly only: choose the monthly interval/);
  } finally {
    await sql2`update public.plans set stripe_price_metered_yearly = 'price_analyzed_minutes_pro_yearly' where key = 'pro'`;
    await sql2.end();
  }
});

Deno.test("seat changes flow to Stripe; out-of-order deliveries converge on the latest state", async () => {
  const t = await freeTenant();
  await buyStarter(t, 6);
  assert.equal((await fn("stripe-subscription", t.owner, { org_id: t.id, seats: 1 })).status, 409, "fewer seats than in use");
  await sandbox("webhooks/hold", {});
  try {
    assert.equal((await fn("stripe-subscription", t.owner, { org_id: t.id, seats: 8 })).status, 202);
    await sandbox("clock", { advance_seconds: 5 });
    assert.equal((await fn("stripe-subscription", t.owner, { org_id: t.id, seats: 9 })).status, 202);
  } finally {
    await sandbox("webhooks/release", { order: "reverse" });
  }
  const s = await poll("the seat change", async () => {
    const s = await subscription(t.id);
    return s.seats === 9 ? s : null;
  }, 10_000, 200);
  assert.equal(s.seats, 9);
  // And once more, in the original order: still 9.
  const events = (await sandbox("deliveries?type=customer.subscription.updated")).data.map((d: { event_id: string }) => d.event_id);
  await sandbox("webhooks/deliver", { events });
  await sandbox("webhooks/settle", {});
  assert.equal((await subscription(t.id)).seats, 9);
});

Deno.test("metered usage is reported to Stripe exactly once, even when the job reruns", async () => {
  const t = await freeTenant();
  const sub = await buyStarter(t, 2);
  const sql = db();
  try {
    await sql`insert into public.usage_records (org_id, kind, quantity, source_type, source_id)
              select ${t.id}, 'analyzed_minutes', q, 'test', gen_random_uuid() from unnest(array[1.2, 2.5, 0.3]::numeric[]) q`;
    const [{ expected }] = await sql`select sum(ceil(quantity))::int as expected from public.usage_records where org_id = ${t.id} and billable`;
    const run = async (key: string) => {
      await sql`select public.enqueue_job('report_usage', ${t.id}::uuid, ${sql.json({ org_id: t.id })}, ${key})`;
      const r = await fetch(`${API_URL}/functions/v1/process-jobs`, {
        method: "POST",
        headers: { authorization: `Bearer ${SERVICE_ROLE_KEY}`, "content-type": "application/json" },
        body: "{}",
      });
      await r.body?.cancel();
      await poll("report_usage to finish", async () => {
        const [j] = await sql`select status from public.jobs where dedupe_key = ${key}`;
        return j.status === "succeeded" || j.status === "dead" ? j : null;
      }, 15_000, 200);
    };
    const usage = async () => {
      const u = await sandbox(`usage?customer=${sub.stripe_customer_id}&event_name=analyzed_minutes`);
      return Number(u.data[0]?.aggregated_value ?? 0);
    };
    await run(`report-${crypto.randomUUID()}`);
    assert.equal(await usage(), expected);
    const [{ left }] = await sql`select count(*)::int as left from public.usage_records where org_id = ${t.id} and reported_at is null`;
    assert.equal(left, 0);
    await run(`report-${crypto.randomUUID()}`);
    assert.equal(await usage(), expected, "a rerun sends nothing new");
    // A crash after sending but before marking: Stripe dedupes by identifier.
    await sql`update public.usage_records set reported_at = null where org_id = ${t.id}`;
    await run(`report-${crypto.randomUUID()}`);
    assert.equal(await usage(), expected, "resending the same records bills nothing twice");
  } finally {
    await sql.end();
  }
});

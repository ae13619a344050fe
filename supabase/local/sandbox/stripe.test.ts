// Tests of the Stripe stand-in, driven the way the product drives Stripe: the real `stripe` SDK
// through supabase/functions/_shared/providers/stripe.ts, the hosted pages over plain HTTP (as a
// browser would), signed webhooks received by a local server and checked with
// verifyStripeWebhook, and the /_sandbox control API over HTTP.
import assert from "node:assert/strict";
import { rejection, sandboxCall, withServer } from "./kernel/testing.ts";
import {
  Stripe,
  stripeClient,
  stripeHostConfig,
  verifyStripeWebhook,
} from "../../functions/_shared/providers/stripe.ts";
import {
  decodeStripeForm,
  DEFAULT_SECRET_KEY,
  startStripeStandIn,
  type StripeStandIn,
} from "./stripe.ts";

const KEY = DEFAULT_SECRET_KEY;
const SECRET = "whsec_stripe_test_receiver";

const withStandIn = (fn: (s: StripeStandIn) => Promise<void>) =>
  withServer(() => startStripeStandIn({ port: 0 }), fn);

const client = (
  s: StripeStandIn,
  extra: { secretKey?: string; timeoutMs?: number; maxNetworkRetries?: number } = {},
) => stripeClient({ secretKey: KEY, baseUrl: s.url, maxNetworkRetries: 0, ...extra });

const control = (s: StripeStandIn, method: string, path: string, body?: unknown) =>
  sandboxCall(s.url, method, path, body);


interface Received {
  event: Stripe.Event;
  raw: string;
  signature: string;
}

/** A webhook endpoint as the product's stripe-webhook function would be: verify, then ack. */
function startReceiver(secret = SECRET) {
  const received: Received[] = [];
  const rejected: { raw: string; signature: string | null; error: string }[] = [];
  /** Statuses to answer with, one per delivery, before going back to 200. */
  const answers: number[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const raw = await req.text();
    const signature = req.headers.get("stripe-signature");
    let event: Stripe.Event;
    try {
      event = await verifyStripeWebhook(raw, signature, secret);
    } catch (e) {
      rejected.push({ raw, signature, error: String(e) });
      return new Response("invalid signature", { status: 400 });
    }
    const status = answers.shift() ?? 200;
    if (status === 200) received.push({ event, raw, signature: signature! });
    return new Response(JSON.stringify({ received: status === 200 }), { status });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/functions/v1/stripe-webhook`,
    received,
    rejected,
    answers,
    types: () => received.map((r) => r.event.type),
    ofType: (type: string) => received.filter((r) => r.event.type === type).map((r) => r.event),
    close: () => server.shutdown(),
  };
}
type Receiver = ReturnType<typeof startReceiver>;

async function withReceiver(
  s: StripeStandIn,
  fn: (r: Receiver, endpointId: string) => Promise<void>,
  spec: Record<string, unknown> = {},
) {
  const r = startReceiver();
  try {
    const { status, body } = await control(s, "POST", "/webhooks/endpoints", {
      url: r.url,
      secret: SECRET,
      ...spec,
    });
    assert.equal(status, 201, JSON.stringify(body));
    await fn(r, body.id);
  } finally {
    await s.webhooks.settle();
    await r.close();
  }
}

/** Opens a hosted page and submits its first form (as a browser would), without following the redirect. */
async function submitPage(pageUrl: string, fields: Record<string, string> = {}, formIndex = 0) {
  const res = await fetch(pageUrl);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  const html = await res.text();
  const forms = [...html.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)];
  assert.ok(forms[formIndex], `no form #${formIndex} on ${pageUrl}`);
  const hidden = Object.fromEntries(
    [...forms[formIndex][2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((
      m,
    ) => [m[1], m[2]]),
  );
  return await fetch(new URL(forms[formIndex][1], pageUrl), {
    method: "POST",
    body: new URLSearchParams({ ...hidden, ...fields }),
    redirect: "manual",
  });
}

async function subscribe(
  s: StripeStandIn,
  stripe: Stripe,
  opts: { quantity?: number; trialDays?: number; price?: string } = {},
) {
  const customer = await stripe.customers.create({
    email: "owner@acme.test",
    name: "Acme Sales",
    metadata: { org_id: "org_acme" },
  });
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    line_items: [{ price: opts.price ?? "price_pro_monthly", quantity: opts.quantity ?? 3 }],
    success_url: "http://127.0.0.1:5173/billing/success?session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "http://127.0.0.1:5173/billing",
    client_reference_id: "org_acme",
    metadata: { org_id: "org_acme" },
    subscription_data: {
      metadata: { org_id: "org_acme" },
      ...(opts.trialDays ? { trial_period_days: opts.trialDays } : {}),
    },
  });
  const paid = await submitPage(session.url!);
  assert.equal(paid.status, 303);
  await s.webhooks.settle();
  const done = await stripe.checkout.sessions.retrieve(session.id);
  const subscription = await stripe.subscriptions.retrieve(done.subscription as string);
  return { customer, session: done, subscription, redirect: paid.headers.get("location") };
}

Deno.test("stripeHostConfig maps a base URL onto the SDK's host, port and protocol", () => {
  assert.deepEqual(stripeHostConfig("http://127.0.0.1:54360"), {
    host: "127.0.0.1",
    port: 54360,
    protocol: "http",
  });
  assert.deepEqual(stripeHostConfig("https://stripe.example.test/"), {
    host: "stripe.example.test",
    port: 443,
    protocol: "https",
  });
  assert.deepEqual(stripeHostConfig("http://[::1]:8080/v1"), {
    host: "[::1]",
    port: 8080,
    protocol: "http",
  });
  assert.throws(() => stripeHostConfig("http://127.0.0.1:1/stripe"), /must be an origin/);
  assert.throws(() => stripeHostConfig("ftp://127.0.0.1"), /http\(s\)/);
  assert.throws(() => stripeHostConfig("not a url"), /not a URL/);
});

Deno.test("form decoding: bracket notation, indexed and empty-bracket arrays, own keys", () => {
  const decoded = decodeStripeForm(
    new URLSearchParams(
      "line_items[0][price]=p1&line_items[0][quantity]=2&line_items[1][price]=p2&expand[]=a&expand[]=b" +
        "&metadata[0]=zero&metadata[org_id]=o&subscription_data[metadata][k]=v&cancel_at=",
    ),
  );
  assert.deepEqual(decoded, {
    line_items: [{ price: "p1", quantity: "2" }, { price: "p2" }],
    expand: ["a", "b"],
    metadata: { 0: "zero", org_id: "o" },
    subscription_data: { metadata: { k: "v" } },
    cancel_at: "",
  });
});

Deno.test("customers: create, retrieve, update, list by email, search by metadata, delete", async () => {
  await withStandIn(async (s) => {
    const stripe = client(s);
    const c = await stripe.customers.create({
      email: "owner@acme.test",
      name: "Acme",
      metadata: { org_id: "org_1" },
    });
    assert.match(c.id, /^cus_[0-9A-Za-z]{14}$/);
    assert.equal(c.object, "customer");
    assert.equal(c.livemode, false);
    assert.equal(typeof c.created, "number");
    assert.deepEqual(c.metadata, { org_id: "org_1" });
    assert.match(c.lastResponse.requestId, /^req_/);
    await stripe.customers.create({ email: "other@beta.test", metadata: { org_id: "org_2" } });

    const got = await stripe.customers.retrieve(c.id);
    assert.ok(!got.deleted);
    assert.equal(got.email, "owner@acme.test");

    const updated = await stripe.customers.update(c.id, {
      name: "Acme Inc",
      metadata: { plan: "pro", org_id: "" },
    });
    assert.equal(updated.name, "Acme Inc");
    assert.deepEqual(updated.metadata, { plan: "pro" }, "an empty value removes a metadata key");
    await stripe.customers.update(c.id, { metadata: { org_id: "org_1" } });

    const byEmail = await stripe.customers.list({ email: "owner@acme.test" });
    assert.equal(byEmail.object, "list");
    assert.equal(byEmail.url, "/v1/customers");
    assert.deepEqual(byEmail.data.map((x) => x.id), [c.id]);
    assert.equal((await stripe.customers.list()).data.length, 2);

    const found = await stripe.customers.search({ query: "metadata['org_id']:'org_1'" });
    assert.equal(found.object, "search_result");
    assert.deepEqual(found.data.map((x) => x.id), [c.id]);
    const both = await stripe.customers.search({
      query: `email:"owner@acme.test" AND metadata["plan"]:"pro"`,
    });
    assert.deepEqual(both.data.map((x) => x.id), [c.id]);
    assert.equal((await stripe.customers.search({ query: "email~'beta.test'" })).data.length, 1);
    const badQuery = await rejection(stripe.customers.search({ query: "colour:'blue'" }));
    assert.ok(badQuery instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(badQuery.param, "query");

    const missing = await rejection(stripe.customers.retrieve("cus_doesnotexist00"));
    assert.ok(missing instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.code, "resource_missing");
    assert.equal(missing.param, "id");
    assert.equal(missing.message, "No such customer: 'cus_doesnotexist00'");

    const unknown = await rejection(
      stripe.customers.create({ email: "x@y.test", colour: "blue" } as Stripe.CustomerCreateParams),
    );
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.code, "parameter_unknown");
    assert.equal(unknown.param, "colour");

    const deleted = await stripe.customers.del(c.id);
    assert.deepEqual({ ...deleted }, { id: c.id, object: "customer", deleted: true });
    const stub = await stripe.customers.retrieve(c.id);
    assert.equal(stub.deleted, true);

    const events = await stripe.events.list({ types: ["customer.created", "customer.updated"] });
    assert.equal(events.data.length, 4);
    const update = events.data.find((e) => e.type === "customer.updated")!;
    assert.deepEqual(update.data.previous_attributes, { metadata: { plan: "pro" } });
  });
});

Deno.test("catalog: seeded prices by lookup_key, prices defined through the control API, expand", async () => {
  await withStandIn(async (s) => {
    const stripe = client(s);
    const prices = await stripe.prices.list({
      lookup_keys: ["pro_monthly", "analysis_minutes"],
      expand: ["data.product"],
    });
    const byKey = Object.fromEntries(prices.data.map((p) => [p.lookup_key, p]));
    assert.equal(byKey.pro_monthly.unit_amount, 7900);
    assert.equal(byKey.pro_monthly.recurring?.interval, "month");
    assert.equal(byKey.pro_monthly.recurring?.usage_type, "licensed");
    assert.equal((byKey.pro_monthly.product as Stripe.Product).name, "Pro");
    assert.equal(byKey.analysis_minutes.recurring?.usage_type, "metered");
    assert.equal(byKey.analysis_minutes.recurring?.meter, "mtr_test_analysis_minutes");
    assert.equal(String(byKey.pro_monthly.unit_amount_decimal), "7900");

    const meter = await stripe.billing.meters.retrieve("mtr_test_analysis_minutes");
    assert.equal(meter.event_name, "analysis_minutes");
    assert.equal(meter.default_aggregation.formula, "sum");

    const { status, body } = await control(s, "POST", "/prices", {
      id: "price_team_yearly",
      product: { id: "prod_team", name: "Team" },
      unit_amount: 99_000,
      currency: "EUR",
      recurring: { interval: "year" },
      lookup_key: "team_yearly",
    });
    assert.equal(status, 201, JSON.stringify(body));
    const metered = await control(s, "POST", "/prices", {
      product: "prod_team",
      unit_amount: 5,
      recurring: { usage_type: "metered", meter: { event_name: "sim_sessions", formula: "count" } },
    });
    assert.equal(metered.status, 201, JSON.stringify(metered.body));
    assert.match(metered.body.recurring.meter, /^mtr_test_/);
    const team = await stripe.prices.retrieve("price_team_yearly", { expand: ["product"] });
    assert.equal(team.currency, "eur");
    assert.equal(team.recurring?.interval, "year");
    assert.equal((team.product as Stripe.Product).id, "prod_team");
    const clash = await control(s, "POST", "/prices", {
      product: "prod_team",
      unit_amount: 1,
      lookup_key: "team_yearly",
    });
    assert.equal(clash.status, 400);
    assert.equal(clash.body.error.code, "lookup_key_taken");

    const page1 = await stripe.prices.list({ limit: 2 });
    assert.equal(page1.has_more, true);
    const all: string[] = [];
    for await (const p of stripe.prices.list({ limit: 2 })) all.push(p.id);
    assert.equal(all.length, 6, "auto-pagination walks starting_after");
    assert.equal(new Set(all).size, 6);

    const badExpand = await rejection(stripe.prices.list({ expand: ["product"] }));
    assert.equal(badExpand.statusCode, 400);
    assert.match(String(badExpand.message), /data\.product/);
  });
});

Deno.test("checkout: pay on the hosted page → subscription, invoice, signed webhooks, 303 to success_url", async () => {
  await withStandIn(async (s) => {
    await withReceiver(s, async (r) => {
      const stripe = client(s);
      const customer = await stripe.customers.create({
        email: "owner@acme.test",
        metadata: { org_id: "org_acme" },
      });
      const session = await stripe.checkout.sessions.create({
        mode: "subscription",
        customer: customer.id,
        line_items: [
          { price: "price_pro_monthly", quantity: 3 },
          { price: "price_analysis_minutes" },
        ],
        success_url: "http://127.0.0.1:5173/billing/success?session_id={CHECKOUT_SESSION_ID}",
        cancel_url: "http://127.0.0.1:5173/billing",
        client_reference_id: "org_acme",
        metadata: { org_id: "org_acme" },
        subscription_data: { metadata: { org_id: "org_acme", plan: "pro" } },
      });
      assert.match(session.id, /^cs_test_[0-9A-Za-z]{58}$/);
      assert.equal(session.object, "checkout.session");
      assert.equal(session.status, "open");
      assert.equal(session.payment_status, "unpaid");
      assert.equal(session.mode, "subscription");
      assert.equal(session.amount_total, 3 * 7900);
      assert.equal(session.url, `${s.url}/checkout/${session.id}`);
      assert.equal(session.subscription, null);

      const res = await submitPage(session.url!);
      assert.equal(res.status, 303);
      assert.equal(
        res.headers.get("location"),
        `http://127.0.0.1:5173/billing/success?session_id=${session.id}`,
      );
      assert.equal((await fetch(session.url!)).status, 410, "a completed session's page is closed");

      await s.webhooks.settle();
      assert.deepEqual(r.rejected, []);
      assert.deepEqual(r.types(), [
        "customer.created",
        "customer.subscription.created",
        "invoice.paid",
        "invoice.payment_succeeded",
        "checkout.session.completed",
      ]);

      const completed = await stripe.checkout.sessions.retrieve(session.id, {
        expand: ["subscription", "line_items"],
      });
      assert.equal(completed.status, "complete");
      assert.equal(completed.payment_status, "paid");
      assert.equal(completed.url, null);
      assert.equal(completed.client_reference_id, "org_acme");
      assert.deepEqual(completed.metadata, { org_id: "org_acme" });
      assert.deepEqual(completed.line_items?.data.map((li) => [li.price?.id, li.quantity]), [
        ["price_pro_monthly", 3],
        ["price_analysis_minutes", null],
      ]);
      const sub = completed.subscription as Stripe.Subscription;
      assert.match(sub.id, /^sub_/);
      assert.equal(sub.status, "active");
      assert.equal(sub.customer, customer.id);
      assert.deepEqual(sub.metadata, { org_id: "org_acme", plan: "pro" });
      assert.equal(sub.cancel_at_period_end, false);
      assert.equal(sub.cancel_at, null);
      assert.equal(sub.trial_end, null);
      const [item, usage] = sub.items.data;
      assert.equal(item.price.id, "price_pro_monthly");
      assert.equal(item.quantity, 3);
      assert.equal(usage.price.id, "price_analysis_minutes");
      assert.equal(usage.quantity, undefined, "metered items have no quantity");
      assert.ok(item.current_period_end > item.current_period_start);
      const compat = sub as unknown as { current_period_start: number; current_period_end: number };
      assert.equal(compat.current_period_start, item.current_period_start);
      assert.equal(compat.current_period_end, item.current_period_end);
      const days = (item.current_period_end - item.current_period_start) / 86_400;
      assert.ok(days >= 28 && days <= 31, `a month, got ${days} days`);

      // What the webhook handler sees, verified.
      const [completedEvent] = r.ofType("checkout.session.completed");
      const cs = completedEvent.data.object as Stripe.Checkout.Session;
      assert.equal(cs.subscription, sub.id);
      assert.equal(cs.customer, customer.id);
      assert.equal(cs.client_reference_id, "org_acme");
      assert.match(completedEvent.id, /^evt_/);
      assert.equal(completedEvent.object, "event");
      assert.equal(completedEvent.api_version, Stripe.API_VERSION);
      assert.equal(completedEvent.livemode, false);
      assert.deepEqual(completedEvent.request, { id: null, idempotency_key: null });
      const created = r.ofType("customer.subscription.created")[0].data
        .object as Stripe.Subscription;
      assert.equal(created.id, sub.id);
      assert.equal(created.items.data[0].price.id, "price_pro_monthly");
      const invoice = r.ofType("invoice.paid")[0].data.object as Stripe.Invoice;
      assert.equal(invoice.status, "paid");
      assert.equal(invoice.customer, customer.id);
      assert.equal(invoice.parent?.subscription_details?.subscription, sub.id);
      assert.equal((invoice as unknown as { subscription: string }).subscription, sub.id);
      assert.equal(invoice.amount_due, 3 * 7900);
      assert.equal(invoice.amount_paid, 3 * 7900);
      assert.equal(invoice.billing_reason, "subscription_create");
      assert.equal(invoice.hosted_invoice_url, `${s.url}/invoices/${invoice.id}`);
      assert.equal(invoice.lines.data[0].period.end, item.current_period_end);
      const hosted = await fetch(invoice.hosted_invoice_url!);
      assert.equal(hosted.status, 200);
      assert.match(await hosted.text(), /paid/);

      // The signature covers every byte of the raw body.
      const { raw, signature } = r.received[0];
      assert.match(signature, /^t=\d+,v1=[0-9a-f]{64}$/);
      assert.equal((await verifyStripeWebhook(raw, signature, SECRET)).id, r.received[0].event.id);
      const i = raw.indexOf('"livemode": false');
      const altered = raw.slice(0, i) + '"livemode": true ' +
        raw.slice(i + '"livemode": false'.length);
      assert.equal(altered.length, raw.length);
      const tampered = await rejection(verifyStripeWebhook(altered, signature, SECRET));
      assert.ok(tampered instanceof Stripe.errors.StripeSignatureVerificationError);
      const oneByte = raw.slice(0, 10) + (raw[10] === "a" ? "b" : "a") + raw.slice(11);
      assert.ok(
        (await rejection(verifyStripeWebhook(oneByte, signature, SECRET))) instanceof
          Stripe.errors.StripeSignatureVerificationError,
      );
      assert.ok(
        (await rejection(verifyStripeWebhook(raw, signature, "whsec_other"))) instanceof
          Stripe.errors.StripeSignatureVerificationError,
      );
      assert.ok(
        (await rejection(verifyStripeWebhook(raw, null, SECRET))) instanceof
          Stripe.errors.StripeSignatureVerificationError,
      );
      const old = await Stripe.webhooks.generateTestHeaderStringAsync({
        payload: raw,
        secret: SECRET,
        timestamp: Math.floor(Date.now() / 1000) - 3600,
      });
      assert.match(
        String((await rejection(verifyStripeWebhook(raw, old, SECRET))).message),
        /tolerance/,
      );

      // Events are readable through the API; deliveries are recorded.
      const listed = await stripe.events.list({ type: "checkout.session.completed" });
      assert.deepEqual(listed.data.map((e) => e.id), [completedEvent.id]);
      const fetched = await stripe.events.retrieve(completedEvent.id);
      assert.equal(fetched.type, "checkout.session.completed");
      assert.equal(fetched.pending_webhooks, 0, "delivered");
      const deliveries = await control(s, "GET", `/deliveries?event=${completedEvent.id}`);
      assert.equal(deliveries.body.data.length, 1);
      assert.equal(deliveries.body.data[0].status, 200);
      assert.equal(deliveries.body.data[0].ok, true);
      assert.equal(deliveries.body.data[0].reason, "event");

      const invoices = await stripe.invoices.list({ customer: customer.id });
      assert.deepEqual(invoices.data.map((x) => x.id), [invoice.id]);
      assert.equal((await stripe.subscriptions.list({ customer: customer.id })).data.length, 1);
    });
  });
});

Deno.test("checkout: validation errors in Stripe's shape", async () => {
  await withStandIn(async (s) => {
    const stripe = client(s);
    const noItems = await rejection(
      stripe.checkout.sessions.create({ mode: "subscription", success_url: "http://x.test/ok" }),
    );
    assert.ok(noItems instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(noItems.code, "parameter_missing");
    assert.equal(noItems.param, "line_items");
    const noQty = await rejection(
      stripe.checkout.sessions.create({
        mode: "subscription",
        line_items: [{ price: "price_pro_monthly" }],
      }),
    );
    assert.equal(noQty.param, "line_items[0][quantity]");
    const badPrice = await rejection(
      stripe.checkout.sessions.create({
        mode: "subscription",
        line_items: [{ price: "price_nope", quantity: 1 }],
      }),
    );
    assert.equal(badPrice.statusCode, 404);
    assert.equal(badPrice.code, "resource_missing");
    assert.equal(badPrice.param, "line_items[0][price]");
    const meteredQty = await rejection(
      stripe.checkout.sessions.create({
        mode: "subscription",
        line_items: [{ price: "price_analysis_minutes", quantity: 2 }],
      }),
    );
    assert.match(String(meteredQty.message), /metered/);
    const noCustomer = await rejection(
      stripe.checkout.sessions.create({
        mode: "subscription",
        customer: "cus_missing0000000",
        line_items: [{ price: "price_pro_monthly", quantity: 1 }],
      }),
    );
    assert.equal(noCustomer.param, "customer");

    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: "price_pro_monthly", quantity: 1 }],
    });
    const expired = await stripe.checkout.sessions.expire(session.id);
    assert.equal(expired.status, "expired");
    const twice = await rejection(stripe.checkout.sessions.expire(session.id));
    assert.equal(twice.statusCode, 400);
    assert.equal((await stripe.events.list({ type: "checkout.session.expired" })).data.length, 1);
  });
});

Deno.test("trial: Checkout without a customer, trial_will_end, renewal at the trial's end", async () => {
  await withStandIn(async (s) => {
    await withReceiver(s, async (r) => {
      const stripe = client(s);
      const session = await stripe.checkout.sessions.create({
        mode: "subscription",
        customer_email: "new@startup.test",
        line_items: [{ price: "price_starter_monthly", quantity: 2 }],
        success_url: "http://127.0.0.1:5173/ok?cs={CHECKOUT_SESSION_ID}",
        subscription_data: { trial_period_days: 14, metadata: { org_id: "org_new" } },
      });
      assert.equal(session.amount_total, 0);
      const res = await submitPage(session.url!, { name: "Newcomer" });
      assert.equal(res.status, 303);
      await s.webhooks.settle();
      const done = await stripe.checkout.sessions.retrieve(session.id);
      assert.equal(done.payment_status, "no_payment_required");
      assert.match(String(done.customer), /^cus_/);
      const customer = await stripe.customers.retrieve(done.customer as string);
      assert.ok(!customer.deleted && customer.email === "new@startup.test");
      const sub = await stripe.subscriptions.retrieve(done.subscription as string);
      assert.equal(sub.status, "trialing");
      assert.ok(sub.trial_end && sub.trial_start);
      assert.equal(sub.trial_end! - sub.trial_start!, 14 * 86_400);
      assert.equal(sub.items.data[0].current_period_end, sub.trial_end);
      const first = await stripe.invoices.retrieve(sub.latest_invoice as string);
      assert.equal(first.amount_due, 0);
      assert.equal(first.status, "paid");
      assert.ok(r.types().includes("customer.created"));

      const trig = await control(s, "POST", "/events/trigger", {
        type: "customer.subscription.trial_will_end",
        subscription: sub.id,
      });
      assert.equal(trig.status, 200, JSON.stringify(trig.body));
      await s.webhooks.settle();
      const willEnd = r.ofType("customer.subscription.trial_will_end");
      assert.equal(willEnd.length, 1);
      assert.equal((willEnd[0].data.object as Stripe.Subscription).trial_end, sub.trial_end);

      const adv = await control(s, "POST", `/subscriptions/${sub.id}/advance`, {});
      assert.equal(adv.status, 200, JSON.stringify(adv.body));
      await s.webhooks.settle();
      const renewed = await stripe.subscriptions.retrieve(sub.id);
      assert.equal(renewed.status, "active");
      assert.equal(renewed.items.data[0].current_period_start, sub.trial_end);
      const updated = r.ofType("customer.subscription.updated").at(-1)!;
      assert.equal((updated.data.previous_attributes as { status?: string }).status, "trialing");
      const paid = r.ofType("invoice.paid").at(-1)!.data.object as Stripe.Invoice;
      assert.equal(paid.billing_reason, "subscription_cycle");
      assert.equal(paid.amount_paid, 2 * 2900);
      assert.equal(paid.lines.data[0].period.start, sub.trial_end);
    });
  });
});

Deno.test("portal: change plan and seats, cancel at period end, renew, cancel now", async () => {
  await withStandIn(async (s) => {
    await withReceiver(s, async (r) => {
      const stripe = client(s);
      const { customer, subscription } = await subscribe(s, stripe, { quantity: 3 });
      const portal = await stripe.billingPortal.sessions.create({
        customer: customer.id,
        return_url: "http://127.0.0.1:5173/settings/billing",
      });
      assert.match(portal.id, /^bps_/);
      assert.equal(portal.object, "billing_portal.session");
      assert.equal(portal.url, `${s.url}/portal/${portal.id}`);
      assert.equal(portal.return_url, "http://127.0.0.1:5173/settings/billing");
      const html = await (await fetch(portal.url)).text();
      assert.match(html, /settings\/billing/);

      const change = await submitPage(portal.url, {
        price: "price_business_monthly",
        quantity: "5",
      });
      assert.equal(change.status, 303);
      await s.webhooks.settle();
      let sub = await stripe.subscriptions.retrieve(subscription.id);
      assert.equal(sub.items.data[0].price.id, "price_business_monthly");
      assert.equal(sub.items.data[0].quantity, 5);
      const planChange = r.ofType("customer.subscription.updated").at(-1)!;
      const prevItems =
        (planChange.data.previous_attributes as { items: Stripe.ApiList<Stripe.SubscriptionItem> })
          .items;
      assert.equal(prevItems.data[0].price.id, "price_pro_monthly");
      assert.equal(prevItems.data[0].quantity, 3);

      const cancel = await submitPage(portal.url, { mode: "at_period_end" }, 1);
      assert.equal(cancel.status, 303);
      await s.webhooks.settle();
      sub = await stripe.subscriptions.retrieve(subscription.id);
      assert.equal(sub.cancel_at_period_end, true);
      assert.equal(sub.cancel_at, sub.items.data[0].current_period_end);
      assert.equal(sub.status, "active");
      const scheduled = r.ofType("customer.subscription.updated").at(-1)!;
      assert.equal(
        (scheduled.data.previous_attributes as { cancel_at_period_end: boolean })
          .cancel_at_period_end,
        false,
      );

      const renew = await submitPage(portal.url, {}, 1);
      assert.equal(renew.status, 303);
      sub = await stripe.subscriptions.retrieve(subscription.id);
      assert.equal(sub.cancel_at_period_end, false);

      const now = await submitPage(portal.url, { mode: "immediately" }, 1);
      assert.equal(now.status, 303);
      await s.webhooks.settle();
      sub = await stripe.subscriptions.retrieve(subscription.id);
      assert.equal(sub.status, "canceled");
      assert.ok(sub.ended_at);
      const deleted = r.ofType("customer.subscription.deleted");
      assert.equal(deleted.length, 1);
      assert.equal((deleted[0].data.object as Stripe.Subscription).status, "canceled");
    });
  });
});

Deno.test("subscriptions through the SDK: update items and cancel_at_period_end, cancel, each with its event", async () => {
  await withStandIn(async (s) => {
    await withReceiver(s, async (r) => {
      const stripe = client(s);
      const { subscription } = await subscribe(s, stripe, { quantity: 2 });
      const item = subscription.items.data[0];

      const upgraded = await stripe.subscriptions.update(subscription.id, {
        items: [{ id: item.id, price: "price_business_monthly", quantity: 4 }],
        proration_behavior: "always_invoice",
      }, { idempotencyKey: "upgrade-org-acme-1" });
      assert.equal(upgraded.items.data[0].id, item.id);
      assert.equal(upgraded.items.data[0].price.id, "price_business_monthly");
      assert.equal(upgraded.items.data[0].quantity, 4);
      await s.webhooks.settle();
      const updated = r.ofType("customer.subscription.updated").at(-1)!;
      assert.deepEqual(updated.request, {
        id: upgraded.lastResponse.requestId,
        idempotency_key: "upgrade-org-acme-1",
      });
      const proration = r.ofType("invoice.paid").at(-1)!.data.object as Stripe.Invoice;
      assert.equal(proration.billing_reason, "subscription_update");
      assert.ok(proration.amount_paid > 0);
      assert.equal(proration.lines.data[0].parent?.subscription_item_details?.proration, true);

      const ending = await stripe.subscriptions.update(subscription.id, {
        cancel_at_period_end: true,
      });
      assert.equal(ending.cancel_at_period_end, true);
      assert.equal(ending.cancel_at, ending.items.data[0].current_period_end);
      assert.ok(ending.canceled_at);
      const back = await stripe.subscriptions.update(subscription.id, {
        cancel_at_period_end: false,
        metadata: { seats_source: "admin" },
      });
      assert.equal(back.cancel_at, null);
      assert.equal(back.metadata.seats_source, "admin");
      assert.equal(back.metadata.org_id, "org_acme");

      const badItem = await rejection(
        stripe.subscriptions.update(subscription.id, { items: [{ id: "si_nope", quantity: 1 }] }),
      );
      assert.equal(badItem.param, "items[0][id]");
      const badProration = await rejection(
        stripe.subscriptions.update(subscription.id, {
          proration_behavior: "sometimes" as Stripe.SubscriptionUpdateParams.ProrationBehavior,
        }),
      );
      assert.equal(badProration.param, "proration_behavior");

      const canceled = await stripe.subscriptions.cancel(subscription.id, {
        cancellation_details: { comment: "moving to another tool", feedback: "switched_service" },
      });
      assert.equal(canceled.status, "canceled");
      assert.equal(canceled.cancellation_details?.feedback, "switched_service");
      await s.webhooks.settle();
      const deleted = r.ofType("customer.subscription.deleted");
      assert.equal(deleted.length, 1);
      assert.equal(deleted[0].request?.id, canceled.lastResponse.requestId);

      const frozen = await rejection(
        stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true }),
      );
      assert.equal(frozen.statusCode, 400);
      assert.match(String(frozen.message), /canceled subscription/);
      assert.equal((await stripe.subscriptions.list({ status: "all" })).data.length, 1);
      assert.equal(
        (await stripe.subscriptions.list()).data.length,
        0,
        "canceled ones are hidden by default",
      );
    });
  });
});

Deno.test("renewals: advance pays the next period; payment_failed → past_due; paying the invoice recovers", async () => {
  await withStandIn(async (s) => {
    await withReceiver(s, async (r) => {
      const stripe = client(s);
      const { subscription } = await subscribe(s, stripe, { quantity: 1 });
      const end = subscription.items.data[0].current_period_end;

      const adv = await control(s, "POST", `/subscriptions/${subscription.id}/advance`, {
        outcome: "paid",
      });
      assert.equal(adv.status, 200, JSON.stringify(adv.body));
      assert.equal(adv.body.subscription.items.data[0].current_period_start, end);
      assert.equal(adv.body.invoices[0].status, "paid");
      await s.webhooks.settle();
      assert.deepEqual(r.types().slice(-3), [
        "customer.subscription.updated",
        "invoice.paid",
        "invoice.payment_succeeded",
      ]);

      const failed = await control(s, "POST", "/events/trigger", {
        type: "invoice.payment_failed",
        subscription: subscription.id,
      });
      assert.equal(failed.status, 200, JSON.stringify(failed.body));
      await s.webhooks.settle();
      let sub = await stripe.subscriptions.retrieve(subscription.id);
      assert.equal(sub.status, "past_due");
      const failedInvoice = r.ofType("invoice.payment_failed")[0].data.object as Stripe.Invoice;
      assert.equal(failedInvoice.status, "open");
      assert.equal(failedInvoice.amount_paid, 0);
      assert.equal(failedInvoice.attempt_count, 1);
      assert.equal(failedInvoice.parent?.subscription_details?.subscription, subscription.id);
      const toPastDue = r.ofType("customer.subscription.updated").at(-1)!;
      assert.equal((toPastDue.data.object as Stripe.Subscription).status, "past_due");
      assert.equal((toPastDue.data.previous_attributes as { status: string }).status, "active");

      const open = await stripe.invoices.list({ customer: sub.customer as string, status: "open" });
      assert.deepEqual(open.data.map((i) => i.id), [failedInvoice.id]);
      const paid = await stripe.invoices.pay(failedInvoice.id);
      assert.equal(paid.status, "paid");
      await s.webhooks.settle();
      sub = await stripe.subscriptions.retrieve(subscription.id);
      assert.equal(sub.status, "active");

      await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
      const last = await control(s, "POST", `/subscriptions/${subscription.id}/advance`, {});
      assert.equal(last.body.subscription.status, "canceled");
      await s.webhooks.settle();
      assert.equal(r.types().at(-1), "customer.subscription.deleted");
    });
  });
});

Deno.test("meter events: identifier uniqueness, usage read back, billed at renewal", async () => {
  await withStandIn(async (s) => {
    const stripe = client(s);
    const customer = await stripe.customers.create({ email: "usage@acme.test" });
    const meterEvent = await stripe.billing.meterEvents.create({
      event_name: "analysis_minutes",
      payload: { stripe_customer_id: customer.id, value: "12" },
      identifier: "call_CA1_minutes",
    });
    assert.equal(meterEvent.object, "billing.meter_event");
    assert.equal(meterEvent.identifier, "call_CA1_minutes");
    assert.deepEqual(meterEvent.payload, { stripe_customer_id: customer.id, value: "12" });
    assert.equal(typeof meterEvent.timestamp, "number");

    const dup = await rejection(
      stripe.billing.meterEvents.create({
        event_name: "analysis_minutes",
        payload: { stripe_customer_id: customer.id, value: "12" },
        identifier: "call_CA1_minutes",
      }),
    );
    assert.ok(dup instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(dup.statusCode, 400);
    assert.equal(dup.param, "identifier");
    assert.equal(dup.message, "An event already exists with identifier call_CA1_minutes.");
    assert.equal((dup.headers as Record<string, string>)["stripe-should-retry"], "false");

    // The same request retried with its Idempotency-Key is a replay, not a duplicate.
    const params = {
      event_name: "analysis_minutes",
      payload: { stripe_customer_id: customer.id, value: "3.5" },
      identifier: "call_CA2_minutes",
    };
    const a = await stripe.billing.meterEvents.create(params, { idempotencyKey: "meter-CA2" });
    const b = await stripe.billing.meterEvents.create(params, { idempotencyKey: "meter-CA2" });
    assert.deepEqual({ ...b }, { ...a });
    await stripe.billing.meterEvents.create({
      event_name: "analysis_minutes",
      payload: { stripe_customer_id: "cus_unknown000000", value: "5" },
    });
    await stripe.billing.meterEvents.create({
      event_name: "no_such_meter",
      payload: { stripe_customer_id: customer.id, value: "5" },
    });

    const usage = await control(
      s,
      "GET",
      `/usage?customer=${customer.id}&event_name=analysis_minutes`,
    );
    assert.deepEqual(usage.body.data, [{
      customer: customer.id,
      meter: "mtr_test_analysis_minutes",
      event_name: "analysis_minutes",
      formula: "sum",
      aggregated_value: 15.5,
      unbilled_value: 15.5,
      event_count: 2,
    }]);
    const events = await control(s, "GET", "/meter_events");
    assert.deepEqual(
      events.body.data.map((e: { error: { code: string } | null }) => e.error?.code ?? null),
      [null, null, "meter_event_customer_not_found", "no_meter"],
    );
    const t = Math.floor(Date.now() / 1000);
    const summaries = await stripe.billing.meters.listEventSummaries("mtr_test_analysis_minutes", {
      customer: customer.id,
      start_time: t - 3600,
      end_time: t + 3600,
    });
    assert.equal(summaries.data[0].aggregated_value, 15.5);

    // A subscription with the metered price bills that usage in arrears at renewal.
    const sub = s.state.newSubscription(s.state.customers.get(customer.id)!, [
      { price: s.state.prices.get("price_analysis_minutes")! },
    ], { metadata: {}, trialEnd: null, description: null });
    const adv = await control(s, "POST", `/subscriptions/${sub.id}/advance`, {});
    const usageLine = adv.body.invoices[0].lines.data[0];
    assert.equal(usageLine.amount, Math.round(15.5 * 2));
    assert.equal(usageLine.pricing.price_details.price, "price_analysis_minutes");
    const after = await control(
      s,
      "GET",
      `/usage?customer=${customer.id}&meter=mtr_test_analysis_minutes`,
    );
    assert.equal(after.body.data[0].unbilled_value, 0);
    assert.equal(after.body.data[0].aggregated_value, 15.5);
  });
});

Deno.test("webhooks: duplicates, out-of-order delivery, hold and shuffled release, failures recorded and retried", async () => {
  await withStandIn(async (s) => {
    await withReceiver(s, async (r, endpointId) => {
      const stripe = client(s);
      const { subscription } = await subscribe(s, stripe);
      await stripe.subscriptions.update(subscription.id, { metadata: { step: "1" } });
      // Shift the account's clock so the two updates have distinct `created` times.
      const clock = await control(s, "POST", "/clock", { advance_seconds: 5 });
      assert.equal(clock.body.offset_seconds, 5);
      await stripe.subscriptions.update(subscription.id, { metadata: { step: "2" } });
      await s.webhooks.settle();
      const updates = r.ofType("customer.subscription.updated");
      assert.equal(updates.length, 2);
      const [u1, u2] = updates;
      assert.ok(u2.created >= u1.created + 5);

      // Duplicate: the same event (same id) arrives again, signed afresh.
      const dup = await control(s, "POST", `/events/${u1.id}/redeliver`, { times: 2 });
      assert.equal(dup.status, 200, JSON.stringify(dup.body));
      assert.equal(dup.body.delivered.length, 2);
      assert.deepEqual(dup.body.delivered.map((d: { attempt: number }) => d.attempt), [2, 3]);
      assert.equal(r.received.filter((x) => x.event.id === u1.id).length, 3);

      // Out of order: the newer update first, then the stale one.
      const before = r.received.length;
      const ordered = await control(s, "POST", "/webhooks/deliver", { events: [u2.id, u1.id] });
      assert.equal(ordered.status, 200, JSON.stringify(ordered.body));
      assert.deepEqual(r.received.slice(before).map((x) => x.event.id), [u2.id, u1.id]);
      assert.deepEqual(
        r.received.slice(before).map((x) =>
          (x.event.data.object as Stripe.Subscription).metadata.step
        ),
        ["2", "1"],
      );

      // Hold, then release shuffled (reproducibly, with a seed).
      assert.equal((await control(s, "POST", "/webhooks/hold")).body.holding, true);
      for (const step of ["3", "4", "5", "6", "7"]) {
        await stripe.subscriptions.update(subscription.id, { metadata: { step } });
      }
      await s.webhooks.settle();
      const held = await control(s, "GET", "/webhooks/held");
      assert.equal(held.body.data.length, 5);
      assert.equal(r.received.length, before + 2, "nothing delivered while held");
      const mark = r.received.length;
      const released = await control(s, "POST", "/webhooks/release", { order: "shuffle", seed: 7 });
      assert.equal(released.body.delivered.length, 5);
      const steps = r.received.slice(mark).map((x) =>
        (x.event.data.object as Stripe.Subscription).metadata.step
      );
      assert.deepEqual([...steps].sort(), ["3", "4", "5", "6", "7"]);
      assert.notDeepEqual(steps, ["3", "4", "5", "6", "7"], "seed 7 shuffles these five");
      assert.equal((await control(s, "GET", "/webhooks/held")).body.holding, false);

      // A failing endpoint: recorded, then retried on request.
      r.answers.push(500);
      await stripe.subscriptions.update(subscription.id, { metadata: { step: "8" } });
      const settled = await control(s, "POST", "/webhooks/settle");
      assert.equal(settled.body.in_flight, 0);
      const failedList = await control(s, "GET", "/deliveries?ok=false");
      assert.equal(failedList.body.data.length, 1);
      assert.equal(failedList.body.data[0].status, 500);
      assert.equal(failedList.body.data[0].endpoint_id, endpointId);
      assert.match(failedList.body.data[0].response_body, /"received":false/);
      const failedEvent = failedList.body.data[0].event_id;
      assert.equal((await stripe.events.retrieve(failedEvent)).pending_webhooks, 1);
      const retried = await control(s, "POST", "/webhooks/retry", {});
      assert.equal(retried.body.delivered.length, 1);
      assert.equal(retried.body.delivered[0].ok, true);
      assert.equal(retried.body.delivered[0].reason, "retry");
      assert.equal(retried.body.delivered[0].attempt, 2);
      assert.equal((await stripe.events.retrieve(failedEvent)).pending_webhooks, 0);
      assert.deepEqual((await control(s, "POST", "/webhooks/retry", {})).body.delivered, []);
    });
  });
});

Deno.test("webhooks: automatic retries, an unreachable endpoint, raw events triggered", async () => {
  await withStandIn(async (s) => {
    await withReceiver(s, async (r) => {
      r.answers.push(503, 503);
      const trig = await control(s, "POST", "/events/trigger", {
        type: "customer.discount.created",
        object: { id: "di_1", object: "discount", customer: "cus_x" },
      });
      assert.equal(trig.status, 200, JSON.stringify(trig.body));
      await s.webhooks.settle();
      const attempts = await control(s, "GET", `/deliveries?event=${trig.body.events[0].id}`);
      assert.deepEqual(attempts.body.data.map((d: { status: number }) => d.status), [
        503,
        503,
        200,
      ]);
      assert.deepEqual(r.types(), ["customer.discount.created"]);
    }, { auto_retry: { max_attempts: 3, delay_ms: 10 } });

    const gone = await control(s, "POST", "/webhooks/endpoints", {
      url: "http://127.0.0.1:9/unreachable",
      enabled_events: ["invoice.paid"],
    });
    assert.match(gone.body.secret, /^whsec_/);
    await control(s, "POST", "/events/trigger", {
      type: "customer.discount.created",
      object: { id: "di_2", object: "discount" },
    });
    await s.webhooks.settle();
    assert.equal(
      (await control(s, "GET", `/deliveries?endpoint=${gone.body.id}`)).body.data.length,
      0,
      "enabled_events filters",
    );
    await control(s, "POST", "/events/trigger", {
      type: "invoice.paid",
      object: { id: "in_x", object: "invoice" },
    });
    await s.webhooks.settle();
    const failed = (await control(s, "GET", `/deliveries?endpoint=${gone.body.id}`)).body.data;
    assert.equal(failed.length, 1);
    assert.equal(failed[0].status, null);
    assert.ok(failed[0].error);
  });
});

Deno.test("faults through the SDK: 429, 500, retried 500, timeout, malformed, slow", async () => {
  await withStandIn(async (s) => {
    const stripe = client(s);
    let f = await control(s, "POST", "/faults", { kind: "429", path: "/v1/customers", count: 1 });
    assert.equal(f.status, 201, JSON.stringify(f.body));
    const limited = await rejection(stripe.customers.create({ email: "a@b.test" }));
    assert.ok(limited instanceof Stripe.errors.StripeRateLimitError, String(limited));
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.code, "rate_limit");
    assert.equal((await stripe.customers.list()).data.length, 0, "the limited request did nothing");

    f = await control(s, "POST", "/faults", { kind: "500", method: "POST", count: 1 });
    const broken = await rejection(stripe.customers.create({ email: "a@b.test" }));
    assert.ok(broken instanceof Stripe.errors.StripeAPIError, String(broken));
    assert.equal(broken.statusCode, 500);
    assert.equal(broken.type, "StripeAPIError");

    // With retries on, the SDK retries a 500 with the same Idempotency-Key and succeeds.
    await control(s, "POST", "/faults", { kind: "500", path: "/v1/customers", count: 1 });
    const retried = await client(s, { maxNetworkRetries: 2 }).customers.create({
      email: "r@b.test",
    });
    assert.equal(retried.email, "r@b.test");
    const log = (await control(s, "GET", "/requests?path=/v1/customers")).body.data.slice(-2);
    assert.deepEqual(log.map((e: { status: number }) => e.status), [500, 200]);
    assert.equal(log[0].idempotency_key, log[1].idempotency_key);
    assert.match(log[0].idempotency_key, /^stripe-node-retry-/);

    await control(s, "POST", "/faults", { kind: "timeout", path: "/v1/customers/*", count: 1 });
    const started = Date.now();
    const timedOut = await rejection(client(s, { timeoutMs: 300 }).customers.retrieve(retried.id));
    assert.ok(timedOut instanceof Stripe.errors.StripeConnectionError, String(timedOut));
    assert.ok(Date.now() - started < 5000);

    await control(s, "POST", "/faults", { kind: "malformed", method: "GET", count: 1 });
    const garbled = await rejection(stripe.customers.retrieve(retried.id));
    assert.ok(garbled instanceof Stripe.errors.StripeAPIError, String(garbled));
    assert.match(garbled.message, /Invalid JSON/);

    await control(s, "POST", "/faults", { kind: "slow", delay_ms: 300, count: 1 });
    const t0 = Date.now();
    assert.equal((await stripe.customers.retrieve(retried.id)).id, retried.id);
    assert.ok(Date.now() - t0 >= 280);

    await control(s, "POST", "/faults", { kind: "429" });
    assert.equal((await control(s, "GET", "/faults")).body.faults.length, 1);
    assert.equal((await control(s, "DELETE", "/faults")).status, 204);
    assert.equal((await stripe.customers.retrieve(retried.id)).id, retried.id);
    const health = await control(s, "GET", "/health");
    assert.deepEqual(health.body, { ok: true, api_version: Stripe.API_VERSION, livemode: false });
  });
});

Deno.test("auth: a wrong or missing key is 401 StripeAuthenticationError", async () => {
  await withStandIn(async (s) => {
    const wrong = await rejection(
      client(s, { secretKey: "sk_test_not_the_right_key_1234" }).customers.list(),
    );
    assert.ok(wrong instanceof Stripe.errors.StripeAuthenticationError, String(wrong));
    assert.equal(wrong.statusCode, 401);
    assert.match(wrong.message, /^Invalid API Key provided: sk_test_\*+1234$/);
    const none = await fetch(`${s.url}/v1/customers`);
    assert.equal(none.status, 401);
    const body = await none.json();
    assert.equal(body.error.type, "invalid_request_error");
    assert.match(body.error.message, /You did not provide an API key/);
    const basic = await fetch(`${s.url}/v1/customers`, {
      headers: { authorization: `Basic ${btoa(`${KEY}:`)}` },
    });
    assert.equal(basic.status, 200);
    const unknownRoute = await fetch(`${s.url}/v1/charges/ch_1/nothing`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    assert.equal(unknownRoute.status, 404);
    assert.match((await unknownRoute.json()).error.message, /Unrecognized request URL/);
    assert.throws(() => startStripeStandIn({ port: 0, secretKey: "sk_" + "live_x" }), /test-mode/);
  });
});

Deno.test("idempotency: same key and body replays; same key, other body is an idempotency error", async () => {
  await withStandIn(async (s) => {
    const stripe = client(s);
    const a = await stripe.customers.create({ email: "idem@acme.test" }, {
      idempotencyKey: "create-acme",
    });
    const b = await stripe.customers.create({ email: "idem@acme.test" }, {
      idempotencyKey: "create-acme",
    });
    assert.equal(b.id, a.id);
    assert.equal((await stripe.customers.list()).data.length, 1);
    assert.equal((await stripe.events.list({ type: "customer.created" })).data.length, 1);

    const other = await rejection(
      stripe.customers.create({ email: "other@acme.test" }, { idempotencyKey: "create-acme" }),
    );
    assert.ok(other instanceof Stripe.errors.StripeIdempotencyError, String(other));
    assert.equal(other.statusCode, 400);
    assert.match(other.message, /same parameters/);

    const raw = await fetch(`${s.url}/v1/customers`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${KEY}`,
        "content-type": "application/x-www-form-urlencoded",
        "idempotency-key": "create-acme",
      },
      body: "email=idem%40acme.test",
    });
    assert.equal(raw.status, 200);
    assert.equal(raw.headers.get("idempotent-replayed"), "true");
    assert.equal(raw.headers.get("idempotency-key"), "create-acme");
    assert.match(raw.headers.get("original-request") ?? "", /^req_/);
    assert.equal((await raw.json()).id, a.id);

    // Keys mean nothing on GET.
    const got = await stripe.customers.retrieve(a.id, {}, { idempotencyKey: "create-acme" });
    assert.ok(!got.deleted && got.email === "idem@acme.test");
  });
});

Deno.test("runs as a script with --port and answers /_sandbox/health", async () => {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./stripe.ts", import.meta.url).pathname, "--port", "0"],
    stdout: "piped",
    stderr: "inherit",
    env: { STRIPE_SECRET_KEY: "sk_test_script_key" },
  });
  const child = cmd.spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!/STRIPE_API_BASE_URL=(\S+)/.test(out)) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    const base = /STRIPE_API_BASE_URL=(\S+)/.exec(out)![1];
    const health = await fetch(`${base}/_sandbox/health`);
    assert.equal((await health.json()).ok, true);
    const stripe = stripeClient({ secretKey: "sk_test_script_key", baseUrl: base });
    assert.equal((await stripe.prices.list({ lookup_keys: ["pro_monthly"] })).data.length, 1);
    reader.releaseLock();
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await child.stdout.cancel().catch(() => {});
  }
});

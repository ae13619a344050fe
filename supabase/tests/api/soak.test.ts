// The short fault and soak run in `npm test` (the full one: `npm run soak`):
// calls through the signed Twilio webhook under ~20 % provider faults, the
// worker killed mid-job twice, the functions server, PostgREST and Postgres
// restarted — then nothing lost, nothing duplicated, usage and costs counted
// once, every dead letter explained. And a Stripe subscription's lifecycle,
// delivered in random orders with duplicates, converges on the in-order state.
import assert from "node:assert/strict";
import { instance, type InstanceName } from "../../local/config.ts";
import { DEFAULT_DISRUPTIONS, soakCalls, stripeConverges, stripeLifecycle } from "../../local/soak.ts";
import { accessToken } from "../../local/tests/helpers.ts";
import { createOrg, createTenant } from "./fixtures.ts";

const inst = instance((Deno.env.get("SALESPULSE_INSTANCE") ?? "test") as InstanceName);
const CALLS = Number(Deno.env.get("SOAK_TEST_CALLS") ?? 30);
const ORDERS = Number(Deno.env.get("SOAK_TEST_STRIPE_ORDERS") ?? 10);

Deno.test(`soak (short): ${CALLS} calls under provider faults and restarts — none lost, none duplicated`, async () => {
  const tenant = await createTenant();
  const report = await soakCalls(inst, tenant.number.e164, { calls: CALLS, concurrency: 4, disruptions: DEFAULT_DISRUPTIONS, log: () => {} });
  const summary = JSON.stringify(report);
  console.log(`soak report: ${summary}`);
  assert.equal(report.calls_sent, CALLS, summary);
  assert.equal(report.lost, 0, summary);
  assert.equal(report.duplicated, 0, summary);
  assert.equal(report.usage_miscounted, 0, summary);
  assert.equal(report.costs_miscounted, 0, summary);
  // A dead letter is explained only by its own call's requests: each was answered malformed.
  assert.equal(report.dead_unexplained, 0, summary);
  assert.ok(report.dead_letters.every((d) => d.explained && d.injected === "3 of 3 malformed_always"), summary);
  assert.equal(report.not_recovered, 0, summary);
  assert.equal(report.analyzed + report.dead_letters.length >= CALLS, true, summary);
  assert.ok(report.faults_injected > 0 && report.faulted_calls > 0, summary);
  assert.equal(report.faults_unused, 0, summary);
  assert.deepEqual(report.disruptions.map((d) => d.kind), DEFAULT_DISRUPTIONS.map((d) => d.kind), summary);
});

Deno.test(`stripe: a subscription's lifecycle in ${ORDERS} random orders with duplicates converges on the in-order state`, async () => {
  const org = await createOrg({ room: false });
  const lifecycle = await stripeLifecycle(inst, await accessToken(org.owner.id), org.id);
  assert.ok(lifecycle.eventIds.length >= 5, `lifecycle events: ${lifecycle.eventIds.length}`);
  const r = await stripeConverges(inst, org.id, lifecycle, ORDERS);
  assert.equal((r.expected as { status: string }).status, "canceled", JSON.stringify(r.expected));
  assert.deepEqual(r.diverged.slice(0, 2), []);
  assert.equal(r.converged, ORDERS);
});

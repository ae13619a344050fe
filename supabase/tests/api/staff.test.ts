// Staff tenant management through the real stack: a suspended tenant's
// members read but cannot create; its calls are acknowledged and stored but
// not analyzed; reactivation analyzes every one of them (none lost). Staff
// actions are logged; tenants cannot call the staff functions.
import assert from "node:assert/strict";
import { kickWorker, poll } from "../../local/tests/helpers.ts";
import { createStaff, withDb } from "./fixtures.ts";
import { api, deliverCall, postCall, rpc, team } from "./sales_fixture.ts";

Deno.test("suspend → calls arrive → reactivate → every call analyzed, none lost", async () => {
  const t = await team();
  const staff = await createStaff();
  const suspended = await rpc(staff.email, "staff_suspend_tenant", { p_org_id: t.org, p_reason: "unpaid invoices" });
  assert.equal(suspended.status, 204, JSON.stringify(suspended.body));

  const sids = [await deliverCall(t.e164), await deliverCall(t.e164), await deliverCall(t.e164)];
  const statuses = async () =>
    await withDb((sql) => sql`select c.status, j.status as job from public.calls c
                               join public.jobs j on j.payload ->> 'call_id' = c.id::text and j.kind = 'analyze_call'
                              where c.twilio_call_sid = any (${sids})`);
  await poll("the worker to see the calls", async () => {
    await kickWorker();
    const rows = await statuses();
    return rows.length === 3 && rows.every((r) => r.job === "succeeded") ? rows : null;
  }, 30_000, 300);
  assert.deepEqual((await statuses()).map((r) => r.status), ["received", "received", "received"], "stored, not analyzed");

  // Members read but do not create.
  const calls = await api(t.manager, "GET", `calls?select=id&org_id=eq.${t.org}`);
  assert.equal(calls.body.length, 3);
  const blocked = await api(t.manager, "POST", "activities", { org_id: t.org, type: "note", title: "while suspended" });
  assert.equal(blocked.body.code, "SP403", JSON.stringify(blocked.body));

  const reactivated = await rpc(staff.email, "staff_reactivate_tenant", { p_org_id: t.org });
  assert.equal(reactivated.body, 3, "the three waiting calls are queued");
  await poll("every call to be analyzed", async () => {
    await kickWorker();
    const rows = await withDb((sql) => sql`select status from public.calls where twilio_call_sid = any (${sids})`);
    return rows.every((r) => r.status === "analyzed") ? rows : null;
  }, 60_000, 300);
  const [{ n }] = await withDb((sql) => sql`select count(*)::int as n from public.insights i join public.calls c on c.id = i.call_id
                                              where c.twilio_call_sid = any (${sids}) and i.is_current`);
  assert.equal(n, 3, "one insight per call");
  assert.equal((await api(t.manager, "POST", "activities", { org_id: t.org, type: "note", title: "back" })).status, 201);

  const actions = await withDb((sql) => sql`select action, actor_id from public.staff_actions where org_id = ${t.org} order by id`);
  assert.deepEqual(actions.map((a) => a.action), ["suspend", "reactivate"]);
  assert.ok(actions.every((a) => a.actor_id === staff.id));
});

Deno.test("tenants cannot use the staff functions", async () => {
  const t = await team();
  for (const [fn, args] of [
    ["staff_search_tenants", {}],
    ["staff_tenant_detail", { p_org_id: t.org }],
    ["staff_suspend_tenant", { p_org_id: t.org, p_reason: "because" }],
  ] as const) {
    const r = await rpc(t.manager, fn, args);
    assert.equal(r.body.code, "SP403", fn);
  }
});

Deno.test("a budget cap switches the analyzer to the cheaper model near the cap, records it on the insight and notifies", async () => {
  const capped = await team();
  const free = await team();
  const staff = await createStaff();
  const set = await rpc(staff.email, "staff_set_budget_cap", { p_org_id: capped.org, p_monthly_usd: 1, p_switch_at: 0.8 });
  assert.equal(set.status, 204, JSON.stringify(set.body));
  assert.equal((await rpc(staff.email, "staff_set_budget_cap", { p_org_id: capped.org, p_monthly_usd: -1 })).body.code, "SP400");
  // Both organizations chose the larger model (the plans default to the mini one, the cap's cheaper model).
  for (const t of [capped, free]) {
    const chose = await rpc(t.manager, "set_analysis_model", { p_org_id: t.org, p_model: "gpt-4o" });
    assert.equal(chose.status, 204, JSON.stringify(chose.body));
  }
  // Below the threshold: the default model.
  const first = await postCall(capped.e164);
  assert.equal(first.status, "analyzed", first.error);
  const modelOf = async (callId: string) =>
    (await withDb((sql) => sql`select model, model_reason from public.insights where call_id = ${callId} and is_current`))[0];
  assert.deepEqual(await modelOf(first.id), { model: "gpt-4o", model_reason: null });
  // This month's provider costs reach 85 % of the cap.
  await withDb((sql) => sql`insert into public.provider_costs (org_id, provider, item, quantity, unit_price_usd, cost_usd, source_type, source_id)
                            values (${capped.org}, 'twilio', 'voice_minutes', 100, 0.0085, 0.85, 'test', gen_random_uuid())`);
  const second = await postCall(capped.e164);
  assert.equal(second.status, "analyzed", second.error);
  const switched = await modelOf(second.id);
  assert.equal(switched.model, "gpt-4o-mini");
  assert.match(switched.model_reason, /^budget: \$0\.\d\d of the \$1\.00 monthly cap spent \(\d+%\); gpt-4o-mini instead of gpt-4o$/);
  const owner = await rpc(capped.manager, "budget_status", { p_org_id: capped.org });
  assert.equal(owner.status, 200, JSON.stringify(owner.body));
  assert.equal(owner.body.notice.model, "gpt-4o-mini", "the owner sees the notice");
  const staffView = await rpc(staff.email, "staff_tenant_detail", { p_org_id: capped.org });
  assert.equal(staffView.body.budget.notice.model, "gpt-4o-mini", "so do staff");
  // A tenant without a cap keeps the default model.
  const other = await postCall(free.e164);
  assert.equal((await modelOf(other.id)).model, "gpt-4o");
});

// What-if scenarios through the gateway: measured figures for managers, SP403 for agents; feature flags.
import assert from "node:assert/strict";
import { api, rpc, team } from "./sales_fixture.ts";

Deno.test("what-if: managers get measured figures (null without data); agents SP403", async () => {
  const t = await team();
  const base = await rpc(t.manager, "scenario_baseline", { p_window_days: 30 });
  assert.equal(base.status, 200, JSON.stringify(base.body));
  assert.deepEqual([base.body.figures.conversion_rate.value, base.body.figures.conversion_rate.n], [null, 0]);
  assert.equal(base.body.levers.script_adherence.status, "insufficient_data");
  const p = await rpc(t.manager, "scenario_projection", {
    p_inputs: { agents: 3, calls_per_agent_per_day: 10, working_days_per_month: 20, conversion_rate: 0.1, average_deal_value: 2000 },
  });
  assert.equal(Number(p.body.revenue.month), 120000);
  const saved = await api(t.manager, "POST", "what_if_scenarios", { org_id: t.org, name: "Base", inputs: p.body.inputs }, "return=representation");
  assert.equal(saved.status, 201, JSON.stringify(saved.body));
  const cmp = await rpc(t.manager, "scenario_compare", { p_ids: [saved.body[0].id] });
  assert.equal(Number(cmp.body[0].projection.revenue.month), 120000);
  const agent = await rpc(t.agent, "scenario_baseline", {});
  assert.equal(agent.body.code, "SP403");
  const ent = await rpc(t.agent, "org_entitlements", { p_org_id: t.org });
  assert.equal(ent.status, 200);
  assert.ok(Array.isArray(ent.body.features), "the SPA's feature flags come from org_entitlements");
});

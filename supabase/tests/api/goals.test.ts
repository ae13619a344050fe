// Goals through the gateway with real sign-ins: a manager sets monthly goals
// for an agent, a call is posted through the signed Twilio webhook and
// analyzed, and the agent's goals move; a removed member reads nothing.
import assert from "node:assert/strict";
import { api, type Json, postCall, rpc, team } from "./sales_fixture.ts";

Deno.test("goals move when a call is posted through the signed webhook and analyzed", async () => {
  const t = await team();
  const today = new Date().toISOString().slice(0, 10);
  const ids: Record<string, string> = {};
  for (const metric of ["conversions", "analyzed_calls", "calls_handled"]) {
    const goal = await api(t.manager, "POST", "goals", {
      org_id: t.org, name: `Ann: ${metric} this month`, metric, scope: "member", agent_id: t.agentId,
      target: 3, period: "month", period_start: today,
    }, "return=representation");
    assert.equal(goal.status, 201, JSON.stringify(goal.body));
    ids[metric] = goal.body[0].id;
  }

  const refused = await api(t.agent, "POST", "goals", {
    org_id: t.org, name: "mine", metric: "conversions", scope: "organization", target: 1, period: "month", period_start: today,
  });
  assert.equal(refused.status, 403, "agents do not set goals");

  const actuals = async () => {
    const r = await rpc(t.agent, "goal_progress");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return Object.fromEntries(Object.entries(ids).map(([m, id]) => [m, Number(r.body.find((g: Json) => g.goal_id === id)?.actual)]));
  };
  assert.deepEqual(await actuals(), { conversions: 0, analyzed_calls: 0, calls_handled: 0 }, "the agent sees her goals at 0");

  const call = await postCall(t.e164);
  assert.equal(call.status, "analyzed", call.error);
  // The customer says yes to the panels and the battery: a conversion, with its evidence quote kept.
  assert.equal(call.converted, true, "the analysis found the conversion");
  assert.deepEqual(await actuals(), { conversions: 1, analyzed_calls: 1, calls_handled: 1 },
    "the analyzed call counts toward her goals");
  const summary = await rpc(t.manager, "goal_summary", { p_limit: 3 });
  assert.equal(summary.body.total, 3);
  assert.equal(summary.body.goals.length, 3, "the dashboard widget lists them");

  // A removed member reads nothing, at once.
  const removed = await rpc(t.manager, "remove_member", { p_org_id: t.org, p_user_id: t.agentUserId });
  assert.equal(removed.status, 204, JSON.stringify(removed.body));
  assert.deepEqual((await rpc(t.agent, "goal_progress")).body, []);
  assert.deepEqual((await api(t.agent, "GET", `goals?org_id=eq.${t.org}`)).body, []);
  assert.deepEqual((await rpc(t.agent, "list_activities")).body, []);
});

// Referrals through the gateway: duplicates refused, valid steps only, each step an activity.
import assert from "node:assert/strict";
import { type Json, rpc, team } from "./sales_fixture.ts";

Deno.test("referrals: duplicates are refused, steps follow the path and are activities", async () => {
  const t = await team();
  const made = await rpc(t.agent, "submit_referral", {
    p_org_id: t.org, p_referrer_kind: "customer", p_referrer_name: "Carla", p_referred_name: "Pat Prospect",
    p_referred_phone: "+1 (628) 555-0101", p_referred_email: "pat@example.com",
  });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  const dup = await rpc(t.manager, "submit_referral", {
    p_org_id: t.org, p_referrer_kind: "partner", p_referrer_name: "Paul", p_referred_name: "Patricia", p_referred_email: "PAT@example.com",
  });
  assert.equal(dup.body.code, "SP409", JSON.stringify(dup.body));
  const jump = await rpc(t.agent, "set_referral_status", { p_referral_id: made.body, p_status: "won" });
  assert.equal(jump.body.code, "SP422");
  for (const s of ["contacted", "qualified"]) {
    assert.equal((await rpc(t.agent, "set_referral_status", { p_referral_id: made.body, p_status: s })).status, 200);
  }
  const won = await rpc(t.agent, "set_referral_status", { p_referral_id: made.body, p_status: "won", p_deal_value: 9000 });
  assert.equal(won.body.status, "won");
  assert.ok(won.body.won_at);
  const steps = await rpc(t.manager, "list_activities", { p_type: "referral" });
  assert.deepEqual(steps.body.map((a: Json) => a.metadata.to_status).sort(), ["contacted", "qualified", "submitted", "won"]);
  const list = await rpc(t.manager, "list_referrals", {});
  assert.equal(list.body[0].status_counts.won, 1);
});

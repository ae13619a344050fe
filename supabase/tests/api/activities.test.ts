// Activities through the gateway: agents log, edit and delete only their own manual entries.
import assert from "node:assert/strict";
import { api, type Json, rpc, team } from "./sales_fixture.ts";

Deno.test("activities: agents log their own, edit only their own manual entries", async () => {
  const t = await team();
  const logged = await api(t.agent, "POST", "activities", {
    org_id: t.org, type: "meeting", outcome: "completed", contact: "Pat Prospect", title: "Site visit",
    occurred_at: new Date(Date.now() - 3_600_000).toISOString(),
  }, "return=representation");
  assert.equal(logged.status, 201, JSON.stringify(logged.body));
  const id = logged.body[0].id;
  assert.equal(logged.body[0].user_id, t.agentUserId, "logged as herself");

  const tooLong = await api(t.agent, "POST", "activities", { org_id: t.org, type: "note", notes: "x".repeat(4001) });
  assert.equal(tooLong.status, 400);
  assert.equal(tooLong.body.code, "SP400");

  // The manager reads it in the log but cannot edit it (0 rows changed).
  const log = await rpc(t.manager, "list_activities", { p_type: "meeting" });
  assert.deepEqual(log.body.map((a: Json) => [a.id, a.can_edit]), [[id, false]]);
  const edit = await api(t.manager, "PATCH", `activities?id=eq.${id}`, { title: "hijacked" }, "return=representation");
  assert.deepEqual(edit.body, []);
  const own = await api(t.agent, "PATCH", `activities?id=eq.${id}`, { title: "Site visit (moved)" }, "return=representation");
  assert.equal(own.body[0].title, "Site visit (moved)");
  const del = await api(t.agent, "DELETE", `activities?id=eq.${id}`, undefined, "return=representation");
  assert.equal(del.body.length, 1, "and deletes her own");
});

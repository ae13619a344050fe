// The supervisor restarts a service that dies.
import assert from "node:assert/strict";
import { join } from "node:path";
import { instance, type InstanceName } from "../config.ts";
import { ANON_KEY, API_URL, poll } from "./helpers.ts";

Deno.test("a killed PostgREST is restarted by the supervisor", async () => {
  const inst = instance((Deno.env.get("SALESPULSE_INSTANCE") ?? "test") as InstanceName);
  const stateFile = join(inst.runDir, "state.json");
  const before = JSON.parse(Deno.readTextFileSync(stateFile)).services.postgrest;
  assert.ok(before.pid, "postgrest has a pid");
  Deno.kill(before.pid, "SIGKILL");
  const after = await poll("a new postgrest process", async () => {
    const s = JSON.parse(Deno.readTextFileSync(stateFile)).services.postgrest;
    return s.pid && s.pid !== before.pid ? s : null;
  }, 15_000);
  assert.equal(after.restarts, before.restarts + 1);
  await poll("PostgREST to answer again", async () => {
    const r = await fetch(`${API_URL}/rest/v1/`, { headers: { apikey: ANON_KEY } }).catch(() => null);
    await r?.body?.cancel();
    return r?.status === 200;
  }, 20_000);
});

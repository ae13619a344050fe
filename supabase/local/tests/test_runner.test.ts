// The runner counts what pg_prove reports honestly: TODO and SKIP lines are
// reported as skipped, never as passed.
import assert from "node:assert/strict";
import { countTap } from "../test_runner.ts";

Deno.test("countTap: ok passes, not ok fails, TODO and SKIP (passing or failing) are skipped", () => {
  const out = [
    "ok 1 - a",
    "not ok 2 - b",
    "not ok 3 - c # TODO not yet",
    "ok 4 - d # TODO unexpectedly passing",
    "ok 5 # SKIP no pg_net here",
    "    ok 6 - indented subtest",
    "# Failed test 2",
  ].join("\n");
  assert.deepEqual(countTap(out), { passed: 2, failed: 1, skipped: 3 });
});

// @vitest-environment node
/// <reference types="node" />
// The import-boundary check that `npm test` runs as its "boundaries" suite
// (web/eslint.config.js): each kind of violation fails it, and the allowed
// directions pass. The fixtures are linted as if they were files of the tree.
import { ESLint } from "eslint";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const web = fileURLToPath(new URL("..", import.meta.url));
const eslint = new ESLint({ cwd: web, overrideConfigFile: `${web}eslint.config.js` });

/** The boundary violations ESLint reports for `code` placed at `file` (relative to web/). */
async function violations(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${web}${file}` });
  expect(result.messages.filter((m) => m.fatal)).toEqual([]);
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe("import boundaries", () => {
  it("fail a feature that imports app/", async () => {
    const found = await violations("src/features/calls/Fixture.tsx", 'import { App } from "../../app/App";\nexport const x = App;\n');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^import\/no-restricted-paths: .*Features don't import app\//);
  });

  it("fail a feature that imports another feature, type-only imports too", async () => {
    const found = await violations("src/features/calls/components/Fixture.tsx", [
      'import { useDashboardFilters } from "../../dashboard/filters";',
      'import type { Invitation } from "../../tenancy/api/getInvitations";',
      "export const x: Invitation | null = null, y = useDashboardFilters;",
    ].join("\n"));
    expect(found).toHaveLength(2);
    for (const f of found) expect(f).toMatch(/A feature imports no other feature/);
  });

  it("fail shared code that imports a feature or app/", async () => {
    for (const [file, from] of [
      ["src/components/Fixture.tsx", "../features/calls/filters"],
      ["src/lib/queries/Fixture.ts", "../../features/agents/phone"],
      ["src/testing/Fixture.tsx", "../app/App"],
    ]) {
      const found = await violations(file, `import * as m from "${from}";\nexport { m };\n`);
      expect(found, `${file} → ${from}`).toEqual([expect.stringMatching(/Shared code imports no feature and not app\//)]);
    }
  });

  it("pass app/ → features → shared, and a feature's own files", async () => {
    expect(await violations("src/app/Fixture.tsx", 'import { CallsPage } from "../features/calls/components/CallsPage";\nexport { CallsPage };\n')).toEqual([]);
    expect(await violations("src/features/calls/components/Fixture.tsx", [
      'import { useOrg } from "../../../lib/session";',
      'import { Link } from "../../../lib/router";',
      'import { AgentFilter } from "../../../components/AgentFilter";',
      'import { parseSnippet } from "../format";',
      "export { AgentFilter, Link, parseSnippet, useOrg };",
    ].join("\n"))).toEqual([]);
  });

  it("fail a use of supabase-js's Realtime or Storage, which the SPA's build leaves out", async () => {
    const found = await violations("src/features/calls/api/Fixture.ts", [
      'import { supabase } from "../../../lib/supabase";',
      'export const a = supabase.channel("calls");',
      'export const b = supabase.storage.from("recordings");',
      "export const c = supabase.removeAllChannels();",
    ].join("\n"));
    expect(found).toHaveLength(3);
    for (const f of found) expect(f).toMatch(/^no-restricted-properties: .*neither Realtime nor Storage/);
  });
});

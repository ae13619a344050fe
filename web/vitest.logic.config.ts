// The web's logic tests only (pure functions, node environment): what
// StrykerJS runs per mutant (web/stryker.config.mjs). `npm test`'s Vitest suite
// runs them too, with the screen tests (web/vite.config.ts).
import { defineConfig } from "vitest/config";

const LOGIC_TESTS = [
  "src/lib/errors.test.ts",
  "src/lib/format.test.ts",
  "src/features/agents/phone.test.ts",
  "src/features/dashboard/format.test.ts",
  "src/features/calls/format.test.ts",
];

export default defineConfig({
  test: { root: "web", environment: "node", include: LOGIC_TESTS },
});

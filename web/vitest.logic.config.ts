// The web's logic tests (every `*.test.ts` under lib/ and features/: pure
// functions, and lib/functions and lib/sentry against local HTTP servers; node
// environment): what StrykerJS runs per mutant (web/stryker.config.mjs).
// `npm test`'s Vitest suite runs them too, with the screen tests (web/vite.config.ts).
import { defineConfig } from "vitest/config";
import spa, { sdkInline } from "./vite.config.ts";

export default defineConfig({
  // The SPA's module aliases (supabase-js's unused Realtime and Storage), so these tests run the build's code.
  resolve: spa.resolve,
  test: {
    root: "web",
    environment: "node",
    include: ["src/lib/**/*.test.ts", "src/features/**/*.test.ts"],
    server: { deps: { inline: sdkInline } },
  },
});

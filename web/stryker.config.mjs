// StrykerJS over all of the web's lib/ (session and router included) and every
// feature's non-component modules (`.ts`: formats, filters, validation, the
// fetchers and mutations of each feature's api/), judged by the logic tests
// (web/vitest.logic.config.ts). Left out: test files, the generated database
// types (outside web/), the features' React components (`.tsx`, judged by the
// screen tests and Playwright: jsdom screen tests per mutant would take hours
// on a 2-core machine) and web/src/features/voice (its audio and socket code
// needs a browser; it is being reworked). Run by `npm run mutate`
// (supabase/local/mutate.ts) with the test stack up; the score is in the README.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "web/vitest.logic.config.ts", related: false },
  mutate: [
    "web/src/lib/**/*.{ts,tsx}",
    "web/src/features/**/*.ts",
    "!web/src/**/*.test.{ts,tsx}",
    "!web/src/features/voice/**",
  ],
  ignorePatterns: ["/.local", "/supabase", "/web/dist", "/web/e2e", "/.stryker-tmp"],
  tempDirName: ".stryker-tmp",
  coverageAnalysis: "perTest",
  // Static mutants (module-level constants, evaluated once at import) need
  // every test re-run each: 9 % of the mutants, 93 % of the time. Ignored
  // (counted apart in the report, not in the score).
  ignoreStatic: true,
  incremental: true,
  incrementalFile: ".local/mutate/stryker-incremental.json",
  concurrency: 2,
  timeoutMS: 20000,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: ".local/mutate/stryker.json" },
  cleanTempDir: "always",
};

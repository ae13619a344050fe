// StrykerJS over the web's logic: lib's pure modules (error messages,
// formats, coercion) and the features' logic modules (phone numbers, the
// dashboard's and the call list's formats), judged by their unit tests
// (web/vitest.logic.config.ts, node environment: a second per mutant; the
// jsdom screen tests would take hours here). Run by `npm run mutate`
// (supabase/local/mutate.ts), which also applies the hand-picked mutations to
// SQL and Edge Functions; the score is in the README.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "web/vitest.logic.config.ts", related: false },
  mutate: [
    "web/src/lib/{errors,format,coerce}.ts",
    "web/src/features/agents/phone.ts",
    "web/src/features/dashboard/format.ts",
    "web/src/features/calls/format.ts",
  ],
  ignorePatterns: ["/.local", "/supabase", "/web/dist", "/web/e2e", "/.stryker-tmp"],
  tempDirName: ".stryker-tmp",
  coverageAnalysis: "perTest",
  concurrency: 2,
  timeoutMS: 20000,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: ".local/mutate/stryker.json" },
  cleanTempDir: "always",
};

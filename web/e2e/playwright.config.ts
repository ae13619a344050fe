// Playwright end-to-end suite: Debian's Chromium (never a downloaded
// browser) against the SPA built for the test stack and served by
// `vite preview`. Started by supabase/local/test_runner.ts, which brings the
// test stack up and sets the env below; each spec arranges its own tenant.
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_WEB_PORT ?? 55173);

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.spec\.ts/,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["junit", { outputFile: process.env.E2E_JUNIT ?? "../../.local/test/reports/playwright.xml" }]],
  outputDir: "../../.local/test/playwright-results",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
      ],
    },
  },
  webServer: {
    command: `node ../../node_modules/vite/bin/vite.js preview --config ../vite.config.ts --outDir ${process.env.E2E_DIST ?? "../../.local/test/web"} --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});

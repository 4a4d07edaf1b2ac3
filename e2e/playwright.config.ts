// Playwright for the web app against a real cluster (Redis, ZooKeeper, route, two gateways) in Debian's Chromium.
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";

/** Read by scripts/summary.mjs for the closing "N passed, N failed" line of npm test. */
const JSON_REPORT = fileURLToPath(new URL("../.run/playwright.json", import.meta.url));
/** Debian's Chromium; Playwright's own browser downloads are never used. */
const CHROMIUM = process.env.CIM_CHROMIUM ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  globalSetup: "./global-setup.ts",
  forbidOnly: !!process.env.CI,
  retries: 0,
  /**
   * One worker unless CIM_E2E_WORKERS says more. Each worker has its own cluster, and the specs share nothing
   * else, so two run side by side; but with two, tests timed out when other jobs loaded the machine (load average
   * 14-38 on 2 cores), so two are not the default until three runs in a row on a quiet machine are green.
   */
  workers: Number(process.env.CIM_E2E_WORKERS ?? 1),
  fullyParallel: false,
  timeout: 120_000,
  /** The whole e2e run takes ~14 min on a quiet 2-core machine: leave room for a slower CI machine. */
  globalTimeout: 25 * 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: JSON_REPORT }]],
  use: {
    browserName: "chromium",
    headless: true,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    viewport: { width: 1200, height: 760 },
    launchOptions: {
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
    },
  },
});

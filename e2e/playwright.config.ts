// Playwright for the web app against a real cluster (Redis, ZooKeeper, route, two gateways) in Debian's Chromium.
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";

/** Read by scripts/summary.mjs for the closing "N passed, N failed" line of npm test. */
const JSON_REPORT = fileURLToPath(new URL("../.run/playwright.json", import.meta.url));
/** Debian's Chromium; Playwright's own browser downloads are never used. */
const CHROMIUM = process.env.CIM_CHROMIUM ?? "/usr/bin/chromium";
/** Workers of the "chat" lane. */
const CHAT_WORKERS = Number(process.env.CIM_E2E_WORKERS ?? 1);
/**
 * Specs that mostly wait on the product's clocks (token lifetimes, ZooKeeper session expiry, route's slow-call and
 * retry timers, reconnect delays): they run in a lane of their own beside the others. The lane also takes specs
 * of the chat lane that wait more than they draw (other devices signed out, presence going offline, held route
 * answers, the dashboard's polls), so that the two lanes take about as long: in CI the chat lane took 633 s and
 * this one 271 s, and the e2e run lasts as long as its longer lane. (Moved here once before, they were moved back
 * when history.spec's scroll check failed beside them: that check read the message's place while the load it
 * waited for raced it, and now holds the load until it has read it.)
 */
const TIMERS = [
  "**/token-expiry.spec.ts", "**/quiet-offline.spec.ts", "**/failover.spec.ts", "**/offline-shell.spec.ts", "**/resilience.spec.ts",
  "**/account.spec.ts", "**/admin.spec.ts", "**/devices.spec.ts", "**/newcomer.spec.ts", "**/presence.spec.ts", "**/privacy.spec.ts",
];

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  globalSetup: "./global-setup.ts",
  forbidOnly: !!process.env.CI,
  /**
   * A failed test runs once more before it counts as failed (its first attempt's trace is kept): the specs drive a
   * browser against real servers on a 2-core machine, where a stall of another job now and then outlasts a wait. A
   * test passed only on its retry is "flaky" in the report and named on npm test's closing lines (scripts/summary.mjs),
   * to be fixed like a failure.
   */
  retries: 1,
  /**
   * Two lanes. "chat": every spec but the timer ones, on one worker unless CIM_E2E_WORKERS says more (each worker
   * has its own cluster; with two, tests timed out when other jobs loaded the machine, load average 14-38 on 2
   * cores, and on a quiet machine they were slower: the lane is CPU bound). "timers": specs that mostly wait for
   * the product's clocks (TIMERS; token-expiry alone is a minute of 30 s tokens) on a cluster of their own, beside
   * the chat lane, whose CPU they hardly take.
   */
  workers: CHAT_WORKERS + 1,
  projects: [
    { name: "chat", testIgnore: TIMERS, workers: CHAT_WORKERS },
    { name: "timers", testMatch: TIMERS, workers: 1 },
  ],
  fullyParallel: false,
  timeout: 120_000,
  /** The whole e2e run took 12.9 min on a 2-core machine shared with other jobs (14.1 with one lane): leave room for a slower CI machine. */
  globalTimeout: 25 * 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: JSON_REPORT }]],
  use: {
    browserName: "chromium",
    headless: true,
    /**
     * A failed test's trace keeps its actions and a DOM snapshot at each (and its final screenshot, below), not the
     * screencast's film strip: recorded for every test, passed or not, it cost about a fifth of the CPU of a test's
     * setup (six empty tests of the pair fixture: 38-43 s of CPU without it, 44-56 s with it; the chat lane is CPU bound).
     */
    trace: { mode: "retain-on-failure", screenshots: false },
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
